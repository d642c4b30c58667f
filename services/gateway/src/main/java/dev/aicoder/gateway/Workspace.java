package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A team's workspace: a folder on the gateway's volume named by its id. */
@RegisterForReflection
public record Workspace(String id, String name, String teamId, long createdAtMs) {}

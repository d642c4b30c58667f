package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A team: its members share its workspaces. */
@RegisterForReflection
public record Team(String id, String name, long createdAtMs) {}

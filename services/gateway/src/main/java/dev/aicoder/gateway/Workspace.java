package dev.aicoder.gateway;

/** A team's workspace: a folder on the gateway's volume named by its id. */
public record Workspace(String id, String name, String teamId, long createdAtMs) {}

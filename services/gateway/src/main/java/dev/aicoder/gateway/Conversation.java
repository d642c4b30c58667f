package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A conversation as listed to its owner or team.
 *
 * @param team the team it is shared with, or null
 */
@RegisterForReflection
public record Conversation(
    String id, String title, String owner, String team, long createdAt, long updatedAt) {}

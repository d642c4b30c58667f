package dev.aicoder.gateway;

/** A team: its members share its workspaces. */
public record Team(String id, String name, long createdAtMs) {}

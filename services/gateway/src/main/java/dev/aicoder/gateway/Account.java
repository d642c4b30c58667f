package dev.aicoder.gateway;

/** A user of AI-Coder; {@code role} is {@code admin} or {@code member}. */
public record Account(String username, String role, long createdAtMs) {}

package dev.aicoder.ai.client;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One workspace file as the gateway's context route answers it: its text (none for a binary file),
 * cut at the characters asked for when {@code truncated}.
 */
@RegisterForReflection
public record ContextFile(String path, String text, boolean truncated, boolean binary) {}

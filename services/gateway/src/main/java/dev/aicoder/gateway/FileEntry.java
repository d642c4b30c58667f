package dev.aicoder.gateway;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One entry of a workspace folder.
 *
 * @param type {@code dir}, {@code file} or {@code symlink} (a link whose target is not shown)
 * @param modified epoch milliseconds
 */
@RegisterForReflection
public record FileEntry(String name, String path, String type, long size, long modified) {}

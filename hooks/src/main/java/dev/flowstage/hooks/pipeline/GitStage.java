package dev.flowstage.hooks.pipeline;

/**
 * An external repository stage (SPEC §6): the snapshot is written as {@code filename} on {@code branch}
 * and read back from {@code pullBranch}. Nullable: pullBranch, filename.
 */
public record GitStage(String integration, String url, String branch, String pullBranch, String filename) {}

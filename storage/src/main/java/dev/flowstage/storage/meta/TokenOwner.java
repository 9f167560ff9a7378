package dev.flowstage.storage.meta;

/** The result of looking a token hash up: a user's personal access token, or a device's token ({@code token} null). */
public record TokenOwner(KeyOwner owner, AccessToken token) {}

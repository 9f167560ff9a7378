package dev.flowstage.server.testing;

import java.nio.file.Path;

/** A user made for a test: password, a personal access token and an SSH key pair on disk. */
public record TestUser(String name, String password, String token, Path sshKey) {}

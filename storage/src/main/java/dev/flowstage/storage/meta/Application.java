package dev.flowstage.storage.meta;

import java.time.Instant;

/** A grouping of a team's instances, devices, groups and pipelines. */
public record Application(String name, String description, Instant createdAt) {}

package dev.flowstage.hooks.events;

import java.time.Instant;

/**
 * The outcome of delivering one event to one webhook: {@code statusCode} of the last answer (null when
 * none came), {@code attempts} made, {@code error} of the last failed attempt (null on success) and
 * {@code durationMillis} spent in requests (waits between retries not counted).
 */
public record WebhookDelivery(String id, String webhook, String event, String target, boolean succeeded,
                              Integer statusCode, int attempts, String error, long durationMillis, Instant time) {}

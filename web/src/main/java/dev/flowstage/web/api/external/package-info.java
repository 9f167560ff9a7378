/**
 * The REST side of external Git: team secrets, Git integrations, and each instance's upstream sync
 * (configuration, pause/resume/sync, the push webhook, the status with its dependency plan).
 */
package dev.flowstage.web.api.external;

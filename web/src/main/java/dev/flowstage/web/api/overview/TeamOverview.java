package dev.flowstage.web.api.overview;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.web.api.targets.TargetView;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /teams/{team}/overview}: the team's applications and every target with its current commit
 * and state in one answer, so a page listing them makes one call rather than one per target.
 */
public record TeamOverview(List<Application> applications, List<Item> targets) {
    /** An application. */
    public record Application(String name, String description) {}

    /** A target's fields as elsewhere in the API, its {@code main} commit (null before the first) and its state. */
    public record Item(@JsonUnwrapped TargetView target, Commit commit, Status status) {}

    /** A commit as the overview shows it: the subject is the message's first line. */
    public record Commit(String id, String subject, String author, Instant date) {}

    /**
     * {@code state}: deployed, pending, error, offline or none (see {@link TargetState}); {@code message} why,
     * when there is one; {@code lastSeen} when the device last reported or the instance's Node-RED was last
     * deployed to or read; {@code activeCommit} what a device last reported running; {@code summary} a group's
     * devices.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String state, String message, Instant lastSeen, String activeCommit,
                         DeviceFleet.GroupSummary summary) {}
}

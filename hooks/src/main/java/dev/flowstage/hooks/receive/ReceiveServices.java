package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.review.ReviewStore;
import java.util.Objects;

/**
 * What the receive hooks of every push share, built once at start-up: the snapshot check with its cache,
 * the review store that {@code refs/for/main} pushes open reviews in, who hears of {@code main} moving,
 * and the check of pushed team configurations.
 */
public record ReceiveServices(SnapshotCheck snapshots, ReviewStore reviews, MainMovedListener mainMoved,
                              ConfigPush config) {
    public ReceiveServices {
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(reviews, "reviews");
        Objects.requireNonNull(mainMoved, "mainMoved");
    }

    /** Without a configuration check: pushes to a team's {@code _config.git} are then refused. */
    public ReceiveServices(SnapshotCheck snapshots, ReviewStore reviews, MainMovedListener mainMoved) {
        this(snapshots, reviews, mainMoved, null);
    }
}

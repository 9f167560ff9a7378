package dev.flowstage.hooks.upstream;

import java.time.Instant;

/**
 * The persisted part of an instance's sync status: state, the error reason (null unless in error), the last
 * remote revision attempted and the last applied (with the local commit that applied it), an open review
 * waiting for a remote revision (protected instances), the remote head's commit details, times, and the
 * count of consecutive failures behind the backoff.
 */
public record UpstreamStatus(UpstreamState state, String error, String lastAttempted, String lastApplied,
                             String appliedAs, Long pendingReview, String pendingRemote, RemoteCommit remote,
                             Instant lastSyncAt, Instant nextSyncAt, int failures) {
    /** The remote head commit as last fetched: hash, author, date, first line of the message. */
    public record RemoteCommit(String hash, String author, Instant date, String message) {}

    public static UpstreamStatus initial() {
        return new UpstreamStatus(UpstreamState.PAUSED, null, null, null, null, null, null, null, null, null, 0);
    }

    public UpstreamStatus withState(UpstreamState s, String err) {
        return new UpstreamStatus(s, err, lastAttempted, lastApplied, appliedAs, pendingReview, pendingRemote, remote,
                lastSyncAt, nextSyncAt, failures);
    }

    public UpstreamStatus attempted(String remoteSha, Instant at) {
        return new UpstreamStatus(state, error, remoteSha, lastApplied, appliedAs, pendingReview, pendingRemote, remote,
                at, nextSyncAt, failures);
    }

    public UpstreamStatus applied(String remoteSha, String localSha) {
        return new UpstreamStatus(state, error, lastAttempted, remoteSha, localSha, null, null, remote, lastSyncAt,
                nextSyncAt, failures);
    }

    public UpstreamStatus pending(long reviewId, String remoteSha) {
        return new UpstreamStatus(state, error, lastAttempted, lastApplied, appliedAs, reviewId, remoteSha, remote,
                lastSyncAt, nextSyncAt, failures);
    }

    public UpstreamStatus withRemote(RemoteCommit c) {
        return new UpstreamStatus(state, error, lastAttempted, lastApplied, appliedAs, pendingReview, pendingRemote, c,
                lastSyncAt, nextSyncAt, failures);
    }

    public UpstreamStatus scheduled(Instant next, int failureCount) {
        return new UpstreamStatus(state, error, lastAttempted, lastApplied, appliedAs, pendingReview, pendingRemote,
                remote, lastSyncAt, next, failureCount);
    }
}

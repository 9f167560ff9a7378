/**
 * Pull-mode sync: an instance following a branch of an external repository. The configuration lives in
 * the team's {@code _config.git} ({@code upstream/INSTANCE.json}), the status of each instance on
 * {@code refs/meta/upstream} beside it; a bounded worker pool serves every instance, one ref advertisement
 * per idle sync; a push webhook from the remote syncs at once.
 */
package dev.flowstage.hooks.upstream;

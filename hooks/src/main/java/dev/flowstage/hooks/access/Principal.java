package dev.flowstage.hooks.access;

/** Who is making a request: a user (by password, token or SSH key) or a device (by its token or key). */
public sealed interface Principal permits UserPrincipal, DevicePrincipal {
    /** The name to show in logs, commit trailers and events ("alice", "device:team/pi-1"). */
    String displayName();
}

/**
 * The server's side of external Git repositories, as a client: JGit transports over HTTPS (token per
 * provider, a per-connection CA) and SSH (key and passphrase from secrets, a pinned host key), every
 * connection to an address checked by the outbound policy; errors turned into reasons a user can act on;
 * and reading a snapshot (a FlowFuse snapshot file or a Node-RED Project layout) from a fetched tree.
 */
package dev.flowstage.hooks.remote;

package dev.flowstage.server.ssh;

import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Makes sure MINA SSHD does ed25519 through Bouncy Castle (its BC registrar) — the only ed25519
 * provider on the class path; net.i2p eddsa is deliberately absent.
 */
final class SshSecurity {
    private SshSecurity() {
    }

    static void requireEd25519() {
        if (!SecurityUtils.isBouncyCastleRegistered() || !SecurityUtils.isEDDSACurveSupported()) {
            throw new IllegalStateException("MINA SSHD found no ed25519 support: Bouncy Castle (bcprov) must be "
                    + "on the class path and not disabled by org.apache.sshd.security.registrars");
        }
    }
}

package dev.flowstage.server.wiring;

import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.web.api.PublicUrls;

/**
 * The ports the listeners actually bound (ephemeral ones are only known after start), and the
 * public URL bases derived from them.
 */
public final class BoundPorts {
    private final String publicHost;
    private volatile int http;
    private volatile int https;
    private volatile int ssh;

    public BoundPorts(ServerConfig config) {
        this.publicHost = config.publicHost();
    }

    public void set(int http, int https, int ssh) {
        this.http = http;
        this.https = https;
        this.ssh = ssh;
    }

    /** HTTPS when it is on (the documented clone URL), else HTTP; SSH as {@code ssh://git@HOST:PORT}. */
    public PublicUrls urls() {
        String host = publicHost.contains(":") ? "[" + publicHost + "]" : publicHost;
        String git = https > 0 ? "https://" + host + ":" + https : "http://" + host + ":" + http;
        String sshBase = "ssh://git@" + host + ":" + (ssh > 0 ? ssh : 0);
        return new PublicUrls(git, sshBase);
    }
}

package dev.flowstage.server.wiring;

import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.web.api.PublicUrls;
import java.util.function.IntSupplier;

/**
 * The ports the listeners actually bound (ephemeral ones are only known after start), and the
 * public URL bases derived from them.
 */
public final class BoundPorts {
    private final String publicHost;
    private volatile IntSupplier http = () -> 0;
    private volatile IntSupplier https = () -> 0;
    private volatile IntSupplier ssh = () -> 0;

    public BoundPorts(ServerConfig config) {
        this.publicHost = config.publicHost();
    }

    /** Read from the listeners on each use: a request served during start-up already sees the bound ports. */
    public void from(IntSupplier http, IntSupplier https, IntSupplier ssh) {
        this.http = http;
        this.https = https;
        this.ssh = ssh;
    }

    /** HTTPS when it is on (the documented clone URL), else HTTP; SSH as {@code ssh://git@HOST:PORT}. */
    public PublicUrls urls() {
        String host = publicHost.contains(":") ? "[" + publicHost + "]" : publicHost;
        int http = this.http.getAsInt();
        int https = this.https.getAsInt();
        int ssh = this.ssh.getAsInt();
        String git = https > 0 ? "https://" + host + ":" + https : "http://" + host + ":" + http;
        String sshBase = "ssh://git@" + host + ":" + (ssh > 0 ? ssh : 0);
        return new PublicUrls(git, sshBase);
    }
}

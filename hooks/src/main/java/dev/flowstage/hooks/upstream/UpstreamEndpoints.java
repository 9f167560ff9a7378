package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.hooks.remote.HttpsCredentials;
import dev.flowstage.hooks.remote.RemoteEndpoint;
import dev.flowstage.hooks.remote.RemoteFailure;
import dev.flowstage.hooks.remote.RemoteProtocol;
import dev.flowstage.hooks.remote.RemoteUrl;
import dev.flowstage.hooks.remote.SshCredentials;
import dev.flowstage.hooks.secrets.GitIntegration;
import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.storage.meta.MetaInvalidException;
import java.time.Duration;
import java.util.Objects;

/** Turns an upstream configuration into the endpoint to connect to, opening the secrets it refers to. */
public final class UpstreamEndpoints {
    private final TeamSecrets secrets;
    private final GitIntegrations integrations;
    private final AddressPolicy policy;
    private final Duration timeout;

    /** @param timeout the limit on each network step (connect, each read) of a sync */
    public UpstreamEndpoints(TeamSecrets secrets, GitIntegrations integrations, AddressPolicy policy, Duration timeout) {
        this.secrets = Objects.requireNonNull(secrets);
        this.integrations = Objects.requireNonNull(integrations);
        this.policy = Objects.requireNonNull(policy);
        this.timeout = Objects.requireNonNull(timeout);
    }

    /** @throws RemoteFailure CONFIGURATION naming what is missing (a deleted secret or integration) */
    public RemoteEndpoint of(String team, UpstreamConfig c) throws RemoteFailure {
        try {
            HttpsCredentials https = null;
            SshCredentials ssh = null;
            CaCertificate ca = c.caCert() == null ? null : CaCertificate.parse("caCert", c.caCert());
            UpstreamConfig.Auth a = c.auth();
            if (c.protocol() == RemoteProtocol.HTTPS) {
                if (c.integration() != null) {
                    GitIntegration g = integrations.get(team, c.integration()).orElseThrow(() -> new MetaInvalidException(
                            "'integration' refers to integration '" + c.integration() + "', which does not exist"));
                    https = HttpsCredentials.forProvider(g.provider(), g.username(), integrations.token(g));
                    ca = ca != null ? ca : g.ca();
                } else if (a != null && a.password() != null) {
                    String user = a.username() == null ? "git" : secrets.resolve(team, "auth.username", a.username());
                    https = new HttpsCredentials(user, secrets.resolve(team, "auth.password", a.password()));
                }
            } else {
                ssh = new SshCredentials(secrets.resolve(team, "auth.key", a == null ? null : a.key()),
                        a == null || a.passphrase() == null ? null : secrets.resolve(team, "auth.passphrase", a.passphrase()),
                        c.knownHosts());
            }
            return new RemoteEndpoint(RemoteUrl.parse(c.url(), c.protocol(), policy), c.protocol(), https, ssh, ca, timeout);
        } catch (MetaInvalidException e) {
            throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, e.getMessage());
        }
    }
}

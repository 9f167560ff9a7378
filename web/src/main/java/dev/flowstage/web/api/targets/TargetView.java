package dev.flowstage.web.api.targets;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.web.api.PublicUrls;
import java.time.Instant;

/**
 * A target as the API shows it. Secrets are never included: {@code credentialSecret} and
 * {@code nodeRed.token} only say whether one is set. {@code token} is the device token, present
 * only in the answer that created or regenerated it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetView(String kind, String name, String application,
                         @JsonProperty("protected") boolean protectedMain,
                         String gitUrl, String sshUrl, Instant createdAt,
                         NodeRedView nodeRed, Boolean credentialSecret,
                         String instance, String group, String token) {
    /** The Node-RED link: its URL and whether an Admin API token is stored. */
    public record NodeRedView(String url, boolean token) {}

    public static TargetView of(String team, Target t, PublicUrls urls) {
        return of(team, t, urls, null);
    }

    public static TargetView of(String team, Target t, PublicUrls urls, String deviceToken) {
        boolean instance = t.kind() == TargetKind.INSTANCE;
        NodeRedView nodeRed = t.nodeRed() == null ? null
                : new NodeRedView(t.nodeRed().url(), t.nodeRed().sealedToken() != null);
        return new TargetView(t.kind().json(), t.name(), t.application(), t.protectedMain(),
                urls.gitUrl(team, t.name()), urls.sshUrl(team, t.name()), t.createdAt(),
                nodeRed, instance ? t.sealedCredentialSecret() != null : null,
                t.instance(), t.group(), deviceToken);
    }
}

package dev.flowstage.web.api.targets;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.nodered.NodeRedUrl;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.Bodies;
import java.time.Instant;

/**
 * Reads the POST/PATCH bodies of instances, devices and groups (each kind its own strict shape) and
 * turns them into a {@link Target}, sealing secrets on the way in.
 */
final class TargetBodies {
    /** {@code nodeRed}: where the live Node-RED runs and its Admin API token. */
    record NodeRedBody(String url, String token) {}

    record InstanceBody(String name, String application, @JsonProperty("protected") Boolean protectedMain,
                        NodeRedBody nodeRed, String credentialSecret) {}

    /** {@code credentialSecret}: the device's Node-RED secret, so promotions into it re-encrypt credentials for it. */
    record DeviceBody(String name, String application, String instance, String group, String credentialSecret) {}

    /** {@code credentialSecret}: the one its member devices share, when promotions into the group should re-encrypt. */
    record GroupBody(String name, String application, String credentialSecret) {}

    private final ObjectMapper mapper;
    private final SecretBox secrets;

    private final AddressPolicy outbound;

    TargetBodies(ObjectMapper mapper, SecretBox secrets, AddressPolicy outbound) {
        this.outbound = outbound;
        this.mapper = mapper;
        this.secrets = secrets;
    }

    /** The target a POST body describes. */
    Target create(TargetKind kind, JsonNode body, Instant now) throws JsonProcessingException {
        return apply(kind, null, body, now);
    }

    /** {@code base} with a PATCH body's fields applied; absent fields keep their values, "" clears. */
    Target patch(Target base, JsonNode body) throws JsonProcessingException {
        return apply(base.kind(), base, body, base.createdAt());
    }

    private Target apply(TargetKind kind, Target base, JsonNode body, Instant createdAt) throws JsonProcessingException {
        if (body == null || body.isNull()) {
            throw Bodies.missingBody();
        }
        return switch (kind) {
            case INSTANCE -> instance(base, mapper.treeToValue(body, InstanceBody.class), createdAt);
            case DEVICE -> device(base, mapper.treeToValue(body, DeviceBody.class), createdAt);
            case GROUP -> group(base, mapper.treeToValue(body, GroupBody.class), createdAt);
        };
    }

    private Target instance(Target base, InstanceBody b, Instant createdAt) {
        String name = name(TargetKind.INSTANCE, base, b.name());
        boolean prot = b.protectedMain() != null ? b.protectedMain() : base != null && base.protectedMain();
        NodeRedLink nodeRed = b.nodeRed() != null ? nodeRed(b.nodeRed()) : base == null ? null : base.nodeRed();
        String secret = base == null ? null : base.sealedCredentialSecret();
        if (b.credentialSecret() != null) {
            secret = b.credentialSecret().isEmpty() ? null : secrets.seal(b.credentialSecret());
        }
        return new Target(TargetKind.INSTANCE, name, application(base, b.application()), prot, nodeRed, secret,
                null, null, createdAt);
    }

    private Target device(Target base, DeviceBody b, Instant createdAt) {
        String name = name(TargetKind.DEVICE, base, b.name());
        String instance = reference(b.instance(), base == null ? null : base.instance());
        String group = reference(b.group(), base == null ? null : base.group());
        // the agent decrypts flows_cred.json with it: a device without one gets one at creation
        String secret = credentialSecret(base, b.credentialSecret());
        if (secret == null) {
            secret = secrets.seal(Tokens.newCredentialSecret());
        }
        return new Target(TargetKind.DEVICE, name, application(base, b.application()), false, null, secret,
                instance, group, createdAt);
    }

    private Target group(Target base, GroupBody b, Instant createdAt) {
        return new Target(TargetKind.GROUP, name(TargetKind.GROUP, base, b.name()),
                application(base, b.application()), false, null, credentialSecret(base, b.credentialSecret()), null,
                null, createdAt);
    }

    /** The sealed secret: the given one ("" removes it), else the current one. */
    private String credentialSecret(Target base, String given) {
        if (given == null) {
            return base == null ? null : base.sealedCredentialSecret();
        }
        return given.isEmpty() ? null : secrets.seal(given);
    }

    /** Checks what a target refers to exists in the team: its application, a device's instance and group. */
    static void checkReferences(TeamConfig c, Target t) {
        if (!c.applications().containsKey(t.application())) {
            throw new MetaInvalidException("application '" + t.application() + "' does not exist in team '"
                    + c.name() + "'");
        }
        requireKind(c, t.instance(), TargetKind.INSTANCE);
        requireKind(c, t.group(), TargetKind.GROUP);
    }

    private static void requireKind(TeamConfig c, String name, TargetKind kind) {
        if (name == null) {
            return;
        }
        Target ref = c.targets().get(name);
        if (ref == null || ref.kind() != kind) {
            throw new MetaInvalidException(kind.json() + " '" + name + "' does not exist in team '" + c.name() + "'");
        }
    }

    private static String name(TargetKind kind, Target base, String given) {
        if (base == null) {
            return Names.require(kind.json(), Bodies.field("name", given));
        }
        if (given != null && !given.equals(base.name())) {
            throw ApiException.invalid("invalid_field", "targets cannot be renamed");
        }
        return base.name();
    }

    private static String application(Target base, String given) {
        if (base == null) {
            return Bodies.field("application", given);
        }
        return given == null ? base.application() : given;
    }

    private static String reference(String given, String current) {
        if (given == null) {
            return current;
        }
        return given.isEmpty() ? null : given;
    }

    private NodeRedLink nodeRed(NodeRedBody b) {
        String url = Bodies.field("nodeRed.url", b.url());
        NodeRedUrl.problem(url, outbound).ifPresent(problem -> {
            throw ApiException.invalid("invalid_field", problem);
        });
        String token = b.token() == null || b.token().isEmpty() ? null : secrets.seal(b.token());
        return new NodeRedLink(url, token);
    }
}

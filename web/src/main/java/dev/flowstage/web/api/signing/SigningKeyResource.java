package dev.flowstage.web.api.signing;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/signing-key}: the server's OpenPGP public key that signs what devices run (SPEC §5),
 * armored ({@code application/pgp-keys}, what {@code gpg --import} takes) or as JSON with its fingerprint.
 * Served without credentials, as AuthFilter allows: it is a public key, and a device being provisioned
 * fetches it before it has anything else (it then pins the fingerprint the server prints at start-up).
 */
@Path(SigningKeyResource.PATH)
@Singleton
public final class SigningKeyResource {
    public static final String PATH = "signing-key";
    public static final String PGP_KEYS = "application/pgp-keys";

    private final SigningKeyFeature.PublicKey key;

    @Inject
    public SigningKeyResource(SigningKeyFeature.PublicKey key) {
        this.key = key;
    }

    /** Armored unless the client asks for JSON first ({@code Accept: application/json}). */
    @GET
    @Produces({PGP_KEYS, MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN})
    public Response get(@Context HttpHeaders headers) {
        List<MediaType> accepted = headers.getAcceptableMediaTypes();
        if (!accepted.isEmpty() && MediaType.APPLICATION_JSON_TYPE.isCompatible(accepted.get(0))
                && !accepted.get(0).isWildcardType()) {
            return Response.ok(Map.of("fingerprint", key.fingerprint(), "algorithm", "ed25519",
                    "publicKey", key.armored()), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Response.ok(key.armored(), PGP_KEYS).header("X-Flowstage-Key-Fingerprint", key.fingerprint()).build();
    }
}

package dev.flowstage.web.api.signing;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Objects;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/** The signing key's side of the API, for {@code apiResourceConfig.register(...)}: {@link SigningKeyResource}. */
public final class SigningKeyFeature implements Feature {
    /** The public half the API serves: the armored key and its fingerprint (40 hex digits). */
    public record PublicKey(String armored, String fingerprint) {
        public PublicKey {
            Objects.requireNonNull(armored);
            Objects.requireNonNull(fingerprint);
        }
    }

    private final PublicKey key;

    public SigningKeyFeature(PublicKey key) {
        this.key = Objects.requireNonNull(key);
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(key).to(PublicKey.class);
            }
        });
        context.register(SigningKeyResource.class);
        return true;
    }
}

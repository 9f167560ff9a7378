package dev.flowstage.agent.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {
    private static final String CANONICAL =
            "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    @Test
    void acceptsTheFormsPeopleCopy() {
        assertThat(CertificateFingerprint.normalize(CANONICAL)).isEqualTo(CANONICAL);
        assertThat(CertificateFingerprint.normalize(CANONICAL.toLowerCase().replace(":", ""))).isEqualTo(CANONICAL);
        assertThat(CertificateFingerprint.normalize("SHA256:" + CANONICAL)).isEqualTo(CANONICAL);
        assertThat(CertificateFingerprint.normalize("sha256//" + CANONICAL.replace(":", ""))).isEqualTo(CANONICAL);
    }

    @Test
    void refusesWhatIsNoSha256() {
        assertThatThrownBy(() -> CertificateFingerprint.normalize("AB:CD"))
                .hasMessage("'AB:CD' is not a SHA-256 certificate fingerprint (64 hex digits, colons allowed, as the server prints it at start-up)");
    }
}

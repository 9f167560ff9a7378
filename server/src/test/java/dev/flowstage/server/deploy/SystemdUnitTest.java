package dev.flowstage.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/flowstage.service}: the keys the documentation promises, and — where the machine has
 * {@code systemd-analyze} — that systemd itself accepts the unit without a complaint.
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("../deploy/flowstage.service");

    @TempDir
    Path dir;

    @Test
    void theUnitHasTheDocumentedKeys() throws Exception {
        Map<String, Map<String, List<String>>> unit = parse(Files.readString(UNIT));
        assertThat(unit).containsOnlyKeys("Unit", "Service", "Install");
        Map<String, List<String>> service = unit.get("Service");
        assertThat(service.get("User")).containsExactly("flowstage");
        assertThat(service.get("WorkingDirectory")).containsExactly("/var/lib/flowstage");
        String exec = single(service, "ExecStart");
        assertThat(exec).startsWith("/usr/bin/java ").contains(" -jar /opt/flowstage/flowstage.jar serve ")
                .contains(" --data=/var/lib/flowstage").contains(" --log-file=/var/log/flowstage/flowstage.log");
        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.get("SuccessExitStatus")).as("a stop by SIGTERM is a success").containsExactly("143");
        assertThat(service.get("NoNewPrivileges")).containsExactly("true");
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/flowstage /var/log/flowstage");
        assertThat(service.get("PrivateTmp")).containsExactly("true");
        assertThat(service.get("LimitNOFILE")).containsExactly("65536");
        assertThat(unit.get("Install").get("WantedBy")).containsExactly("multi-user.target");
        // every path the server writes is one of the writable ones
        for (String option : exec.split(" ")) {
            if (option.startsWith("--data=") || option.startsWith("--log-file=") || option.startsWith("--access-log=")) {
                String path = option.substring(option.indexOf('=') + 1);
                assertThat(path).as(option).matches("/var/(lib|log)/flowstage(/.*)?");
            }
        }
        // the metrics token is shown, commented out, and never set on the command line
        assertThat(Files.readString(UNIT)).contains("#Environment=FLOWSTAGE_METRICS_TOKEN=");
        assertThat(exec).doesNotContain("metrics-token").doesNotContain("admin-password");
    }

    @Test
    void systemdAcceptsTheUnitWhereItsToolIsInstalled() throws Exception {
        String tool = Processes.run(null, Map.of(), List.of("sh", "-c", "command -v systemd-analyze || true")).stdout().strip();
        org.junit.jupiter.api.Assumptions.assumeFalse(tool.isEmpty(), "systemd-analyze is not installed here");
        String text = Files.readString(UNIT);
        if (!Files.isExecutable(Path.of("/usr/bin/java"))) {
            // verify checks that ExecStart's program exists: use this JVM's where /usr/bin/java is not one
            text = text.replace("/usr/bin/java ", Path.of(System.getProperty("java.home"), "bin", "java") + " ");
        }
        Path copy = Files.writeString(dir.resolve("flowstage.service"), text);
        ProcessResult r = Processes.run(dir, Map.of(), List.of(tool, "verify", "--man=no", copy.toString()));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        // unknown keys and bad values are only warnings: none may name the unit
        assertThat(r.output().lines().filter(l -> l.contains("flowstage.service")).toList()).as(r.toString()).isEmpty();
    }

    @Test
    void theCheckCatchesABrokenUnit() throws Exception {
        String tool = Processes.run(null, Map.of(), List.of("sh", "-c", "command -v systemd-analyze || true")).stdout().strip();
        org.junit.jupiter.api.Assumptions.assumeFalse(tool.isEmpty(), "systemd-analyze is not installed here");
        String broken = Files.readString(UNIT).replace("Restart=on-failure", "Restart=sometimes")
                .replace("/usr/bin/java ", Path.of(System.getProperty("java.home"), "bin", "java") + " ");
        Path copy = Files.writeString(dir.resolve("flowstage.service"), broken);
        ProcessResult r = Processes.run(dir, Map.of(), List.of(tool, "verify", "--man=no", copy.toString()));
        assertThat(r.output()).contains("flowstage.service").contains("sometimes");
    }

    private static String single(Map<String, List<String>> section, String key) {
        assertThat(section.get(key)).as(key).hasSize(1);
        return section.get(key).get(0);
    }

    /** Sections → key → values, in order; comments and blank lines skipped. */
    static Map<String, Map<String, List<String>>> parse(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            assertThat(current).as("key outside a section: " + line).isNotNull();
            assertThat(eq).as("not a key=value line: " + line).isPositive();
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return sections;
    }
}

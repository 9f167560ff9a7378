package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.config.ConfigOption;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@code Dockerfile}'s promises, read from the file (always), and — only where a Docker engine
 * answers {@code docker info} — the image built, started with a volume and waited for until its
 * HEALTHCHECK reports healthy. Without an engine the second test is skipped, and says so.
 */
class DockerImageIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKERFILE = ROOT.resolve("Dockerfile");

    @Test
    void theDockerfileKeepsItsPromises() throws Exception {
        List<String> lines = instructions(Files.readString(DOCKERFILE));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).as("multi-stage: a Maven build stage, then a JRE").containsExactly(
                "FROM maven:3.9-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre");
        int runtime = lines.indexOf("FROM eclipse-temurin:17-jre");
        List<String> build = lines.subList(0, runtime);
        List<String> run = lines.subList(runtime, lines.size());

        // the dependency layer: every module's pom is copied before any source and before the first mvn
        int firstSource = indexOf(build, "COPY \\S+/src .*");
        int firstMvn = indexOf(build, "RUN mvn .*");
        assertThat(firstSource).isPositive();
        assertThat(build).contains("COPY pom.xml ./");
        for (String module : modules()) {
            int pom = build.indexOf("COPY " + module + "/pom.xml " + module + "/");
            assertThat(pom).as(module + "/pom.xml copied first").isBetween(0, Math.min(firstSource, firstMvn));
            assertThat(build).as(module + " sources copied").contains("COPY " + module + "/src " + module + "/src");
        }
        assertThat(build.get(build.size() - 1)).isEqualTo("RUN mvn -B -q -DskipTests package");

        // the jar it copies is the one `package` makes
        Matcher copy = Pattern.compile("COPY --from=build /src/(\\S+) /opt/flowstage/flowstage\\.jar")
                .matcher(String.join("\n", run));
        assertThat(copy.find()).as("COPY --from=build of the jar").isTrue();
        assertThat(copy.group(1)).isEqualTo("server/target/flowstage.jar");
        assertThat(ROOT.resolve(copy.group(1))).isRegularFile();
        assertThat(Files.isSameFile(ROOT.resolve(copy.group(1)), ServerProcess.jar())).isTrue();

        // a non-root user by number, so that Kubernetes' runAsNonRoot can check it
        List<String> users = run.stream().filter(l -> l.startsWith("USER ")).toList();
        assertThat(users).hasSize(1);
        Matcher user = Pattern.compile("USER (\\d+)(?::(\\d+))?").matcher(users.get(0));
        assertThat(user.matches()).as(users.get(0)).isTrue();
        assertThat(Integer.parseInt(user.group(1))).isGreaterThanOrEqualTo(1000);
        assertThat(run).anyMatch(l -> l.startsWith("RUN ") && l.contains("--uid " + user.group(1)));

        assertThat(run).contains("VOLUME [\"/data\"]");
        assertThat(run).contains("EXPOSE " + ConfigOption.HTTP_PORT.defaultValue().orElseThrow() + " "
                + ConfigOption.HTTPS_PORT.defaultValue().orElseThrow() + " "
                + ConfigOption.SSH_PORT.defaultValue().orElseThrow());
        assertThat(run).contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/flowstage/flowstage.jar\"]");
        assertThat(run).contains("CMD [\"serve\", \"--data=/data\", \"--bind=0.0.0.0\"]");

        // the healthcheck runs the jar's own subcommand (no curl in the image), which exists
        List<String> health = run.stream().filter(l -> l.startsWith("HEALTHCHECK ")).toList();
        assertThat(health).hasSize(1);
        assertThat(health.get(0)).contains("\"-jar\", \"/opt/flowstage/flowstage.jar\", \"healthcheck\"]")
                .doesNotContain("curl").doesNotContain("wget");
        ProcessResult help = ServerProcess.runJar(Map.of(), "healthcheck", "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("--url");

        String ignore = Files.readString(ROOT.resolve(".dockerignore"));
        assertThat(ignore.lines().map(String::strip).toList()).contains("target/", "data/", "node_modules/", ".git");
    }

    @Test
    void theImageBuildsStartsAndBecomesHealthy() throws Exception {
        ProcessResult info = docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
        Assumptions.assumeTrue(info.exitCode() == 0,
                "no Docker engine answers here (docker info: " + info.output().strip() + "): image not built");
        String tag = "flowstage-it:" + Long.toHexString(System.nanoTime());
        String container = null;
        try {
            ProcessResult built = docker(Duration.ofMinutes(20), "build", "-t", tag, ROOT.toString());
            assertThat(built.exitCode()).as(built.toString()).isZero();
            ProcessResult started = docker(Duration.ofMinutes(1), "run", "-d", "-e",
                    "FLOWSTAGE_ADMIN_PASSWORD=docker-it-admin-pass-42", "-p", "127.0.0.1::8080", "-v", "/data", tag);
            assertThat(started.exitCode()).as(started.toString()).isZero();
            container = started.stdout().strip();
            String status = "";
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (System.nanoTime() < deadline && !status.equals("healthy") && !status.equals("unhealthy")) {
                Thread.sleep(1000); // polling the engine's health state, which it updates on its own schedule
                status = docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Health.Status}}", container)
                        .stdout().strip();
            }
            assertThat(status).as(docker(Duration.ofSeconds(30), "logs", container).output()).isEqualTo("healthy");
            assertThat(docker(Duration.ofSeconds(30), "exec", container, "id", "-u").stdout().strip()).isEqualTo("10001");
            String port = docker(Duration.ofSeconds(30), "port", container, "8080/tcp").stdout().strip().lines()
                    .findFirst().orElseThrow();
            HttpResponse<String> healthz = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + port + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(healthz.statusCode()).isEqualTo(200);
            ProcessResult version = docker(Duration.ofMinutes(1), "run", "--rm", tag, "--version");
            assertThat(version.stdout().strip()).startsWith("flowstage ").isNotEqualTo("flowstage dev");
        } finally {
            if (container != null) {
                docker(Duration.ofMinutes(1), "rm", "-f", "-v", container);
            }
            docker(Duration.ofMinutes(1), "rmi", "-f", tag);
        }
    }

    /** The modules the root pom lists. */
    private static List<String> modules() throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1));
        }
        assertThat(modules).isNotEmpty();
        return modules;
    }

    /** The Dockerfile's instructions, one per entry: comments dropped, continuation lines joined. */
    static List<String> instructions(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1).strip() : line).append(continues ? " " : "");
            if (!continues) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return out;
    }

    private static int indexOf(List<String> lines, String regex) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(regex)) {
                return i;
            }
        }
        return -1;
    }

    private static ProcessResult docker(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("docker", ".out");
        Path err = Files.createTempFile("docker", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException noDocker) {
                return new ProcessResult(127, "", "docker: " + noDocker.getMessage());
            }
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new ProcessResult(124, Files.readString(out), Files.readString(err) + "\n(timed out)");
            }
            return new ProcessResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

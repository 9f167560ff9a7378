# Flowstage container image: docker build -t flowstage . (see docs/operations-service.md)

# --- build: the shaded jar, server/target/flowstage.jar
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The poms first, so that the download of plugins and dependencies is a layer of its own that only a pom
# change rebuilds: packaging the modules without sources fetches them (dependency:go-offline cannot, as it
# resolves the modules' dependencies on each other, which are not built yet)
COPY pom.xml ./
COPY storage/pom.xml storage/
COPY agent/pom.xml agent/
COPY hooks/pom.xml hooks/
COPY web/pom.xml web/
COPY server/pom.xml server/
RUN mvn -B -q -DskipTests package && rm -rf storage/target agent/target hooks/target web/target server/target
COPY storage/src storage/src
COPY agent/src agent/src
COPY hooks/src hooks/src
COPY web/src web/src
COPY server/src server/src
RUN mvn -B -q -DskipTests package

# --- runtime: a JRE, the jar, a non-root user, the data directory as a volume
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 flowstage \
    && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin flowstage \
    && mkdir -p /data /opt/flowstage \
    && chown 10001:10001 /data \
    && chmod 0700 /data
COPY --from=build /src/server/target/flowstage.jar /opt/flowstage/flowstage.jar
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# HTTP, HTTPS, SSH
EXPOSE 8080 8443 2222
# The healthcheck subcommand asks http://127.0.0.1:${FLOWSTAGE_HTTP_PORT:-8080}/healthz: no curl needed in the image
HEALTHCHECK --interval=30s --timeout=15s --start-period=60s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-jar", "/opt/flowstage/flowstage.jar", "healthcheck"]
ENTRYPOINT ["java", "-jar", "/opt/flowstage/flowstage.jar"]
CMD ["serve", "--data=/data", "--bind=0.0.0.0"]

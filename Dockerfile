# The stowage command in a container image: `make image` builds the production distribution
# (`make dist`) and then this. The image holds only a Java 17 runtime and the unpacked distribution,
# without the development tools (no embedded Kafka or PostgreSQL, no `stowage dev`); the default
# command is the api-server, `ingest` runs the worker (the Helm chart in helm/stowage runs both).
# The server needs a PostgreSQL:
#
#   docker run -p 50051:50051 -p 8080:8080 -v stowage-data:/data \
#     -e STOWAGE_DB_URL=jdbc:postgresql://db:5432/stowage -e STOWAGE_DB_USER=... -e STOWAGE_DB_PASSWORD=... \
#     stowage:<version>
#
# It runs as user 10001 and suits a read-only root filesystem: the JVM writes only to /tmp and
# Stowage only to /data (STOWAGE_DATA_DIR), so mount both writable (the chart uses emptyDirs).
FROM eclipse-temurin:17-jre

# The version of the distribution under dist/target: make image passes it.
ARG STOWAGE_VERSION

# A fixed uid and gid, so that Kubernetes can check runAsNonRoot and fsGroup matches.
RUN groupadd --system --gid 10001 stowage \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin stowage \
 && mkdir -p /data \
 && chown 10001:10001 /data

# Owned by root and not writable by the user: the program cannot be changed at run time.
COPY dist/target/stowage-${STOWAGE_VERSION}/ /opt/stowage/

# HTTP (metrics, probes) on every interface: in a container, loopback is unreachable from outside
ENV STOWAGE_DATA_DIR=/data \
    STOWAGE_HTTP_ADDRESS=0.0.0.0 \
    STOWAGE_JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"

USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
# gRPC API of the server; HTTP metrics and probes (8080; the Helm chart moves the worker's to 8081)
EXPOSE 50051 8080 8081

# The launcher execs java: the JVM becomes PID 1, receives SIGTERM itself and shuts down gracefully.
ENTRYPOINT ["/opt/stowage/bin/stowage"]
CMD ["server"]

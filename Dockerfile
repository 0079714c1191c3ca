# Build stage: the same Maven build as the README, without the tests (CI runs them).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY application.yaml ./
COPY routes ./routes
COPY src ./src
RUN mvn -B -q -DskipTests package
# the training run's load generator and sink (bench/Bench.java), for the runtime stage, which has no javac
COPY bench ./bench
RUN mkdir -p target/bench-classes && javac --release 17 -d target/bench-classes bench/Bench.java

# Runtime stage: Java 25, a non-root user, the jar extracted with its AOT cache, default routes and config.
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --home-dir /app relay \
    && mkdir -p /app/data \
    && chown -R relay /app
WORKDIR /app
# A training run on this very runtime writes the AOT cache (bench/aot-cache.sh, BENCHMARKS.md): the relay
# is then ready in about half the time and has its hot path's method profiles from the first alert.
COPY --from=build /src/target/alert-relay.jar /tmp/build/alert-relay.jar
COPY --from=build /src/target/bench-classes /tmp/build/bench-classes
COPY bench/aot-cache.sh /tmp/build/aot-cache.sh
# the cache is only used by a JVM started with the same heap settings as the training run's
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
RUN BENCH_CLASSES=/tmp/build/bench-classes bash /tmp/build/aot-cache.sh /tmp/build/alert-relay.jar /app/aot 60 \
    && rm -rf /tmp/build
# Mount your own /app/application.yaml (read from the working directory) and routes folder
# (set CAMEL_MAIN_ROUTES_INCLUDE_PATTERN=file:/app/routes/*.yaml,file:/app/routes/kinds/*.yaml).
COPY application.yaml /app/application.yaml
COPY routes /app/routes
USER relay
# listening beyond loopback needs an API key: pass ALERT_RELAY_SECURITY_BOOTSTRAP_ADMIN_KEY (see README, API keys)
ENV SERVER_ADDRESS=0.0.0.0
EXPOSE 8080
VOLUME /app/data
# the liveness probe needs no API key; bash's /dev/tcp saves installing curl in the image
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health/liveness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && grep -q "\"UP\"" <&3'
ENTRYPOINT ["java", "-XX:AOTCache=/app/aot/alert-relay.aot", "-jar", "/app/aot/app/alert-relay.jar"]

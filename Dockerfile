# Build stage: the same Maven build as the README, without the tests (CI runs them).
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY application.yaml ./
COPY routes ./routes
COPY src ./src
RUN mvn -B -q -DskipTests package

# Runtime stage: a JRE, a non-root user, the jar and its default routes and config.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /app relay \
    && mkdir -p /app/data \
    && chown -R relay /app
WORKDIR /app
COPY --from=build /src/target/alert-relay.jar /app/alert-relay.jar
# Mount your own /app/application.yaml (read from the working directory) and routes folder
# (set CAMEL_MAIN_ROUTES_INCLUDE_PATTERN=file:/app/routes/*.yaml,file:/app/routes/kinds/*.yaml).
COPY application.yaml /app/application.yaml
COPY routes /app/routes
USER relay
# listening beyond loopback needs an API key: pass ALERT_RELAY_SECURITY_BOOTSTRAP_ADMIN_KEY (see README, API keys)
ENV SERVER_ADDRESS=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
EXPOSE 8080
VOLUME /app/data
# the liveness probe needs no API key; bash's /dev/tcp saves installing curl in the image
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health/liveness HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && grep -q "\"UP\"" <&3'
ENTRYPOINT ["java", "-jar", "/app/alert-relay.jar"]

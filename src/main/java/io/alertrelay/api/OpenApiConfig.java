package io.alertrelay.api;

import io.alertrelay.alert.Alert;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at GET /openapi.json. springdoc describes the Spring MVC controllers; the ingest
 * endpoints are Camel servlet routes, invisible to it, so they are added here by hand.
 */
@Configuration
public class OpenApiConfig {

    private static final String JSON = "application/json";

    @Bean
    OpenApiCustomizer ingestEndpoints() {
        return api -> {
            api.info(new Info().title("alert-relay").version("1")
                    .description("Alert router: ingest alerts, deliver them to channels, watch and repair the channels."));
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            components.addSchemas("Alert", alertSchema());
            components.addSchemas("Error", errorSchema());
            components.addSchemas("Accepted", acceptedSchema());
            components.addSchemas("AlertmanagerWebhook", alertmanagerSchema());
            api.path("/alerts", new PathItem().post(ingest("ingest-http",
                    "Accept one alert or an array of up to 1000",
                    "Stored with one pending delivery per matching channel before the 202. An Idempotency-Key header "
                            + "acts as the id of a single alert.",
                    new ComposedSchema().oneOf(List.of(ref("Alert"), new ArraySchema().items(ref("Alert")))))));
            api.path("/alerts/alertmanager", new PathItem().post(ingest("ingest-alertmanager",
                    "Accept Prometheus Alertmanager's webhook payload (version 4)",
                    "Each alert of the payload becomes one relay alert.", ref("AlertmanagerWebhook"))));
        };
    }

    private static Operation ingest(String id, String summary, String description, Schema<?> body) {
        Content errors = json(ref("Error"));
        return new Operation().operationId(id).addTagsItem("alerts").summary(summary).description(description)
                .requestBody(new RequestBody().required(true).content(json(body)))
                .responses(new ApiResponses()
                        .addApiResponse("202", new ApiResponse().description("stored; deliveries pending").content(json(ref("Accepted"))))
                        .addApiResponse("400", new ApiResponse().description("malformed JSON or an invalid field (named in errors)").content(errors))
                        .addApiResponse("413", new ApiResponse().description("body larger than alert-relay.ingest.max-body-bytes").content(errors))
                        .addApiResponse("415", new ApiResponse().description("Content-Type is not application/json").content(errors))
                        .addApiResponse("503", new ApiResponse().description("the database could not store the alerts; retry").content(errors)));
    }

    private static Content json(Schema<?> schema) {
        return new Content().addMediaType(JSON, new MediaType().schema(schema));
    }

    private static Schema<?> ref(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    private static Schema<?> alertSchema() {
        return new ObjectSchema().description("An alert as a client sends it")
                .addRequiredItem("title")
                .addProperty("title", new StringSchema().minLength(1).maxLength(1024))
                .addProperty("message", new StringSchema().description("Markdown"))
                .addProperty("severity", enumOf("critical", "high", "medium", "low", "info")._default("medium"))
                .addProperty("status", enumOf(Alert.STATUSES)._default("firing"))
                .addProperty("reason", enumOf(Alert.REASONS)._default("new"))
                .addProperty("type", new StringSchema().description("free, e.g. error or warning, for channel filters"))
                .addProperty("fingerprint", new StringSchema().maxLength(255)
                        .description("default: SHA-256 of source, project and title"))
                .addProperty("id", new StringSchema().maxLength(128).description("client id: an idempotency key"))
                .addProperty("source", new StringSchema())
                .addProperty("project", new StringSchema())
                .addProperty("url", new StringSchema().format("uri").description("absolute http(s) link to the origin"))
                .addProperty("occurredAt", new StringSchema().format("date-time"))
                .addProperty("firstSeen", new StringSchema().format("date-time"))
                .addProperty("lastSeen", new StringSchema().format("date-time"))
                .addProperty("eventCount", new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO))
                .addProperty("labels", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("details", new ObjectSchema().description("any JSON"));
    }

    private static Schema<?> alertmanagerSchema() {
        Schema<?> alert = new ObjectSchema()
                .addProperty("status", enumOf("firing", "resolved"))
                .addProperty("labels", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("annotations", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("startsAt", new StringSchema().format("date-time"))
                .addProperty("endsAt", new StringSchema().format("date-time"))
                .addProperty("generatorURL", new StringSchema())
                .addProperty("fingerprint", new StringSchema());
        return new ObjectSchema().description("Alertmanager webhook payload, version 4")
                .addRequiredItem("alerts")
                .addProperty("version", new StringSchema()._default("4"))
                .addProperty("groupKey", new StringSchema())
                .addProperty("status", enumOf("firing", "resolved"))
                .addProperty("receiver", new StringSchema())
                .addProperty("groupLabels", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("commonLabels", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("commonAnnotations", new MapSchema().additionalProperties(new StringSchema()))
                .addProperty("externalURL", new StringSchema())
                .addProperty("alerts", new ArraySchema().items(alert));
    }

    private static Schema<?> errorSchema() {
        return new ObjectSchema().description("Every refusal of the API")
                .addProperty("error", new StringSchema().description("a code, e.g. invalid_alert, not_found"))
                .addProperty("message", new StringSchema())
                .addProperty("errors", new ArraySchema().items(new ObjectSchema()
                        .addProperty("field", new StringSchema()).addProperty("message", new StringSchema())));
    }

    private static Schema<?> acceptedSchema() {
        return new ObjectSchema()
                .addProperty("accepted", new IntegerSchema())
                .addProperty("ids", new ArraySchema().items(new StringSchema()))
                .addProperty("alerts", new ArraySchema().items(new ObjectSchema()
                        .addProperty("id", new StringSchema())
                        .addProperty("duplicate", new BooleanSchema())
                        .addProperty("deliveries", new IntegerSchema())));
    }

    private static StringSchema enumOf(String... values) {
        StringSchema s = new StringSchema();
        s.setEnum(Arrays.asList(values));
        return s;
    }
}

package io.alertrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.kafka.KafkaIngest;
import io.alertrelay.support.RelayTestSupport;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;

/** Kafka ingest against a real in-process KRaft broker. */
@ActiveProfiles({"test", "kafka"})
@EmbeddedKafka(kraft = true, partitions = 3, topics = {"alerts-test", "alerts-test.dead"},
        bootstrapServersProperty = "alert-relay.kafka.bootstrap-servers")
class KafkaIngestTest extends RelayTestSupport {

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private KafkaIngest kafkaIngest;

    @Autowired
    private CamelContext camel;

    @BeforeEach
    void reset() {
        WIREMOCK.resetAll();
        WIREMOCK.stubFor(post(urlPathEqualTo("/kafka/hook")).willReturn(aResponse().withStatus(200)));
    }

    private RecordMetadata produce(Integer partition, String key, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            return p.send(new ProducerRecord<>("alerts-test", partition, key, value)).get();
        }
    }

    private long alertCount() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM alerts", Long.class);
    }

    private String alertIdByClientId(String clientId) {
        List<String> ids = jdbc.queryForList("SELECT id FROM alerts WHERE client_id = ?", String.class, clientId);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private long committedOffset(int partition) {
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            var offsets = admin.listConsumerGroupOffsets("relay-test").partitionsToOffsetAndMetadata().get();
            var om = offsets.get(new TopicPartition("alerts-test", partition));
            return om == null ? -1 : om.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void aRecordBecomesAnAlertAndItsOffsetIsCommittedAfterwards() throws Exception {
        RecordMetadata m = produce(1, "fp-k1", "{\"title\":\"From Kafka\",\"fingerprint\":\"fp-k1\",\"severity\":\"high\"}");
        String clientId = "kafka:alerts-test:1:" + m.offset();

        await("the record to be stored", () -> alertIdByClientId(clientId) != null);
        String id = alertIdByClientId(clientId);
        assertThat(awaitDelivery(id, "kafka-hook").get("status")).isEqualTo("sent");
        await("the offset to be committed", () -> committedOffset(1) == m.offset() + 1);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/kafka/hook")))).hasSize(1);
    }

    @Test
    void anArrayRecordMakesOneAlertEach() throws Exception {
        RecordMetadata m = produce(2, null, "[{\"title\":\"a\"},{\"title\":\"b\",\"id\":\"own-id-b\"}]");
        String first = "kafka:alerts-test:2:" + m.offset() + ":0";
        await("both alerts", () -> alertIdByClientId(first) != null && alertIdByClientId("own-id-b") != null);
    }

    @Test
    void aMalformedRecordGoesToTheDeadLetterTopicAndDoesNotBlockItsPartition() throws Exception {
        long before = kafkaIngest.deadLettered();
        produce(0, "bad", "{not json");
        RecordMetadata good = produce(0, "good", "{\"title\":\"after the bad one\"}");

        await("the record after the bad one", () -> alertIdByClientId("kafka:alerts-test:0:" + good.offset()) != null);
        assertThat(kafkaIngest.deadLettered()).isEqualTo(before + 1);

        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            c.subscribe(List.of("alerts-test.dead"));
            List<ConsumerRecord<String, String>> dead = new ArrayList<>();
            await("the dead letter", () -> {
                c.poll(Duration.ofMillis(200)).forEach(dead::add);
                return dead.stream().anyMatch(r -> r.value().equals("{not json"));
            });
            ConsumerRecord<String, String> r = dead.stream().filter(x -> x.value().equals("{not json")).findFirst().orElseThrow();
            String reason = new String(r.headers().lastHeader(KafkaIngest.REASON_HEADER).value(), StandardCharsets.UTF_8);
            assertThat(reason).contains("malformed JSON");
            assertThat(r.key()).isEqualTo("bad");
        }
    }

    @Test
    void aRecordReadAgainMakesNoSecondAlertNorDelivery() throws Exception {
        RecordMetadata m = produce(1, "fp-again", "{\"title\":\"Read twice\",\"fingerprint\":\"fp-again\"}");
        String clientId = "kafka:alerts-test:1:" + m.offset();
        await("the first read", () -> alertIdByClientId(clientId) != null);
        assertThat(awaitDelivery(alertIdByClientId(clientId), "kafka-hook").get("status")).isEqualTo("sent");
        long alerts = alertCount();

        // another consumer group reads the whole topic again, as a rebalance or a reset would
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:alerts-test?groupId=replayer&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true"
                        + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer")
                        .routeId("test-replayer").bean("kafkaIngest", "consume");
            }
        });
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
            await("the replay to catch up", () -> {
                try {
                    var offsets = admin.listConsumerGroupOffsets("replayer").partitionsToOffsetAndMetadata().get();
                    var om = offsets.get(new TopicPartition("alerts-test", 1));
                    return om != null && om.offset() > m.offset();
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            camel.getRouteController().stopRoute("test-replayer");
            camel.removeRoute("test-replayer");
        }
        assertThat(alertCount()).isEqualTo(alerts);
        assertThat(WIREMOCK.findAll(postRequestedFor(urlPathEqualTo("/kafka/hook")))
                .stream().filter(r -> r.getBodyAsString().contains("Read twice")).count()).isEqualTo(1);
    }

    @Test
    void httpIngestInKafkaModePublishesKeyedByFingerprintThenStores() throws Exception {
        HttpResponse<String> r = postJson("/alerts", List.of(
                Map.of("title", "Disk full", "fingerprint", "fp-http", "status", "firing"),
                Map.of("title", "Disk full", "fingerprint", "fp-http", "status", "resolved"),
                Map.of("title", "Other", "fingerprint", "fp-http-other")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = parse(r.body());
        assertThat(body.path("queued").asText()).isEqualTo("kafka");
        List<String> ids = new ArrayList<>();
        body.path("ids").forEach(n -> ids.add(n.asText()));
        assertThat(ids).hasSize(3);

        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "inspector-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            c.subscribe(List.of("alerts-test"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await("the published records", () -> {
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
                return ids.stream().allMatch(id -> seen.stream().anyMatch(x -> x.value().contains(id)));
            });
            List<ConsumerRecord<String, String>> same = seen.stream().filter(x -> "fp-http".equals(x.key())).toList();
            assertThat(same).hasSize(2);
            // one fingerprint, one partition, in the order sent
            assertThat(same.get(0).partition()).isEqualTo(same.get(1).partition());
            assertThat(same.get(0).value()).contains("\"firing\"");
            assertThat(same.get(1).value()).contains("\"resolved\"");
        }
        for (String id : ids) {
            await("alert " + id + " to be stored", () -> alertIdByClientId(id) != null);
            assertThat(awaitDelivery(alertIdByClientId(id), "kafka-hook").get("status")).isEqualTo("sent");
        }
    }
}

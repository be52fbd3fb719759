package io.sluice.it.group;

import io.sluice.config.BrokerConfig;
import io.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An in-process single-node broker on an ephemeral port with group settings that keep tests fast (no initial
 * rebalance delay, short minimum session timeout), plus client factories for it.
 */
final class GroupTestBroker implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    private final SluiceServer server;

    private GroupTestBroker(SluiceServer server) {
        this.server = server;
    }

    /** Starts a broker on dataDir; starting again on the same directory is a restart. */
    static GroupTestBroker start(Path dataDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://" + HOST + ":0");
        props.put("log.dirs", dataDir.resolve("logs").toString());
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("group.min.session.timeout.ms", "1000");
        // KIP-848 members learn of partitions released by others at their next heartbeat.
        props.put("group.consumer.heartbeat.interval.ms", "500");
        props.put("group.consumer.min.heartbeat.interval.ms", "500");
        props.put("group.consumer.session.timeout.ms", "10000");
        props.put("group.consumer.min.session.timeout.ms", "10000");
        return new GroupTestBroker(SluiceServer.start(BrokerConfig.of(props)));
    }

    String bootstrap() {
        return HOST + ":" + server.boundPort();
    }

    void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    Admin admin() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap());
        return Admin.create(props);
    }

    /** Sends "value-i" for i in [from, to) to the partition (or spread by key when partition is null). */
    void produce(String topic, Integer partition, int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    KafkaConsumer<String, String> consumer(String groupId, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "10000");
        props.putAll(extra);
        return modernConsumer(groupId, props);
    }

    /**
     * A consumer with only the settings every test shares; for {@code group.protocol=consumer}, where the broker,
     * not the client, sets sessions and heartbeats.
     */
    KafkaConsumer<String, String> modernConsumer(String groupId, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putAll(extra);
        return new KafkaConsumer<>(props);
    }

    @Override
    public void close() {
        server.close();
    }
}

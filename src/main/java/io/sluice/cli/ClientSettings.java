package io.sluice.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client properties for the command-line tools. The timeouts are short so that a mistyped address
 * or a stopped broker fails in seconds instead of the clients' default minute; user-supplied
 * properties win.
 */
final class ClientSettings {
    static final int REQUEST_TIMEOUT_MS = 5000;
    /** How long the up-front probe waits for the broker before reporting it unreachable. */
    static final int REACHABILITY_TIMEOUT_MS = 3000;
    static final int API_TIMEOUT_MS = 8000;
    static final int MAX_BLOCK_MS = 8000;
    static final int DELIVERY_TIMEOUT_MS = 15000;
    private static final int RECONNECT_BACKOFF_MAX_MS = 500;

    private ClientSettings() {
    }

    static Map<String, Object> admin(String bootstrap) {
        Map<String, Object> props = common(bootstrap, "sluice-admin");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        return props;
    }

    static Map<String, Object> producer(String bootstrap, Map<String, String> userProps) {
        Map<String, Object> props = common(bootstrap, "sluice-console-producer");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        props.putAll(userProps);
        return props;
    }

    static Map<String, Object> consumer(String bootstrap, Map<String, String> userProps) {
        Map<String, Object> props = common(bootstrap, "sluice-console-consumer");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        props.putAll(userProps);
        return props;
    }

    private static Map<String, Object> common(String bootstrap, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, RECONNECT_BACKOFF_MAX_MS);
        return props;
    }
}

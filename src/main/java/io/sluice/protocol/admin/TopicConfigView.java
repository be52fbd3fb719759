package io.sluice.protocol.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * A topic's effective configuration as DescribeConfigs and CreateTopics (v5+) report it: every key
 * with its value and where the value comes from. A key is DYNAMIC_TOPIC_CONFIG when the topic
 * overrides it, STATIC_BROKER_CONFIG when the broker's properties moved its default away from
 * Kafka's, DEFAULT_CONFIG otherwise.
 */
final class TopicConfigView {

    /** One effective config entry; synonyms run from the most to the least specific source. */
    record Entry(String name, String value, ConfigSource source, List<Synonym> synonyms) {
    }

    record Synonym(String name, String value, ConfigSource source) {
    }

    private final Function<Map<String, String>, Map<String, String>> effective;
    private final Map<String, String> brokerTopicDefaults;
    private final Map<String, String> builtInDefaults;

    /**
     * @param effective           topic overrides to every effective topic config value (broker defaults layered in)
     * @param brokerTopicDefaults the topic defaults the broker derives from its log.* keys
     * @param builtInDefaults     Kafka's defaults with nothing configured
     */
    TopicConfigView(Function<Map<String, String>, Map<String, String>> effective,
                    Map<String, String> brokerTopicDefaults, Map<String, String> builtInDefaults) {
        this.effective = effective;
        this.brokerTopicDefaults = brokerTopicDefaults;
        this.builtInDefaults = builtInDefaults;
    }

    /** Every effective config of a topic with these overrides, sorted by key. */
    List<Entry> describe(Map<String, String> overrides) {
        Map<String, String> values = new TreeMap<>(effective.apply(overrides));
        overrides.forEach((key, value) -> values.putIfAbsent(key, value));
        List<Entry> entries = new ArrayList<>(values.size());
        values.forEach((key, value) -> entries.add(entry(key, value, overrides)));
        return entries;
    }

    /** The value a key has for a topic with these overrides, or null if it has none. */
    String effectiveValue(Map<String, String> overrides, String key) {
        String override = overrides.get(key);
        return override != null ? override : effective.apply(overrides).get(key);
    }

    private Entry entry(String key, String value, Map<String, String> overrides) {
        List<Synonym> synonyms = new ArrayList<>(3);
        if (overrides.containsKey(key)) {
            synonyms.add(new Synonym(key, overrides.get(key), ConfigSource.TOPIC_CONFIG));
        }
        String brokerKey = TopicConfigKeys.brokerSynonym(key);
        String builtIn = builtInDefaults.get(key);
        String brokerValue = brokerTopicDefaults.get(key);
        if (brokerValue != null && !brokerValue.equals(builtIn)) {
            synonyms.add(new Synonym(brokerKey == null ? key : brokerKey, brokerValue, ConfigSource.STATIC_BROKER_CONFIG));
        }
        if (builtInDefaults.containsKey(key)) {
            synonyms.add(new Synonym(brokerKey == null ? key : brokerKey, builtIn, ConfigSource.DEFAULT_CONFIG));
        }
        ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
        return new Entry(key, value, source, List.copyOf(synonyms));
    }
}

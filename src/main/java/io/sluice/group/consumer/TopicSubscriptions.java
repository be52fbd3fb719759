package io.sluice.group.consumer;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.internals.Topic;

/**
 * Resolves what consumer group members subscribe to against the cluster's topics: the topic names that exist, and
 * the topics a KIP-848 {@code subscribed_topic_regex} (RE2/J syntax, as Kafka's) matches, evaluated on the broker.
 * Internal topics are never matched by a regular expression. A regular expression's matches are cached per
 * metadata image, so members heartbeating with the same expression do not each scan every topic.
 *
 * <p>Threading: thread-safe (the caches are concurrent; images are immutable).
 */
public final class TopicSubscriptions {
    private static final int MAX_CACHED_PATTERNS = 1024;

    private record Matches(long imageOffset, Set<String> topics) {
    }

    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();
    private final Map<String, Matches> matches = new ConcurrentHashMap<>();

    /** Throws PatternSyntaxException (for INVALID_REGULAR_EXPRESSION) if the expression is not valid RE2/J. */
    public void validate(String regex) {
        pattern(regex);
    }

    /** The names of the existing topics the member subscribes to, by name or by its regular expression. */
    public Set<String> topicsOf(ConsumerGroupMember member, MetadataImage image) {
        Set<String> topics = new HashSet<>();
        for (String name : member.subscribedTopicNames()) {
            if (image.topic(name) != null) {
                topics.add(name);
            }
        }
        if (member.subscribedTopicRegex() != null) {
            try {
                topics.addAll(matching(member.subscribedTopicRegex(), image));
            } catch (PatternSyntaxException e) {
                // Refused when the member sent it; one loaded from an older record matches nothing.
            }
        }
        return topics;
    }

    /** Every topic some member subscribes to, as the assignment sees it. */
    public Map<String, ConsumerGroup.SubscribedTopic> resolve(Collection<ConsumerGroupMember> members,
                                                              MetadataImage image) {
        Map<String, ConsumerGroup.SubscribedTopic> resolved = new HashMap<>();
        for (ConsumerGroupMember member : members) {
            for (String name : topicsOf(member, image)) {
                TopicImage topic = image.topic(name);
                resolved.put(name, new ConsumerGroup.SubscribedTopic(topic.id(), topic.partitions().size()));
            }
        }
        return resolved;
    }

    private Set<String> matching(String regex, MetadataImage image) {
        Matches cached = matches.get(regex);
        if (cached != null && cached.imageOffset() == image.offset()) {
            return cached.topics();
        }
        Pattern pattern = pattern(regex);
        Set<String> found = new HashSet<>();
        for (String name : image.topicsByName().keySet()) {
            if (!Topic.isInternal(name) && pattern.matches(name)) {
                found.add(name);
            }
        }
        Set<String> topics = Set.copyOf(found);
        if (matches.size() >= MAX_CACHED_PATTERNS) {
            matches.clear();
        }
        matches.put(regex, new Matches(image.offset(), topics));
        return topics;
    }

    private Pattern pattern(String regex) {
        Pattern pattern = patterns.get(regex);
        if (pattern == null) {
            pattern = Pattern.compile(regex);
            if (patterns.size() >= MAX_CACHED_PATTERNS) {
                patterns.clear();
            }
            patterns.put(regex, pattern);
        }
        return pattern;
    }
}

package io.sluice.protocol;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/** The APIs this broker implements, with the version range of each: what ApiVersions advertises. */
public final class ApiRegistry {

    /** One implemented API and the versions its handler understands. */
    public record Entry(ApiKeys key, short minVersion, short maxVersion, ApiHandler<? extends AbstractRequest> handler) {
        public boolean supports(short version) {
            return version >= minVersion && version <= maxVersion;
        }
    }

    private final Map<ApiKeys, Entry> entries = new EnumMap<>(ApiKeys.class);

    public <R extends AbstractRequest> ApiRegistry register(ApiKeys key, int minVersion, int maxVersion, ApiHandler<R> handler) {
        if (minVersion < key.oldestVersion() || maxVersion > key.latestVersion()) {
            throw new IllegalArgumentException(key + " versions " + minVersion + "-" + maxVersion
                    + " are outside what the codec knows (" + key.oldestVersion() + "-" + key.latestVersion() + ")");
        }
        entries.put(key, new Entry(key, (short) minVersion, (short) maxVersion, handler));
        return this;
    }

    public Entry get(ApiKeys key) {
        return entries.get(key);
    }

    public Collection<Entry> entries() {
        return Collections.unmodifiableCollection(entries.values());
    }
}

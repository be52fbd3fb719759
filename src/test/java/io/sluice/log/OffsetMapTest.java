package io.sluice.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OffsetMapTest {
    private static ByteBuffer key(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsTheLatestOffsetPerKeyAndCountsDistinctKeys() {
        OffsetMap map = new OffsetMap(1000);
        for (int i = 0; i < 900; i++) {
            map.put(key("key-" + (i % 300)), i);
        }
        assertThat(map.size()).isEqualTo(300);
        assertThat(map.get(key("key-0"))).isEqualTo(600);
        assertThat(map.get(key("key-299"))).isEqualTo(899);
        assertThat(map.get(key("never"))).isEqualTo(-1);
        assertThat(map.latestOffset()).isEqualTo(899);
        assertThat(map.isFull()).isFalse();
    }

    @Test
    void reportsFullAtItsCapacity() {
        OffsetMap map = new OffsetMap(3);
        map.put(key("a"), 0);
        map.put(key("b"), 1);
        assertThat(map.isFull()).isFalse();
        map.put(key("c"), 2);
        assertThat(map.isFull()).isTrue();
        assertThat(map.get(key("b"))).isEqualTo(1);
    }
}

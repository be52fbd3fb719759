package io.sluice.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {
    @TempDir
    Path dir;

    @Test
    void lookupReturnsThePositionOfTheGreatestEntryAtOrBelowTheOffset() {
        OffsetIndex index = new OffsetIndex(dir.resolve("a.index"), 1000);
        index.reset();
        index.appendOffset(1010, 500);
        index.appendOffset(1020, 900);
        index.appendOffset(1035, 1400);

        assertThat(index.lookup(1000)).isZero();
        assertThat(index.lookup(1009)).isZero();
        assertThat(index.lookup(1010)).isEqualTo(500);
        assertThat(index.lookup(1034)).isEqualTo(900);
        assertThat(index.lookup(99999)).isEqualTo(1400);
        index.close();
    }

    @Test
    void theFileUsesKafkasEightByteRelativeLayoutAndReloads() throws Exception {
        Path file = dir.resolve("b.index");
        OffsetIndex index = new OffsetIndex(file, 1000);
        index.reset();
        index.appendOffset(1010, 500);
        index.appendOffset(1020, 900);
        index.close();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(bytes.remaining()).isEqualTo(16);
        assertThat(bytes.getInt()).isEqualTo(10);
        assertThat(bytes.getInt()).isEqualTo(500);

        OffsetIndex reloaded = new OffsetIndex(file, 1000);
        assertThat(reloaded.load(1000, Integer.MAX_VALUE)).isTrue();
        assertThat(reloaded.lookup(1025)).isEqualTo(900);
        reloaded.close();
    }

    @Test
    void aTruncatedOrUnorderedFileIsReportedCorrupt() throws Exception {
        Path partial = dir.resolve("c.index");
        Files.write(partial, new byte[] {0, 0, 0, 1, 0, 0, 0, 2, 0, 0});
        assertThat(new OffsetIndex(partial, 0).load(1000, Integer.MAX_VALUE)).isFalse();

        Path unordered = dir.resolve("d.index");
        Files.write(unordered, ByteBuffer.allocate(16).putInt(5).putInt(100).putInt(3).putInt(200).array());
        assertThat(new OffsetIndex(unordered, 0).load(1000, Integer.MAX_VALUE)).isFalse();

        Path pastEnd = dir.resolve("e.index");
        Files.write(pastEnd, ByteBuffer.allocate(8).putInt(5).putInt(5000).array());
        assertThat(new OffsetIndex(pastEnd, 0).load(1000, Integer.MAX_VALUE)).isFalse();
    }

    @Test
    void timeIndexKeepsOnlyGrowingTimestampsInTwelveByteEntries() throws Exception {
        Path file = dir.resolve("a.timeindex");
        TimeIndex index = new TimeIndex(file, 100);
        index.reset();
        index.maybeAppend(1000, 105);
        index.maybeAppend(900, 110);
        index.maybeAppend(2000, 120);

        assertThat(Files.size(file)).isEqualTo(24);
        assertThat(index.lookup(500)).isEqualTo(100);
        assertThat(index.lookup(1500)).isEqualTo(105);
        assertThat(index.lookup(2000)).isEqualTo(120);
        assertThat(index.lastEntry()).isEqualTo(new TimestampOffset(2000, 120));
        index.close();
    }
}

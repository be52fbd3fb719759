package io.sluice.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import io.sluice.log.FileSlice;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseWriterTest {

    @TempDir
    Path dir;

    @Test
    void fileSliceRecordsAreSentAsAFileRegionAndTheFrameParsesBack() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("k1".getBytes(), "v1".getBytes()), new SimpleRecord("k2".getBytes(), "v2".getBytes()));
        Path file = dir.resolve("segment.log");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[17]));
            channel.write(records.buffer().duplicate());
            FetchResponseData body = new FetchResponseData();
            body.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t")
                    .setPartitions(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(2)
                            .setRecords(new FileSliceRecords(new FileSlice(channel, 17, records.sizeInBytes()))))));

            List<Object> parts = ResponseWriter.frame(UnpooledByteBufAllocator.DEFAULT,
                    new Response.Send(new ResponseHeaderData().setCorrelationId(42), (short) 1, body, (short) 12));

            assertThat(parts).anyMatch(p -> p instanceof FileRegion);
            ByteBuffer frame = ByteBuffer.wrap(concatenate(parts));
            assertThat(frame.getInt()).isEqualTo(frame.remaining());
            ByteBufferAccessor accessor = new ByteBufferAccessor(frame);
            assertThat(new ResponseHeaderData(accessor, (short) 1).correlationId()).isEqualTo(42);
            FetchResponseData parsed = new FetchResponseData(accessor, (short) 12);
            MemoryRecords fetched = (MemoryRecords) parsed.responses().get(0).partitions().get(0).records();
            assertThat(fetched.records()).extracting(r -> new String(valueOf(r))).containsExactly("v1", "v2");
            assertThat(channel.isOpen()).as("the segment keeps its channel after the region is released").isTrue();
        }
    }

    @Test
    void inMemoryRecordsAreWrittenInline() throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
        FetchResponseData body = new FetchResponseData();
        body.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t")
                .setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(records))));

        List<Object> parts = ResponseWriter.frame(UnpooledByteBufAllocator.DEFAULT,
                new Response.Send(new ResponseHeaderData().setCorrelationId(7), (short) 0, body, (short) 4));

        assertThat(parts).allMatch(p -> p instanceof ByteBuf);
        ByteBuffer frame = ByteBuffer.wrap(concatenate(parts));
        assertThat(frame.getInt()).isEqualTo(frame.remaining());
    }

    private static byte[] valueOf(Record record) {
        byte[] bytes = new byte[record.valueSize()];
        record.value().get(bytes);
        return bytes;
    }

    private static byte[] concatenate(List<Object> parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel target = Channels.newChannel(out);
        for (Object part : parts) {
            if (part instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                out.write(bytes);
                buf.release();
            } else {
                FileRegion region = (FileRegion) part;
                while (region.transferred() < region.count()) {
                    region.transferTo(target, region.transferred());
                }
                region.release();
            }
        }
        return out.toByteArray();
    }
}

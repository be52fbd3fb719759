package io.sluice.metadata;

import io.sluice.metadata.MetadataRecord.ClusterIdRecord;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.GroupConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole image as a snapshot: a format byte, the next producer id and a record batch that rebuilds everything
 * else when applied to the empty image. Reusing the record codec keeps one definition of each field's encoding.
 */
public final class ImageSnapshotFormat {
    private static final byte FORMAT = 0;

    private ImageSnapshotFormat() {
    }

    public static void write(MetadataImage image, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeByte(FORMAT);
        out.writeLong(image.nextProducerId());
        MetadataRecordCodec.writeBatch(out, toRecords(image));
        out.flush();
    }

    public static MetadataImage read(InputStream stream, long offset) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("Unknown metadata snapshot format " + format);
        }
        long nextProducerId = in.readLong();
        List<MetadataRecord> records = MetadataRecordCodec.readBatch(in);
        MetadataDelta delta = MetadataDelta.restoring();
        try {
            delta.applyAll(records);
        } catch (RejectedBatchException e) {
            throw new IOException("Inconsistent metadata snapshot: " + e.getMessage(), e);
        }
        MetadataImage rebuilt = delta.build(offset);
        return new MetadataImage(offset, rebuilt.clusterId(), rebuilt.brokers(), rebuilt.topicsByName(),
                rebuilt.topicsById(), nextProducerId, rebuilt.groupConfigs());
    }

    static List<MetadataRecord> toRecords(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        if (image.clusterId() != null) {
            records.add(new ClusterIdRecord(image.clusterId()));
        }
        for (BrokerImage broker : image.brokers().values()) {
            records.add(new RegisterBroker(broker.id(), broker.host(), broker.port(), broker.rack(),
                    broker.incarnationId()));
            if (broker.fenced()) {
                records.add(new BrokerFencing(broker.id(), true));
            }
        }
        for (TopicImage topic : image.topicsById().values()) {
            records.add(new TopicRecord(topic.name(), topic.id()));
            for (PartitionImage p : topic.partitions().values()) {
                records.add(new PartitionRecord(topic.id(), p.partition(), p.replicas(), p.isr(), p.leader(),
                        p.leaderEpoch(), p.partitionEpoch(), p.addingReplicas(), p.removingReplicas()));
            }
            for (Map.Entry<String, String> config : topic.configs().entrySet()) {
                records.add(new ConfigRecord(topic.id(), config.getKey(), config.getValue()));
            }
        }
        image.groupConfigs().forEach((groupId, configs) -> configs.forEach((key, value) ->
                records.add(new GroupConfigRecord(groupId, key, value))));
        return records;
    }
}

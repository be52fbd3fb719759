package io.sluice.protocol.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.ApiRegistry;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class AdminApisTest {
    @Test
    void registersEveryAdminApiWithItsVersions() {
        ApiRegistry registry = new ApiRegistry();
        AdminApis.register(registry, new FakeMetadata(1), tp -> {
            throw new AssertionError("not used");
        }, AdminTestSupport.topicConfigs(), Map.of(), 1, (short) 1, 1);

        assertThat(registry.entries()).extracting(e -> e.key() + " " + e.minVersion() + "-" + e.maxVersion())
                .containsExactlyInAnyOrder(
                        "CREATE_TOPICS 2-7",
                        "DELETE_TOPICS 1-6",
                        "CREATE_PARTITIONS 0-3",
                        "DELETE_RECORDS 0-2",
                        "DESCRIBE_CONFIGS 1-4",
                        "ALTER_CONFIGS 0-2",
                        "INCREMENTAL_ALTER_CONFIGS 0-1",
                        "DESCRIBE_CLUSTER 0-2",
                        "DESCRIBE_PRODUCERS 0-0",
                        "ELECT_LEADERS 0-2",
                        "ALTER_PARTITION_REASSIGNMENTS 0-1",
                        "LIST_PARTITION_REASSIGNMENTS 0-0",
                        "DESCRIBE_QUORUM 0-2");
        assertThat(registry.get(ApiKeys.CREATE_TOPICS).handler()).isInstanceOf(CreateTopicsHandler.class);
        assertThat(registry.get(ApiKeys.DESCRIBE_PRODUCERS).handler()).isInstanceOf(DescribeProducersHandler.class);
        assertThat(registry.get(ApiKeys.ELECT_LEADERS).handler()).isInstanceOf(ElectLeadersHandler.class);
        assertThat(registry.get(ApiKeys.ALTER_PARTITION_REASSIGNMENTS).handler())
                .isInstanceOf(AlterPartitionReassignmentsHandler.class);
        assertThat(registry.get(ApiKeys.LIST_PARTITION_REASSIGNMENTS).handler())
                .isInstanceOf(ListPartitionReassignmentsHandler.class);
        assertThat(registry.get(ApiKeys.DESCRIBE_QUORUM).handler()).isInstanceOf(DescribeQuorumHandler.class);
    }
}

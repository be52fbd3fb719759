package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.BrokerImage;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class DescribeClusterHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1, 2);
    private final DescribeClusterHandler handler = new DescribeClusterHandler(metadata, 1);

    DescribeClusterHandlerTest() {
        metadata.addBroker(new BrokerImage(3, "host3", 9093, null, true));
    }

    private DescribeClusterResponseData describe(int version, DescribeClusterRequestData data) {
        return wire(await(handler.handle(context(ApiKeys.DESCRIBE_CLUSTER, version),
                new DescribeClusterRequest.Builder(data).build((short) version))), version);
    }

    @Test
    void reportsClusterIdThisNodeAsControllerAndUnfencedBrokers() {
        DescribeClusterResponseData response = describe(1, new DescribeClusterRequestData());

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.clusterId()).isEqualTo("cluster-xyz");
        assertThat(response.controllerId()).isEqualTo(1);
        assertThat(response.endpointType()).isEqualTo((byte) 1);
        assertThat(response.clusterAuthorizedOperations()).isEqualTo(Integer.MIN_VALUE);
        assertThat(response.brokers()).extracting(DescribeClusterBroker::brokerId).containsExactly(1, 2);
        DescribeClusterBroker two = response.brokers().find(2);
        assertThat(two.host()).isEqualTo("host2");
        assertThat(two.port()).isEqualTo(9092);
        assertThat(two.rack()).isEqualTo("rack-b");
        assertThat(response.brokers().find(1).rack()).isNull();
    }

    @Test
    void v2IncludesFencedBrokersWhenAsked() {
        DescribeClusterResponseData response = describe(2, new DescribeClusterRequestData().setIncludeFencedBrokers(true));

        assertThat(response.brokers()).extracting(DescribeClusterBroker::brokerId).containsExactly(1, 2, 3);
        assertThat(response.brokers().find(3).isFenced()).isTrue();
        assertThat(response.brokers().find(1).isFenced()).isFalse();
    }

    @Test
    void authorizedOperationsWhenRequested() {
        DescribeClusterResponseData response = describe(0,
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true));

        Set<Byte> operations = Utils.from32BitField(response.clusterAuthorizedOperations());
        assertThat(operations).contains(AclOperation.DESCRIBE.code(), AclOperation.ALTER.code(),
                AclOperation.IDEMPOTENT_WRITE.code()).doesNotContain(AclOperation.READ.code());
    }

    @Test
    void controllerEndpointTypeIsAMismatch() {
        DescribeClusterResponseData response = describe(1, new DescribeClusterRequestData().setEndpointType((byte) 2));

        assertThat(response.errorCode()).isEqualTo(Errors.MISMATCHED_ENDPOINT_TYPE.code());
        assertThat(response.errorMessage()).contains("CONTROLLER");
        assertThat(response.brokers()).isEmpty();
    }
}

package io.sluice.protocol.admin;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeCluster v0-2 as a broker endpoint answers it: the cluster id, this node as controller,
 * and the registered brokers (fenced ones only when v2 asks for them).
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    /** EndpointType.BROKER's id: this listener serves brokers' APIs, not the controller's. */
    static final byte BROKER_ENDPOINT = 1;

    /** There is no authorizer, so a client may perform every cluster operation Kafka defines. */
    static final int ALL_CLUSTER_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.CREATE.code(),
            AclOperation.CLUSTER_ACTION.code(), AclOperation.DESCRIBE_CONFIGS.code(), AclOperation.ALTER_CONFIGS.code(),
            AclOperation.IDEMPOTENT_WRITE.code(), AclOperation.ALTER.code(), AclOperation.DESCRIBE.code()));

    private final MetadataService metadata;
    private final int nodeId;

    DescribeClusterHandler(MetadataService metadata, int nodeId) {
        this.metadata = metadata;
        this.nodeId = nodeId;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData();
        byte wanted = request.data().endpointType();
        if (wanted != BROKER_ENDPOINT) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type "
                            + (wanted == 2 ? "CONTROLLER" : "UNKNOWN")));
        }
        MetadataImage image = metadata.image();
        boolean includeFenced = request.data().includeFencedBrokers();
        for (BrokerImage broker : new TreeMap<>(image.brokers()).values()) {
            if (broker.fenced() && !includeFenced) {
                continue;
            }
            DescribeClusterBroker described = new DescribeClusterBroker().setBrokerId(broker.id())
                    .setHost(broker.host()).setPort(broker.port()).setRack(broker.rack());
            if (broker.fenced()) {
                described.setIsFenced(true);
            }
            response.brokers().add(described);
        }
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code())
                .setEndpointType(BROKER_ENDPOINT).setClusterId(image.clusterId()).setControllerId(metadata.controllerIdForClients(nodeId))
                .setClusterAuthorizedOperations(request.data().includeClusterAuthorizedOperations()
                        ? ALL_CLUSTER_OPERATIONS : Integer.MIN_VALUE));
    }
}

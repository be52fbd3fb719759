package io.sluice.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kafka-style settings of a single-node test broker (node 1, its own one-voter controller quorum). */
final class BrokerProps {
    static final int NODE_ID = 1;
    /** A controller-only node has no client listener. */
    private static final int NO_LISTENER = -1;
    static final String HOST = "127.0.0.1";

    private BrokerProps() {
    }

    static Map<String, String> singleNode(Path logDir, int listenerPort, int controllerPort, Map<String, String> overrides) {
        return node(NODE_ID, "broker,controller", logDir, listenerPort, "controller.quorum.voters",
                NODE_ID + "@" + HOST + ":" + controllerPort, overrides);
    }

    /** A node that is broker and controller of a multi-node cluster with the given voters. */
    static Map<String, String> clusterNode(int nodeId, Path logDir, int listenerPort, String voters,
                                           Map<String, String> overrides) {
        return node(nodeId, "broker,controller", logDir, listenerPort, "controller.quorum.voters", voters, overrides);
    }

    /** A controller-only node (process.roles=controller) that is the one voter of its quorum. */
    static Map<String, String> controllerOnly(int nodeId, Path logDir, int controllerPort, Map<String, String> overrides) {
        return node(nodeId, "controller", logDir, NO_LISTENER, "controller.quorum.voters",
                nodeId + "@" + HOST + ":" + controllerPort, overrides);
    }

    /** A broker-only node that asks controller.quorum.bootstrap.servers for the voters. */
    static Map<String, String> brokerOnly(int nodeId, Path logDir, int listenerPort, String bootstrapServers,
                                          Map<String, String> overrides) {
        return node(nodeId, "broker", logDir, listenerPort, "controller.quorum.bootstrap.servers", bootstrapServers,
                overrides);
    }

    /** The keys every node has, how it finds the quorum ({@code quorumKey}), then the test's overrides. */
    private static Map<String, String> node(int nodeId, String roles, Path logDir, int listenerPort, String quorumKey,
                                            String quorumValue, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", roles);
        if (listenerPort != NO_LISTENER) {
            props.put("listeners", "PLAINTEXT://" + HOST + ":" + listenerPort);
        }
        props.put("log.dirs", logDir.toString());
        props.put(quorumKey, quorumValue);
        props.putAll(overrides);
        return props;
    }
}

package io.sluice.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kafka-style settings of a single-node test broker (node 1, its own one-voter controller quorum). */
final class BrokerProps {
    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";

    private BrokerProps() {
    }

    static Map<String, String> singleNode(Path logDir, int listenerPort, int controllerPort, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + listenerPort);
        props.put("log.dirs", logDir.toString());
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.putAll(overrides);
        return props;
    }

    /** A node that is broker and controller of a multi-node cluster with the given voters. */
    static Map<String, String> clusterNode(int nodeId, Path logDir, int listenerPort, String voters,
                                           Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + listenerPort);
        props.put("log.dirs", logDir.toString());
        props.put("controller.quorum.voters", voters);
        props.putAll(overrides);
        return props;
    }

    /** A controller-only node (process.roles=controller) that is the one voter of its quorum. */
    static Map<String, String> controllerOnly(int nodeId, Path logDir, int controllerPort, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", "controller");
        props.put("log.dirs", logDir.toString());
        props.put("controller.quorum.voters", nodeId + "@" + HOST + ":" + controllerPort);
        props.putAll(overrides);
        return props;
    }

    /** A broker-only node that asks controller.quorum.bootstrap.servers for the voters. */
    static Map<String, String> brokerOnly(int nodeId, Path logDir, int listenerPort, String bootstrapServers,
                                          Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", "broker");
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + listenerPort);
        props.put("log.dirs", logDir.toString());
        props.put("controller.quorum.bootstrap.servers", bootstrapServers);
        props.putAll(overrides);
        return props;
    }
}

package io.sluice.cli;

import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Loads and initialises, on a second thread, the classes a starting broker needs next, while the main thread
 * parses the command line and the configuration. A start is mostly class loading and interpreted static
 * initialisers that run one after the other; done ahead on a spare core, the main thread finds them ready.
 * Nothing here has side effects beyond class initialisation, and a class that fails to load here fails the
 * same way, and is reported, where the broker uses it.
 */
final class BrokerClassPreloader {
    /** Roughly in the order the broker reaches them, so the main thread rarely waits on one being initialised. */
    private static final List<String> CLASSES = List.of(
            "org.apache.ratis.conf.RaftProperties",
            "org.apache.ratis.server.RaftServerConfigKeys",
            "org.apache.ratis.server.RaftServer",
            "org.apache.ratis.server.impl.RaftServerProxy",
            "org.apache.ratis.grpc.GrpcFactory",
            "org.apache.ratis.grpc.server.GrpcServicesImpl",
            "org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder",
            "org.apache.ratis.proto.RaftProtos",
            "org.apache.kafka.common.protocol.ApiKeys",
            "org.apache.kafka.common.message.MetadataResponseData",
            "org.apache.kafka.common.message.ApiVersionsResponseData",
            "io.netty.channel.epoll.Epoll",
            "io.netty.bootstrap.ServerBootstrap");

    private BrokerClassPreloader() {
    }

    static void startInBackground() {
        Thread thread = new Thread(BrokerClassPreloader::preload, "sluice-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static void preload() {
        LoggerFactory.getLogger(BrokerClassPreloader.class);
        ClassLoader loader = BrokerClassPreloader.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // Only a missed head start: the broker loads the class itself when it needs it.
            }
        }
    }
}

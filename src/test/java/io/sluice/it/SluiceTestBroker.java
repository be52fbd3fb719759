package io.sluice.it;

import io.sluice.config.BrokerConfig;
import io.sluice.server.SluiceServer;

import java.nio.file.Path;
import java.util.Map;

/**
 * An in-process single-node broker on an ephemeral port, for tests. {@link #restart()} brings it back on the same
 * data directory and, when it is still free, the same port; callers must re-read {@link #bootstrap()} afterwards.
 */
public final class SluiceTestBroker implements AutoCloseable {
    private final Path logDir;
    private final Map<String, String> overrides;
    private int port;
    private int controllerPort;
    private SluiceServer server;

    private SluiceTestBroker(Path logDir, Map<String, String> overrides) {
        this.logDir = logDir;
        this.overrides = Map.copyOf(overrides);
    }

    public static SluiceTestBroker start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /** Starts a broker whose logs live under dataDir; overrides use Kafka key names and win over the defaults. */
    public static SluiceTestBroker start(Path dataDir, Map<String, String> overrides) {
        SluiceTestBroker broker = new SluiceTestBroker(dataDir.resolve("logs"), overrides);
        broker.launch(0, FreePorts.pick());
        return broker;
    }

    public String bootstrap() {
        return BrokerProps.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path logDir() {
        return logDir;
    }

    /** Clean shutdown followed by a start on the same data directory. */
    public void restart() {
        stop();
        int oldPort = port;
        int ctrlPort = FreePorts.isFree(controllerPort) ? controllerPort : FreePorts.pick();
        if (!FreePorts.isFree(oldPort)) {
            launch(0, ctrlPort);
            return;
        }
        try {
            launch(oldPort, ctrlPort);
        } catch (RuntimeException onOldPort) {
            // The old port may have been grabbed between the check and the bind; any other cause fails again below.
            try {
                launch(0, ctrlPort);
            } catch (RuntimeException onNewPort) {
                onNewPort.addSuppressed(onOldPort);
                throw onNewPort;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void stop() {
        if (server != null) {
            SluiceServer running = server;
            server = null;
            running.close();
        }
    }

    private void launch(int listenerPort, int ctrlPort) {
        Map<String, String> props = BrokerProps.singleNode(logDir, listenerPort, ctrlPort, overrides);
        server = SluiceServer.start(BrokerConfig.of(props));
        port = server.boundPort();
        controllerPort = ctrlPort;
    }
}

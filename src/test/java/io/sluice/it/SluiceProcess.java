package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A broker in its own JVM, started through the command line, so that tests can kill it with SIGKILL. Its stdout and
 * stderr go to files next to the data directory (one pair per launch) and are quoted when it fails to come up.
 */
public final class SluiceProcess implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_CHARS = 4000;

    private final Path workDir;
    private final Path logDir;
    private int nodeId = BrokerProps.NODE_ID;
    /** controller.quorum.voters of a multi-node cluster; null for the single-node default. */
    private String voters;
    private Map<String, String> overrides = Map.of();
    /** Set for a broker-only node: the controller.quorum.bootstrap.servers it finds the quorum through. */
    private String bootstrapServers;
    /** A controller-only node has no Kafka listener; it is ready once it says so in its log. */
    private boolean controllerOnly;
    private boolean paused;
    private int port;
    private int controllerPort;
    private int launches;
    private Process process;
    private Path stdout;
    private Path stderr;

    private SluiceProcess(Path workDir) {
        this.workDir = workDir;
        this.logDir = workDir.resolve("logs");
    }

    /** Launches a broker with its data under workDir and waits until clients can use it. */
    public static SluiceProcess start(Path workDir) {
        SluiceProcess broker = new SluiceProcess(workDir);
        broker.port = FreePorts.pick();
        broker.controllerPort = FreePorts.pick();
        broker.launchAndAwaitReady();
        return broker;
    }

    /**
     * Launches {@code nodes} processes that are each broker and controller (node ids 1..n, one voter each, every
     * node with its own ports and data under workDir/node-i), then waits until every one serves clients. They
     * start together because none is ready before a quorum of voters runs.
     */
    public static List<SluiceProcess> startCluster(Path workDir, int nodes, Map<String, String> overrides) {
        List<SluiceProcess> cluster = new ArrayList<>();
        List<String> voterList = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            SluiceProcess node = new SluiceProcess(workDir.resolve("node-" + id));
            node.nodeId = id;
            node.port = FreePorts.pick();
            node.controllerPort = FreePorts.pick();
            node.overrides = Map.copyOf(overrides);
            voterList.add(id + "@" + BrokerProps.HOST + ":" + node.controllerPort);
            cluster.add(node);
        }
        String voters = String.join(",", voterList);
        try {
            for (SluiceProcess node : cluster) {
                node.voters = voters;
                node.launch();
            }
            for (SluiceProcess node : cluster) {
                node.awaitReady();
            }
        } catch (RuntimeException | AssertionError e) {
            cluster.forEach(SluiceProcess::close);
            throw e;
        }
        return cluster;
    }

    /**
     * Launches a controller-only node (process.roles=controller) that is the single voter of its metadata quorum,
     * for broker-only nodes to join (see {@link #startBrokerOnly}); returns once its quorum is ready.
     */
    public static SluiceProcess startController(Path workDir, int nodeId, Map<String, String> overrides) {
        SluiceProcess controller = new SluiceProcess(workDir);
        controller.nodeId = nodeId;
        controller.controllerOnly = true;
        controller.controllerPort = FreePorts.pick();
        controller.voters = nodeId + "@" + BrokerProps.HOST + ":" + controller.controllerPort;
        controller.overrides = Map.copyOf(overrides);
        controller.launch();
        controller.awaitReady();
        return controller;
    }

    /**
     * Launches broker-only nodes (process.roles=broker) that learn the voters from controller.quorum.bootstrap.servers
     * and follow the metadata log as listeners; returns once every one serves clients.
     */
    public static List<SluiceProcess> startBrokerOnly(Path workDir, List<Integer> nodeIds, String bootstrapServers,
                                                      Map<String, String> overrides) {
        List<SluiceProcess> brokers = new ArrayList<>();
        try {
            for (int id : nodeIds) {
                SluiceProcess broker = new SluiceProcess(workDir.resolve("node-" + id));
                broker.nodeId = id;
                broker.port = FreePorts.pick();
                broker.controllerPort = FreePorts.pick();
                broker.bootstrapServers = bootstrapServers;
                broker.overrides = Map.copyOf(overrides);
                brokers.add(broker);
                broker.launch();
            }
            // Nobody knows a broker-only node's ports before it registers: a lost port race costs one relaunch.
            brokers.forEach(SluiceProcess::awaitReadyOrRelaunchOnFreshPorts);
        } catch (RuntimeException | AssertionError e) {
            brokers.forEach(SluiceProcess::close);
            throw e;
        }
        return brokers;
    }

    /** host:port of this node's metadata quorum (Raft) endpoint, as controller.quorum.bootstrap.servers wants it. */
    public String quorumEndpoint() {
        return BrokerProps.HOST + ":" + controllerPort;
    }

    /**
     * SIGSTOP: the process stays alive and its sockets open, but it answers nothing, as if cut off the network.
     * Connections to it hang rather than fail, which is what a partition looks like to its peers.
     */
    public void pause() {
        signal("-STOP");
        paused = true;
    }

    public boolean isPaused() {
        return paused;
    }

    /** SIGCONT after {@link #pause()}: it carries on where it stopped, with whatever state it had then. */
    public void resume() {
        signal("-CONT");
        paused = false;
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + process.pid(), e);
        }
    }

    public String bootstrap() {
        return BrokerProps.HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int nodeId() {
        return nodeId;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed by the broker itself. */
    public void kill9() {
        process.destroyForcibly();
        awaitExit(process);
    }

    /** Starts it again on the same data directory, on the same ports when they are still free. */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("broker process " + process.pid() + " is still running");
        }
        if (voters != null) {
            // The other voters know this node by its controller port: it has to come back on the same one.
            Poll.until(STOP_TIMEOUT, () -> FreePorts.isFree(controllerPort), "controller port " + controllerPort + " to be free");
        } else if (!FreePorts.isFree(controllerPort)) {
            controllerPort = FreePorts.pick();
        }
        if (!FreePorts.isFree(port)) {
            port = FreePorts.pick();
        }
        launchAndAwaitReady();
    }

    /** Restarts without waiting for readiness (a cluster node may need its peers first). */
    public void restartInBackground() {
        if (process.isAlive()) {
            throw new IllegalStateException("broker process " + process.pid() + " is still running");
        }
        Poll.until(STOP_TIMEOUT, () -> FreePorts.isFree(controllerPort) && FreePorts.isFree(port),
                "ports " + port + " and " + controllerPort + " to be free");
        launch();
    }

    /** Waits until the current launch serves clients. */
    public void awaitReady() {
        Poll.until(STARTUP_TIMEOUT, this::readyForClients, "broker process on " + bootstrap() + " to serve clients");
    }

    /** Clean stop (SIGTERM, so the shutdown hook runs), then SIGKILL if it hangs. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                awaitExit(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The last few KB of stdout and stderr of the current launch, for failure messages. */
    public String diagnostics() {
        return "--- stdout (" + stdout + ") ---\n" + tail(stdout) + "\n--- stderr (" + stderr + ") ---\n" + tail(stderr);
    }

    private void launchAndAwaitReady() {
        launch();
        awaitReadyOrRelaunchOnFreshPorts();
    }

    private void awaitReadyOrRelaunchOnFreshPorts() {
        try {
            awaitReady();
        } catch (AssertionError failed) {
            // A port freed by a killed process can still be refused; that alone is worth one try on fresh ports.
            if (process.isAlive() || !diagnostics().contains("Address already in use")) {
                throw failed;
            }
            port = FreePorts.pick();
            controllerPort = FreePorts.pick();
            launchOnceAndAwaitReady();
        }
    }

    private void launchOnceAndAwaitReady() {
        launch();
        awaitReady();
    }

    private void launch() {
        launches++;
        stdout = workDir.resolve("broker-" + launches + ".out");
        stderr = workDir.resolve("broker-" + launches + ".err");
        List<String> command = new ArrayList<>(List.of(
                javaBinary(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", testClassPath(), "io.sluice.cli.SluiceCommand", "broker"));
        Map<String, String> props;
        if (controllerOnly) {
            props = BrokerProps.controllerOnly(nodeId, logDir, controllerPort, overrides);
        } else if (bootstrapServers != null) {
            props = BrokerProps.brokerOnly(nodeId, logDir, port, bootstrapServers, overrides);
        } else {
            props = voters == null ? BrokerProps.singleNode(logDir, port, controllerPort, overrides)
                    : BrokerProps.clusterNode(nodeId, logDir, port, voters, overrides);
        }
        props.forEach((key, value) -> command.addAll(List.of("--override", key + "=" + value)));
        try {
            Files.createDirectories(workDir);
            process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean readyForClients() {
        if (!process.isAlive()) {
            throw new AssertionError("broker process exited with code " + process.exitValue() + "\n" + diagnostics());
        }
        if (controllerOnly) {
            return logSays("Sluice controller " + nodeId + " started");
        }
        if (!acceptsConnections()) {
            return false;
        }
        try (Admin admin = Clients.admin(bootstrap())) {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("describeCluster failed", e);
        }
    }

    private boolean logSays(String line) {
        for (Path file : List.of(stdout, stderr)) {
            try {
                if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).contains(line)) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(BrokerProps.HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire may hand the test JVM a manifest-only jar; it publishes the real class path separately. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static void awaitExit(Process p) {
        try {
            if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("process " + p.pid() + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for process " + p.pid(), e);
        }
    }

    private static String tail(Path file) {
        try {
            if (file == null || !Files.exists(file)) {
                return "(none)";
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() <= LOG_TAIL_CHARS ? text : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

package io.sluice.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice produce}: one record per stdin line, like kafka-console-producer.sh. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send each line of standard input as a record; flushes and exits at end of input.",
                "Properties: parse.key, key.separator (\\t), parse.headers, headers.delimiter (\\t),",
                "headers.separator (,), headers.key.separator (:), null.marker, ignore.error."})
final class ProduceCommand implements Callable<Integer> {
    private static final Set<String> ACKS = Set.of("all", "-1", "0", "1");
    private static final Set<String> COMPRESSION = Set.of("none", "gzip", "snappy", "lz4", "zstd");

    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to write to.")
    private String topic;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "Line-reader property (repeatable).")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--acks", paramLabel = "all|0|1", defaultValue = "all", description = "Acknowledgements to wait for (default: ${DEFAULT-VALUE}).")
    private String acks;

    @Option(names = "--compression-type", paramLabel = "TYPE", defaultValue = "none",
            description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    private String compressionType;

    @Option(names = "--producer-property", paramLabel = "KEY=VALUE", description = "Producer client property (repeatable).")
    private Map<String, String> producerProperties = new LinkedHashMap<>();

    private InputStream input = System.in;

    /** Where lines come from; standard input unless a test says otherwise. */
    ProduceCommand withInput(InputStream in) {
        this.input = in;
        return this;
    }

    @Override
    public Integer call() {
        ConsoleLineParser parser = lineParser();
        Map<String, String> clientProps = new LinkedHashMap<>();
        clientProps.put(ProducerConfig.ACKS_CONFIG, acks);
        clientProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compressionType);
        clientProps.putAll(producerProperties);
        AdminCalls.checkReachable(bootstrap.servers());
        Exception error;
        // A bad --producer-property fails here and is reported as it is, not as a send error.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ClientSettings.producer(bootstrap.servers(), clientProps))) {
            try {
                error = sendLines(new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)), parser, topic, producer);
            } catch (KafkaException e) {
                error = e;
            }
        }
        if (error != null) {
            throw new CommandFailedException("error sending to topic " + topic + ": " + error.getMessage(), SluiceCommand.EXIT_FAILURE);
        }
        return SluiceCommand.EXIT_OK;
    }

    /**
     * Sends one record per line until end of input or the first failed send, then flushes.
     *
     * @return the first send failure, or null when every record was acknowledged
     * @throws CommandFailedException when a line cannot be parsed (records before it are still sent)
     */
    static Exception sendLines(BufferedReader reader, ConsoleLineParser parser, String topic, Producer<byte[], byte[]> producer) {
        AtomicReference<Exception> sendError = new AtomicReference<>();
        Callback callback = (metadata, error) -> {
            if (error != null) {
                sendError.compareAndSet(null, error);
            }
        };
        try {
            long lineNumber = 0;
            String line;
            while (sendError.get() == null && (line = reader.readLine()) != null) {
                lineNumber++;
                ConsoleLineParser.Parsed parsed = parser.parse(line, lineNumber);
                producer.send(new ProducerRecord<>(topic, null, null, parsed.key(), parsed.value(), parsed.headers()), callback);
            }
        } catch (IllegalArgumentException e) {
            producer.flush();
            throw new CommandFailedException(e.getMessage(), SluiceCommand.EXIT_FAILURE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        producer.flush();
        return sendError.get();
    }

    private ConsoleLineParser lineParser() {
        if (!ACKS.contains(acks)) {
            throw new ParameterException(spec.commandLine(), "Invalid value '" + acks + "' for option '--acks': expected all, 0 or 1");
        }
        if (!COMPRESSION.contains(compressionType)) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value '" + compressionType + "' for option '--compression-type': expected none, gzip, snappy, lz4 or zstd");
        }
        try {
            return ConsoleLineParser.fromProperties(properties);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid --property: " + e.getMessage());
        }
    }
}

package io.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * Quiets the Kafka and Ratis libraries for command-line use. slf4j-simple reads its settings once,
 * when the first logger is created, so this must run first thing in main. A level already chosen by
 * a system property or by simplelogger.properties is left alone.
 */
final class LoggingDefaults {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final Map<String, String> DEFAULTS = Map.of(
            PREFIX + "log.io.sluice", "info",
            PREFIX + "log.org.apache.kafka", "warn",
            PREFIX + "log.org.apache.ratis", "warn",
            // The client's own "cannot reach broker" line says it once; this logger would repeat it every backoff.
            PREFIX + "log.org.apache.kafka.clients.NetworkClient", "error");

    private LoggingDefaults() {
    }

    static void apply() {
        Properties file = simpleLoggerFile();
        DEFAULTS.forEach((key, level) -> {
            if (System.getProperty(key) == null && !file.containsKey(key)) {
                System.setProperty(key, level);
            }
        });
    }

    private static Properties simpleLoggerFile() {
        Properties properties = new Properties();
        try (InputStream in = LoggingDefaults.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException | IllegalArgumentException e) {
            // An unreadable file is slf4j-simple's problem to report; keep our defaults.
        }
        return properties;
    }
}

package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.BrokerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCommandTest {

    @Test
    void startedLineNamesNodeBoundAddressAndDataDirectory(@TempDir Path dir) {
        BrokerConfig config = BrokerConfig.of(Map.of(
                "node.id", "4", "listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString()));

        assertThat(BrokerCommand.startedLine(config, 40123))
                .isEqualTo("Sluice broker 4 listening on 127.0.0.1:40123, data in " + dir);
    }
}

package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelfTestCommandTest {

    @Test
    void startsABrokerAndRoundTripsARecordThroughTheKafkaClient() {
        CommandLine cli = SluiceCommand.newCommandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("self-test");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("self-test passed: produced and consumed 'hello from ");
    }
}

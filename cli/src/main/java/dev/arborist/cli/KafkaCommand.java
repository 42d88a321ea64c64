package dev.arborist.cli;

import dev.arborist.events.EmbeddedKafka;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A standalone in-process Kafka broker for local runs: serve and (later) the agent connect to it. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft, combined broker+controller) until interrupted; its data is deleted on exit.")
final class KafkaCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1, 0 for any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }));
        System.out.println("kafka ready: bootstrap servers " + kafka.bootstrapServers());
        stopped.await();
        return 0;
    }
}

package dev.arborist.events;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker in this JVM, for tests and the demo: one KRaft process that is
 * both broker and controller, listening on 127.0.0.1, with its log dir in a temp folder that
 * {@link #close()} deletes. {@link #stop()} and {@link #restart()} take it away and bring it back
 * on the same port and log dir, as a broker outage looks to its clients. Not for production: one
 * replica, no security.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final int NODE_ID = 1;
    private static final String CONTROLLER = "CONTROLLER";

    private final Path logDir;
    private final int brokerPort;
    private final KafkaConfig config; // fixed ports and log dir: a restart is the same broker
    private KafkaRaftServer server; // null while stopped

    private EmbeddedKafka(Path logDir, int brokerPort, KafkaConfig config) {
        this.logDir = logDir;
        this.brokerPort = brokerPort;
        this.config = config;
    }

    /** Starts a broker on a free port; returns once it answers clients. */
    public static EmbeddedKafka start() {
        return start(freePort());
    }

    /** Starts a broker on {@code brokerPort} (e.g. one a client was already told about). */
    public static EmbeddedKafka start(int brokerPort) {
        Path logDir;
        try {
            logDir = Files.createTempDirectory("arborist-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            KafkaConfig config = KafkaConfig.fromProps(brokerProperties(logDir, brokerPort, freePortOtherThan(brokerPort)), false);
            format(logDir);
            EmbeddedKafka kafka = new EmbeddedKafka(logDir, brokerPort, config);
            kafka.run();
            return kafka;
        } catch (RuntimeException e) {
            deleteRecursively(logDir);
            throw e;
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Shuts the broker down but keeps its port and log dir (topics, events, offsets) for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts a stopped broker again on the same port and log dir; returns once it answers clients. */
    public synchronized void restart() {
        if (server != null) {
            throw new IllegalStateException("the broker at " + bootstrapServers() + " is running: stop() it first");
        }
        run();
    }

    @Override
    public synchronized void close() {
        stop();
        deleteRecursively(logDir);
    }

    private void run() {
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitClients();
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER + "://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                // One node: every internal topic has a single replica.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                // Consumers join at once instead of after the default 3 s.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // The cleaner allocates this up front (default 128 MiB); compacted topics here are tiny.
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20)),
                // Topics are created explicitly, with their policies (see TelemetryProducer).
                Map.entry("auto.create.topics.enable", "false")));
        return p;
    }

    private static void format(Path logDir) {
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName(CONTROLLER)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format the Kafka log dir " + logDir, e);
        }
    }

    /** startup() returns once the broker is registered; wait until it also serves metadata. */
    private void awaitClients() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("embedded Kafka did not come up at " + bootstrapServers(), e);
        }
    }

    /** The broker's own port was free a moment ago and is closed again, so the system may hand it out once more. */
    private static int freePortOtherThan(int taken) {
        int port = freePort();
        while (port == taken) {
            port = freePort();
        }
        return port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir is harmless.
        }
    }
}

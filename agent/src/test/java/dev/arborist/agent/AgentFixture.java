package dev.arborist.agent;

import ai.djl.ndarray.NDManager;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.EventProducers;
import dev.arborist.model.config.Architecture;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.io.DType;
import dev.arborist.model.nn.WeightInit;
import dev.arborist.model.runtime.Engines;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.BpeConfig;
import dev.arborist.model.tokenizer.BpeModel;
import dev.arborist.model.tokenizer.BpeTrainer;
import dev.arborist.policies.control.SloSpec;
import dev.arborist.policies.elastic.LadderSettings;
import dev.arborist.policies.elastic.SpeedComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What agent tests share: a tiny Mixtral model directory (random weights, a real BPE tokenizer,
 * eval and calibration text beside it), a fast agent configuration, and plain Kafka helpers.
 */
final class AgentFixture {
    static final String DEPLOYMENT = "prod";
    private static final String[] WORDS = {"the", "model", "keeps", "most", "weights", "while", "pruning", "removes", "small", "ones",
            "and", "quality", "stays", "traffic", "moves", "experts", "back"};

    private AgentFixture() {
    }

    /** A 2-layer, 4-expert Mixtral with a BPE tokenizer and text files, in {@code dir}. */
    static Path model(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lines.add(WORDS[i % 17] + " " + WORDS[(i * 7) % 17] + " " + WORDS[(i * 5 + 3) % 17] + " " + WORDS[(i * 11 + 1) % 17] + " " + i + ".");
        }
        BpeModel bpe = new BpeTrainer(BpeConfig.ofVocab(300)).train(lines);
        Path tokenizer = dir.resolve("tokenizer-src.json");
        bpe.writeTokenizerJson(tokenizer);
        ModelConfig config = new ModelConfig(Architecture.MIXTRAL, bpe.vocabSize(), 32, 24, 2, 4, 2, 8, 64, 10000, 1e-5, false, 4, 2, 0, 1);
        Path model = Files.createDirectories(dir.resolve("tiny"));
        try (NDManager m = Engines.newManager()) {
            LanguageModel.save(config, WeightInit.random(config, m, 7), model, DType.F32, tokenizer);
        }
        Files.write(model.resolve("eval.txt"), lines.subList(0, 200));
        Files.write(model.resolve("calib.txt"), lines.subList(200, 400));
        return model;
    }

    /** An SLO on e2e p95 with a generous budget (random weights lose little when pruned), no cool-down. */
    static SloSpec slo(double e2eTarget) {
        return SloSpec.builder(DEPLOYMENT).e2eP95Seconds(e2eTarget).qualityBudget(0.5).cooldown(Duration.ZERO).minRequests(5)
                .headroomWindows(2).build();
    }

    /** Small ladders, few windows: a build takes about a second on the tiny model. */
    static AgentConfig.Builder config(EmbeddedKafka kafka, Path model, Path store, SloSpec slo, Duration window) {
        return AgentConfig.builder(kafka.bootstrapServers(), model, store, slo)
                .window(window)
                .metricsPort(0)
                .ladder(new LadderSettings(List.of(0.1, 0.25, 0.5), 32, 2, 2, new SpeedComparison(1, 4, 4)).withFfnStep(LadderSettings.QUICK_FFN_STEP))
                .verifyWindows(2)
                .minBuildTokens(100);
    }

    static Producer<String, String> producer(EmbeddedKafka kafka) {
        return EventProducers.idempotent(kafka.bootstrapServers(), "agent-test", 5_000);
    }

    /** Sends without waiting; {@link Producer#flush} waits for everything sent. */
    static void send(Producer<String, String> producer, String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Every record of a topic now, from the beginning (no group). */
    static List<ConsumerRecord<String, String>> readAll(EmbeddedKafka kafka, String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** Waits for a condition that the agent's own pace decides; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}

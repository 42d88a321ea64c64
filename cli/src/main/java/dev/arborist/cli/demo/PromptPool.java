package dev.arborist.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Prompts for generated traffic, drawn from held-out text (the model never trained on it) and
 * split into domains that load the model differently: short informal lines (chit-chat), long
 * formal sentences (reports, resolutions), and copy-heavy requests (a line given twice, as in
 * templated or reformatting work, whose continuation repeats what the prompt already says).
 */
public final class PromptPool {
    /** A kind of traffic: where its prompts come from and which SLO class its requests carry. */
    public enum Domain {
        CHAT("interactive"), FORMAL("batch"), REPEAT("bulk");

        private final String sloClass;

        Domain(String sloClass) {
            this.sloClass = sloClass;
        }

        public String sloClass() {
            return sloClass;
        }
    }

    private static final int SHORT_MAX_CHARS = 60;
    private static final int LONG_MIN_CHARS = 120;
    private static final int LONG_MAX_CHARS = 400;

    private final List<String> chat;
    private final List<String> formal;
    private final List<String> repeated;

    private PromptPool(List<String> chat, List<String> formal, List<String> repeated) {
        this.chat = chat;
        this.formal = formal;
        this.repeated = repeated;
    }

    /** @param heldOut one sentence per line, e.g. the bundled model's eval.txt */
    public static PromptPool from(Path heldOut) throws IOException {
        List<String> lines = Files.readAllLines(heldOut).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> chat = lines.stream().filter(l -> l.length() <= SHORT_MAX_CHARS).toList();
        List<String> formal = lines.stream().filter(l -> l.length() >= LONG_MIN_CHARS && l.length() <= LONG_MAX_CHARS).toList();
        if (chat.isEmpty() || formal.isEmpty()) {
            throw new IllegalArgumentException(heldOut + " needs both short (<= " + SHORT_MAX_CHARS + " chars) and long (>= "
                    + LONG_MIN_CHARS + " chars) lines to make two traffic domains");
        }
        List<String> medium = lines.stream().filter(l -> l.length() > SHORT_MAX_CHARS && l.length() < LONG_MIN_CHARS).toList();
        List<String> repeated = (medium.isEmpty() ? chat : medium).stream().map(l -> l + "\n" + l + "\n").toList();
        return new PromptPool(chat, formal, repeated);
    }

    public String draw(Domain domain, Random random) {
        List<String> pool = pool(domain);
        return pool.get(random.nextInt(pool.size()));
    }

    /** Every prompt of a domain: that domain's text, e.g. to score a model on it. */
    public List<String> lines(Domain domain) {
        return pool(domain);
    }

    private List<String> pool(Domain domain) {
        return switch (domain) {
            case CHAT -> chat;
            case FORMAL -> formal;
            case REPEAT -> repeated;
        };
    }
}

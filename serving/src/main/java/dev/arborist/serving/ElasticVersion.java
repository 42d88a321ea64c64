package dev.arborist.serving;

import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.Transformer;
import dev.arborist.policies.elastic.Ladder;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The elastic side of a served version: one resident, importance-permuted model that runs at any
 * rung of its ladder, and the {@link RungSelector} that picks a rung per request. Every level
 * writes the keys and values of every KV head of every layer (skipped layers too), so the
 * version's one cache, shaped like {@link #full()}, serves every rung and a sequence may change
 * rung between two decode steps.
 */
final class ElasticVersion implements AutoCloseable {
    private final ElasticModel model;
    private final Ladder ladder;
    private final RungSelector selector;

    ElasticVersion(ElasticModel model, Ladder ladder, int baseRung) {
        this.model = model;
        this.ladder = ladder;
        this.selector = new RungSelector(ladder.size(), baseRung);
    }

    /** The permuted model at full width: rung 0, and what sampled statistics steps run. */
    Transformer full() {
        return model.full();
    }

    /** The model at {@code rung}'s level; its prefix views are built on first use and kept. */
    Transformer at(int rung) {
        return model.at(level(rung));
    }

    /** Every rung's model, index = rung (0: the full model). */
    List<Transformer> rungModels() {
        return IntStream.range(0, ladder.size()).mapToObj(r -> r == 0 ? full() : at(r)).toList();
    }

    Level level(int rung) {
        return ladder.rung(rung).level();
    }

    Ladder ladder() {
        return ladder;
    }

    RungSelector selector() {
        return selector;
    }

    /** Frees the level views; the permuted weights belong to the version's manager. */
    @Override
    public void close() {
        model.close();
    }
}

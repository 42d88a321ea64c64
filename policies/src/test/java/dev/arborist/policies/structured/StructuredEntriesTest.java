package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.policies.plan.EntryDecoder;
import dev.arborist.policies.plan.EntryEncoder;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PlanEntryCodecs;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ChannelSelection;
import dev.arborist.policies.structured.entry.ExpertSelection;
import dev.arborist.policies.structured.entry.ExpertSkip;
import dev.arborist.policies.structured.entry.HeadSelection;
import dev.arborist.policies.structured.entry.LayerRemoval;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StructuredEntriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<PlanEntry> entries() {
        return Stream.of(new ChannelSelection(1, 3, List.of(0, 4, 9)), new ChannelSelection(0, -1, List.of(2)),
                new HeadSelection(2, List.of(1)), new LayerRemoval(4), new ExpertSelection(0, List.of(1, 2, 5, 7)),
                new ExpertSkip(3, 0.125), new ChannelPermutation(1, -1, List.of(2, 0, 1)));
    }

    @ParameterizedTest
    @MethodSource("entries")
    @DisplayName("every structured entry decodes back to itself from its JSON, with no registration by the caller")
    void roundTrip(PlanEntry entry) {
        ObjectNode json = JSON.createObjectNode();
        entry.encode(new EntryEncoder() {
            @Override
            public ObjectNode json() {
                return json;
            }

            @Override
            public String tensor(String name, long[] shape, float[] data) {
                throw new AssertionError("structured entries store no tensors");
            }

            @Override
            public String bytes(String name, byte[] data) {
                throw new AssertionError("structured entries store no tensors");
            }
        });
        PlanEntry decoded = PlanEntryCodecs.decode(entry.kind(), new EntryDecoder() {
            @Override
            public JsonNode json() {
                return json;
            }

            @Override
            public float[] tensor(String storedName) {
                throw new AssertionError();
            }

            @Override
            public long[] shape(String storedName) {
                throw new AssertionError();
            }

            @Override
            public byte[] bytes(String storedName) {
                throw new AssertionError();
            }
        });
        assertThat(decoded).isEqualTo(entry);
    }

    @Test
    @DisplayName("kept units must be non-empty and strictly increasing")
    void rejectsNonCanonicalSelections() {
        assertThatThrownBy(() -> new ChannelSelection(0, -1, List.of(3, 1))).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> new HeadSelection(0, List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new ExpertSkip(0, 1.5)).hasMessageContaining("[0, 1]");
    }
}

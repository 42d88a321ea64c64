package dev.arborist.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("F32 round trip is bit-exact and keeps names in insertion order")
    void f32Exact() {
        Map<String, TensorData> tensors = sampleTensors();
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of(), DType.F32);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.names()).containsExactlyElementsOf(tensors.keySet());
            for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
                TensorInfo info = st.info(e.getKey());
                assertThat(info.dtype()).isEqualTo(DType.F32);
                assertThat(info.shape()).containsExactly(e.getValue().shape());
                assertThat(info.file()).isEqualTo(file);
                assertThat(st.readFloats(e.getKey())).containsExactly(e.getValue().data());
            }
        }
    }

    @Test
    @DisplayName("F16 round trip is within half precision")
    void f16WithinHalfPrecision() {
        Map<String, TensorData> tensors = sampleTensors();
        Path file = dir.resolve("half.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of(), DType.F16);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] want = tensors.get("layers.0.weight").data();
            float[] got = st.readFloats("layers.0.weight");
            assertThat(st.info("layers.0.weight").dtype()).isEqualTo(DType.F16);
            for (int i = 0; i < want.length; i++) {
                // 11 significant bits: relative error at most 2^-11 for normal values.
                assertThat(got[i]).isCloseTo(want[i], within(Math.abs(want[i]) * 0x1p-11f + 0x1p-24f));
            }
        }
    }

    @Test
    @DisplayName("BF16 round trip returns exactly the rounded BF16 value")
    void bf16MatchesRounding() {
        Map<String, TensorData> tensors = sampleTensors();
        Path file = dir.resolve("bf16.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of(), DType.BF16);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            float[] want = tensors.get("layers.0.weight").data();
            float[] got = st.readFloats("layers.0.weight");
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).isEqualTo(HalfFloats.bf16ToFloat(HalfFloats.bf16FromFloat(want[i])));
                assertThat(Float.floatToIntBits(got[i]) & 0xFFFF).isZero();
            }
        }
    }

    @Test
    @DisplayName("metadata round trips and the header is space-padded to 8 bytes")
    void metadataAndPadding() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("arborist.pruned", "layers.3.mlp: 25%");
        Path file = dir.resolve("meta.safetensors");
        SafetensorsWriter.write(file, Map.of("x", TensorData.of(new float[] {1, 2, 3}, 3)), meta, DType.F32);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.metadata()).containsExactlyEntriesOf(meta);
        }
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        assertThat(bytes[(int) (8 + headerLength - 1)]).isIn((byte) ' ', (byte) '}');
        assertThat(bytes.length).isEqualTo(8 + headerLength + 12);
    }

    @Test
    @DisplayName("scalars, empty tensors and raw bytes are handled")
    void scalarEmptyAndRaw() {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("scale", TensorData.of(new float[] {0.5f}));
        tensors.put("empty", TensorData.of(new float[0], 0, 4));
        Path file = dir.resolve("odd.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of(), DType.F32);

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.info("scale").shapeString()).isEqualTo("[]");
            assertThat(st.info("scale").numel()).isEqualTo(1);
            assertThat(st.readFloats("scale")).containsExactly(0.5f);
            assertThat(st.info("empty").shapeString()).isEqualTo("[0, 4]");
            assertThat(st.readFloats("empty")).isEmpty();
            assertThat(st.readBytes("scale").getFloat(0)).isEqualTo(0.5f);
        }
    }

    @Test
    @DisplayName("the writer replaces an existing file and leaves no temp files behind")
    void atomicReplace() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafetensorsWriter.write(file, Map.of("a", TensorData.of(new float[] {1}, 1)), Map.of(), DType.F32);
        SafetensorsWriter.write(file, Map.of("b", TensorData.of(new float[] {2, 3}, 2)), Map.of(), DType.F16);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("model.safetensors"));
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.names()).containsExactly("b");
            assertThat(st.readFloats("b")).containsExactly(2f, 3f);
        }
    }

    /** Two matrices and a vector with values spread over many magnitudes and both signs. */
    private static Map<String, TensorData> sampleTensors() {
        SplittableRandom rnd = new SplittableRandom(42);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("model.embed_tokens.weight", TensorData.of(randoms(rnd, 7 * 5), 7, 5));
        tensors.put("layers.0.weight", TensorData.of(randoms(rnd, 64 * 33), 64, 33));
        tensors.put("layers.0.bias", TensorData.of(randoms(rnd, 33), 33));
        return tensors;
    }

    private static float[] randoms(SplittableRandom rnd, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(-10, 10)));
        }
        return out;
    }
}

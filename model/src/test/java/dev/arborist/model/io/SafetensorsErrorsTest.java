package dev.arborist.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsErrorsTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("a missing tensor names the tensor and the file")
    void missingTensor() {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, Map.of("a", TensorData.of(new float[] {1}, 1)), Map.of(), DType.F32);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> st.readFloats("b"))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessage("tensor 'b' not found in " + file);
        }
    }

    @Test
    @DisplayName("a truncated file is rejected at open, naming the tensor that runs past the end")
    void truncatedFile() throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, Map.of("w", TensorData.of(new float[] {1, 2, 3, 4}, 2, 2)), Map.of(), DType.F32);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 4);
        }
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("data_offsets [0, 16] run past the end of the data region (12 bytes)");
    }

    @Test
    @DisplayName("a header length larger than the file is rejected")
    void headerLengthTooLarge() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("h.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8),
                new byte[0]);
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("header length 1000 is larger than the file (10 bytes)");
    }

    @Test
    @DisplayName("an absurd header length (e.g. a foreign file) and a tiny file are rejected")
    void notSafetensors() throws IOException {
        Path pickle = Files.write(dir.resolve("p.safetensors"), new byte[] {(byte) 0x80, 2, 'c', 't', 'o', 'r', 'c', 'h',
            '.', '.'});
        assertThatThrownBy(() -> SafetensorsFile.open(pickle))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("not a safetensors file");
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[3]);
        assertThatThrownBy(() -> SafetensorsFile.open(tiny))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("too small");
    }

    @Test
    @DisplayName("offsets outside the data region are rejected")
    void offsetsOutOfRange() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("o.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", RawSafetensors.f32Bytes(1, 2));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("data_offsets [8, 16] run past the end of the data region (8 bytes)");
    }

    @Test
    @DisplayName("offsets that disagree with dtype × shape are rejected")
    void offsetsInconsistentWithShape() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("s.safetensors"),
                "{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", RawSafetensors.f32Bytes(1, 2));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("span 8 bytes but F16 [3] needs 6");
    }

    @Test
    @DisplayName("an unknown dtype is rejected, naming it")
    void unknownDtype() throws IOException {
        Path file = RawSafetensors.write(dir.resolve("d.safetensors"),
                "{\"w\":{\"dtype\":\"Q4_K\",\"shape\":[2],\"data_offsets\":[0,8]}}", RawSafetensors.f32Bytes(1, 2));
        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'w': unknown dtype 'Q4_K'");
    }

    @Test
    @DisplayName("malformed JSON and duplicate keys are rejected")
    void badJson() throws IOException {
        Path broken = RawSafetensors.write(dir.resolve("j.safetensors"), "{\"w\":", new byte[0]);
        assertThatThrownBy(() -> SafetensorsFile.open(broken))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("header is not valid JSON");
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        Path dup = RawSafetensors.write(dir.resolve("dup.safetensors"), "{\"w\":" + entry + ",\"w\":" + entry + "}",
                RawSafetensors.f32Bytes(1));
        assertThatThrownBy(() -> SafetensorsFile.open(dup))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("Duplicate field 'w'");
    }

    @Test
    @DisplayName("non-float dtypes are readable as raw bytes but not as floats")
    void integerTensor() throws IOException {
        byte[] data = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1)
                .array();
        Path file = RawSafetensors.write(dir.resolve("i.safetensors"),
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", data);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.readBytes("ids").getLong(0)).isEqualTo(7);
            assertThat(st.readBytes("ids").getLong(8)).isEqualTo(-1);
            assertThatThrownBy(() -> st.readFloats("ids"))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("tensor 'ids'")
                    .hasMessageContaining("has dtype I64");
        }
    }

    @Test
    @DisplayName("a directory without model.safetensors or an index fails with a clear message")
    void missingModelFile() throws IOException {
        Files.writeString(dir.resolve("pytorch_model.bin"), "not supported");
        assertThatThrownBy(() -> TensorSources.openModelDir(dir))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("no model.safetensors or model.safetensors.index.json in " + dir);
        assertThatThrownBy(() -> TensorSources.openModelDir(dir.resolve("nope")))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContaining("does not exist");
    }
}

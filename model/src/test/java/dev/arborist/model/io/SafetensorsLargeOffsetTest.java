package dev.arborist.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the long-offset arithmetic without writing gigabytes: a sparse file (setLength allocates no blocks on
 * Linux) with a small tensor placed past the 4 GiB mark, beyond both the int and the unsigned-int range.
 */
class SafetensorsLargeOffsetTest {

    private static final long FAR = (4L << 30) + 12_345 * 4; // 4 GiB + change, 4-byte aligned

    @TempDir
    Path dir;

    @Test
    @DisplayName("a tensor beyond 4 GiB in a sparse file reads back correctly")
    void tensorBeyondFourGib() throws IOException {
        assumeThat(Files.getFileStore(dir).getUsableSpace()).isGreaterThan(1L << 20);
        String json = "{\"near\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"far\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[" + FAR + "," + (FAR + 8) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        Path file = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(dataStart + FAR + 8);
            raf.write(le(8).putLong(header.length).array());
            raf.write(header);
            raf.write(le(4).putFloat(3.5f).array());
            raf.seek(dataStart + FAR);
            ByteBuffer far = le(8);
            for (float v : new float[] {1f, -2f, 0.15625f, 1024f}) {
                far.putShort(HalfFloats.bf16FromFloat(v));
            }
            raf.write(far.array());
        }

        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            TensorInfo info = st.info("far");
            assertThat(info.start()).isEqualTo(dataStart + FAR).isGreaterThan(Integer.MAX_VALUE);
            assertThat(info.shapeString()).isEqualTo("[2, 2]");
            assertThat(st.readFloats("far")).containsExactly(1f, -2f, 0.15625f, 1024f);
            assertThat(st.readFloats("near")).containsExactly(3.5f);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}

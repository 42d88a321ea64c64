package dev.arborist.model.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One open {@code .safetensors} file. The header is parsed and validated on open; tensor data is memory-mapped one
 * tensor at a time, so the file itself may be far larger than 2 GiB (a single tensor must stay below 2 GiB, the
 * limit of one {@link java.nio.MappedByteBuffer}). Safe for concurrent reads.
 */
public final class SafetensorsFile implements TensorSource {

    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
    }

    public static SafetensorsFile open(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
            return new SafetensorsFile(file, channel, SafetensorsHeader.read(file, channel));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SafetensorsException("cannot read safetensors file " + file + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path path() {
        return file;
    }

    @Override
    public Set<String> names() {
        return header.tensors().keySet();
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new SafetensorsException("tensor '" + name + "' not found in " + file);
        }
        return info;
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().convertsToFloat()) {
            throw new SafetensorsException("tensor '" + name + "' in " + file + " has dtype " + info.dtype()
                    + "; readFloats supports F32, F16 and BF16 (use readBytes for raw data)");
        }
        // numel fits in an int here: map() below has already capped the byte length at 2 GiB.
        ByteBuffer bytes = map(info);
        return FloatCodec.decode(bytes, info.dtype(), (int) info.numel());
    }

    @Override
    public ByteBuffer readBytes(String name) {
        return map(info(name)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Maps exactly this tensor's bytes; all positions are long so offsets beyond 2 GiB work. */
    private ByteBuffer map(TensorInfo info) {
        long length = info.byteLength();
        if (length > Integer.MAX_VALUE) {
            throw new SafetensorsException("tensor '" + info.name() + "' in " + file + " is " + length
                    + " bytes; a single tensor must be under 2 GiB to be mapped");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.start(), length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafetensorsException("cannot map tensor '" + info.name() + "' in " + file + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafetensorsException("cannot close " + file, e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the original error is the useful one
        }
    }
}

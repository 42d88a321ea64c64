package dev.arborist.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;

/** Converts between float arrays and the little-endian F32/F16/BF16 bytes of a safetensors data region. */
final class FloatCodec {

    /** Elements converted per bulk get; big enough to amortise the call, small enough to stay in L1/L2. */
    private static final int CHUNK = 8192;

    private FloatCodec() {
    }

    /** Decodes {@code numel} elements starting at {@code bytes}' position; the buffer's byte order is ignored. */
    static float[] decode(ByteBuffer bytes, DType dtype, int numel) {
        ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[numel];
        switch (dtype) {
            case F32 -> le.asFloatBuffer().get(out);
            case F16, BF16 -> decode16(le.asShortBuffer(), dtype == DType.BF16, out);
            default -> throw new IllegalArgumentException(dtype + " does not convert to float");
        }
        return out;
    }

    private static void decode16(ShortBuffer src, boolean bf16, float[] out) {
        short[] chunk = new short[Math.min(CHUNK, out.length)];
        for (int base = 0; base < out.length; base += chunk.length) {
            int n = Math.min(chunk.length, out.length - base);
            src.get(chunk, 0, n);
            for (int i = 0; i < n; i++) {
                out[base + i] = bf16 ? HalfFloats.bf16ToFloat(chunk[i]) : HalfFloats.f16ToFloat(chunk[i]);
            }
        }
    }

    /** Encodes {@code src[from, from+count)} into {@code out}, which must be little-endian with room to spare. */
    static void encode(float[] src, int from, int count, DType dtype, ByteBuffer out) {
        int end = from + count;
        switch (dtype) {
            case F32 -> {
                for (int i = from; i < end; i++) {
                    out.putFloat(src[i]);
                }
            }
            case F16 -> {
                for (int i = from; i < end; i++) {
                    out.putShort(HalfFloats.f16FromFloat(src[i]));
                }
            }
            case BF16 -> {
                for (int i = from; i < end; i++) {
                    out.putShort(HalfFloats.bf16FromFloat(src[i]));
                }
            }
            default -> throw new IllegalArgumentException("cannot store floats as " + dtype);
        }
    }
}

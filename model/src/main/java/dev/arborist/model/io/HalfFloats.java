package dev.arborist.model.io;

/**
 * IEEE half (F16) and bfloat16 (BF16) conversions. Java 17 has no {@code Float.float16ToFloat}, so we do the bit
 * work here. float→16-bit rounds to nearest, ties to even, like PyTorch's {@code .half()} / {@code .bfloat16()}.
 */
public final class HalfFloats {

    private static final int F32_EXP_MASK = 0x7F80_0000;
    private static final int F32_ABS_MASK = 0x7FFF_FFFF;
    /** 65520 = halfway between F16's largest finite value (65504) and 2^16; at or above it rounds to infinity. */
    private static final int F16_OVERFLOW = 0x477F_F000;
    /** 2^-14, the smallest normal F16. */
    private static final int F16_MIN_NORMAL = 0x3880_0000;
    /** 2^-25, half the smallest F16 subnormal; at or below it rounds to zero (the tie goes to even, i.e. zero). */
    private static final int F16_UNDERFLOW = 0x3300_0000;

    private HalfFloats() {
    }

    public static float f16ToFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            // Zero or subnormal: mant * 2^-24, exact in float because mant < 2^10.
            float magnitude = mant * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exp == 0x1F) {
            // Inf (mant == 0) or NaN; keep the NaN payload in the top mantissa bits.
            return Float.intBitsToFloat(sign | F32_EXP_MASK | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    public static short f16FromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & F32_ABS_MASK;
        if (abs > F32_EXP_MASK) {
            int mant = (abs >>> 13) & 0x3FF;
            return (short) (sign | 0x7C00 | 0x200 | mant); // NaN stays (quiet) NaN even if the payload is shifted out
        }
        if (abs >= F16_OVERFLOW) {
            return (short) (sign | 0x7C00);
        }
        if (abs >= F16_MIN_NORMAL) {
            int exp = (abs >>> 23) - 127 + 15; // 1..30
            int mant = abs & 0x7F_FFFF;
            // A mantissa carry rolls into the exponent, which is the right answer (e.g. 2047.9 -> 2048).
            return (short) (sign | roundShift((exp << 23) | mant, 13));
        }
        if (abs <= F16_UNDERFLOW) {
            return (short) sign;
        }
        // Subnormal result: value = m * 2^(e-23) with the implicit bit restored; in units of 2^-24 that is
        // m >> -(e+1), where e in [-25, -15] gives a shift of 14..24.
        int e = (abs >>> 23) - 127;
        int m = (abs & 0x7F_FFFF) | 0x80_0000;
        return (short) (sign | roundShift(m, -(e + 1)));
    }

    public static float bf16ToFloat(short bf16) {
        // BF16 is the top half of an F32, so widening is a shift.
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    public static short bf16FromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & F32_ABS_MASK) > F32_EXP_MASK) {
            return (short) ((bits >>> 16) | 0x0040); // force quiet NaN: truncation could otherwise give Inf
        }
        // Add 0x7FFF plus the lowest kept bit: rounds to nearest, ties to even; overflow correctly yields Inf.
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** {@code x >> shift}, rounded to nearest with ties to even. */
    private static int roundShift(int x, int shift) {
        int kept = x >>> shift;
        int rest = x & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}

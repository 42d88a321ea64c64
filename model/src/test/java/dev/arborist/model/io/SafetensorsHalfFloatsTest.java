package dev.arborist.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SafetensorsHalfFloatsTest {

    private static final float F16_MIN_SUBNORMAL = 0x1p-24f;

    @Test
    @DisplayName("F16 known bit patterns decode and encode exactly")
    void f16KnownPatterns() {
        assertF16(0x3C00, 1.0f);
        assertF16(0xC000, -2.0f);
        assertF16(0x7BFF, 65504f);
        assertF16(0x0001, F16_MIN_SUBNORMAL);
        assertF16(0x03FF, 1023 * F16_MIN_SUBNORMAL); // largest subnormal
        assertF16(0x0400, 0x1p-14f); // smallest normal
        assertF16(0x7C00, Float.POSITIVE_INFINITY);
        assertF16(0xFC00, Float.NEGATIVE_INFINITY);
        assertF16(0x0000, 0.0f);
        assertF16(0x8000, -0.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7E00)).isNaN();
        assertThat(HalfFloats.f16ToFloat((short) 0xFC01)).isNaN();
        short nan = HalfFloats.f16FromFloat(Float.NaN);
        assertThat(nan & 0x7C00).isEqualTo(0x7C00);
        assertThat(nan & 0x03FF).isNotZero();
    }

    @Test
    @DisplayName("float→F16 rounds to nearest, ties to even, at overflow, underflow and mid-range")
    void f16Rounding() {
        assertThat(bits(HalfFloats.f16FromFloat(65519f))).isEqualTo(0x7BFF);
        assertThat(bits(HalfFloats.f16FromFloat(65520f))).isEqualTo(0x7C00); // tie goes to even = inf
        assertThat(bits(HalfFloats.f16FromFloat(1e10f))).isEqualTo(0x7C00);
        assertThat(bits(HalfFloats.f16FromFloat(0x1p-25f))).isEqualTo(0x0000); // tie with 0
        assertThat(bits(HalfFloats.f16FromFloat(Math.nextUp(0x1p-25f)))).isEqualTo(0x0001);
        assertThat(bits(HalfFloats.f16FromFloat(1.5f * F16_MIN_SUBNORMAL))).isEqualTo(0x0002); // tie -> even
        assertThat(bits(HalfFloats.f16FromFloat(1f + 0x1p-11f))).isEqualTo(0x3C00); // tie -> even
        assertThat(bits(HalfFloats.f16FromFloat(1f + 3 * 0x1p-11f))).isEqualTo(0x3C02); // tie -> even (up)
        assertThat(bits(HalfFloats.f16FromFloat(Float.MIN_VALUE))).isEqualTo(0x0000);
        assertThat(bits(HalfFloats.f16FromFloat(-Float.MIN_VALUE))).isEqualTo(0x8000);
    }

    @Test
    @DisplayName("every F16 value survives F16→float→F16")
    void f16ExhaustiveRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.f16FromFloat(f) & 0x7FFF).as("NaN 0x%04x", h).isGreaterThan(0x7C00);
            } else {
                assertThat(bits(HalfFloats.f16FromFloat(f))).as("0x%04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    @DisplayName("float→F16 picks the nearest representable half for random floats")
    void f16NearestForRandomFloats() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // Exponents spanning underflow to overflow.
            float f = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(-27, 17)));
            short h = HalfFloats.f16FromFloat(f);
            double got = HalfFloats.f16ToFloat(h);
            if (Double.isInfinite(got)) {
                assertThat(Math.abs(f)).isGreaterThanOrEqualTo(65520f);
                continue;
            }
            double err = Math.abs(got - f);
            for (int neighbour : new int[] {bits(h) - 1, bits(h) + 1}) {
                float other = HalfFloats.f16ToFloat((short) neighbour);
                if (!Float.isNaN(other) && !Float.isInfinite(other) && Math.signum(other) * Math.signum(got) >= 0) {
                    assertThat(err).as("f=%s", f).isLessThanOrEqualTo(Math.abs((double) other - f));
                }
            }
        }
    }

    @Test
    @DisplayName("BF16 known bit patterns decode and encode")
    void bf16KnownPatterns() {
        assertBf16(0x3F80, 1.0f);
        assertBf16(0xC000, -2.0f);
        assertBf16(0x0001, Float.intBitsToFloat(0x0001_0000)); // smallest subnormal, 2^-133
        assertBf16(0x7F80, Float.POSITIVE_INFINITY);
        assertBf16(0xFF80, Float.NEGATIVE_INFINITY);
        assertBf16(0x477F, 65280f);
        // 65504 = 0x477FE000: the dropped half 0xE000 is above the midpoint, so it rounds up to 65536.
        assertThat(bits(HalfFloats.bf16FromFloat(65504f))).isEqualTo(0x4780);
        assertThat(HalfFloats.bf16ToFloat((short) 0x7FC0)).isNaN();
        assertThat(bits(HalfFloats.bf16FromFloat(Float.NaN))).isEqualTo(0x7FC0);
        // A NaN whose payload lives only in the low bits must not truncate to infinity.
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.bf16FromFloat(Float.intBitsToFloat(0x7F80_0001)))).isNaN();
    }

    @Test
    @DisplayName("float→BF16 rounds to nearest, ties to even")
    void bf16Rounding() {
        assertThat(bits(HalfFloats.bf16FromFloat(Float.intBitsToFloat(0x3F80_8000)))).isEqualTo(0x3F80); // tie, even
        assertThat(bits(HalfFloats.bf16FromFloat(Float.intBitsToFloat(0x3F81_8000)))).isEqualTo(0x3F82); // tie, up
        assertThat(bits(HalfFloats.bf16FromFloat(Float.intBitsToFloat(0x3F80_8001)))).isEqualTo(0x3F81);
        assertThat(bits(HalfFloats.bf16FromFloat(Float.intBitsToFloat(0x3F80_7FFF)))).isEqualTo(0x3F80);
        assertThat(bits(HalfFloats.bf16FromFloat(Float.MAX_VALUE))).isEqualTo(0x7F80); // rounds past max
        assertThat(bits(HalfFloats.bf16FromFloat(Float.MIN_VALUE))).isEqualTo(0x0000);
    }

    private static void assertF16(int bits, float value) {
        assertThat(HalfFloats.f16ToFloat((short) bits)).isEqualTo(value);
        assertThat(bits(HalfFloats.f16FromFloat(value))).isEqualTo(bits);
    }

    private static void assertBf16(int bits, float value) {
        assertThat(HalfFloats.bf16ToFloat((short) bits)).isEqualTo(value);
        assertThat(bits(HalfFloats.bf16FromFloat(value))).isEqualTo(bits);
    }

    private static int bits(short s) {
        return s & 0xFFFF;
    }
}

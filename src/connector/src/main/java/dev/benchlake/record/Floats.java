package dev.benchlake.record;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** The API's 32-bit floats, carried as doubles that read in SQL the way the API wrote them. */
public final class Floats {

    private Floats() {
    }

    /**
     * {@code 0.1f} widened by a cast is {@code 0.10000000149011612}; through its shortest decimal form it is
     * {@code 0.1}, which is what the API sent on the wire and what an analyst expects to read.
     *
     * <p>The shortest decimal is searched for here, not taken from {@link Float#toString}: before Java 19 that method
     * sometimes gives more digits than needed ({@code 9.0E9f} prints as {@code 8.9999995E9}, JDK-4511638), and its
     * extra digits then read as another number.
     */
    public static Double toDouble(Float value) {
        if (value == null) {
            return null;
        }
        if (value.isNaN()) {
            return Double.NaN;
        }
        float f = value;
        if (Float.isInfinite(f) || f == 0) {
            return (double) f;
        }
        BigDecimal exact = new BigDecimal(f);
        // as Java 19's Float.toString: the closest of the shortest decimals of at least 2 digits (1.4E-45, not 1E-45);
        // 9 significant digits always identify a float, so the loop ends by then
        for (int digits = 2; digits < 9; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (candidate.floatValue() == f) {
                return candidate.doubleValue();
            }
        }
        return exact.round(new MathContext(9, RoundingMode.HALF_EVEN)).doubleValue();
    }
}

package dev.benchlake.record;

/** The API's 32-bit floats, carried as doubles that read in SQL the way the API wrote them. */
public final class Floats {

    private Floats() {
    }

    /**
     * {@code 0.1f} widened by a cast is {@code 0.10000000149011612}; through its shortest decimal form it is
     * {@code 0.1}, which is what the API sent on the wire and what an analyst expects to read.
     */
    public static Double toDouble(Float value) {
        if (value == null) {
            return null;
        }
        if (value.isNaN()) {
            return Double.NaN;
        }
        return Double.parseDouble(Float.toString(value));
    }
}

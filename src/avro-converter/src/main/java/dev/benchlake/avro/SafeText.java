package dev.benchlake.avro;

/**
 * How text from a server is quoted in an exception or a log line: only as a JSON string field, short, on one line, with
 * control and format characters removed. A body that is not JSON is described by its size, never quoted (an HTML error
 * page or a proxy's answer can echo request headers).
 */
final class SafeText {
    /** Longest server text quoted, in characters. */
    static final int MAX_QUOTED = 200;

    private SafeText() {
    }

    /** {@code text} stripped of control characters and cut to {@link #MAX_QUOTED} characters; empty stays empty. */
    static String quote(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean unsafe = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED;
            out.appendCodePoint(unsafe ? ' ' : cp);
        });
        String clean = out.toString().replaceAll(" {2,}", " ").trim();
        if (clean.codePointCount(0, clean.length()) > MAX_QUOTED) {
            clean = clean.substring(0, clean.offsetByCodePoints(0, MAX_QUOTED)) + "...";
        }
        return "\"" + clean + "\"";
    }

    static String nonJson(int bytes) {
        return "(a body of " + bytes + " byte(s) that is not JSON; not shown)";
    }
}

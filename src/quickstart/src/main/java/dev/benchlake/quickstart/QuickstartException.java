package dev.benchlake.quickstart;

/**
 * A problem the user can fix (a bad option, a port in use, no credentials, an unreachable endpoint): the quickstart
 * prints its message, one sentence, and exits with {@link #exitCode()}, never with a stack trace alone.
 */
public final class QuickstartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code of a bad command line. */
    public static final int USAGE = 2;
    /** Exit code of a problem found while starting or running (port in use, endpoint unreachable, failed connector). */
    public static final int FAILED = 1;
    /** Exit code after Ctrl-C (128 + SIGINT), as a shell reports it. */
    public static final int INTERRUPTED = 130;

    private final int exitCode;

    public QuickstartException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public QuickstartException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

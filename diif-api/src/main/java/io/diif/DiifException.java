package io.diif;

/** A failure inside rendering that is neither a bad argument nor a bad model file (e.g. a backend error). */
public class DiifException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DiifException(String message) {
        super(message);
    }

    public DiifException(String message, Throwable cause) {
        super(message, cause);
    }
}

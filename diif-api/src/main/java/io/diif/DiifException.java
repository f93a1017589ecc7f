package io.diif;

/**
 * A failure inside encoding or rendering that is neither a bad argument nor a bad model file, such as an
 * error the backend's engine reports. Unchecked, because a caller can rarely recover from it other than
 * by giving up the render.
 */
public class DiifException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure described by a message alone.
     *
     * @param message what failed, naming the backend and the operation
     */
    public DiifException(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception, kept so that the engine's own report is not lost.
     *
     * @param message what failed, naming the backend and the operation
     * @param cause the exception the engine threw
     */
    public DiifException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.diif.server;

/** A request the server answers with an HTTP error status and a one-line reason. */
final class IiifException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    IiifException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** 400: the request does not follow the IIIF syntax, or asks for something out of bounds. */
    static IiifException badRequest(String message) {
        return new IiifException(400, message);
    }

    /** 501: a valid IIIF request for a feature this server does not implement. */
    static IiifException notImplemented(String message) {
        return new IiifException(501, message);
    }

    int status() {
        return status;
    }
}

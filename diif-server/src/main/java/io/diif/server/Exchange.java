package io.diif.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request and its response, answered exactly once: by its worker, by its timeout, or not at all
 * when the client went away. {@link #cancelled()} tells a running render to stop.
 */
final class Exchange {
    final Request request;
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Scheduler.Task timeout;
    private volatile long probedAt = System.nanoTime();
    private static final long PROBE_NANOS = 200_000_000L;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        // The connection failed (the client closed it) or idled out: stop whatever works for it.
        request.addFailureListener(failure -> cancelled.set(true));
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    }

    /** Answers 503 after {@code seconds} unless answered before, and cancels the work. */
    void timeoutAfter(long millis) {
        timeout = request.getComponents().getScheduler().schedule(() -> {
            cancelled.set(true);
            error(503, "the request took longer than the server's timeout of " + millis / 1000 + " s", 5);
        }, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the work for this request should stop: it timed out, failed, or its client went away (checked
     * with the kernel at most every {@value #PROBE_NANOS} ns, since renders poll this often).
     */
    boolean cancelled() {
        if (cancelled.get()) {
            return true;
        }
        long now = System.nanoTime();
        if (now - probedAt > PROBE_NANOS) {
            probedAt = now;
            ConnectionMetaData c = request.getConnectionMetaData();
            if (PeerClosedProbe.closedByPeer(c.getLocalSocketAddress(), c.getRemoteSocketAddress())) {
                cancelled.set(true);
            }
        }
        return cancelled.get();
    }

    Response response() {
        return response;
    }

    /** Answers unless answered already; {@code headers} are added to the response's. */
    void send(int status, String contentType, byte[] body, Map<String, String> headers) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        Scheduler.Task t = timeout;
        if (t != null) {
            t.cancel();
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** An error as one line of plain text; {@code retryAfter} > 0 adds Retry-After (seconds). */
    void error(int status, String message, int retryAfter) {
        send(status, "text/plain;charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8),
                retryAfter > 0 ? Map.of("Retry-After", Integer.toString(retryAfter)) : Map.of());
    }
}

package dev.benchlake.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body handler that keeps at most {@code cap} bytes: past that it cancels the download and completes with
 * {@link TooLarge}. A declared {@code Content-Length} above the cap fails before any byte is read.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The answer is larger than the cap. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long size;

        TooLarge(long size) {
            super("more than the cap of bytes");
            this.size = size;
        }
    }

    private final int cap;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private CappedBody(int cap) {
        this.cap = cap;
    }

    static HttpResponse.BodyHandler<byte[]> handler(int cap) {
        return info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1L);
            if (declared > cap) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            return new CappedBody(cap);
        };
    }

    /** Whether the answer was refused for its declared length (the body is then null). */
    static boolean declaredTooLarge(HttpResponse<byte[]> response, int cap) {
        return response.body() == null && response.headers().firstValueAsLong("Content-Length").orElse(-1L) > cap;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if ((long) out.size() + n > cap) {
                long size = (long) out.size() + n;
                subscription.cancel();
                result.completeExceptionally(new TooLarge(size));
                return;
            }
            byte[] chunk = new byte[n];
            b.get(chunk);
            out.write(chunk, 0, n);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }
}

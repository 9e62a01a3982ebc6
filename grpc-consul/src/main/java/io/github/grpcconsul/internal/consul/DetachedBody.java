package io.github.grpcconsul.internal.consul;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLSession;

/**
 * A response body the JDK HttpClient does not keep alive after the exchange. The client's pooled connection holds on
 * to its last exchange, and through it to that exchange's body subscriber and the subscriber's result, until the next
 * exchange on the connection finishes: with {@code BodyHandlers.ofByteArray()} the previous answer of a blocking query
 * (14 MB at 10,000 instances) stayed reachable for as long as the next one was parked. Here the subscriber's result
 * is a {@link DetachedBody} that {@link #detach} empties, handing the bytes to a plain response the JDK never sees.
 *
 * <p>Threading: the subscriber is driven by the HTTP client's threads, one signal at a time (the Flow contract);
 * {@link #detach} runs once, in the completion of the exchange's future.
 */
final class DetachedBody {
  static final HttpResponse.BodyHandler<DetachedBody> HANDLER = info -> new Subscriber();

  private byte[] bytes;

  private DetachedBody(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The response with its body moved out of what the JDK keeps (call once per response). */
  static HttpResponse<byte[]> detach(HttpResponse<DetachedBody> resp) {
    DetachedBody body = resp.body();
    byte[] b = body.bytes;
    body.bytes = null;
    return new Detached(resp, b);
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<DetachedBody> {
    private final CompletableFuture<DetachedBody> result = new CompletableFuture<>();
    private List<ByteBuffer> received = new ArrayList<>();
    private int size;

    @Override
    public CompletionStage<DetachedBody> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        size = Math.addExact(size, item.remaining());
        received.add(item);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      received = null;
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      byte[] all = new byte[size];
      int at = 0;
      for (ByteBuffer item : received) {
        int n = item.remaining();
        item.get(all, at, n);
        at += n;
      }
      received = null;
      result.complete(new DetachedBody(all));
    }
  }

  /** What the library reads of a response; nothing here refers back to the JDK's exchange but the request. */
  private static final class Detached implements HttpResponse<byte[]> {
    private final int status;
    private final HttpRequest request;
    private final HttpHeaders headers;
    private final URI uri;
    private final HttpClient.Version version;
    private final Optional<SSLSession> ssl;
    private final byte[] body;

    Detached(HttpResponse<?> from, byte[] body) {
      this.status = from.statusCode();
      this.request = from.request();
      this.headers = from.headers();
      this.uri = from.uri();
      this.version = from.version();
      this.ssl = from.sslSession();
      this.body = body;
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public Optional<HttpResponse<byte[]>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return headers;
    }

    @Override
    public byte[] body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return ssl;
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public HttpClient.Version version() {
      return version;
    }
  }
}

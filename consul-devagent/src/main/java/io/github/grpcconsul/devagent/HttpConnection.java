package io.github.grpcconsul.devagent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One HTTP/1.x connection: collects each request (headers and body, within limits), hands complete requests to the
 * {@link HttpFront} one at a time and writes their responses in order. All state is touched on the connection's
 * event loop; {@link #send} may be called from any thread (a woken blocking query answers from a dispatcher).
 */
final class HttpConnection extends ChannelInboundHandlerAdapter implements ApiRequest.Responder {
  private static final Logger logger = Logger.getLogger(HttpConnection.class.getName());
  /** Complete requests waiting behind the one being served before the connection stops reading. */
  private static final int MAX_QUEUED = 16;
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  /** Bodies up to this size are copied behind the headers; larger ones go out as a second buffer, same flush. */
  private static final int COPY_BODY_MAX = 16 * 1024;
  private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
  private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");
  private static final byte[] STATUS_200 = ascii(" 200 OK\r\n");
  private static final byte[] DATE = ascii("Date: ");
  private static final byte[] CONTENT_LENGTH = ascii("\r\nContent-Length: ");
  private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
  private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
  private static final int CRLF_SHORT = ('\r' << 8) | '\n';
  private static volatile CachedDate cachedDate = new CachedDate(0, "");

  private record CachedDate(long second, String text) {}

  /** A complete request, or (req == null) a malformed one answered with {@code errorStatus} and a close. */
  private record Pending(ApiRequest req, HttpVersion version, boolean keepAlive, boolean head, int errorStatus) {}

  private final HttpFront front;
  private final RequestDeadline deadline;
  private ChannelHandlerContext ctx;
  private HttpRequest head;
  private ByteArrayOutputStream body;
  private long bodyBytes;
  private boolean tooLarge;
  private boolean failed;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private Pending inFlight;
  /** Inside a read burst: answers written now are flushed once at channelReadComplete. */
  private boolean reading;
  private boolean flushPending;
  private ChannelHandlerContext wire;

  HttpConnection(HttpFront front, RequestDeadline deadline) {
    this.front = front;
    this.deadline = deadline;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    try {
      if (failed) {
        return;
      }
      if (msg instanceof HttpRequest r) {
        if (r.decoderResult().isFailure()) {
          malformed(r.decoderResult().cause());
          return;
        }
        head = r;
        body = null;
        bodyBytes = 0;
        tooLarge = false;
      }
      if (msg instanceof HttpContent c && head != null) {
        if (c.decoderResult().isFailure()) {
          malformed(c.decoderResult().cause());
          return;
        }
        append(c.content());
        if (failed) {
          return;
        }
        if (c instanceof LastHttpContent) {
          complete();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void append(ByteBuf buf) {
    int n = buf.readableBytes();
    bodyBytes += n;
    if (tooLarge) {
      if (bodyBytes > ApiRequest.MAX_BODY_BYTES + ApiRequest.MAX_DISCARD_BYTES) {
        // A client streaming without end: cut it off.
        failed = true;
        ctx.close();
      }
      return;
    }
    if (bodyBytes > ApiRequest.MAX_BODY_BYTES) {
      tooLarge = true;
      body = null;
      return;
    }
    if (n > 0) {
      if (body == null) {
        body = new ByteArrayOutputStream(Math.max(n, 256));
      }
      byte[] chunk = new byte[n];
      buf.readBytes(chunk);
      body.write(chunk, 0, n);
    }
  }

  private void complete() {
    deadline.requestDone();
    HttpRequest r = head;
    head = null;
    byte[] bytes = tooLarge ? null : body == null ? new byte[0] : body.toByteArray();
    body = null;
    boolean keepAlive = HttpUtil.isKeepAlive(r);
    boolean isHead = r.method().equals(HttpMethod.HEAD);
    Pending p;
    try {
      ApiRequest req = new ApiRequest(r.method().name(), r.uri(), new Headers(r.headers()), bytes, this);
      p = new Pending(req, r.protocolVersion(), keepAlive, isHead, 0);
    } catch (IllegalArgumentException e) {
      p = new Pending(null, r.protocolVersion(), false, isHead, 400);
    }
    enqueue(p);
  }

  /** Go answers a request it cannot parse with a bare 400 (431 when the header is too large) and closes. */
  private void malformed(Throwable cause) {
    failed = true;
    deadline.requestDone();
    head = null;
    body = null;
    logger.log(Level.FINE, "malformed request", cause);
    int status = cause instanceof TooLongFrameException ? 431 : 400;
    ctx.channel().config().setAutoRead(false);
    enqueue(new Pending(null, HttpVersion.HTTP_1_1, false, false, status));
  }

  private void enqueue(Pending p) {
    queue.add(p);
    if (queue.size() > MAX_QUEUED) {
      ctx.channel().config().setAutoRead(false);
    }
    if (inFlight == null) {
      next();
    }
  }

  private void next() {
    Pending p = queue.poll();
    if (p == null) {
      if (!failed && !ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
      return;
    }
    inFlight = p;
    if (p.req == null) {
      String text = p.errorStatus + " " + HttpResponseStatus.valueOf(p.errorStatus).reasonPhrase();
      ResponseHeaders h = new ResponseHeaders();
      h.set("Content-Type", ApiRequest.TEXT);
      write(p, p.errorStatus, h, text.getBytes(StandardCharsets.UTF_8));
      return;
    }
    front.handle(p.req);
  }

  @Override
  public Executor executor() {
    return ctx.executor();
  }

  @Override
  public void send(ApiRequest req, int status, ResponseHeaders headers, byte[] bytes) {
    if (ctx.executor().inEventLoop()) {
      sendOnLoop(req, status, headers, bytes);
    } else {
      ctx.executor().execute(() -> sendOnLoop(req, status, headers, bytes));
    }
  }

  private void sendOnLoop(ApiRequest req, int status, ResponseHeaders headers, byte[] bytes) {
    Pending p = inFlight;
    if (p == null || p.req != req || !ctx.channel().isActive()) {
      return;
    }
    write(p, status, headers, bytes);
  }

  private void write(Pending p, int status, ResponseHeaders headers, byte[] bytes) {
    boolean withBody = !p.head && bytes.length > 0;
    // The whole answer in one buffer (status line, headers and, when small, the body) and one flush per read
    // burst: one write(2) per answer instead of one per Netty message.
    boolean copyBody = withBody && bytes.length <= COPY_BODY_MAX;
    ByteBuf out = ctx.alloc().buffer(256 + headers.size() * 48 + (copyBody ? bytes.length : 0));
    out.writeBytes(p.version.equals(HttpVersion.HTTP_1_0) ? HTTP_1_0 : HTTP_1_1);
    writeStatus(out, status);
    headers.writeTo(out);
    out.writeBytes(DATE);
    ByteBufUtil.writeAscii(out, date());
    out.writeBytes(CONTENT_LENGTH);
    ByteBufUtil.writeAscii(out, Integer.toString(bytes.length));
    out.writeShort(CRLF_SHORT);
    if (!p.keepAlive) {
      out.writeBytes(CONNECTION_CLOSE);
    } else if (p.version.equals(HttpVersion.HTTP_1_0)) {
      out.writeBytes(CONNECTION_KEEP_ALIVE);
    }
    out.writeShort(CRLF_SHORT);
    if (copyBody) {
      out.writeBytes(bytes);
    }
    inFlight = null;
    // Past the HTTP encoder: the buffer is already HTTP (the encoder only writes 100 Continue).
    ChannelHandlerContext wire = encoderContext();
    ChannelFuture written = wire.write(out);
    if (withBody && !copyBody) {
      written = wire.write(Unpooled.wrappedBuffer(bytes));
    }
    if (!p.keepAlive) {
      wire.flush();
      written.addListener(ChannelFutureListener.CLOSE);
      cancelQueued();
      return;
    }
    written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (reading) {
      flushPending = true; // flushed once in channelReadComplete, after every request of this read
    } else {
      wire.flush();
    }
    next();
  }

  private ChannelHandlerContext encoderContext() {
    ChannelHandlerContext c = wire;
    if (c == null || c.isRemoved()) {
      c = ctx.pipeline().context(HttpResponseEncoder.class);
      wire = c;
    }
    return c;
  }

  private static void writeStatus(ByteBuf out, int status) {
    byte[] line = status == 200 ? STATUS_200 : statusLine(status);
    out.writeBytes(line);
  }

  private static byte[] statusLine(int status) {
    return (" " + status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    ctx.fireChannelReadComplete();
  }

  private static String date() {
    long now = System.currentTimeMillis() / 1000;
    CachedDate d = cachedDate;
    if (d.second != now) {
      d = new CachedDate(now, HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
      cachedDate = d;
    }
    return d.text;
  }

  private void cancelQueued() {
    Pending p;
    while ((p = queue.poll()) != null) {
      if (p.req != null) {
        p.req.cancel();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The client went away: a parked query stops waiting, and nothing is answered.
    Pending p = inFlight;
    inFlight = null;
    if (p != null && p.req != null) {
      p.req.cancel();
    }
    cancelQueued();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets, TLS handshake failures (the alert is already sent), ...: nothing to answer on this connection.
    logger.log(Level.FINE, "connection failed: " + ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Netty's request headers, as ApiRequest reads them. */
  private record Headers(HttpHeaders headers) implements ApiRequest.RequestHeaders {
    @Override
    public String first(String name) {
      return headers.get(name);
    }

    @Override
    public List<String> all(String name) {
      return headers.getAll(name);
    }
  }
}

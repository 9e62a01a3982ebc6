package io.github.grpcconsul.devagent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Looks at the first bytes of a connection and answers a client that speaks the wrong protocol at once, as Go's
 * servers do, instead of letting it wait for its timeout:
 *
 * <ul>
 *   <li>on an HTTPS port, plain HTTP gets Go's {@code 400 Bad Request} "Client sent an HTTP request to an HTTPS
 *       server."; a TLS record goes on to the {@link SslHandler};
 *   <li>on an HTTP port, a TLS handshake record gets a plain-text 400, which fails the client's handshake.
 * </ul>
 *
 * Removes itself once the protocol is right.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
  static final String HTTP_ON_HTTPS =
      "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
  static final String BAD_REQUEST =
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
          + "400 Bad Request";
  private static final int TLS_HANDSHAKE = 0x16;
  /** The record-header prefixes Go's tlsRecordHeaderLooksLikeHTTP recognises. */
  private static final List<String> HTTP_STARTS = List.of("GET /", "HEAD ", "POST ", "PUT /", "OPTIO");

  private final SSLContext tls;
  private final boolean needClientAuth;

  /** {@code tls} null for a plain HTTP port. */
  ProtocolSniffer(SSLContext tls, boolean needClientAuth) {
    this.tls = tls;
    this.needClientAuth = needClientAuth;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (tls == null) {
      if (!in.isReadable()) {
        return;
      }
      if (in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE) {
        reject(ctx, in, BAD_REQUEST);
        return;
      }
      ctx.pipeline().remove(this);
      return;
    }
    if (in.readableBytes() < 5) {
      return;
    }
    if (in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE) {
      SSLEngine engine = tls.createSSLEngine();
      engine.setUseClientMode(false);
      engine.setNeedClientAuth(needClientAuth);
      ctx.pipeline().addAfter(ctx.name(), "tls", new SslHandler(engine));
      ctx.pipeline().remove(this);
      return;
    }
    String start = in.toString(in.readerIndex(), 5, StandardCharsets.US_ASCII);
    if (HTTP_STARTS.contains(start)) {
      reject(ctx, in, HTTP_ON_HTTPS);
    } else {
      in.skipBytes(in.readableBytes());
      ctx.close();
    }
  }

  private static void reject(ChannelHandlerContext ctx, ByteBuf in, String answer) {
    in.skipBytes(in.readableBytes());
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII))
        .addListener(ChannelFutureListener.CLOSE);
  }
}

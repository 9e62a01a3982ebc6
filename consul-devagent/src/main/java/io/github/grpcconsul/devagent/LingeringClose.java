package io.github.grpcconsul.devagent;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * After a failed TLS handshake, sends the alert with a FIN and reads (and drops) what the client still sends for a
 * moment before closing. Closing at once would make the kernel answer the client's in-flight handshake bytes with
 * a reset, and the client would see "broken pipe" instead of the alert saying what was wrong.
 */
final class LingeringClose extends ChannelDuplexHandler {
  static final long LINGER_MILLIS = 1000;
  private boolean lingering;

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (lingering) {
      // Handlers behind us close too when the handshake fails; the linger already closes.
      ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
      return;
    }
    if (!handshakeFailed(ctx) || !(ctx.channel() instanceof SocketChannel ch) || !ch.isActive()) {
      ctx.close(promise);
      return;
    }
    lingering = true;
    ch.shutdownOutput().addListener(f -> {
      Future<?> unused = ctx.executor().schedule(() -> ctx.close(promise), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }

  private static boolean handshakeFailed(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl != null && ssl.handshakeFuture().isDone() && !ssl.handshakeFuture().isSuccess();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}

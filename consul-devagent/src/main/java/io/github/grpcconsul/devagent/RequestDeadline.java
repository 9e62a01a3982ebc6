package io.github.grpcconsul.devagent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Closes a connection whose client takes longer than the request timeout to send one request, counted from the
 * first byte of the request to its last. A slow client costs a timer, never a thread. Idle keep-alive connections
 * (between requests) and parked blocking queries (their request is complete) are not limited.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private static final Logger logger = Logger.getLogger(RequestDeadline.class.getName());
  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private boolean partial;

  RequestDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!partial) {
      partial = true;
      timer = ctx.executor().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  /** The request being read is complete (or failed); called on the event loop. */
  void requestDone() {
    partial = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    if (partial) {
      logger.fine(() -> "closing " + ctx.channel().remoteAddress() + ": request not complete after "
          + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requestDone();
    ctx.fireChannelInactive();
  }
}

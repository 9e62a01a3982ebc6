package io.github.grpcconsul.devagent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The agent's HTTP(S) server on Netty: a few event-loop threads serve every connection, so slow clients and parked
 * blocking queries hold no thread. Limits follow Go's net/http defaults, which Consul keeps: 1 MiB of request line
 * and headers (431 beyond), no idle limit on keep-alive connections.
 */
final class NettyServer {
  /** Go's http.DefaultMaxHeaderBytes. */
  static final int MAX_HEADER_BYTES = 1 << 20;
  static final String THREAD_ROLE = "io";

  private final EventLoopGroup group;
  private final Channel listener;
  private final ChannelGroup connections;

  private NettyServer(EventLoopGroup group, Channel listener, ChannelGroup connections) {
    this.group = group;
    this.listener = listener;
    this.connections = connections;
  }

  /**
   * Binds and serves. {@code tls} null serves plain HTTP.
   *
   * @throws IOException if the address cannot be bound
   */
  static NettyServer start(InetSocketAddress address, SSLContext tls, boolean needClientAuth,
      Duration requestTimeout, HttpFront front) throws IOException {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    // Java NIO: Netty's native epoll transport was measured too (fan-out of 1,000 and writes, same sitting) and
    // made no difference beyond noise (agent CPU 17-19 ms either way, allocation 4 % lower), so no native library.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        new DefaultThreadFactory(NamedThreads.PREFIX + THREAD_ROLE, true), NioIoHandler.newFactory());
    // Start every event-loop thread now, so the agent's thread count is fixed from the start (tests check that
    // connections add none).
    for (EventExecutor loop : group) {
      loop.execute(() -> { });
    }
    ChannelGroup connections = new DefaultChannelGroup(group.next());
    long timeoutNanos = requestTimeout.toNanos();
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_HEADER_BYTES)
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setMaxChunkSize(64 * 1024);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            RequestDeadline deadline = new RequestDeadline(timeoutNanos);
            if (tls != null) {
              ch.pipeline().addLast("linger", new LingeringClose());
            }
            ch.pipeline()
                .addLast("deadline", deadline)
                .addLast("sniffer", new ProtocolSniffer(tls, needClientAuth))
                .addLast("http-decoder", new HttpRequestDecoder(decoder))
                // Only 100 Continue goes through Netty's encoder; HttpConnection writes its answers as bytes.
                .addLast("http-encoder", new HttpResponseEncoder())
                .addLast("continue", new HttpServerExpectContinueHandler())
                .addLast("api", new HttpConnection(front, deadline));
          }
        });
    ChannelFuture bound = b.bind(address).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
      Throwable cause = bound.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
    return new NettyServer(group, bound.channel(), connections);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Closes the listener and every connection, and waits for the event-loop threads to end. */
  void stop() {
    listener.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}

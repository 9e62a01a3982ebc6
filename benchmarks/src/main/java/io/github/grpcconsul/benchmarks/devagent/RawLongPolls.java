package io.github.grpcconsul.benchmarks.devagent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * N keep-alive HTTP/1.1 connections driven by one selector thread: the lightest possible client, so that a fan-out
 * measurement shows the agent's latency rather than an HTTP client's per-response overhead.
 */
final class RawLongPolls implements AutoCloseable {
  private final Selector selector;
  private final Connection[] connections;
  private final String host;

  private static final class Connection {
    final SocketChannel channel;
    ByteBuffer in = ByteBuffer.allocate(4 * 1024); // grows on demand; 10,000 x 16 KiB per round kept the GC busy
    long doneAt;
    long index;
    int status;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }
  }

  RawLongPolls(InetSocketAddress address, int count) throws IOException {
    selector = Selector.open();
    connections = new Connection[count];
    host = address.getHostString() + ":" + address.getPort();
    for (int i = 0; i < count; i++) {
      SocketChannel channel = SocketChannel.open(address);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      connections[i] = new Connection(channel);
      channel.register(selector, SelectionKey.OP_READ, connections[i]);
    }
  }

  /** Sends {@code GET path} on every connection. */
  void send(String path) throws IOException {
    byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    for (Connection c : connections) {
      c.doneAt = 0;
      c.status = 0;
      c.in.clear();
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        c.channel.write(out);
      }
    }
  }

  /** Reads until every connection has a complete response; returns each one's completion time (nanoTime). */
  long[] awaitResponses(long timeout, TimeUnit unit, long previousIndex) throws IOException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    int remaining = connections.length;
    while (remaining > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(remaining + " responses missing");
      }
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      for (SelectionKey key : selector.selectedKeys()) {
        Connection c = (Connection) key.attachment();
        if (readAvailable(c)) {
          if (c.status != 200 || c.index <= previousIndex) {
            throw new IllegalStateException("got status " + c.status + " index " + c.index + " after "
                + previousIndex);
          }
          remaining--;
        }
      }
      selector.selectedKeys().clear();
    }
    long[] done = new long[connections.length];
    for (int i = 0; i < connections.length; i++) {
      done[i] = connections[i].doneAt;
    }
    return done;
  }

  /** True when this read completed the connection's response. */
  private static boolean readAvailable(Connection c) throws IOException {
    if (c.doneAt != 0) {
      return false;
    }
    while (true) {
      if (!c.in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
        c.in.flip();
        bigger.put(c.in);
        c.in = bigger;
      }
      int n = c.channel.read(c.in);
      if (n < 0) {
        throw new IOException("agent closed a connection");
      }
      if (n == 0) {
        return false;
      }
      if (complete(c)) {
        c.doneAt = System.nanoTime();
        return true;
      }
    }
  }

  private static boolean complete(Connection c) {
    byte[] data = c.in.array();
    int length = c.in.position();
    int headerEnd = -1;
    for (int i = 3; i < length; i++) {
      if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
        headerEnd = i + 1;
        break;
      }
    }
    if (headerEnd < 0) {
      return false;
    }
    String head = new String(data, 0, headerEnd, StandardCharsets.US_ASCII);
    int contentLength = -1;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("HTTP/1.1 ")) {
        c.status = Integer.parseInt(line.substring(9, 12));
      } else if (colon > 0) {
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          contentLength = Integer.parseInt(value);
        } else if (name.equalsIgnoreCase("X-Consul-Index")) {
          c.index = Long.parseLong(value);
        }
      }
    }
    if (contentLength < 0) {
      throw new IllegalStateException("response without Content-Length: " + head);
    }
    return length >= headerEnd + contentLength;
  }

  @Override
  public void close() throws IOException {
    for (Connection c : connections) {
      c.channel.close();
    }
    selector.close();
  }
}

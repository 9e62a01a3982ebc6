package io.github.grpcconsul.benchmarks.devagent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection with blocking I/O, one request at a time: the cheapest sequential client, so a
 * write benchmark shows the agent's cost per request rather than an HTTP client library's.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;
  private byte[] buf = new byte[16 * 1024];

  RawHttp(InetSocketAddress address) {
    try {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address);
      out = socket.getOutputStream();
      in = socket.getInputStream();
      host = address.getHostString() + ":" + address.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PUT with an optional JSON body; returns the response body, throws unless 200. */
  String put(String path, String body) {
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("PUT " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + content.length
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    try {
      byte[] request = new byte[head.length + content.length];
      System.arraycopy(head, 0, request, 0, head.length);
      System.arraycopy(content, 0, request, head.length, content.length);
      out.write(request);
      out.flush();
      return read(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String path) throws IOException {
    int length = 0;
    int headerEnd = -1;
    while (headerEnd < 0) {
      if (length == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, length, buf.length - length);
      if (n < 0) {
        throw new IOException("agent closed the connection");
      }
      length += n;
      for (int i = Math.max(3, length - n - 3); i < length; i++) {
        if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
          headerEnd = i + 1;
          break;
        }
      }
    }
    String head = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII);
    int status = Integer.parseInt(head.substring(9, 12));
    int contentLength = 0;
    int at = indexOfIgnoreCase(head, "\r\ncontent-length:");
    if (at >= 0) {
      int eol = head.indexOf('\r', at + 2);
      contentLength = Integer.parseInt(head.substring(at + 17, eol).trim());
    }
    int total = headerEnd + contentLength;
    if (total > buf.length) {
      buf = java.util.Arrays.copyOf(buf, total);
    }
    while (length < total) {
      int n = in.read(buf, length, total - length);
      if (n < 0) {
        throw new IOException("agent closed the connection");
      }
      length += n;
    }
    String body = new String(buf, headerEnd, contentLength, StandardCharsets.UTF_8);
    if (status != 200) {
      throw new IllegalStateException("PUT " + path + " -> " + status + " " + body);
    }
    return body;
  }

  private static int indexOfIgnoreCase(String s, String lowerNeedle) {
    return s.toLowerCase(java.util.Locale.ROOT).indexOf(lowerNeedle);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

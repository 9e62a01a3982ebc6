package io.github.grpcconsul.devagent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** HTTP/1.1 over a plain socket, for what java.net.http hides: header spelling, pipelining, malformed requests. */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;

  RawHttp(InetSocketAddress address) throws IOException {
    this(new Socket(address.getAddress(), address.getPort()));
    socket.setSoTimeout(30_000);
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Reads one response from a socket the caller wrote a request to (and keeps open). */
  static Response readFrom(Socket socket) throws IOException {
    return new RawHttp(socket).read();
  }

  void write(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** One response: status line, headers in wire spelling and order, body (by Content-Length, else to EOF). */
  record Response(String statusLine, Map<String, String> headers, String body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  Response read() throws IOException {
    String status = line();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon), l.substring(colon + 1).trim());
    }
    String length = headers.get("Content-Length");
    byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  /** The rest of the stream until the server closes it. */
  String rest() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private String line() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed after: " + out.toString(StandardCharsets.ISO_8859_1));
      }
      if (c != '\r') {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

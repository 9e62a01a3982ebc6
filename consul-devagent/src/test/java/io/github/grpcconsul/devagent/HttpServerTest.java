package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The wire-level HTTP behaviour of the Netty front, as Go's net/http (and so Consul) shows it. */
class HttpServerTest {
  @RegisterExtension
  static final DevAgentExtension consul = DevAgentExtension.perClass();

  private static InetSocketAddress address() {
    return consul.agent().start();
  }

  @Test
  void headerNamesAreSpelledAsGoCanonicalisesThem() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/health/service/consul HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(r.headers()).containsKeys("X-Consul-Index", "X-Consul-Knownleader", "X-Consul-Lastcontact",
          "X-Consul-Effective-Consistency", "X-Consul-Query-Backend", "X-Consul-Default-Acl-Policy",
          "Content-Type", "Content-Length", "Date");
      assertThat(r.headers().get("X-Consul-Knownleader")).isEqualTo("true");
      assertThat(r.headers().get("Date")).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }
  }

  @Test
  void canonicalSpellingFollowsGo() {
    assertThat(ResponseHeaders.canonical("X-Consul-KnownLeader")).isEqualTo("X-Consul-Knownleader");
    assertThat(ResponseHeaders.canonical("X-Consul-Results-Filtered-By-ACLs"))
        .isEqualTo("X-Consul-Results-Filtered-By-Acls");
    assertThat(ResponseHeaders.canonical("x-consul-contenthash")).isEqualTo("X-Consul-Contenthash");
    assertThat(ResponseHeaders.canonical("bad header")).isEqualTo("bad header");
  }

  @Test
  void keepAliveServesPipelinedRequestsInOrder() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/status/leader HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /v1/nope HTTP/1.1\r\nHost: x\r\n\r\n"
          + "PUT /v1/kv/pipelined HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
          + "GET /v1/kv/pipelined?raw HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
      assertThat(raw.read().status()).isEqualTo(404);
      assertThat(raw.read().body()).isEqualToIgnoringWhitespace("true");
      RawHttp.Response value = raw.read();
      assertThat(value.body()).isEqualTo("hi");
      assertThat(value.headers()).doesNotContainKey("Connection");
      for (int i = 0; i < 100; i++) {
        raw.write("GET /v1/status/leader HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(raw.read().status()).isEqualTo(200);
      }
    }
  }

  @Test
  void http10AndConnectionCloseEndTheConnection() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/status/leader HTTP/1.0\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(raw.rest()).isEmpty();
    }
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/status/leader HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(raw.read().headers()).containsEntry("Connection", "close");
      assertThat(raw.rest()).isEmpty();
    }
  }

  @Test
  void badRequestLineIs400AndCloses() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("THIS IS NOT HTTP\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(r.body()).isEqualTo("400 Bad Request");
      assertThat(r.headers()).containsEntry("Connection", "close");
      assertThat(raw.rest()).isEmpty();
    }
  }

  @Test
  void headersLargerThanGosLimitAre431() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/status/leader HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(NettyServer.MAX_HEADER_BYTES + 10)
          + "\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.statusLine()).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
      assertThat(r.body()).isEqualTo("431 Request Header Fields Too Large");
    }
  }

  @Test
  void oversizedBodyIs413AndTheConnectionStaysUsable() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      String big = "x".repeat(ApiRequest.MAX_BODY_BYTES + 1);
      raw.write("PUT /v1/agent/service/register HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length()
          + "\r\n\r\n" + big);
      RawHttp.Response r = raw.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.body()).isEqualTo(Texts.requestTooLarge(ApiRequest.MAX_BODY_BYTES));
      raw.write("GET /v1/status/leader HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(200);
    }
  }

  @Test
  void invalidPathEscapeIs400() throws Exception {
    try (RawHttp raw = new RawHttp(address())) {
      raw.write("GET /v1/kv/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.read().status()).isEqualTo(400);
    }
  }
}

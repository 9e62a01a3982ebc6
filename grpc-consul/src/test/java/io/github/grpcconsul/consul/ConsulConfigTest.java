package io.github.grpcconsul.consul;

import io.github.grpcconsul.internal.consul.ConfigAccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsulConfigTest {
  @TempDir Path dir;

  @Test
  void defaults_localAgentPlainHttpNoToken() throws Exception {
    ConsulConfig cfg = ConsulConfig.fromEnvironment(Map.of());
    assertThat(cfg.addresses()).containsExactly("127.0.0.1:8500");
    assertThat(ConfigAccess.token(cfg).get()).isEmpty();
    assertThat(ConfigAccess.usesTls(cfg)).isFalse();
    assertThat(cfg.tlsVerify()).isTrue();
    assertThat(cfg).isEqualTo(ConsulConfig.newBuilder().build());
  }

  @Test
  void address_forms() {
    assertThat(ConfigAccess.addresses(env("CONSUL_HTTP_ADDR", "consul.local:8501")).get(0).baseUri(false))
        .hasToString("http://consul.local:8501");
    assertThat(ConfigAccess.addresses(env("CONSUL_HTTP_ADDR", "https://consul.local:8501")).get(0).baseUri(false))
        .hasToString("https://consul.local:8501");
    assertThat(ConfigAccess.addresses(env("CONSUL_HTTP_ADDR", "http://10.0.0.1:8500/")).get(0).baseUri(false))
        .hasToString("http://10.0.0.1:8500");
    assertThat(ConfigAccess.addresses(env("CONSUL_HTTP_ADDR", "[::1]:8500")).get(0).baseUri(false))
        .hasToString("http://[::1]:8500");
    assertThat(ConfigAccess.addresses(env("CONSUL_HTTP_ADDR", "consul.local")).get(0).port()).isEqualTo(8500);
    assertThat(ConfigAccess.usesTls(env("CONSUL_HTTP_ADDR", "https://consul.local:8501"))).isTrue();
  }

  @Test
  void commaSeparatedAddresses_giveFailoverOrder() {
    ConsulConfig cfg = env("CONSUL_HTTP_ADDR", "a:1, b:2");
    assertThat(cfg.addresses()).containsExactly("a:1", "b:2");
  }

  @Test
  void badAddresses_nameTheValueAndTheFix() {
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "h:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CONSUL_HTTP_ADDR \"h:x\": port \"x\" is not a number");
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "unix:///var/run/consul.sock"))
        .hasMessageContaining("CONSUL_HTTP_ADDR \"unix:///var/run/consul.sock\"")
        .hasMessageContaining("JDK HttpClient cannot speak HTTP over a unix socket");
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "h:70000")).hasMessageContaining("port 70000 is out of range");
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "ftp://h:1")).hasMessageContaining("unknown scheme \"ftp\"");
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "h:1/v1")).hasMessageContaining("without path");
    assertThatThrownBy(() -> env("CONSUL_HTTP_ADDR", "::1")).hasMessageContaining("needs brackets");
    assertThatThrownBy(() -> ConsulConfig.newBuilder().address(":8500"))
        .hasMessageStartingWith("address \":8500\": the host is empty");
  }

  @Test
  void ssl_forcesHttps_evenOverHttpScheme_likeConsul() {
    ConsulConfig cfg = ConsulConfig.fromEnvironment(Map.of("CONSUL_HTTP_ADDR", "http://h:8501", "CONSUL_HTTP_SSL",
        "true"));
    assertThat(ConfigAccess.addresses(cfg).get(0).baseUri(cfg.tls())).hasToString("https://h:8501");
    assertThat(ConfigAccess.usesTls(env("CONSUL_HTTP_SSL", "0"))).isFalse();
    assertThatThrownBy(() -> env("CONSUL_HTTP_SSL", "yes"))
        .hasMessage("CONSUL_HTTP_SSL \"yes\" is not a boolean: use true or false");
  }

  @Test
  void sslVerify_andTlsFiles() {
    ConsulConfig cfg = ConsulConfig.fromEnvironment(Map.of(
        "CONSUL_HTTP_SSL", "1",
        "CONSUL_HTTP_SSL_VERIFY", "false",
        "CONSUL_CACERT", "/etc/ca.pem",
        "CONSUL_CLIENT_CERT", "/etc/c.pem",
        "CONSUL_CLIENT_KEY", "/etc/k.pem",
        "CONSUL_TLS_SERVER_NAME", "Consul.Example"));
    assertThat(cfg.tlsVerify()).isFalse();
    assertThat(cfg.caCertFile()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(cfg.clientCertFile()).isEqualTo(Path.of("/etc/c.pem"));
    assertThat(cfg.clientKeyFile()).isEqualTo(Path.of("/etc/k.pem"));
    assertThat(cfg.tlsServerName()).isEqualTo("consul.example");
    assertThatThrownBy(() -> env("CONSUL_CLIENT_CERT", "/c.pem"))
        .hasMessageContaining("no client key").hasMessageContaining("CONSUL_CLIENT_KEY");
  }

  @Test
  void token_fromValue_andFileWins_andFileReReadWhenChanged() throws Exception {
    assertThat(ConfigAccess.token(env("CONSUL_HTTP_TOKEN", " secret ")).get()).isEqualTo("secret");
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\n");
    ConsulConfig cfg = ConsulConfig.fromEnvironment(Map.of("CONSUL_HTTP_TOKEN", "value",
        "CONSUL_HTTP_TOKEN_FILE", file.toString()));
    assertThat(ConfigAccess.token(cfg).get()).isEqualTo("from-file");
    Files.writeString(file, "rotated-token\n");
    assertThat(ConfigAccess.token(cfg).get()).isEqualTo("rotated-token");
    Files.delete(file);
    assertThatThrownBy(() -> ConfigAccess.token(cfg).get())
        .hasMessageContaining("token file \"" + file + "\"").hasMessageContaining("CONSUL_HTTP_TOKEN_FILE");
  }

  @Test
  void builderOverridesEnvironment() throws Exception {
    ConsulConfig env = ConsulConfig.fromEnvironment(Map.of("CONSUL_HTTP_ADDR", "a:1", "CONSUL_HTTP_TOKEN", "x"));
    String[] rotating = {"t1"};
    ConsulConfig cfg = env.toBuilder().address("b:2").tokenSupplier(() -> rotating[0]).build();
    assertThat(cfg.addresses()).containsExactly("b:2");
    assertThat(ConfigAccess.token(cfg).get()).isEqualTo("t1");
    rotating[0] = "t2";
    assertThat(ConfigAccess.token(cfg).get()).isEqualTo("t2");
  }

  @Test
  void toString_neverShowsTheToken() {
    ConsulConfig cfg = ConsulConfig.newBuilder().token("super-secret-token").tls(true).build();
    assertThat(cfg.toString()).doesNotContain("super-secret-token").contains("token=(value hidden)");
    assertThat(ConsulConfig.newBuilder().tokenFile(Path.of("/t")).build().toString()).contains("token=file /t");
  }

  @Test
  void valueSemantics() {
    assertThat(ConsulConfig.newBuilder().address("a:1").token("t").build())
        .isEqualTo(ConsulConfig.newBuilder().address("a:1").token("t").build())
        .hasSameHashCodeAs(ConsulConfig.newBuilder().address("a:1").token("t").build())
        .isNotEqualTo(ConsulConfig.newBuilder().address("a:1").token("u").build());
  }

  @Test
  void openTelemetry_keptByToBuilder_comparedByIdentity_nullMeansGlobal() {
    try (io.opentelemetry.sdk.OpenTelemetrySdk a = io.opentelemetry.sdk.OpenTelemetrySdk.builder().build();
        io.opentelemetry.sdk.OpenTelemetrySdk b = io.opentelemetry.sdk.OpenTelemetrySdk.builder().build()) {
      ConsulConfig plain = ConsulConfig.newBuilder().build();
      ConsulConfig withA = ConsulConfig.newBuilder().openTelemetry(a).build();
      assertThat(ConfigAccess.openTelemetry(plain)).isNull();
      assertThat(ConfigAccess.openTelemetry(withA)).isSameAs(a);
      assertThat(ConfigAccess.openTelemetry(withA.toBuilder().address("10.0.0.1:8500").build())).isSameAs(a);
      assertThat(withA).isEqualTo(ConsulConfig.newBuilder().openTelemetry(a).build()).isNotEqualTo(plain)
          .isNotEqualTo(ConsulConfig.newBuilder().openTelemetry(b).build());
      assertThat(withA.toBuilder().openTelemetry(null).build()).isEqualTo(plain);
    }
  }

  private static ConsulConfig env(String name, String value) {
    return ConsulConfig.fromEnvironment(Map.of(name, value));
  }
}

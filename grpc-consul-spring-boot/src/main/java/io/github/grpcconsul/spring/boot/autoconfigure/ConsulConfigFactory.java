package io.github.grpcconsul.spring.boot.autoconfigure;

import io.github.grpcconsul.consul.ConsulConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds the {@link ConsulConfig} bean: Consul's environment variables first, then every {@code grpc-consul.*}
 * property that is set on top. A bad value becomes an {@link InvalidConsulPropertyException} naming it.
 */
final class ConsulConfigFactory {
  private static final String P = GrpcConsulProperties.PREFIX + ".";

  private ConsulConfigFactory() {}

  static ConsulConfig create(GrpcConsulProperties properties, Supplier<ConsulConfig> environment) {
    ConsulConfig.Builder b;
    try {
      b = environment.get().toBuilder();
    } catch (IllegalArgumentException e) {
      String variable = environmentVariableIn(e.getMessage());
      throw new InvalidConsulPropertyException(variable, variable.equals("CONSUL_HTTP_TOKEN") ? "<redacted>"
          : System.getenv(variable), e.getMessage(), "fix the variable, or set the grpc-consul.* property that "
          + "replaces it (see the README's Spring Boot section)", e);
    }
    List<String> addresses = properties.getAddress();
    if (addresses != null && !addresses.isEmpty()) {
      apply(P + "address", String.join(",", addresses), () -> b.addresses(addresses),
          "host:port, http://host:port or https://host:port (several comma-separated), e.g. 127.0.0.1:8500");
    }
    // As in Consul, the token file wins over the token; either property replaces both variables.
    if (properties.getToken() != null && !properties.getToken().isBlank()) {
      b.token(properties.getToken());
    }
    if (properties.getTokenFile() != null) {
      Path file = properties.getTokenFile();
      if (!Files.isReadable(file)) {
        throw new InvalidConsulPropertyException(P + "token-file", file, "the file cannot be read",
            "the path of a readable file holding the ACL token, or remove it", null);
      }
      b.tokenFile(file);
    }
    GrpcConsulProperties.Tls tls = properties.getTls();
    if (tls.getEnabled() != null) {
      b.tls(tls.getEnabled());
    }
    if (tls.getVerify() != null) {
      b.tlsVerify(tls.getVerify());
    }
    readable(P + "tls.ca-file", tls.getCaFile(), "a PEM file of CA certificates");
    readable(P + "tls.client-cert-file", tls.getClientCertFile(), "a PEM client certificate");
    readable(P + "tls.client-key-file", tls.getClientKeyFile(), "an unencrypted PKCS#8 PEM key");
    if (tls.getCaFile() != null) {
      b.caCertFile(tls.getCaFile());
    }
    if (tls.getClientCertFile() != null) {
      b.clientCertFile(tls.getClientCertFile());
    }
    if (tls.getClientKeyFile() != null) {
      b.clientKeyFile(tls.getClientKeyFile());
    }
    if (tls.getServerName() != null) {
      b.tlsServerName(tls.getServerName());
    }
    positive(P + "connect-timeout", properties.getConnectTimeout());
    positive(P + "request-timeout", properties.getRequestTimeout());
    if (properties.getConnectTimeout() != null) {
      b.connectTimeout(properties.getConnectTimeout());
    }
    if (properties.getRequestTimeout() != null) {
      b.requestTimeout(properties.getRequestTimeout());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // The only cross-field rule: a client certificate needs its key and vice versa.
      String property = tls.getClientCertFile() == null ? P + "tls.client-cert-file" : P + "tls.client-key-file";
      throw new InvalidConsulPropertyException(property, "(unset)", e.getMessage(),
          "set both grpc-consul.tls.client-cert-file and grpc-consul.tls.client-key-file (or "
              + "CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY), or neither", e);
    }
  }

  private static void apply(String property, String value, Runnable setter, String expected) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new InvalidConsulPropertyException(property, value, e.getMessage(), "write " + expected, e);
    }
  }

  private static void readable(String property, Path file, String what) {
    if (file != null && !Files.isReadable(file)) {
      throw new InvalidConsulPropertyException(property, file, "the file cannot be read",
          "the path of a readable file: " + what, null);
    }
  }

  private static void positive(String property, Duration d) {
    if (d != null && (d.isZero() || d.isNegative())) {
      throw new InvalidConsulPropertyException(property, d, "must be longer than zero", "a positive duration, "
          + "e.g. 5s", null);
    }
  }

  /** The library's environment errors start with the variable's name. */
  private static String environmentVariableIn(String message) {
    if (message != null) {
      for (String name : List.of("CONSUL_HTTP_TOKEN_FILE", "CONSUL_HTTP_ADDR", "CONSUL_HTTP_SSL_VERIFY",
          "CONSUL_HTTP_SSL", "CONSUL_CACERT", "CONSUL_CLIENT_CERT", "CONSUL_CLIENT_KEY", "CONSUL_TLS_SERVER_NAME")) {
        if (message.contains(name)) {
          return name;
        }
      }
    }
    return "CONSUL_HTTP_ADDR";
  }
}

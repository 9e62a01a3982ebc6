package io.github.grpcconsul.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.consul.ConsulConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Property binding, precedence over Consul's environment variables, and failure analysis. Surefire sets
 * CONSUL_HTTP_ADDR=127.0.0.1:9 and CONSUL_TLS_SERVER_NAME=consul.from-env.test for this module's tests.
 */
class PropertiesTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(GrpcConsulAutoConfiguration.class));

  @Test
  void environmentVariablesApplyWhereNoPropertyIsSet() {
    runner.run(context -> {
      ConsulConfig config = context.getBean(ConsulConfig.class);
      assertThat(config.addresses()).containsExactly("127.0.0.1:9");
      assertThat(config.tlsServerName()).isEqualTo("consul.from-env.test");
    });
  }

  @Test
  void propertiesWinOverEnvironmentVariables(@TempDir Path dir) throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not checked before the first request");
    runner.withPropertyValues(
        "grpc-consul.address=consul-a:8501,https://consul-b:8501",
        "grpc-consul.tls.enabled=true",
        "grpc-consul.tls.verify=false",
        "grpc-consul.tls.ca-file=" + ca,
        "grpc-consul.tls.server-name=Consul.Internal",
        "grpc-consul.connect-timeout=2s",
        "grpc-consul.request-timeout=3s",
        "grpc-consul.token=secret-token").run(context -> {
          ConsulConfig config = context.getBean(ConsulConfig.class);
          assertThat(config.addresses()).containsExactly("consul-a:8501", "https://consul-b:8501");
          assertThat(config.tls()).isTrue();
          assertThat(config.tlsVerify()).isFalse();
          assertThat(config.caCertFile()).isEqualTo(ca);
          assertThat(config.tlsServerName()).isEqualTo("consul.internal");
          assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
          assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(config.toString()).doesNotContain("secret-token");
        });
  }

  @Test
  void anApplicationConsulConfigBeanReplacesOurs() {
    ConsulConfig own = ConsulConfig.newBuilder().address("own:8500").build();
    runner.withBean(ConsulConfig.class, () -> own).withPropertyValues("grpc-consul.address=ignored:1")
        .run(context -> assertThat(context.getBean(ConsulConfig.class)).isSameAs(own));
  }

  @Test
  void badAddressFailsStartupNamingPropertyValueAndFix() {
    runner.withPropertyValues("grpc-consul.address=consul:x").run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("'consul:x'", "configuration property 'grpc-consul.address'",
          "port \"x\" is not a number");
      assertThat(analysis.getAction()).startsWith("Change grpc-consul.address: write host:port")
          .contains("127.0.0.1:8500");
    });
  }

  @Test
  void unreadableTokenFileFailsStartup(@TempDir Path dir) {
    runner.withPropertyValues("grpc-consul.token-file=" + dir.resolve("missing")).run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("grpc-consul.token-file", "cannot be read");
      assertThat(analysis.getAction()).contains("readable file holding the ACL token");
    });
  }

  @Test
  void clientCertificateWithoutKeyFailsStartup(@TempDir Path dir) throws Exception {
    Path cert = Files.writeString(dir.resolve("client.pem"), "x");
    runner.withPropertyValues("grpc-consul.tls.client-cert-file=" + cert).run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("grpc-consul.tls.client-key-file");
      assertThat(analysis.getAction()).contains("set both grpc-consul.tls.client-cert-file and "
          + "grpc-consul.tls.client-key-file");
    });
  }

  @Test
  void zeroTimeoutFailsStartup() {
    runner.withPropertyValues("grpc-consul.request-timeout=0s").run(context -> {
      FailureAnalysis analysis = analyze(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("'PT0S'", "grpc-consul.request-timeout");
      assertThat(analysis.getAction()).contains("a positive duration, e.g. 5s");
    });
  }

  @Test
  void registrationPropertiesAreCheckedAtStartupWithTheirNames() {
    ConsulConfig consul = ConsulConfig.newBuilder().build();
    GrpcConsulProperties.Registration r = new GrpcConsulProperties.Registration();
    r.setWeightWarning(70000);
    assertThat(failure(r, "svc", consul)).satisfies(e -> {
      assertThat(e.property()).isEqualTo("grpc-consul.registration.weight-warning");
      assertThat(e.action()).contains("warning 0..65535");
    });
    r = new GrpcConsulProperties.Registration();
    r.setDrainTime(Duration.ofMinutes(2));
    assertThat(failure(r, "svc", consul)).satisfies(e -> {
      assertThat(e.property()).isEqualTo("grpc-consul.registration.drain-time");
      assertThat(e.value()).isEqualTo("PT2M");
      assertThat(e.action()).contains("shorten the drain or lengthen deregisterCriticalServiceAfter");
    });
    r = new GrpcConsulProperties.Registration();
    r.setMeta(new java.util.LinkedHashMap<>(java.util.Map.of("bad key", "v")));
    assertThat(failure(r, "svc", consul).property()).isEqualTo("grpc-consul.registration.meta");
    r = new GrpcConsulProperties.Registration();
    r.setTtl(Duration.ofMillis(10));
    assertThat(failure(r, "svc", consul).property()).isEqualTo("grpc-consul.registration.ttl");
    assertThat(failure(new GrpcConsulProperties.Registration(), "a/b", consul).property())
        .isEqualTo("spring.application.name");
  }

  @Test
  void noServiceNameSaysWhatToSet() {
    InvalidConsulPropertyException e = org.junit.jupiter.api.Assertions.assertThrows(
        InvalidConsulPropertyException.class, () -> new RegistrationFactory(new GrpcConsulProperties.Registration(),
            null, ConsulConfig.newBuilder().build(), null));
    assertThat(e.property()).isEqualTo("grpc-consul.registration.service-name");
    assertThat(e.action()).contains("spring.application.name=helloserver");
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void springBootReportsTheFailureAtStartup(CapturedOutput output) {
    SpringApplicationBuilder app = new SpringApplicationBuilder(EchoApp.class).properties(
        "spring.application.name=echo-bad", "spring.grpc.server.port=0", "grpc-consul.address=consul:x");
    org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, app::run);
    assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START",
        "Invalid value 'consul:x' for configuration property 'grpc-consul.address'",
        "Change grpc-consul.address: write host:port");
  }

  @Test
  void metadataDescribesTheProperties() throws Exception {
    String json = new String(getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    for (String name : List.of("grpc-consul.address", "grpc-consul.token-file", "grpc-consul.tls.ca-file",
        "grpc-consul.registration.service-name", "grpc-consul.registration.grpc-check.interval",
        "grpc-consul.registration.drain-time")) {
      assertThat(json).contains("\"name\": \"" + name + "\"");
    }
  }

  private static InvalidConsulPropertyException failure(GrpcConsulProperties.Registration r, String app,
      ConsulConfig consul) {
    return org.junit.jupiter.api.Assertions.assertThrows(InvalidConsulPropertyException.class,
        () -> new RegistrationFactory(r, app, consul, null).validate());
  }

  private static FailureAnalysis analyze(Throwable failure) {
    assertThat(failure).isNotNull();
    FailureAnalysis analysis = new InvalidConsulPropertyFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analysis of %s", failure).isNotNull();
    return analysis;
  }
}

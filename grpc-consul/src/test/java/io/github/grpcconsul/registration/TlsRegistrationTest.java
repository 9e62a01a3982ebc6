package io.github.grpcconsul.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.internal.consul.TestPki;
import io.github.grpcconsul.internal.consul.TestPki.Alg;
import io.github.grpcconsul.internal.consul.TestPki.Issued;
import io.github.grpcconsul.internal.consul.TestPki.KeyFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration against an agent with verify_incoming: a TLS mistake is logged once, and fixed files are used. */
class TlsRegistrationTest {
  @TempDir Path dir;

  @Test
  void untrustedClientCertificate_loggedOnceWithTheFix_neverTheToken_thenRegistersWhenAValidOneIsWritten()
      throws Exception {
    Issued ca = TestPki.ca("Consul Agent CA", Alg.EC);
    Issued other = TestPki.ca("Some Other CA", Alg.EC);
    Path[] agentFiles = TestPki.agentFiles(dir, "agent", TestPki.leaf(ca, "server.dc1.consul", Alg.EC,
        List.of("127.0.0.1")));
    Path caFile = TestPki.write(dir.resolve("ca.pem"), TestPki.pem(ca.cert()));
    Issued rogue = TestPki.leaf(other, "rogue", Alg.EC, List.of());
    Path cert = TestPki.write(dir.resolve("client.pem"), TestPki.pem(rogue.cert()));
    Path key = TestPki.write(dir.resolve("client-key.pem"), TestPki.pem(rogue.keys().getPrivate(),
        KeyFormat.TRADITIONAL));
    try (DevAgent agent = DevAgent.builder().tls(agentFiles[0], agentFiles[1]).tlsClientCa(caFile).build();
        LogCapture log = new LogCapture()) {
      agent.start();
      ConsulConfig consul = ConsulConfig.newBuilder().address("https://" + agent.httpAddress()).token("tok-secret")
          .caCertFile(caFile).clientCertFile(cert).clientKeyFile(key).connectTimeout(Duration.ofSeconds(30)).build();
      ConsulRegistration registration = ConsulRegistration.newBuilder("127.0.0.1", 4242, "billing")
          .consul(consul).ttlCheck(Duration.ofSeconds(5)).drainTime(Duration.ZERO).build();
      // every failed attempt is logged at FINE by the HTTP layer: how the test sees the retries
      Logger http = Logger.getLogger("io.github.grpcconsul.internal.consul.ConsulHttp");
      AtomicInteger attempts = new AtomicInteger();
      Handler counter = new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel() == Level.FINE && String.valueOf(r.getParameters()[0]).contains("refused our client")) {
            attempts.incrementAndGet();
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      http.addHandler(counter);
      http.setLevel(Level.FINE);
      registration.start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() >= 3);
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
            .contains("Could not register service 'billing'")
            .contains("the agent refused our client certificate (subject \"CN=rogue\", issuer \"CN=Some Other CA\")")
            .contains("CONSUL_CLIENT_CERT \"" + cert + "\"")
            .doesNotContain("tok-secret");
        RegistrationStatus status = registration.status();
        assertThat(status.state()).isEqualTo(RegistrationStatus.State.RETRYING);
        assertThat(status.description()).startsWith("retrying: TLS misconfigured (TLS problem with Consul at https://")
            .contains("the agent refused our client certificate").doesNotContain("tok-secret");
        Issued good = TestPki.leaf(ca, "client", Alg.EC, List.of());
        TestPki.write(key, TestPki.pem(good.keys().getPrivate(), KeyFormat.SEC1_MINIMAL));
        TestPki.write(cert, TestPki.pem(good.cert()));
        assertThat(registration.awaitRegistered(Duration.ofSeconds(30))).isTrue();
        assertThat(log.messages(Level.WARNING)).hasSize(1);
      } finally {
        http.removeHandler(counter);
        http.setLevel(null);
        registration.shutdownGracefully();
      }
    }
  }
}

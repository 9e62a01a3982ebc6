package io.github.grpcconsul.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.grpcconsul.devagent.junit.DevAgentExtension;
import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Drives consul-grpc against the dev agent over real HTTP. */
class ConsulGrpcTest {
  @RegisterExtension static final DevAgentExtension consul = DevAgentExtension.perMethod();

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private ConsulClient client;

  @BeforeEach
  void client() {
    client = ConsulClient.create(ConsulGrpc.configFrom(env()));
  }

  @AfterEach
  void close() {
    client.close();
  }

  private Map<String, String> env() {
    return Map.of("CONSUL_HTTP_ADDR", consul.agent().httpAddress(), "CONSUL_HTTP_TOKEN", "s3cr3t-token");
  }

  private ConsulGrpc tool() {
    return new ConsulGrpc(out, err, env(), Clock.systemUTC());
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private void register(String id, int port, String tag, CheckStatus status) throws Exception {
    client.registerService(ServiceDefinition.newBuilder("web").id(id).address("10.0.0.5").port(port).tag(tag)
        .meta("env", "qa").weights(10, 1)
        .check(CheckDefinition.newBuilder().checkId(id + "-ttl").ttl(Duration.ofSeconds(60)).status(status).build())
        .build(), false).get(10, TimeUnit.SECONDS);
  }

  @Test
  void resolve_printsWhatTheResolverHandsToGrpc() throws Exception {
    register("web-1", 8080, "v2", CheckStatus.PASSING);
    register("web-2", 8081, "v1", CheckStatus.PASSING);
    int code = tool().run(new String[] {"resolve", "consul:///web?tag=v2"});
    assertThat(code).as(err()).isZero();
    assertThat(out()).startsWith("1 address group\n")
        .contains("10.0.0.5:8080", "health=passing", "weights=10/1", "dc=" + consul.agent().datacenter(),
            "id=web-1", "tags=[v2]", "meta={env=qa}")
        .doesNotContain("8081", "s3cr3t");
  }

  @Test
  void resolve_unknownServiceIsTheLibrarysMessage_andFails() {
    int code = tool().run(new String[] {"resolve", "--timeout", "20s", "consul:///nope"});
    assertThat(code).isEqualTo(ConsulGrpc.FAILED);
    assertThat(err()).contains("nope").doesNotContain("s3cr3t");
  }

  @Test
  void resolve_watchPrintsEveryChangeWithATimestamp() throws Exception {
    register("web-1", 8080, "v2", CheckStatus.PASSING);
    ConsulGrpc tool = tool();
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(
        () -> tool.run(new String[] {"resolve", "--watch", "consul:///web"}));
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("10.0.0.5:8080"));
      register("web-2", 8081, "v2", CheckStatus.PASSING);
      await().atMost(Duration.ofSeconds(30)).until(() -> out().contains("2 address groups"));
    } finally {
      tool.stop();
    }
    assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(out()).containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+Z 1 address group$")
        .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\dT\\S+Z 2 address groups$");
  }

  @Test
  void registration_showsTheServiceAndItsChecks() throws Exception {
    register("web-1", 8080, "v2", CheckStatus.WARNING);
    int code = tool().run(new String[] {"registration", "web-1"});
    assertThat(code).as(err()).isZero();
    assertThat(out()).contains("service web-1 (web)", "10.0.0.5:8080", "weights=10/1", "aggregated=warning",
        "web-1-ttl  warning").doesNotContain("s3cr3t");
  }

  @Test
  void registration_unknownIdSaysSo() {
    int code = tool().run(new String[] {"registration", "nope-1"});
    assertThat(code).isEqualTo(ConsulGrpc.FAILED);
    assertThat(err()).contains("no service with ID 'nope-1'").doesNotContain("s3cr3t");
  }

  @Test
  void registration_agentDownIsAClearFailure() {
    ConsulGrpc tool = tool();
    consul.agent().stop();
    int code = tool.run(new String[] {"registration", "--timeout", "20s", "web-1"});
    assertThat(code).isEqualTo(ConsulGrpc.FAILED);
    assertThat(err()).startsWith("consul-grpc: ").contains("cannot reach Consul").doesNotContain("s3cr3t");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(tool().run(new String[] {})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(tool().run(new String[] {"frobnicate"})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(tool().run(new String[] {"resolve"})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(tool().run(new String[] {"resolve", "http://x"})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(tool().run(new String[] {"resolve", "--timeout", "soon", "consul:///web"})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(tool().run(new String[] {"registration", "--watch", "x"})).isEqualTo(ConsulGrpc.USAGE);
    assertThat(err()).contains("unknown command 'frobnicate'", "resolve needs a target", "not a consul:// target",
        "--timeout 'soon'", "--watch is an option of resolve");
  }
}

package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DevAgentMainTest {
  private static final List<String> EVERY_FLAG = List.of("http-port", "client", "datacenter", "node",
      "acl-management-token", "acl-read-only-token", "https-cert-file", "https-key-file", "https-ca-file",
      "check-reap-interval", "deregister-critical-service-after-min", "dev", "help");

  @Test
  void helpDescribesEveryFlagOnOneLine() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(DevAgentMain.parse(new String[] {"-help"}, new PrintStream(out, true, StandardCharsets.UTF_8)))
        .isNull();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    for (String flag : EVERY_FLAG) {
      assertThat(lines).as("-help line of -" + flag)
          .anyMatch(l -> l.matches("  -" + java.util.regex.Pattern.quote(flag) + " +\\S.*"));
    }
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> parse("-http-port", "70000"))
        .hasMessage("invalid value \"70000\" for flag -http-port (expected: 0..65535)");
    assertThatThrownBy(() -> parse("-datacenter="))
        .hasMessage("invalid value \"\" for flag -datacenter (expected: a non-empty name)");
    assertThatThrownBy(() -> parse("-node", " "))
        .hasMessage("invalid value \" \" for flag -node (expected: a non-empty name)");
    assertThatThrownBy(() -> parse("-check-reap-interval", "0s"))
        .hasMessage("invalid value \"0s\" for flag -check-reap-interval (expected: > 0)");
    assertThatThrownBy(() -> parse("-deregister-critical-service-after-min", "-1s"))
        .hasMessage("invalid value \"-1s\" for flag -deregister-critical-service-after-min (expected: >= 0)");
    assertThatThrownBy(() -> parse("-acl-read-only-token", "reader"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-acl-read-only-token").hasMessageContaining("-acl-management-token");
    assertThatThrownBy(() -> parse("-client", "192.0.2.1"))
        .hasMessageStartingWith("invalid value \"192.0.2.1\" for flag -client (expected: an address");
    assertThat(parse("-client", "localhost", "-http-port", "0")).isNotNull();
    assertThatThrownBy(() -> parse("-node"))
        .hasMessage("flag needs an argument: -node");
  }

  @Test
  void aBadFlagExitsTwoWithAMessageAndNoStackTrace() throws Exception {
    for (String[] args : List.of(new String[] {"-bogus"}, new String[] {"-http-port", "70000"},
        new String[] {"-acl-read-only-token", "reader"}, new String[] {"-check-reap-interval", "soon"})) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), DevAgentMain.class.getName(), args[0],
          args.length > 1 ? args[1] : "-dev")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(err).isEqualTo(2);
      assertThat(err.lines().findFirst().orElse("")).startsWith("consul-devagent: ").contains(args[0]);
      assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  @Test
  void startFailuresSayWhyAndHowToFixIt() {
    try (DevAgent first = DevAgent.builder().build()) {
      int port = first.start().getPort();
      assertThatThrownBy(DevAgent.builder().httpPort(port).build()::start)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + port).hasMessageContaining("another agent");
    }
    // 192.0.2.1 (TEST-NET-1) is no address of this machine.
    assertThatThrownBy(DevAgent.builder().host("192.0.2.1").build()::start)
        .hasMessageContaining("cannot listen on 192.0.2.1:0").hasMessageContaining("address of this machine")
        .hasMessageNotContaining("another agent");
  }

  private static DevAgent parse(String... args) {
    return DevAgentMain.parse(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }
}

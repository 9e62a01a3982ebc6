package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consul's config files: its key set, its merge order, its errors. */
class ConfigFilesTest {
  @TempDir
  Path dir;

  private Path file(String name, String json) throws Exception {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, json);
    return f;
  }

  private static ConfigFiles.Settings load(Object... sources) {
    List<ConfigFiles.Source> list = new java.util.ArrayList<>();
    for (Object s : sources) {
      Path p = (Path) s;
      list.add(new ConfigFiles.Source(p, Files.isDirectory(p)));
    }
    return ConfigFiles.load(list);
  }

  @Test
  void laterFilesWinListsAppendAndADirectoryIsReadInLexicalOrder() throws Exception {
    Path first = file("first.json", """
        {"datacenter": "a", "node_meta": {"x": "1"}, "services": [{"name": "one"}]}""");
    file("d/20-b.json", """
        {"datacenter": "c", "services": [{"name": "three"}]}""");
    file("d/10-a.json", """
        {"datacenter": "b", "node_meta": {"y": "2"}, "service": {"name": "two"}}""");
    file("d/notes.txt", "not config");
    ConfigFiles.Settings s = load(first, dir.resolve("d"));
    assertThat(s.datacenter()).isEqualTo("c");
    assertThat(s.nodeMeta()).containsEntry("x", "1").containsEntry("y", "2");
    assertThat(s.services()).extracting(ServiceDef::name).containsExactly("one", "two", "three");
    assertThat(s.files()).extracting(p -> p.getFileName().toString())
        .containsExactly("first.json", "10-a.json", "20-b.json");
  }

  @Test
  void unknownKeysAreAnErrorNamingKeyAndFile() throws Exception {
    Path f = file("bad.json", """
        {"datacenter": "a", "acl": {"enabled": true, "tokenz": {}}}""");
    assertThatThrownBy(() -> load(f)).hasMessage("Error parsing " + f + ": invalid config key acl.tokenz");
    Path top = file("top.json", "{\"bogus_key\": 1}");
    assertThatThrownBy(() -> load(top)).hasMessage("Error parsing " + top + ": invalid config key bogus_key");
  }

  @Test
  void keysWithoutMeaningHereAreAcceptedAndListed() throws Exception {
    Path f = file("c.json", """
        {"data_dir": "/x", "server": true, "ports": {"dns": -1, "http": 8501}, "telemetry": {"anything": 1}}""");
    ConfigFiles.Settings s = load(f);
    assertThat(s.ignored()).containsExactly("data_dir", "ports.dns", "server", "telemetry");
    assertThat(s.httpPort()).isEqualTo(8501);
  }

  @Test
  void badJsonHclAndBadDefinitionsNameTheFile() throws Exception {
    Path json = file("broken.json", "{\"datacenter\": ");
    assertThatThrownBy(() -> load(json)).hasMessageStartingWith("Error parsing " + json + ": ");
    Path hcl = file("agent.hcl", "datacenter = \"dc1\"");
    assertThatThrownBy(() -> load(hcl)).hasMessageContaining(hcl.toString()).hasMessageContaining("JSON");
    Path svc = file("svc.json", "{\"services\": [{\"name\": \"web\", \"port\": \"x\", \"wat\": 1}]}");
    assertThatThrownBy(() -> load(svc)).hasMessageStartingWith("Error parsing " + svc + ": service \"web\": ");
  }

  @Test
  void legacyAclAndTlsNamesAreHonoured() throws Exception {
    Path f = file("legacy.json", """
        {"acl_master_token": "m", "acl": {"enabled": true}, "cert_file": "c.pem", "key_file": "k.pem",
         "ca_file": "ca.pem", "verify_incoming": true, "check_reap_interval": "2s"}""");
    ConfigFiles.Settings s = load(f);
    assertThat(s.managementToken()).isEqualTo("m");
    assertThat(s.certFile()).isEqualTo("c.pem");
    assertThat(s.verifyIncoming()).isTrue();
    assertThat(s.checkReapInterval()).hasSeconds(2);
    Path modern = file("modern.json", """
        {"acl": {"enabled": true, "tokens": {"master": "old", "initial_management": "new"}},
         "tls": {"defaults": {"cert_file": "d.pem"}, "https": {"cert_file": "h.pem"}}}""");
    assertThat(load(modern).managementToken()).isEqualTo("new");
    assertThat(load(modern).certFile()).isEqualTo("h.pem");
  }

  @Test
  void flagsOverrideConfigFilesAndIgnoredKeysGoInOneInfoLine() throws Exception {
    Path f = file("c.json", "{\"datacenter\": \"from-file\", \"node_name\": \"n1\", \"log_level\": \"INFO\"}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DevAgent agent = DevAgentMain.parse(new String[] {"agent", "-dev", "-config-file", f.toString(),
        "-datacenter", "from-flag", "-http-port", "0", "-ui", "-grpc-port", "8502"},
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(agent.datacenter()).isEqualTo("from-flag");
    assertThat(agent.nodeName()).isEqualTo("n1");
    assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("[INFO]")).toList())
        .singleElement().asString().contains("log_level").contains("-ui").contains("-grpc-port");
  }

  @Test
  void aclEnabledWithoutAManagementTokenSaysWhatToSet() throws Exception {
    Path f = file("acl.json", "{\"acl\": {\"enabled\": true}}");
    assertThatThrownBy(() -> DevAgentMain.parse(new String[] {"agent", "-config-file", f.toString()},
        System.out)).hasMessageContaining("acl.tokens.initial_management");
  }

  @Test
  void defaultPolicyAllowLetsAnonymousWrite() throws Exception {
    Path f = file("allow.json", """
        {"acl": {"enabled": true, "default_policy": "allow", "tokens": {"initial_management": "root"}},
         "ports": {"http": 0}}""");
    try (DevAgent agent = DevAgentMain.parse(new String[] {"agent", "-config-file", f.toString()}, System.out)) {
      agent.start();
      Http http = new Http(agent);
      assertThat(http.put("/v1/agent/service/register", "{\"Name\": \"open\"}").statusCode()).isEqualTo(200);
      assertThat(http.get("/v1/agent/self").headers().firstValue("X-Consul-Default-ACL-Policy")).contains("allow");
      assertThat(http.send("GET", "/v1/agent/self", null, "X-Consul-Token", "unknown").statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void versionCommand() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(DevAgentMain.parse(new String[] {"version"}, new PrintStream(out, true, StandardCharsets.UTF_8)))
        .isNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Consul v" + StateStore.CONSUL_VERSION);
  }
}

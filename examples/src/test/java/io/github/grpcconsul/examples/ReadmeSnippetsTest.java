package io.github.grpcconsul.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's Java examples compile against grpc-consul's public API (and the dev agent's, the examples' hello
 * service and JUnit, which the README also shows). Each {@code ```java} block becomes one class: a block of
 * statements the body of a method, a block with annotations or a class its members; its own import lines stay
 * imports. The few names a snippet uses without declaring (a channel's {@code creds}, an {@code executor}, a
 * {@code log}, ...) are the method's parameters. A block may import nothing from {@code ...internal}. A block
 * preceded by {@code <!-- readme-test: skip (reason) -->} is not compiled (the Spring Boot ones, compiled as
 * examples-spring-boot's own sources).
 */
class ReadmeSnippetsTest {

  private static final Path README = Path.of("..", "README.md");

  private static final List<String> IMPORTS = List.of(
      "io.grpc.*",
      "io.grpc.protobuf.services.HealthStatusManager",
      "io.github.grpcconsul.consul.ConsulConfig",
      "io.github.grpcconsul.resolver.*",
      "io.github.grpcconsul.registration.*",
      "io.github.grpcconsul.loadbalancer.*",
      "io.github.grpcconsul.devagent.DevAgent",
      "io.github.grpcconsul.devagent.junit.DevAgentExtension",
      "io.github.grpcconsul.examples.hello.*",
      "io.opentelemetry.sdk.OpenTelemetrySdk",
      "io.opentelemetry.sdk.metrics.SdkMeterProvider",
      "io.opentelemetry.sdk.metrics.export.PeriodicMetricReader",
      "io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter",
      "java.net.InetSocketAddress",
      "java.nio.file.Path",
      "java.time.Duration",
      "java.util.List",
      "java.util.concurrent.Executor",
      "java.util.concurrent.TimeUnit",
      "org.junit.jupiter.api.Test",
      "org.junit.jupiter.api.extension.RegisterExtension");

  /** Names the README's snippets use without declaring them, with their types. */
  private static final Map<String, String> GIVEN = Map.of(
      "creds", "ChannelCredentials",
      "vault", "Vault",
      "executor", "Executor",
      "log", "java.util.logging.Logger",
      "registration", "ConsulRegistration");

  record Snippet(int line, String code) {}

  static List<Snippet> snippets() throws IOException {
    List<String> lines = Files.readAllLines(README);
    List<Snippet> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      boolean skip = i > 0 && lines.get(i - 1).contains("readme-test: skip");
      StringBuilder code = new StringBuilder();
      int start = i + 1;
      for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
        code.append(lines.get(i)).append('\n');
      }
      if (!skip) {
        out.add(new Snippet(start, code.toString()));
      }
    }
    return out;
  }

  @Test
  void readmeJavaBlocks_compileAgainstThePublicApi(@TempDir Path classes) throws IOException {
    List<Snippet> snippets = snippets();
    assertThat(snippets).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(8);
    List<JavaFileObject> sources = new ArrayList<>();
    for (Snippet s : snippets) {
      assertThat(s.code()).as("README.md line " + s.line() + " uses an internal package").doesNotContain(
          "grpcconsul.internal");
      sources.add(source("Readme" + s.line(), wrap("Readme" + s.line(), s.code())));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok = javac.getTask(null, null, diagnostics,
        List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none",
            "--release", "17"),
        null, sources).call();
    StringBuilder report = new StringBuilder();
    diagnostics.getDiagnostics().forEach(d -> report.append(d.getSource() == null ? "" : d.getSource().getName())
        .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n'));
    assertThat(ok).as("README.md's Java examples compile (class ReadmeN = the block at README line N):\n"
        + report).isTrue();
  }

  /** One class per block: statements go into a method, members (annotations, classes) into the class body. */
  static String wrap(String name, String code) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : code.split("\n", -1)) {
      if (line.startsWith("import ")) {
        imports.append(line).append('\n');
      } else {
        body.append(line).append('\n');
      }
    }
    for (String i : IMPORTS) {
      imports.append("import ").append(i).append(";\n");
    }
    String text = body.toString();
    boolean members = text.strip().startsWith("@") || Pattern.compile("(?m)^class ").matcher(text).find();
    StringBuilder params = new StringBuilder();
    GIVEN.forEach((var, type) -> {
      boolean used = Pattern.compile("\\b" + var + "\\b").matcher(text).find();
      boolean declared = Pattern.compile("\\b[A-Z][\\w.<>]*\\s+" + var + "\\s*=").matcher(text).find();
      if (used && !declared) {
        params.append(params.length() == 0 ? "" : ", ").append(type).append(' ').append(var);
      }
    });
    String vault = "  interface Vault { String currentConsulToken(); }\n";
    if (members) {
      return imports + "\n@SuppressWarnings(\"unused\") class " + name + " {\n" + vault + text + "}\n";
    }
    return imports + "\n@SuppressWarnings(\"unused\") class " + name + " {\n" + vault + "  void snippet(" + params
        + ") throws Exception {\n" + text + "  }\n}\n";
  }

  private static JavaFileObject source(String name, String code) {
    return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }

  @Test
  void wrap_putsStatementsInAMethod_andKeepsImports() {
    String wrapped = wrap("X", "import java.util.Map;\nMap<String, String> m = Map.of();\nlog.info(\"x\");\n");
    assertThat(wrapped).contains("import java.util.Map;").contains("void snippet(java.util.logging.Logger log)");
    Matcher m = Pattern.compile("class X").matcher(wrapped);
    assertThat(m.find()).isTrue();
  }
}

package io.github.grpcconsul.benchmarks.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A client under test: how to start its process against an agent. The Java contenders run in their own JVM with the
 * same JVM flags and call through {@code io.github.grpcconsul.benchmarks.probe.ProbeClient}; the Go contenders run
 * {@code benchmarks-go}'s probe client, the same loop and protocol in Go.
 */
abstract class Contender {
  /** Same for both: a fixed heap ceiling so one contender's garbage cannot starve the other's run. */
  static final List<String> JVM_FLAGS = List.of("-Xmx256m");

  final String name;
  final String label;

  Contender(String name, String label) {
    this.name = name;
    this.label = label;
  }

  /** The command line that starts this contender against the agent at {@code host:port}, calling {@code service}. */
  abstract List<String> command(String host, int port, String service);

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** This library's {@code consul://} resolver, with its defaults. */
  static Contender ours() {
    return new Contender("consul", "grpc-consul `consul://`") {
      @Override
      List<String> command(String host, int port, String service) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary()));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
            ConsulContenderMain.class.getName(), "consul://" + host + ":" + port + "/" + service));
        return cmd;
      }
    };
  }

  /**
   * grpc-spring 3.1 {@code discovery:///} over Spring Cloud Consul, configured as their documentation shows: the
   * channel's address, plaintext, round_robin; Spring Cloud Consul's host and port; everything else default
   * (notably {@code spring.cloud.consul.discovery.query-passing=false}: critical instances are returned). The client
   * does not register itself ({@code register=false}): it serves nothing.
   *
   * @param classes the contender module's compiled classes
   * @param classpathFile the contender module's runtime classpath as written by maven-dependency-plugin
   */
  static Contender grpcSpring(Path classes, Path classpathFile) {
    String classpath;
    try {
      classpath = classes + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the grpc-spring contender's classpath from " + classpathFile
          + "; build it first: ./mvnw -B -pl benchmarks-spring generate-resources", e);
    }
    return new Contender("grpc-spring", "grpc-spring `discovery:///`") {
      @Override
      List<String> command(String host, int port, String service) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary()));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", classpath, "io.github.grpcconsul.benchmarks.spring.SpringContenderMain",
            "--spring.application.name=bench-client",
            "--spring.cloud.consul.host=" + host,
            "--spring.cloud.consul.port=" + port,
            "--spring.cloud.consul.discovery.register=false",
            "--grpc.client.bench.address=discovery:///" + service,
            "--grpc.client.bench.negotiation-type=plaintext",
            "--grpc.client.bench.default-load-balancing-policy=round_robin"));
        return cmd;
      }
    };
  }

  /**
   * A Go contender: {@code benchmarks-go}'s probe client with one of its resolvers, on
   * {@code consul://host:port/service}, round_robin, every resolver option at its default.
   *
   * @param binary the built probe client ({@link GoProbeBuild})
   * @param resolver {@code mbobakov}, {@code simplesurance} or {@code catalog}
   */
  static Contender go(Path binary, String resolver, String name, String label) {
    return new Contender(name, label) {
      @Override
      List<String> command(String host, int port, String service) {
        return List.of(binary.toString(), "-resolver", resolver, "consul://" + host + ":" + port + "/" + service);
      }
    };
  }

  /** mbobakov/grpc-consul-resolver v1.5.3: blocking {@code /v1/health/service}, all instances by default. */
  static Contender goMbobakov(Path binary) {
    return go(binary, "mbobakov", "go-mbobakov", "Go mbobakov/grpc-consul-resolver");
  }

  /** simplesurance/grpcconsulresolver v1.4.0: blocking {@code /v1/health/service}, passing instances only. */
  static Contender goSimplesurance(Path binary) {
    return go(binary, "simplesurance", "go-simplesurance", "Go simplesurance/grpcconsulresolver");
  }

  /** The original Go design, ported: blocking {@code /v1/catalog/service}, no health filter, no retry. */
  static Contender goCatalog(Path binary) {
    return go(binary, "catalog", "go-catalog", "Go original catalog watch");
  }
}

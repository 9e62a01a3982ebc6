package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The Consul the demo runs against: the one at {@code CONSUL_HTTP_ADDR} when it answers, otherwise an embedded dev
 * agent with short reaper timings, so a killed instance is removed within a second or two.
 */
final class ConsulEndpoint implements AutoCloseable {
  /** Embedded agent: how long an instance may stay critical before it is removed, and how often that is checked. */
  static final Duration REAP_AFTER = Duration.ofSeconds(1);
  static final Duration REAP_INTERVAL = Duration.ofMillis(200);

  private final ConsulConfig config;
  private final String authority;
  private final String description;
  private final DevAgent agent;

  private ConsulEndpoint(ConsulConfig config, String authority, String description, DevAgent agent) {
    this.config = config;
    this.authority = authority;
    this.description = description;
    this.agent = agent;
  }

  /**
   * Probes {@code CONSUL_HTTP_ADDR} (unless {@code forceEmbedded}) and falls back to starting a dev agent.
   *
   * @param env the environment, a parameter so tests need not depend on the machine's
   */
  static ConsulEndpoint open(boolean forceEmbedded, Map<String, String> env) throws IOException {
    String address = env.get("CONSUL_HTTP_ADDR");
    String why;
    if (forceEmbedded) {
      why = "--embedded was given";
    } else if (address == null || address.isBlank()) {
      why = "CONSUL_HTTP_ADDR is not set";
    } else {
      String failure = probe(address, env);
      if (failure == null) {
        return new ConsulEndpoint(ConsulConfig.fromEnvironment(), "",
            "the Consul at CONSUL_HTTP_ADDR=" + address, null);
      }
      why = "no Consul answered at CONSUL_HTTP_ADDR=" + address + " (" + failure + ")";
    }
    DevAgent agent = DevAgent.builder()
        .httpPort(0)
        .checkReapInterval(REAP_INTERVAL)
        .deregisterCriticalServiceAfterMin(REAP_AFTER)
        .build();
    agent.start();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    return new ConsulEndpoint(config, agent.httpAddress(),
        "an embedded dev agent at " + agent.httpAddress() + ", since " + why, agent);
  }

  /** Asks {@code /v1/status/leader}; returns null when a Consul answered, else why not. */
  private static String probe(String address, Map<String, String> env) {
    boolean tls = address.startsWith("https://")
        || "true".equalsIgnoreCase(env.getOrDefault("CONSUL_HTTP_SSL", "").trim());
    String hostPort = address.replaceFirst("^https?://", "");
    try {
      URI uri = URI.create((tls ? "https://" : "http://") + hostPort + "/v1/status/leader");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(700)).build();
      HttpResponse<Void> response = http.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
    } catch (IOException | IllegalArgumentException e) {
      String message = e.getMessage();
      return message == null || message.isBlank()
          ? e.getClass().getSimpleName() : message.toLowerCase(Locale.ROOT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** How the servers and the demo's watch reach this Consul. */
  ConsulConfig config() {
    return config;
  }

  /** The client's target for {@code service}: the embedded agent by address, a real one from the environment. */
  String target(String service) {
    return "consul://" + authority + "/" + service;
  }

  /** For the narration: which Consul, and why. */
  String description() {
    return description;
  }

  /** The embedded agent's {@code host:port}; only when {@link #embedded()}. */
  String embeddedAddress() {
    return agent.httpAddress();
  }

  boolean embedded() {
    return agent != null;
  }

  @Override
  public void close() {
    if (agent != null) {
      agent.close();
    }
  }
}

package io.github.grpcconsul.examples.demo;

import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.devagent.DevAgent;
import io.github.grpcconsul.registration.CheckStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The Consul the demo runs against: the one at {@code CONSUL_HTTP_ADDR} when it answers, otherwise an embedded dev
 * agent with short reaper timings, so a killed instance is removed within a second or two.
 */
final class ConsulEndpoint implements AutoCloseable {
  /** Embedded agent: the floor of DeregisterCriticalServiceAfter (Consul's is 1 min), and how often the reaper runs. */
  static final Duration REAP_AFTER_MIN = Duration.ofSeconds(1);
  static final Duration REAP_INTERVAL = Duration.ofMillis(200);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

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
   * Uses {@code fromEnvironment} when {@code envAddress} (the value of {@code CONSUL_HTTP_ADDR}) is set and a Consul
   * answers there, unless {@code forceEmbedded}; otherwise starts a dev agent.
   */
  static ConsulEndpoint open(boolean forceEmbedded, String envAddress, Supplier<ConsulConfig> fromEnvironment)
      throws IOException {
    String why;
    if (forceEmbedded) {
      why = "--embedded was given";
    } else if (envAddress == null || envAddress.isBlank()) {
      why = "CONSUL_HTTP_ADDR is not set";
    } else {
      ConsulConfig config = fromEnvironment.get();
      String failure = probe(config);
      if (failure == null) {
        return new ConsulEndpoint(config, "", "the Consul at CONSUL_HTTP_ADDR=" + envAddress, null);
      }
      why = "no Consul answered at CONSUL_HTTP_ADDR=" + envAddress + " (" + failure + ")";
    }
    DevAgent agent = DevAgent.builder()
        .httpPort(0)
        .checkReapInterval(REAP_INTERVAL)
        .deregisterCriticalServiceAfterMin(REAP_AFTER_MIN)
        .build();
    agent.start();
    ConsulConfig config = ConsulConfig.newBuilder().address(agent.httpAddress()).build();
    return new ConsulEndpoint(config, agent.httpAddress(),
        "an embedded dev agent at " + agent.httpAddress() + ", since " + why, agent);
  }

  /**
   * Asks Consul for its own {@code consul} service through the public resolver, with the environment's address, TLS
   * settings and token; returns null when a Consul answered (an empty list or an ACL denial is an answer too), else
   * why not.
   */
  private static String probe(ConsulConfig config) {
    ConsulConfig quick = config.toBuilder().connectTimeout(PROBE_TIMEOUT).requestTimeout(PROBE_TIMEOUT).build();
    CompletableFuture<String> verdict = new CompletableFuture<>();
    HealthWatch.Listener listener = new HealthWatch.Listener() {
      @Override
      public void changed(String instanceId, CheckStatus before, CheckStatus after) {
        verdict.complete(null);
      }

      @Override
      public void failed(Throwable failure) {
        String text = String.valueOf(failure.getMessage());
        boolean answered = text.contains("ACL") || text.contains("403") || text.contains("Permission denied");
        verdict.complete(answered ? null : text);
      }
    };
    try (HealthWatch watch = new HealthWatch(quick, "consul:///consul", listener, () -> verdict.complete(null))) {
      watch.start();
      return verdict.get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return String.valueOf(e.getCause());
    } catch (TimeoutException e) {
      return "no answer within " + PROBE_TIMEOUT.toMillis() + " ms";
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

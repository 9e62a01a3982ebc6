package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.CheckDefinition;
import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.ConsulClient;
import io.github.grpcconsul.consul.ConsulConfig;
import io.github.grpcconsul.internal.consul.ServiceDefinition;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Changes the dev agent's catalog the way servers would, through the library's own client. */
final class Registrar implements AutoCloseable {

  private final ConsulClient client;

  Registrar(ConsulConfig config) {
    this.client = ConsulClient.create(config);
  }

  /** Registers an instance with a passing TTL check {@code ttl:<id>}. */
  void register(String service, String id, String address, int port, String... tags) {
    register(ServiceDefinition.newBuilder(service).id(id).address(address).port(port).tags(java.util.List.of(tags)));
  }

  void register(ServiceDefinition.Builder def) {
    ServiceDefinition d = def.build();
    String id = d.id().orElse(d.name());
    join(client.registerService(def.check(CheckDefinition.newBuilder()
        .checkId("ttl:" + id)
        .ttl(Duration.ofMinutes(10))
        .status(CheckStatus.PASSING)
        .build()).build(), true));
  }

  void health(String id, CheckStatus status) {
    join(client.updateTtl("ttl:" + id, status, "set by test"));
  }

  void deregister(String id) {
    join(client.deregisterService(id));
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("consul call failed", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}

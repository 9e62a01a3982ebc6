package io.github.grpcconsul.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Actuator health of the Consul registration ({@code /actuator/health/consulRegistration}): UP once Consul accepted
 * it; UNKNOWN while it is being sent or retried (a Consul outage is retried in the background and is not the
 * application's failure; the {@code description} detail says why, e.g. ACL denied); OUT_OF_SERVICE while draining
 * and after deregistration. From {@link io.github.grpcconsul.registration.ConsulRegistration#status()}.
 */
final class ConsulRegistrationHealthIndicator implements HealthIndicator {
  private final ConsulServerRegistrations registrations;

  ConsulRegistrationHealthIndicator(ConsulServerRegistrations registrations) {
    this.registrations = registrations;
  }

  @Override
  public Health health() {
    List<ConsulServerRegistrations.Snapshot> all = registrations.snapshots();
    if (all.isEmpty()) {
      return Health.unknown().withDetail("service", registrations.serviceName())
          .withDetail("state", "waiting for the gRPC server to start").build();
    }
    Status worst = null;
    Map<String, Object> instances = new LinkedHashMap<>();
    for (ConsulServerRegistrations.Snapshot s : all) {
      Status status = switch (s.state()) {
        case REGISTERED -> Status.UP;
        case REGISTERING, RETRYING -> Status.UNKNOWN;
        case DRAINING, STOPPED -> Status.OUT_OF_SERVICE;
      };
      worst = worse(worst, status);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("service", s.serviceName());
      details.put("address", s.address() + ":" + s.port());
      details.put("state", s.state().name());
      details.put("description", s.description());
      details.put("health", s.health());
      details.put("since", s.since().toString());
      instances.put(s.serviceId(), details);
    }
    return Health.status(worst).withDetails(all.size() == 1 ? singleDetails(instances) : instances).build();
  }

  private static Map<String, Object> singleDetails(Map<String, Object> instances) {
    Map.Entry<String, Object> only = instances.entrySet().iterator().next();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", only.getKey());
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) only.getValue();
    out.putAll(details);
    return out;
  }

  private static Status worse(Status a, Status b) {
    List<Status> order = List.of(Status.DOWN, Status.OUT_OF_SERVICE, Status.UNKNOWN, Status.UP);
    return a == null || order.indexOf(b) < order.indexOf(a) ? b : a;
  }
}

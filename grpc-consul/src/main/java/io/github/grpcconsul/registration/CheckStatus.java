package io.github.grpcconsul.registration;

import java.util.Locale;

/**
 * The status of a Consul health check, the library's one check-status type: what a registration reports for its TTL
 * check ({@link ConsulRegistration#setCheckStatus}) and what the resolver reads back from Consul, where the status of
 * an instance is the worst of its checks (maintenance, critical, warning, passing). The names are Consul's
 * ({@code api.HealthPassing}, {@code HealthWarning}, {@code HealthCritical}, {@code HealthMaint}).
 *
 * <p>Threading: an immutable enum; its methods are pure and may be called from any thread.
 */
public enum CheckStatus {
  PASSING("passing"),
  WARNING("warning"),
  CRITICAL("critical"),
  /**
   * In maintenance: Consul reports it as a critical check with a reserved ID ({@code _service_maintenance:<id>},
   * {@code _node_maintenance}), set with {@code consul maint}, never by a check's own status.
   */
  MAINTENANCE("maintenance");

  private final String wireName;

  CheckStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The name Consul uses on the wire: {@code passing}, {@code warning}, {@code critical}, {@code maintenance}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Maps Consul's status text; anything unknown (or null) is treated as {@link #CRITICAL}, because an instance whose
   * health we cannot read must not receive traffic.
   */
  public static CheckStatus fromWire(String status) {
    if (status == null) {
      return CRITICAL;
    }
    // Consul writes lower case: match that first, lower-casing only what does not match (one health answer can
    // carry tens of thousands of statuses).
    switch (status) {
      case "passing":
        return PASSING;
      case "warning":
        return WARNING;
      case "critical":
        return CRITICAL;
      default:
        break;
    }
    switch (status.toLowerCase(Locale.ROOT)) {
      case "passing":
        return PASSING;
      case "warning":
        return WARNING;
      case "maintenance":
        return MAINTENANCE;
      default:
        return CRITICAL;
    }
  }

  /** The worse of the two statuses (passing &lt; warning &lt; critical &lt; maintenance). */
  public CheckStatus worse(CheckStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}

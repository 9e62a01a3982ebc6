package io.github.grpcconsul.internal.consul;

import java.util.Locale;

/**
 * The health of a Consul check, or the aggregate of several checks (worst wins: maintenance, critical, warning,
 * passing).
 *
 * <p><i>Internal, not a stable API.</i>
 */
public enum CheckStatus {
  PASSING("passing"),
  WARNING("warning"),
  CRITICAL("critical"),
  /** Not a wire status: Consul reports maintenance as a critical check with a reserved ID. */
  MAINTENANCE("maintenance");

  private final String wireName;

  CheckStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The name Consul uses on the wire ({@code passing}, ...). */
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

  /** The worse of the two statuses. */
  public CheckStatus worse(CheckStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}

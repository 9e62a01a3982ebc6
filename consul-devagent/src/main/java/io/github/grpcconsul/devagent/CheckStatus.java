package io.github.grpcconsul.devagent;

/** Consul's check status strings. */
final class CheckStatus {
  private CheckStatus() {}

  static final String PASSING = "passing";
  static final String WARNING = "warning";
  static final String CRITICAL = "critical";
  static final String MAINTENANCE = "maintenance";

  static boolean isValid(String s) {
    return PASSING.equals(s) || WARNING.equals(s) || CRITICAL.equals(s);
  }

  /** maintenance > critical > warning > passing, like api.HealthChecks.AggregatedStatus. */
  static int severity(String checkId, String status) {
    if (checkId.equals(LocalAgent.NODE_MAINT_ID) || checkId.startsWith(LocalAgent.SERVICE_MAINT_PREFIX)) {
      return 3;
    }
    return switch (status) {
      case CRITICAL -> 2;
      case WARNING -> 1;
      default -> 0;
    };
  }

  static String ofSeverity(int severity) {
    return switch (severity) {
      case 3 -> MAINTENANCE;
      case 2 -> CRITICAL;
      case 1 -> WARNING;
      default -> PASSING;
    };
  }
}

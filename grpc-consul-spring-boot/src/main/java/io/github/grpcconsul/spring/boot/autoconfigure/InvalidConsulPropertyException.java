package io.github.grpcconsul.spring.boot.autoconfigure;

/**
 * A grpc-consul property (or the Consul environment variable it fell back to) holds a value that cannot work; start-up
 * stops and {@link InvalidConsulPropertyFailureAnalyzer} reports property, value and what to write instead.
 */
public final class InvalidConsulPropertyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;
  private final String reason;
  private final String action;

  InvalidConsulPropertyException(String property, Object value, String reason, String action, Throwable cause) {
    super(property + "=" + value + ": " + reason, cause);
    this.property = property;
    this.value = String.valueOf(value);
    this.reason = reason;
    this.action = action;
  }

  /** The property (e.g. {@code grpc-consul.address}) or environment variable (e.g. {@code CONSUL_HTTP_ADDR}). */
  public String property() {
    return property;
  }

  /** The value found (never an ACL token: tokens are reported as {@code <redacted>}). */
  public String value() {
    return value;
  }

  /** Why the value does not work. */
  public String reason() {
    return reason;
  }

  /** What to write instead. */
  public String action() {
    return action;
  }
}

package io.github.grpcconsul.internal.consul;

import java.io.IOException;
import java.util.Objects;

/**
 * TLS between us and the agent went wrong in a way the user fixes in the configuration. The message names the
 * agent's address, the setting to change and, where it helps, the certificate's subject and issuer; never the token.
 *
 * <p>Threading: an immutable exception, created where the TLS failure is classified (the HTTP completion thread, or
 * the caller creating a client) and read anywhere.
 *
 * <p><i>Internal, not a stable API.</i>
 */
public final class ConsulTlsException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Which mistake it is. */
  public enum Kind {
    /** The agent's certificate does not lead to a CA we trust (CONSUL_CACERT), or it expired. */
    UNTRUSTED_AGENT_CERTIFICATE,
    /** The agent's certificate is trusted but does not name the host we connect to (or CONSUL_TLS_SERVER_NAME). */
    AGENT_CERTIFICATE_NAME,
    /** The agent asks for a client certificate (verify_incoming) and none is configured. */
    CLIENT_CERTIFICATE_REQUIRED,
    /** The agent asked for a client certificate and refused the one we sent. */
    CLIENT_CERTIFICATE_REJECTED,
    /** Plain HTTP to an agent that speaks HTTPS. */
    AGENT_SPEAKS_HTTPS,
    /** HTTPS to an agent that speaks plain HTTP. */
    AGENT_SPEAKS_HTTP,
    /** The CA, client certificate or key file changed and cannot be used. */
    TLS_FILES,
    /** Another handshake failure; the message carries the JDK's reason. */
    HANDSHAKE_FAILED
  }

  private final Kind kind;

  public ConsulTlsException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }
}

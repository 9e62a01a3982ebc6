package io.github.grpcconsul.registration;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link ConsulRegistration} stands: an immutable snapshot, from {@link ConsulRegistration#status()} or
 * handed to a listener given to {@link ConsulRegistration#addStatusListener}.
 *
 * <p>Threading: immutable, safe to share between threads.
 */
public final class RegistrationStatus {

  /** The registration's life cycle. */
  public enum State {
    /** Built, or started and waiting for the agent's first answer. */
    STARTING,
    /** The agent accepted the registration, and holds it as far as we know. */
    REGISTERED,
    /**
     * The last attempt to register failed (ACL denied, agent unreachable, agent error), or the agent forgot the
     * service; registering again with backoff. {@link RegistrationStatus#lastFailure()} says why.
     */
    RETRYING,
    /** {@link ConsulRegistration#shutdownGracefully()} runs: not serving, draining, deregistering. */
    DRAINING,
    /** Shut down. It never registers again. */
    STOPPED
  }

  private final State state;
  private final Throwable lastFailure;
  private final String description;
  private final Instant since;

  private RegistrationStatus(State state, Throwable lastFailure, String description, Instant since) {
    this.state = Objects.requireNonNull(state, "state");
    this.lastFailure = lastFailure;
    this.description = Objects.requireNonNull(description, "description");
    this.since = Objects.requireNonNull(since, "since");
  }

  static RegistrationStatus of(State state, Throwable lastFailure, String description, Instant since) {
    return new RegistrationStatus(state, lastFailure, description, since);
  }

  /** The state. */
  public State state() {
    return state;
  }

  /**
   * Why the registration is not (or no longer) in Consul: set while {@link State#RETRYING}, and kept on
   * {@link State#STOPPED} when it never registered.
   */
  public Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * One line for humans, never containing the ACL token, e.g. {@code "registered as helloserver-10.0.0.5-50051"}
   * or {@code "retrying: ACL denied (403 Permission denied: ...)"}.
   */
  public String description() {
    return description;
  }

  /** When the registration entered this state (or, while retrying, when the last attempt failed). */
  public Instant since() {
    return since;
  }

  /** The state and the description. */
  @Override
  public String toString() {
    return state + " (" + description + ") since " + since;
  }
}

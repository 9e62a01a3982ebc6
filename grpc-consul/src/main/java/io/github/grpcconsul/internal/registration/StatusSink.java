package io.github.grpcconsul.internal.registration;

import io.github.grpcconsul.registration.RegistrationStatus;

/**
 * Where {@link RegistrationLoop} reports each change of state; {@code ConsulRegistration} turns the reports into
 * {@link RegistrationStatus} values for its callers.
 *
 * <p>Threading: called on the registration's executor thread, holding no lock; must not block.
 */
public interface StatusSink {
  /**
   * The registration entered {@code state}; {@code failure} (may be null) is the cause while retrying;
   * {@code description} is one line without the token.
   */
  void update(RegistrationStatus.State state, Throwable failure, String description);
}

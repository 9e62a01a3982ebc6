package io.github.grpcconsul.internal.resolver;

import io.github.grpcconsul.internal.consul.AsyncFailures;
import io.github.grpcconsul.internal.consul.ConsulException;
import io.github.grpcconsul.internal.consul.ConsulTlsException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

/** One-line explanations of why a health query failed, for logs and for grpc's status. Never shows a token. */
final class ConsulErrors {

  private ConsulErrors() {}

  static String describe(Throwable error) {
    Throwable e = AsyncFailures.unwrap(error);
    if (e instanceof ConsulException) {
      // Already says which token problem a 403 is (unknown token, missing permission), never the token.
      return e.getMessage();
    }
    if (e instanceof ConsulTlsException) {
      // Names the agent, the setting to change and the certificate; never the token.
      return e.getMessage();
    }
    if (e instanceof HttpTimeoutException) {
      return "Consul did not answer in time (" + e.getMessage() + ")";
    }
    if (e instanceof ConnectException) {
      return "cannot connect to the Consul agent (" + e.getMessage() + ")";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
  }
}

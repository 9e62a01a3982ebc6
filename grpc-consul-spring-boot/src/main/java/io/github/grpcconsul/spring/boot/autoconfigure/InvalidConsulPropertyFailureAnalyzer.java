package io.github.grpcconsul.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an {@link InvalidConsulPropertyException} into Spring Boot's start-up failure report. */
final class InvalidConsulPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConsulPropertyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConsulPropertyException cause) {
    String description = "Invalid value '" + cause.value() + "' for " + describe(cause.property()) + ":\n\n    "
        + cause.reason();
    String action = "Change " + cause.property() + ": " + cause.action();
    return new FailureAnalysis(description, action, cause);
  }

  private static String describe(String property) {
    return property.startsWith("CONSUL_")
        ? "environment variable '" + property + "' (used because no grpc-consul.* property is set for it)"
        : "configuration property '" + property + "'";
  }
}

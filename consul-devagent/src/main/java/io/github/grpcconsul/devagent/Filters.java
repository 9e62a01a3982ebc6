package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import java.util.function.Predicate;

/** The ?filter= parameter: compiles a go-bexpr expression for one of Consul's endpoint schemas. */
final class Filters {
  private Filters() {}

  enum Schema { HEALTH_SERVICE, CATALOG_SERVICE, AGENT_SERVICES, AGENT_CHECKS, HEALTH_CHECKS }

  /** The request's filter, or "match everything" when absent; a bad expression is Consul's HTTP 500. */
  static Predicate<JsonElement> of(ApiRequest req, Schema schema) {
    String expr = req.param("filter");
    if (expr == null || expr.isEmpty()) {
      return e -> true;
    }
    throw new ApiException(500, Texts.FILTER_PREFIX + "filter expressions are not available in this build");
  }
}

package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;
import io.github.grpcconsul.devagent.filter.FilterException;
import io.github.grpcconsul.devagent.filter.FilterExpression;
import io.github.grpcconsul.devagent.filter.FilterSchema;
import java.util.function.Predicate;

/** The ?filter= parameter: compiles a go-bexpr expression against one of Consul's endpoint schemas. */
final class Filters {
  private Filters() {}

  /**
   * The request's filter, or "match everything" when absent or empty (Consul skips empty filters); an invalid
   * expression is Consul's HTTP 500 "Failed to create boolean expression evaluator: ...".
   */
  static Predicate<JsonElement> of(ApiRequest req, FilterSchema schema) {
    String expr = req.param("filter");
    if (expr == null || expr.isEmpty()) {
      return e -> true;
    }
    try {
      return FilterExpression.parse(expr, schema)::matches;
    } catch (FilterException e) {
      throw new ApiException(500, Texts.FILTER_PREFIX + e.getMessage());
    }
  }
}

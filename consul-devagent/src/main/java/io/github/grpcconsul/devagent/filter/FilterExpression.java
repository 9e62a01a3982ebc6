package io.github.grpcconsul.devagent.filter;

import com.google.gson.JsonElement;
import java.util.Objects;

/**
 * A parsed Consul {@code filter} expression (the go-bexpr v0.1.2 language Consul 1.16 uses), bound to the selectors
 * of one endpoint. Immutable and thread-safe.
 *
 * <pre>{@code
 * FilterExpression f = FilterExpression.parse("\"v1\" in Service.Tags and Service.Meta.env == qa",
 *     FilterSchema.HEALTH_SERVICE);
 * boolean keep = f.matches(entryJson);
 * }</pre>
 *
 * <p>Consul skips filtering when the {@code filter} parameter is empty; {@link #parse} rejects an empty expression
 * like go-bexpr does, so callers check for emptiness first.
 */
public final class FilterExpression {
  private final String source;
  private final FilterSchema schema;
  private final Binder.Node tree;

  private FilterExpression(String source, FilterSchema schema, Binder.Node tree) {
    this.source = source;
    this.schema = schema;
    this.tree = tree;
  }

  /**
   * Parses and validates an expression for the given endpoint.
   *
   * @throws FilterException with go-bexpr's message when Consul would reject the expression, or when the expression
   *     is nested too deeply to parse on this thread's stack
   */
  public static FilterExpression parse(String expression, FilterSchema schema) throws FilterException {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(schema, "schema");
    try {
      Ast.Expr ast = Parser.parse(expression);
      return new FilterExpression(expression, schema, Binder.bind(ast, schema.root()));
    } catch (StackOverflowError e) {
      // The parser and the binder recurse once per nesting level and per chained "and"/"or"; a request must not be
      // able to take a thread down with a pathological expression.
      throw new FilterException("expression is nested too deeply (" + expression.length() + " characters)");
    }
  }

  /**
   * Whether one top-level item of the endpoint's result, as the agent renders it to JSON with Consul's field names,
   * passes the filter.
   */
  public boolean matches(JsonElement item) {
    return Evaluator.evaluate(tree, item, schema.root());
  }

  /** The expression's source text. */
  @Override
  public String toString() {
    return source;
  }
}

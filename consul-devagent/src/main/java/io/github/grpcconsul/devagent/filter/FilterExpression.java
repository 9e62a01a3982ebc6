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
   *     nests parentheses more than {@value #MAX_NESTING} deep
   */
  public static FilterExpression parse(String expression, FilterSchema schema) throws FilterException {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(schema, "schema");
    int nesting = parenthesesDepth(expression);
    if (nesting > MAX_NESTING) {
      // An explicit limit rather than the thread's stack: how deep the recursive parser gets before a
      // StackOverflowError depends on the stack size and on JIT state, which made the outcome vary from run to run.
      throw new FilterException("expression is nested too deeply: " + nesting + " levels of parentheses (at most "
          + MAX_NESTING + ")");
    }
    try {
      Ast.Expr ast = Parser.parse(expression);
      return new FilterExpression(expression, schema, Binder.bind(ast, schema.root()));
    } catch (StackOverflowError e) {
      // The parser and the binder recurse once per nesting level and per chained "and"/"or"; a request must not be
      // able to take a thread down with a pathological expression.
      throw new FilterException("expression is nested too deeply (" + expression.length() + " characters)");
    }
  }

  /** Deepest parenthesis nesting accepted; go-bexpr has none, but no real filter comes near it. */
  static final int MAX_NESTING = 128;

  /** Parenthesis depth outside string literals ("go-escaped" and `raw`), so selectors like Meta["("] do not count. */
  static int parenthesesDepth(String expression) {
    int depth = 0;
    int max = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '"') {
        for (i++; i < expression.length() && expression.charAt(i) != '"'; i++) {
          if (expression.charAt(i) == '\\') {
            i++;
          }
        }
      } else if (c == '`') {
        for (i++; i < expression.length() && expression.charAt(i) != '`'; i++) {
          // skip the raw string
        }
      } else if (c == '(') {
        max = Math.max(max, ++depth);
      } else if (c == ')') {
        depth = Math.max(0, depth - 1);
      }
    }
    return max;
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

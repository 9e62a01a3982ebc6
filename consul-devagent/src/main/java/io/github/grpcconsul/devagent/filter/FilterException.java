package io.github.grpcconsul.devagent.filter;

/**
 * A filter expression that Consul would reject: a syntax error, an unknown selector, an operator the selector does not
 * support, a value that cannot be converted to the selector's type or a regular expression that does not compile.
 *
 * <p>{@link #getMessage()} is go-bexpr's error text as Consul shows it after its
 * {@code Failed to create boolean expression evaluator: } prefix, for example {@code Selector "Service.Foo" is not
 * valid} or {@code 1:9 (8): no match found, expected: ...}.
 */
public final class FilterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FilterException(String message) {
    super(message, null, false, false);
  }
}

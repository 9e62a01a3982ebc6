package io.github.grpcconsul.devagent.filter;

import java.util.List;

/** The syntax tree of a parsed expression. */
final class Ast {
  private Ast() {}

  sealed interface Expr permits Or, And, Not, Match {}

  record Or(Expr left, Expr right) implements Expr {}

  record And(Expr left, Expr right) implements Expr {}

  record Not(Expr operand) implements Expr {}

  /**
   * One comparison. {@code raw} is the value as written (a bare selector used as a value is joined with dots, like
   * go-bexpr does); it is null for the emptiness operators.
   */
  record Match(List<String> selector, MatchOperator operator, String raw) implements Expr {
    Match {
      selector = List.copyOf(selector);
    }

    String selectorText() {
      return String.join(".", selector);
    }
  }
}

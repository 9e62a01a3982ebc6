// SPDX-License-Identifier: MPL-2.0
// The checks and their messages follow hashicorp/go-bexpr v0.1.2 validate.go (MPL-2.0).
package io.github.grpcconsul.devagent.filter;

import io.github.grpcconsul.devagent.filter.Ast.And;
import io.github.grpcconsul.devagent.filter.Ast.Expr;
import io.github.grpcconsul.devagent.filter.Ast.Match;
import io.github.grpcconsul.devagent.filter.Ast.Not;
import io.github.grpcconsul.devagent.filter.Ast.Or;
import java.util.List;

/**
 * Checks a parsed expression against a schema the way go-bexpr validates it at creation time (selector, then
 * operator, then value conversion, then regular expression), and produces the tree the evaluator runs.
 */
final class Binder {
  private Binder() {}

  /** A match whose selector is valid and whose value has been converted. */
  record Bound(List<String> selector, MatchOperator operator, Object value) implements Node {}

  record BoundOr(Node left, Node right) implements Node {}

  record BoundAnd(Node left, Node right) implements Node {}

  record BoundNot(Node operand) implements Node {}

  sealed interface Node permits Bound, BoundOr, BoundAnd, BoundNot {}

  static Node bind(Expr expr, Field root) {
    if (expr instanceof Or or) {
      Node left = bind(or.left(), root);
      return new BoundOr(left, bind(or.right(), root));
    }
    if (expr instanceof And and) {
      Node left = bind(and.left(), root);
      return new BoundAnd(left, bind(and.right(), root));
    }
    if (expr instanceof Not not) {
      return new BoundNot(bind(not.operand(), root));
    }
    return bindMatch((Match) expr, root);
  }

  private static Node bindMatch(Match match, Field root) {
    List<String> selector = match.selector();
    Field field = root;
    for (int i = 0; i < selector.size(); i++) {
      field = field.select(selector.get(i));
      if (field == null) {
        throw new FilterException("Selector " + GoText.quote(String.join(".", selector.subList(0, i + 1)))
            + " is not valid");
      }
    }
    MatchOperator op = match.operator();
    if (!field.operators().contains(op)) {
      throw new FilterException("Invalid match operator " + GoText.quote(op.goName()) + " for selector "
          + GoText.quote(match.selectorText()));
    }
    if (match.raw() == null) {
      return new Bound(selector, op, null);
    }
    Object value = match.raw();
    Field.Kind kind = field.valueKind();
    if (kind != null) {
      try {
        value = Coercion.coerce(kind, match.raw());
      } catch (Coercion.CoercionException e) {
        throw new FilterException("Failed to coerce value " + GoText.quote(match.raw()) + " for selector "
            + GoText.quote(match.selectorText()) + ": " + e.getMessage());
      }
    }
    if (op == MatchOperator.MATCHES || op == MatchOperator.NOT_MATCHES) {
      if (!(value instanceof String regex)) {
        throw new FilterException("Match operator " + GoText.quote(op.goName())
            + " cannot be used with fields whose coercion functions return non string values");
      }
      try {
        value = GoRegex.compile(regex);
      } catch (GoRegex.GoRegexException e) {
        throw new FilterException("Failed to compile regular expression " + GoText.quote(regex) + ": "
            + e.getMessage());
      }
    }
    return new Bound(selector, op, value);
  }
}

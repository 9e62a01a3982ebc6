// SPDX-License-Identifier: MPL-2.0
// The semantics follow hashicorp/go-bexpr v0.1.2 evaluate.go (MPL-2.0), applied to Consul's JSON instead of Go values.
package io.github.grpcconsul.devagent.filter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.grpcconsul.devagent.filter.Binder.Bound;
import io.github.grpcconsul.devagent.filter.Binder.BoundAnd;
import io.github.grpcconsul.devagent.filter.Binder.BoundNot;
import io.github.grpcconsul.devagent.filter.Binder.BoundOr;
import io.github.grpcconsul.devagent.filter.Binder.Node;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Evaluates a bound expression against the JSON of one item. A JSON key that is absent or null stands for the Go
 * zero value of its field (Consul omits empty fields with {@code omitempty}): "" for strings, 0, false, and empty
 * lists, maps and structs.
 */
final class Evaluator {
  private Evaluator() {}

  static boolean evaluate(Node node, JsonElement item, Field root) {
    if (node instanceof BoundOr or) {
      return evaluate(or.left(), item, root) || evaluate(or.right(), item, root);
    }
    if (node instanceof BoundAnd and) {
      return evaluate(and.left(), item, root) && evaluate(and.right(), item, root);
    }
    if (node instanceof BoundNot not) {
      return !evaluate(not.operand(), item, root);
    }
    return match((Bound) node, 0, item, root);
  }

  private static boolean match(Bound m, int depth, JsonElement value, Field field) {
    if (depth >= m.selector().size()) {
      return apply(m, value, field);
    }
    String segment = m.selector().get(depth);
    switch (field.kind()) {
      case STRUCT: {
        JsonElement child = value instanceof JsonObject object ? object.get(segment) : null;
        return match(m, depth + 1, child, field.select(segment));
      }
      case STRUCT_LIST: {
        // a selector through a slice of structs matches if ANY element matches
        if (value instanceof JsonArray array) {
          for (JsonElement element : array) {
            if (match(m, depth, element, field.element())) {
              return true;
            }
          }
        }
        return false;
      }
      case MAP: {
        JsonElement child = value instanceof JsonObject object ? object.get(segment) : null;
        if (child == null) {
          return missingKey(m.operator());
        }
        return match(m, depth + 1, child, field.element());
      }
      default:
        throw new IllegalStateException("selector " + m.selector() + " passed validation but cannot be followed");
    }
  }

  // Whatever was looked for cannot be equal to, in, or a non-empty value of something that does not exist.
  private static boolean missingKey(MatchOperator op) {
    return !(op == MatchOperator.EQUAL || op == MatchOperator.IS_NOT_EMPTY || op == MatchOperator.IN);
  }

  private static boolean apply(Bound m, JsonElement value, Field field) {
    return switch (m.operator()) {
      case EQUAL -> scalarEquals(field.kind(), value, m.value());
      case NOT_EQUAL -> !scalarEquals(field.kind(), value, m.value());
      case IN -> contains(field, value, m.value());
      case NOT_IN -> !contains(field, value, m.value());
      case IS_EMPTY -> length(value) == 0;
      case IS_NOT_EMPTY -> length(value) != 0;
      case MATCHES -> ((Pattern) m.value()).matcher(string(value)).find();
      case NOT_MATCHES -> !((Pattern) m.value()).matcher(string(value)).find();
    };
  }

  private static boolean contains(Field field, JsonElement value, Object wanted) {
    switch (field.kind()) {
      case STRING:
        return string(value).contains((String) wanted);
      case MAP:
        return value instanceof JsonObject object && object.has((String) wanted);
      case PRIMITIVE_LIST:
        if (value instanceof JsonArray array) {
          for (JsonElement element : array) {
            if (scalarEquals(field.element().kind(), element, wanted)) {
              return true;
            }
          }
        }
        return false;
      default:
        throw new IllegalStateException("in on " + field.kind());
    }
  }

  private static boolean scalarEquals(Field.Kind kind, JsonElement value, Object wanted) {
    switch (kind) {
      case STRING:
        return string(value).equals(wanted);
      case BOOL:
        return bool(value) == (Boolean) wanted;
      case INT:
      case UINT: {
        BigDecimal actual = number(value);
        return actual != null && actual.compareTo(new BigDecimal((BigInteger) wanted)) == 0;
      }
      case FLOAT: {
        BigDecimal actual = number(value);
        return actual != null && actual.doubleValue() == (Double) wanted;
      }
      default:
        throw new IllegalStateException("equality on " + kind);
    }
  }

  private static int length(JsonElement value) {
    if (value instanceof JsonArray array) {
      return array.size();
    }
    if (value instanceof JsonObject object) {
      return object.size();
    }
    if (value instanceof JsonPrimitive primitive && primitive.isString()) {
      return primitive.getAsString().length();
    }
    return 0;
  }

  private static String string(JsonElement value) {
    if (value instanceof JsonPrimitive primitive) {
      return primitive.getAsString();
    }
    return value == null || value.isJsonNull() ? "" : value.toString();
  }

  private static boolean bool(JsonElement value) {
    if (value instanceof JsonPrimitive primitive) {
      return primitive.isBoolean() ? primitive.getAsBoolean() : "true".equals(primitive.getAsString());
    }
    return false;
  }

  private static BigDecimal number(JsonElement value) {
    if (value instanceof JsonPrimitive primitive) {
      try {
        return primitive.getAsBigDecimal();
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return BigDecimal.ZERO;
  }
}

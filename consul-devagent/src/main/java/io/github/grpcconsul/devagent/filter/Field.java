package io.github.grpcconsul.devagent.filter;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The filter-relevant type of one field of a Consul structure: what go-bexpr derives by reflection from the Go
 * struct, i.e. which selectors continue below it, which operators it supports and how a literal is converted.
 */
final class Field {
  enum Kind { STRING, BOOL, INT, UINT, FLOAT, STRUCT, MAP, PRIMITIVE_LIST, STRUCT_LIST }

  private static final Set<MatchOperator> STRING_OPS = EnumSet.of(MatchOperator.EQUAL, MatchOperator.NOT_EQUAL,
      MatchOperator.IN, MatchOperator.NOT_IN, MatchOperator.MATCHES, MatchOperator.NOT_MATCHES);
  private static final Set<MatchOperator> SCALAR_OPS = EnumSet.of(MatchOperator.EQUAL, MatchOperator.NOT_EQUAL);
  private static final Set<MatchOperator> MAP_OPS = EnumSet.of(MatchOperator.IS_EMPTY, MatchOperator.IS_NOT_EMPTY,
      MatchOperator.IN, MatchOperator.NOT_IN);
  private static final Set<MatchOperator> PRIMITIVE_LIST_OPS = EnumSet.of(MatchOperator.IN, MatchOperator.NOT_IN,
      MatchOperator.IS_EMPTY, MatchOperator.IS_NOT_EMPTY);
  private static final Set<MatchOperator> STRUCT_LIST_OPS = EnumSet.of(MatchOperator.IS_EMPTY,
      MatchOperator.IS_NOT_EMPTY);

  static final Field STRING = new Field(Kind.STRING, null, null);
  static final Field BOOL = new Field(Kind.BOOL, null, null);
  static final Field INT = new Field(Kind.INT, null, null);
  static final Field UINT = new Field(Kind.UINT, null, null);
  static final Field FLOAT = new Field(Kind.FLOAT, null, null);
  static final Field STRING_LIST = listOf(STRING);
  static final Field STRING_MAP = mapOf(STRING);

  private final Kind kind;
  private final Map<String, Field> fields;
  private final Field element;

  private Field(Kind kind, Map<String, Field> fields, Field element) {
    this.kind = kind;
    this.fields = fields;
    this.element = element;
  }

  /** A struct: its fields by Go name, in declaration order. */
  static Field struct(Object... namesAndFields) {
    Map<String, Field> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndFields.length; i += 2) {
      fields.put((String) namesAndFields[i], (Field) namesAndFields[i + 1]);
    }
    return new Field(Kind.STRUCT, Map.copyOf(fields), null);
  }

  /** A {@code map[string]V}; any key is a valid selector segment. */
  static Field mapOf(Field value) {
    return new Field(Kind.MAP, null, value);
  }

  /** A slice of primitives or of structs (the latter is matched with implicit ANY). */
  static Field listOf(Field element) {
    boolean structs = element.kind == Kind.STRUCT;
    return new Field(structs ? Kind.STRUCT_LIST : Kind.PRIMITIVE_LIST, structs ? element.fields : null, element);
  }

  Kind kind() {
    return kind;
  }

  /** The element of a list or the value of a map. */
  Field element() {
    return element;
  }

  /** The field a selector segment leads to from here, or null when the selector is not valid. */
  Field select(String name) {
    return switch (kind) {
      case STRUCT, STRUCT_LIST -> fields.get(name);
      case MAP -> element;
      default -> null;
    };
  }

  Set<MatchOperator> operators() {
    return switch (kind) {
      case STRING -> STRING_OPS;
      case BOOL, INT, UINT, FLOAT -> SCALAR_OPS;
      case MAP -> MAP_OPS;
      case PRIMITIVE_LIST -> PRIMITIVE_LIST_OPS;
      case STRUCT_LIST -> STRUCT_LIST_OPS;
      case STRUCT -> Set.of();
    };
  }

  /** The kind a literal is converted to for this field, or null when go-bexpr keeps the raw text. */
  Kind valueKind() {
    return switch (kind) {
      case STRING, BOOL, INT, UINT, FLOAT -> kind;
      case MAP -> Kind.STRING;
      case PRIMITIVE_LIST -> element.kind;
      case STRUCT, STRUCT_LIST -> null;
    };
  }
}

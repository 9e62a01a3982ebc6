package io.github.grpcconsul.devagent.filter;

/** The match operators, named as go-bexpr names them in its error messages. */
enum MatchOperator {
  EQUAL("Equal"),
  NOT_EQUAL("Not Equal"),
  IN("In"),
  NOT_IN("Not In"),
  IS_EMPTY("Is Empty"),
  IS_NOT_EMPTY("Is Not Empty"),
  MATCHES("Matches"),
  NOT_MATCHES("Not Matches");

  private final String goName;

  MatchOperator(String goName) {
    this.goName = goName;
  }

  String goName() {
    return goName;
  }

  boolean needsValue() {
    return this != IS_EMPTY && this != IS_NOT_EMPTY;
  }
}

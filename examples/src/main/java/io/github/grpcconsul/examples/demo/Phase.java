package io.github.grpcconsul.examples.demo;

/** The demo's scripted phases, in order. */
public enum Phase {
  /** Three instances serve. */
  ALL_SERVE("all serve"),
  /** One instance leaves gracefully: drains, deregisters, stops. */
  LEAVE("graceful leave"),
  /** One instance is killed without deregistering. */
  CRASH("crash"),
  /** A new instance joins. */
  JOIN("join");

  private final String title;

  Phase(String title) {
    this.title = title;
  }

  /** A short title for tables, such as {@code "2 graceful leave"}. */
  public String title() {
    return (ordinal() + 1) + " " + title;
  }
}

package io.github.grpcconsul.devagent;

import java.time.Duration;

/** One injected fault: requests whose path starts with {@code prefix} are delayed or answered by it. */
record FaultRule(String prefix, Kind kind, int status, String body, Duration delay) {
  enum Kind { RESPOND, MALFORMED, DELAY }

  boolean applies(String path) {
    return path.startsWith(prefix);
  }
}

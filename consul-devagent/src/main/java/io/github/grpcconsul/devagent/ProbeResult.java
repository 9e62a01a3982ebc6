package io.github.grpcconsul.devagent;

import java.nio.charset.StandardCharsets;

/** The outcome of one probe run, and Consul's output size rule. */
record ProbeResult(String status, String output) {
  static final int OUTPUT_MAX_SIZE = 4096;

  interface Callback {
    void complete(String status, String output);

    default void complete(ProbeResult r) {
      complete(r.status(), r.output());
    }
  }

  /** Consul truncates output to OutputMaxSize bytes: "<first N bytes> ... (captured N of M bytes)". */
  static String truncate(String output) {
    byte[] bytes = output.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= OUTPUT_MAX_SIZE) {
      return output;
    }
    String head = new String(bytes, 0, OUTPUT_MAX_SIZE, StandardCharsets.UTF_8);
    return head + " ... (captured " + OUTPUT_MAX_SIZE + " of " + bytes.length + " bytes)";
  }
}

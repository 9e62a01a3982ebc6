package io.github.grpcconsul.devagent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InternalErrorTest {
  @Test
  void a500BodyIsTheFirstLineOfTheMessageOrTheExceptionName() {
    assertThat(HttpFront.oneLine(new IllegalStateException("boom\n\tat some.Class.method(Class.java:1)\r\n")))
        .isEqualTo("boom");
    assertThat(HttpFront.oneLine(new IllegalStateException("boom\r\nCaused by: x"))).isEqualTo("boom");
    assertThat(HttpFront.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(HttpFront.oneLine(new RuntimeException("  "))).isEqualTo("RuntimeException");
    assertThat(HttpFront.oneLine(new StackOverflowError())).isEqualTo("StackOverflowError");
  }
}

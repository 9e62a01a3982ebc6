package io.github.grpcconsul.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTest {
  private static final Map<String, String> ALIASES = Flags.aliases(
      "-h", "host", "--host", "host", "-p", "port", "--port", "port", "--interval", "interval", "--help", "help");

  @Test
  void shortAndLongSpellings_inlineValues_switches() {
    Flags flags = Flags.parse(new String[] {"-h", "10.0.0.5", "--port=50051", "--interval", "250ms", "--help"},
        ALIASES, Set.of("help"));

    assertThat(flags.get("host", "127.0.0.1")).isEqualTo("10.0.0.5");
    assertThat(flags.getInt("port", 0, 0, 65535)).isEqualTo(50051);
    assertThat(flags.getDuration("interval", Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(250));
    assertThat(flags.has("help")).isTrue();
  }

  @Test
  void absentFlags_takeTheFallback() {
    Flags flags = Flags.parse(new String[0], ALIASES, Set.of("help"));

    assertThat(flags.get("host", "127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(flags.getInt("port", 7, 0, 65535)).isEqualTo(7);
    assertThat(flags.getDuration("interval", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(flags.has("help")).isFalse();
  }

  @Test
  void durations_acceptSecondsMinutesAndPlainNumbers() {
    Flags flags = Flags.parse(new String[] {"--interval", "1.5"}, ALIASES, Set.of());
    assertThat(flags.getDuration("interval", null)).isEqualTo(Duration.ofMillis(1500));
    flags = Flags.parse(new String[] {"--interval", "2s"}, ALIASES, Set.of());
    assertThat(flags.getDuration("interval", null)).isEqualTo(Duration.ofSeconds(2));
    flags = Flags.parse(new String[] {"--interval", "1m"}, ALIASES, Set.of());
    assertThat(flags.getDuration("interval", null)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void badArguments_nameTheValueAndTheFix() {
    assertThatThrownBy(() -> Flags.parse(new String[] {"--bogus"}, ALIASES, Set.of()))
        .hasMessageContaining("--bogus").hasMessageContaining("--help");
    assertThatThrownBy(() -> Flags.parse(new String[] {"-p"}, ALIASES, Set.of()))
        .hasMessageContaining("-p needs a value");
    Flags port = Flags.parse(new String[] {"-p", "99999"}, ALIASES, Set.of());
    assertThatThrownBy(() -> port.getInt("port", 0, 0, 65535))
        .hasMessageContaining("'99999'").hasMessageContaining("0 to 65535");
    Flags interval = Flags.parse(new String[] {"--interval", "soon"}, ALIASES, Set.of());
    assertThatThrownBy(() -> interval.getDuration("interval", null))
        .hasMessageContaining("'soon'").hasMessageContaining("250ms");
    assertThatThrownBy(() -> Flags.parse(new String[] {"--help=yes"}, ALIASES, Set.of("help")))
        .hasMessageContaining("takes no value");
  }
}

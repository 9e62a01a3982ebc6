package io.github.grpcconsul.internal.resolver;

import static io.github.grpcconsul.internal.resolver.ResolverLogicTest.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpcconsul.registration.CheckStatus;
import io.github.grpcconsul.internal.consul.HealthEntry;
import io.grpc.EquivalentAddressGroup;
import io.grpc.StatusOr;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthSelectionTest {

  private static final List<HealthEntry> MIXED = List.of(
      entry("p", 1, CheckStatus.PASSING),
      entry("w", 2, CheckStatus.WARNING),
      entry("c", 3, CheckStatus.CRITICAL),
      entry("m", 4, CheckStatus.MAINTENANCE));

  private static StatusOr<List<EquivalentAddressGroup>> select(String query, List<HealthEntry> entries) {
    return HealthSelection.select(ConsulTarget.parse("consul:///web" + query), InstanceMapper.map(entries));
  }

  @ParameterizedTest
  @CsvSource({
    "'', 1",
    "?health=passing, 1",
    "?health=warning, 1 2",
    "?health=any, 1 2 3 4",
  })
  void selection(String query, String ports) {
    StatusOr<List<EquivalentAddressGroup>> result = select(query, MIXED);
    assertThat(RecordingListener.ports(result.getValue()))
        .containsExactlyInAnyOrderElementsOf(
            java.util.Arrays.stream(ports.split(" ")).map(Integer::valueOf).toList());
  }

  @Test
  void noneHealthy_failPolicy_namesServiceAndDatacenter() {
    StatusOr<List<EquivalentAddressGroup>> result =
        select("?dc=dc7&health=any", List.of());
    assertThat(result.hasValue()).isFalse();
    assertThat(result.getStatus().getDescription())
        .contains("service \"web\"").contains("datacenter \"dc7\"");

    result = select("?empty=fail&health=warning", List.of(entry("c", 3, CheckStatus.CRITICAL)));
    assertThat(result.getStatus().getDescription())
        .contains("the agent's datacenter").contains("1 registered instance(s) fail their checks")
        .contains("empty=unhealthy");
  }

  @Test
  void noneHealthy_unhealthyPolicy_fallsBackToAll() {
    List<HealthEntry> sick = List.of(entry("c", 3, CheckStatus.CRITICAL), entry("m", 4, CheckStatus.MAINTENANCE));
    assertThat(RecordingListener.ports(select("?empty=unhealthy", sick).getValue())).containsExactlyInAnyOrder(3, 4);
    // while one is healthy, only that one
    assertThat(RecordingListener.ports(select("?empty=unhealthy", MIXED).getValue())).containsExactly(1);
    // nothing registered at all: still an error
    assertThat(select("?empty=unhealthy", List.of()).hasValue()).isFalse();
  }
}

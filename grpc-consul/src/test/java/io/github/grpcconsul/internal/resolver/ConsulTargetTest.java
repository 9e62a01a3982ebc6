package io.github.grpcconsul.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpcconsul.internal.consul.HealthQuery.Consistency;
import io.github.grpcconsul.internal.resolver.ConsulTarget.EmptyPolicy;
import io.github.grpcconsul.internal.resolver.ConsulTarget.HealthFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConsulTargetTest {

  @Test
  void emptyAuthority_usesEnvironmentAgentAndDefaults() {
    ConsulTarget t = ConsulTarget.parse("consul:///helloserver");
    assertThat(t.agentAddress()).isNull();
    assertThat(t.service()).isEqualTo("helloserver");
    assertThat(t.datacenter()).isNull();
    assertThat(t.query().tags()).isEmpty();
    assertThat(t.healthFilter()).isEqualTo(HealthFilter.PASSING);
    assertThat(t.query().near()).isEmpty();
    assertThat(t.query().nodeMeta()).isEmpty();
    assertThat(t.query().filter()).isEmpty();
    assertThat(t.waitTime()).isEqualTo(Duration.ofMinutes(5));
    assertThat(t.query().consistency()).isEqualTo(Consistency.DEFAULT);
    assertThat(t.emptyPolicy()).isEqualTo(EmptyPolicy.FAIL);
    assertThat(t.query().passingOnly()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "consul://127.0.0.1:8500/svc, 127.0.0.1:8500",
    "consul://consul.local/svc, consul.local:8500",
    "consul://consul.local:18500/svc, consul.local:18500",
    "consul://[::1]:8501/svc, [::1]:8501",
    "consul://[::1]/svc, [::1]:8500",
    "consul://[fe80::1%25eth0]:8500/svc, [fe80::1%eth0]:8500",
  })
  void authority_overridesAgentAddress(String target, String address) {
    assertThat(ConsulTarget.parse(target).agentAddress()).isEqualTo(address);
  }

  @Test
  void allParameters() {
    String filter = "Service.Meta.env == \"qa\" and \"v1\" in Service.Tags";
    ConsulTarget t = ConsulTarget.parse("consul://h:1/web?dc=dc2&tag=v1&tag=blue&health=warning&near=_agent"
        + "&node-meta=rack:r1&node-meta=zone:a:b&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8)
        + "&wait=1m30s&consistency=stale&empty=unhealthy");
    assertThat(t.datacenter()).isEqualTo("dc2");
    assertThat(t.query().datacenter()).contains("dc2");
    assertThat(t.query().tags()).containsExactlyInAnyOrder("v1", "blue");
    assertThat(t.healthFilter()).isEqualTo(HealthFilter.WARNING);
    assertThat(t.query().near()).contains("_agent");
    assertThat(t.query().nodeMeta()).containsExactly("rack:r1", "zone:a:b");
    assertThat(t.query().filter()).contains(filter);
    assertThat(t.waitTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(t.query().consistency()).isEqualTo(Consistency.STALE);
    assertThat(t.emptyPolicy()).isEqualTo(EmptyPolicy.UNHEALTHY);
    assertThat(t.query().passingOnly()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "passing, fail, true",
    "passing, unhealthy, false",
    "warning, fail, false",
    "any, fail, false",
  })
  void queryPassingOnly_onlyWhenNothingElseIsNeeded(String health, String empty, boolean expected) {
    ConsulTarget t = ConsulTarget.parse("consul:///s?health=" + health + "&empty=" + empty);
    assertThat(t.query().passingOnly()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "default, DEFAULT", "stale, STALE", "consistent, CONSISTENT", "cached, CACHED",
  })
  void consistencyValues(String value, Consistency expected) {
    assertThat(ConsulTarget.parse("consul:///s?consistency=" + value).query().consistency()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "1s, PT1S", "500ms, ", "30s, PT30S", "5m, PT5M", "1m30s, PT1M30S", "1.5m, PT1M30S", "10m, PT10M",
    "2000ms, PT2S",
  })
  void waitValues(String value, String expected) {
    if (expected == null) {
      assertThatThrownBy(() -> ConsulTarget.parse("consul:///s?wait=" + value))
          .hasMessageContaining("out of range");
    } else {
      assertThat(ConsulTarget.parse("consul:///s?wait=" + value).waitTime()).isEqualTo(Duration.parse(expected));
    }
  }

  @Test
  void percentEncodedServiceAndPlusAsSpace() {
    ConsulTarget t = ConsulTarget.parse("consul:///my%2Dsvc?tag=a+b&tag=c%2Bd");
    assertThat(t.service()).isEqualTo("my-svc");
    assertThat(t.query().tags()).containsExactly("a b", "c+d");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "consul://h:x/svc | consul target \"consul://h:x/svc\": port \"x\" is not a number",
    "consul://h:/svc | port \"\" is not a number",
    "consul://h:99999/svc | port 99999 is out of range (1-65535)",
    "consul://h:0/svc | port 0 is out of range",
    "consul://[::1/svc | not a valid URI",
    "consul://::1/svc | put an IPv6 address in brackets",
    "consul://[::1]x/svc | not a valid URI (Expected port number)",
    "consul://u@h/svc | user info in the authority is not supported",
    "consul://h/ | the service name is missing",
    "consul://h | the service name is missing",
    "consul:/// | the service name is missing",
    "consul:svc | expected consul://[agent-host[:port]]/service-name",
    "consul:///a/b | service name \"a/b\" must be a single path segment",
    "consul:///s#frag | a fragment (#frag) is not allowed",
    "dns:///s | the scheme must be \"consul\"",
    "consul:///s?foo=1 | unknown parameter \"foo\"; accepted: dc, tag, health, near, node-meta, filter, wait,"
        + " consistency, empty",
    "consul:///s?passing | unknown parameter \"passing\"",
    "consul:///s?dc | parameter \"dc\" needs a value",
    "consul:///s?dc= | parameter \"dc\" has an empty value",
    "consul:///s?dc=a&dc=b | parameter \"dc\" is given more than once; only tag and node-meta repeat",
    "consul:///s?health=critical | health \"critical\" is not accepted; use one of: passing (default), warning, any",
    "consul:///s?health=PASSING | health \"PASSING\" is not accepted",
    "consul:///s?consistency=leader | consistency \"leader\" is not accepted; use one of: default, stale,"
        + " consistent, cached",
    "consul:///s?empty=all | empty \"all\" is not accepted; use one of: fail (default), unhealthy",
    "consul:///s?wait=10 | wait \"10\" is not a duration (time: missing unit in duration \"10\")",
    "consul:///s?wait=10x | unknown unit \"x\"",
    "consul:///s?wait=s | wait \"s\" is not a duration (time: invalid duration \"s\")",
    "consul:///s?wait=0 | wait \"0\" is out of range; accepted: 1s to 10m",
    "consul:///s?wait=-1s | wait \"-1s\" is out of range; accepted: 1s to 10m",
    "consul:///s?wait=11m | wait \"11m\" is out of range; accepted: 1s to 10m",
    "consul:///s?wait=1.2.3s | time: missing unit in duration \"1.2.3s\"",
    "consul:///s?node-meta=rack | node-meta \"rack\" must be key:value",
    "consul:///s?node-meta=:r1 | node-meta \":r1\" must be key:value",
    "consul:///s?filter=%zz | not a valid URI (Malformed escape pair)",
  })
  void badTargets_nameTargetAndProblem(String target, String message) {
    assertThatThrownBy(() -> ConsulTarget.parse(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("consul target \"" + target + "\"")
        .hasMessageContaining(message);
  }

  @Test
  void unencodedFilter_explainsPercentEncoding() {
    assertThatThrownBy(() -> ConsulTarget.parse("consul:///s?filter=Service.Port == 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent-encode");
  }
}

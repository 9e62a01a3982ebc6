package io.github.grpcconsul.devagent.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The selectors of each endpoint, evaluated on JSON shaped like that endpoint's items. */
class FilterSchemaTest {
  private static final JsonElement AGENT_SERVICE = JsonParser.parseString("""
      {"ID": "web-1", "Service": "web", "Tags": ["v1"], "Meta": {"env": "qa"}, "Port": 8080,
       "Address": "10.0.0.5",
       "TaggedAddresses": {"lan_ipv4": {"Address": "10.0.0.5", "Port": 8080}},
       "Weights": {"Passing": 10, "Warning": 1}, "EnableTagOverride": false, "Datacenter": "dc1"}
      """);

  private static final JsonElement CATALOG_SERVICE = JsonParser.parseString("""
      {"ID": "9d754d17", "Node": "devhost", "Address": "127.0.0.1", "Datacenter": "dc1",
       "TaggedAddresses": {"lan": "127.0.0.1"}, "NodeMeta": {"rack": "r1-a"},
       "ServiceKind": "", "ServiceID": "web-1", "ServiceName": "web", "ServiceTags": ["v1"],
       "ServiceAddress": "10.0.0.5", "ServiceWeights": {"Passing": 1, "Warning": 1}, "ServiceMeta": {},
       "ServicePort": 8080, "ServiceEnableTagOverride": true,
       "ServiceProxy": {"MeshGateway": {}, "Expose": {}}, "ServiceConnect": {}, "ServiceLocality": null}
      """);

  private static final JsonElement CHECK = JsonParser.parseString("""
      {"Node": "devhost", "CheckID": "service:web-1", "Name": "Service 'web' check", "Status": "critical",
       "Notes": "", "Output": "TTL expired", "ServiceID": "web-1", "ServiceName": "web", "ServiceTags": ["v1"],
       "Type": "ttl", "Interval": "", "Timeout": "", "ExposedPort": 0, "Definition": {}}
      """);

  private static final JsonElement NODE = JsonParser.parseString("""
      {"ID": "9d754d17", "Node": "devhost", "Address": "127.0.0.1", "Datacenter": "dc1",
       "TaggedAddresses": {"lan": "127.0.0.1", "wan": "127.0.0.1"},
       "Meta": {"consul-network-segment": "", "rack": "r1-a"}}
      """);

  static Stream<Arguments> matching() {
    return Stream.of(
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Service == web", true),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Service == db", false),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "foo in Tags", false),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "v1 in Tags", true),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Meta.env == qa and Port == 8080", true),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Meta[\"env\"] != qa", false),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Weights.Passing == 10", true),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "TaggedAddresses.lan_ipv4.Port == 8080", true),
        Arguments.of(FilterSchema.AGENT_SERVICES, AGENT_SERVICE, "Kind == \"\" and Proxy.Mode == \"\"", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServiceName == web", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServiceTags contains v1", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "NodeMeta.rack matches \"^r1\"", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServiceMeta is empty", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServiceMeta.env == qa", false),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServicePort == 8080", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "ServiceEnableTagOverride == true", true),
        Arguments.of(FilterSchema.CATALOG_SERVICE, CATALOG_SERVICE, "TaggedAddresses.lan == \"127.0.0.1\"", true),
        Arguments.of(FilterSchema.AGENT_CHECKS, CHECK, "Status == critical", true),
        Arguments.of(FilterSchema.AGENT_CHECKS, CHECK, "ServiceTags contains v1 and Type == ttl", true),
        Arguments.of(FilterSchema.AGENT_CHECKS, CHECK, "Output matches \"^TTL\"", true),
        Arguments.of(FilterSchema.HEALTH_CHECKS, CHECK, "ServiceName == web and Status != passing", true),
        Arguments.of(FilterSchema.HEALTH_CHECKS, CHECK, "CheckID == serfHealth", false),
        Arguments.of(FilterSchema.CATALOG_NODES, NODE, "Node == devhost", true),
        Arguments.of(FilterSchema.CATALOG_NODES, NODE, "Meta.rack matches \"^r1\"", true),
        Arguments.of(FilterSchema.CATALOG_NODES, NODE, "\"consul-network-segment\" in Meta", true),
        Arguments.of(FilterSchema.CATALOG_NODES, NODE, "Meta[\"consul-network-segment\"] == \"\"", true),
        Arguments.of(FilterSchema.CATALOG_NODES, NODE, "TaggedAddresses.wan != \"127.0.0.1\"", false));
  }

  @ParameterizedTest(name = "{0}: {2} -> {3}")
  @MethodSource("matching")
  void evaluatesEachEndpointsItems(FilterSchema schema, JsonElement item, String expression, boolean expected) {
    assertThat(FilterExpression.parse(expression, schema).matches(item)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        // selectors of one endpoint are not valid on another
        Arguments.of(FilterSchema.AGENT_SERVICES, "Service.Service == web", "Selector \"Service.Service\" is not valid"),
        Arguments.of(FilterSchema.AGENT_SERVICES, "Datacenter == dc1", "Selector \"Datacenter\" is not valid"),
        Arguments.of(FilterSchema.AGENT_SERVICES, "CreateIndex == 1", "Selector \"CreateIndex\" is not valid"),
        Arguments.of(FilterSchema.CATALOG_SERVICE, "Service == web", "Selector \"Service\" is not valid"),
        Arguments.of(FilterSchema.CATALOG_SERVICE, "ModifyIndex == 1", "Selector \"ModifyIndex\" is not valid"),
        Arguments.of(FilterSchema.AGENT_CHECKS, "Checks.Status == passing", "Selector \"Checks\" is not valid"),
        Arguments.of(FilterSchema.HEALTH_CHECKS, "Definition.HTTP == x", "Selector \"Definition\" is not valid"),
        Arguments.of(FilterSchema.CATALOG_NODES, "NodeMeta.rack == r1", "Selector \"NodeMeta\" is not valid"),
        Arguments.of(FilterSchema.HEALTH_SERVICE, "Service.CreateIndex == 1",
            "Selector \"Service.CreateIndex\" is not valid"),
        Arguments.of(FilterSchema.AGENT_CHECKS, "ExposedPort == x",
            "Failed to coerce value \"x\" for selector \"ExposedPort\": strconv.ParseInt: parsing \"x\": invalid syntax"),
        Arguments.of(FilterSchema.CATALOG_NODES, "Meta matches x",
            "Invalid match operator \"Matches\" for selector \"Meta\""));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("invalid")
  void rejectsSelectorsTheEndpointDoesNotHave(FilterSchema schema, String expression, String message) {
    assertThatThrownBy(() -> FilterExpression.parse(expression, schema))
        .isInstanceOf(FilterException.class)
        .hasMessage(message);
  }
}

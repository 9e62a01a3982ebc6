package agentapi

import (
	"context"
	"net/http/httptrace"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

func registerTTL(t *testing.T, c *api.Client, id, name string, port int, tags []string, meta map[string]string,
	status string) {
	t.Helper()
	must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{
		ID: id, Name: name, Address: "127.0.0.1", Port: port, Tags: tags, Meta: meta,
		Check: &api.AgentServiceCheck{CheckID: "check-" + id, TTL: "60s", Status: status},
	}))
	t.Cleanup(func() { _ = c.Agent().ServiceDeregister(id) })
}

func serviceIDs(entries []*api.ServiceEntry) []string {
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Service.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestHealthServicePassingTagsFilterNear(t *testing.T) {
	c := shared(t)
	registerTTL(t, c, "web-1", "web", 8001, []string{"v1", "blue"}, map[string]string{"zone": "a"}, api.HealthPassing)
	registerTTL(t, c, "web-2", "web", 8002, []string{"v2"}, map[string]string{"zone": "b"}, api.HealthPassing)
	registerTTL(t, c, "web-3", "web", 8003, []string{"v1"}, map[string]string{"zone": "a"}, api.HealthCritical)
	registerTTL(t, c, "web-4", "web", 8004, []string{"v3"}, map[string]string{"zone": "c"}, api.HealthWarning)
	h := c.Health()

	cases := []struct {
		name    string
		tags    []string
		passing bool
		opts    *api.QueryOptions
		want    []string
	}{
		{"all", nil, false, nil, []string{"web-1", "web-2", "web-3", "web-4"}},
		{"passing (a warning is not passing)", nil, true, nil, []string{"web-1", "web-2"}},
		{"tag v1", []string{"v1"}, false, nil, []string{"web-1", "web-3"}},
		{"tags v1+blue", []string{"v1", "blue"}, false, nil, []string{"web-1"}},
		{"passing tag v1", []string{"v1"}, true, nil, []string{"web-1"}},
		{"filter", nil, false, &api.QueryOptions{Filter: `Service.Meta.zone == "a"`}, []string{"web-1", "web-3"}},
		{"filter on checks", nil, false, &api.QueryOptions{Filter: `Checks.Status contains "critical"`},
			[]string{"web-3"}},
		{"near _agent", nil, true, &api.QueryOptions{Near: "_agent"}, []string{"web-1", "web-2"}},
	}
	for _, tc := range cases {
		entries, meta, err := h.ServiceMultipleTags("web", tc.tags, tc.passing, tc.opts)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		checkMeta(t, "health/service/web "+tc.name, meta)
		if got := serviceIDs(entries); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, expected %v", tc.name, got, tc.want)
		}
	}

	entries, _, err := h.Service("web", "v2", true, nil)
	must(t, err)
	if len(entries) != 1 {
		t.Fatalf("web tagged v2: %d entries", len(entries))
	}
	e := entries[0]
	if e.Node.Node == "" || e.Node.Datacenter != "dc1" || e.Node.Address == "" {
		t.Errorf("Node decoded as %+v", e.Node)
	}
	if e.Service.Port != 8002 || e.Service.Meta["zone"] != "b" || e.Service.Weights.Passing != 1 ||
		e.Service.Weights.Warning != 1 {
		t.Errorf("Service decoded as %+v (default weights are passing 1, warning 1)", e.Service)
	}
	if got := e.Checks.AggregatedStatus(); got != api.HealthPassing {
		t.Errorf("AggregatedStatus %q", got)
	}
	var ids []string
	for _, ch := range e.Checks {
		ids = append(ids, ch.CheckID)
	}
	if !slices.Contains(ids, "serfHealth") || !slices.Contains(ids, "check-web-2") {
		t.Errorf("checks of the entry: %v; expected the node's serfHealth and the service's TTL check", ids)
	}

	_, _, err = h.Service("web", "", false, &api.QueryOptions{Filter: `Service.Nope == "x"`})
	if err == nil {
		t.Error("an unknown filter selector was accepted")
	}
}

// TestHealthServiceBlockingQuery: a blocking query returns on a change, and waits out WaitTime otherwise.
func TestHealthServiceBlockingQuery(t *testing.T) {
	c := shared(t)
	registerTTL(t, c, "block-1", "block", 8101, nil, nil, api.HealthPassing)
	h := c.Health()
	_, meta, err := h.Service("block", "", true, nil)
	must(t, err)
	checkMeta(t, "health/service/block", meta)
	index := meta.LastIndex

	// Nothing changes: the query waits out WaitTime (plus Consul's jitter of up to WaitTime/16) and answers the
	// same index.
	wait := time.Second
	start := time.Now()
	_, meta, err = h.Service("block", "", true, &api.QueryOptions{WaitIndex: index, WaitTime: wait,
		Filter: `Service.Port == 8101`, Near: "_agent"})
	must(t, err)
	took := time.Since(start)
	checkMeta(t, "health/service/block", meta)
	if took < wait-50*time.Millisecond || took > wait*17/16+2*time.Second {
		t.Errorf("an idle blocking query with WaitTime %s returned after %s", wait, took)
	}
	if meta.LastIndex != index {
		t.Errorf("an idle blocking query moved the index from %d to %d", index, meta.LastIndex)
	}

	// A change: the query returns at once with a higher index and the new state.
	type result struct {
		entries []*api.ServiceEntry
		meta    *api.QueryMeta
		err     error
	}
	done := make(chan result, 1)
	sent := make(chan struct{})
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { close(sent) },
	})
	go func() {
		e, m, err := h.Service("block", "", true,
			(&api.QueryOptions{WaitIndex: index, WaitTime: time.Minute, Filter: `Service.Port == 8101`,
				Near: "_agent"}).WithContext(ctx))
		done <- result{e, m, err}
	}()
	// Change the service once the query has reached the agent.
	select {
	case <-sent:
	case <-time.After(10 * time.Second):
		t.Fatal("the blocking query was not sent")
	}
	changed := time.Now()
	must(t, c.Agent().FailTTL("check-block-1", "down"))
	select {
	case r := <-done:
		must(t, r.err)
		checkMeta(t, "health/service/block", r.meta)
		if r.meta.LastIndex <= index {
			t.Errorf("the change did not move the index: %d after %d", r.meta.LastIndex, index)
		}
		if len(r.entries) != 0 {
			t.Errorf("after FailTTL the passing list has %v", serviceIDs(r.entries))
		}
		t.Logf("blocking query (WaitTime 1m) returned %s after the change", time.Since(changed).Round(time.Millisecond))
	case <-time.After(20 * time.Second):
		t.Fatal("the blocking query did not return on the change")
	}
}

func TestHealthChecksAndState(t *testing.T) {
	c := shared(t)
	registerTTL(t, c, "state-1", "state", 8201, []string{"x"}, nil, api.HealthPassing)
	registerTTL(t, c, "state-2", "state", 8202, nil, nil, api.HealthWarning)
	checks, meta, err := c.Health().Checks("state", nil)
	must(t, err)
	checkMeta(t, "health/checks/state", meta)
	byID := map[string]*api.HealthCheck{}
	for _, ch := range checks {
		byID[ch.CheckID] = ch
	}
	if byID["check-state-1"] == nil || byID["check-state-1"].Status != api.HealthPassing ||
		byID["check-state-1"].ServiceName != "state" || !slices.Equal(byID["check-state-1"].ServiceTags, []string{"x"}) {
		t.Errorf("Health().Checks(state): check-state-1 = %+v", byID["check-state-1"])
	}
	if byID["check-state-2"] == nil || byID["check-state-2"].Status != api.HealthWarning {
		t.Errorf("Health().Checks(state): check-state-2 = %+v", byID["check-state-2"])
	}
	if checks.AggregatedStatus() != api.HealthWarning {
		t.Errorf("AggregatedStatus %q, expected warning", checks.AggregatedStatus())
	}
	for _, state := range []string{api.HealthWarning, api.HealthPassing, api.HealthAny} {
		list, meta, err := c.Health().State(state, nil)
		must(t, err)
		checkMeta(t, "health/state/"+state, meta)
		var ids []string
		for _, ch := range list {
			if state != api.HealthAny && ch.Status != state {
				t.Errorf("Health().State(%s) returned a %s check %s", state, ch.Status, ch.CheckID)
			}
			ids = append(ids, ch.CheckID)
		}
		want := map[string]string{api.HealthWarning: "check-state-2", api.HealthPassing: "check-state-1",
			api.HealthAny: "serfHealth"}[state]
		if !slices.Contains(ids, want) {
			t.Errorf("Health().State(%s) = %v, expected %s among them", state, ids, want)
		}
	}
	if _, _, err := c.Health().State("bogus", nil); err == nil {
		t.Error("Health().State(bogus) was accepted")
	}
	node, meta, err := c.Health().Node(nodeName(t, c), nil)
	must(t, err)
	checkMeta(t, "health/node", meta)
	var nodeChecks []string
	for _, ch := range node {
		nodeChecks = append(nodeChecks, ch.CheckID)
	}
	if !slices.Contains(nodeChecks, "serfHealth") || !slices.Contains(nodeChecks, "check-state-1") {
		t.Errorf("Health().Node() = %v, expected serfHealth and the services' checks", nodeChecks)
	}
}

func nodeName(t *testing.T, c *api.Client) string {
	t.Helper()
	name, err := c.Agent().NodeName()
	must(t, err)
	return name
}

package agentapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/consul/api"
)

// TestQueryMetaUnderChurn reads every blocking endpoint while services and keys change, and checks each QueryMeta:
// LastIndex never 0 and never backwards for the same query, KnownLeader, LastContact 0.
func TestQueryMetaUnderChurn(t *testing.T) {
	c := shared(t)
	reads := map[string]func() (*api.QueryMeta, error){
		"health/service/churn": func() (*api.QueryMeta, error) {
			_, m, err := c.Health().Service("churn", "", true, nil)
			return m, err
		},
		"health/service/never-registered": func() (*api.QueryMeta, error) {
			_, m, err := c.Health().Service("never-registered", "", true, nil)
			return m, err
		},
		"catalog/service/churn": func() (*api.QueryMeta, error) {
			_, m, err := c.Catalog().Service("churn", "", nil)
			return m, err
		},
		"catalog/services": func() (*api.QueryMeta, error) {
			_, m, err := c.Catalog().Services(nil)
			return m, err
		},
		"catalog/nodes": func() (*api.QueryMeta, error) {
			_, m, err := c.Catalog().Nodes(nil)
			return m, err
		},
		"health/checks/churn": func() (*api.QueryMeta, error) {
			_, m, err := c.Health().Checks("churn", nil)
			return m, err
		},
		"health/state/any": func() (*api.QueryMeta, error) {
			_, m, err := c.Health().State(api.HealthAny, nil)
			return m, err
		},
		"kv list churn/": func() (*api.QueryMeta, error) {
			_, m, err := c.KV().List("churn/", nil)
			return m, err
		},
	}
	t.Cleanup(func() { _, _ = c.KV().DeleteTree("churn/", nil) })
	for i := range 20 {
		id := fmt.Sprintf("churn-%d", (i/2)%3) // registered on even i, deregistered on the odd i after
		if i%2 == 0 {
			must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: id, Name: "churn", Port: 9300 + i,
				Check: &api.AgentServiceCheck{TTL: "30s", Status: api.HealthPassing}}))
		} else {
			must(t, c.Agent().ServiceDeregister(id))
		}
		_, err := c.KV().Put(&api.KVPair{Key: fmt.Sprintf("churn/%d", i%4), Value: []byte{byte(i)}}, nil)
		must(t, err)
		for name, read := range reads {
			m, err := read()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkMeta(t, name, m)
		}
	}
	for i := range 3 {
		_ = c.Agent().ServiceDeregister(fmt.Sprintf("churn-%d", i))
	}
}

// TestBlockingQueryOnUnknownService: a watch on a service that does not exist yet wakes when it appears.
func TestBlockingQueryOnUnknownService(t *testing.T) {
	c := shared(t)
	_, meta, err := c.Health().Service("appears-later", "", true, nil)
	must(t, err)
	checkMeta(t, "health/service/appears-later", meta)
	done := make(chan []*api.ServiceEntry, 1)
	errs := make(chan error, 1)
	go func() {
		e, m, err := c.Health().Service("appears-later", "", true,
			&api.QueryOptions{WaitIndex: meta.LastIndex, WaitTime: time.Minute})
		if err == nil && m.LastIndex <= meta.LastIndex {
			err = fmt.Errorf("woke with index %d, not above %d", m.LastIndex, meta.LastIndex)
		}
		errs <- err
		done <- e
	}()
	registerTTL(t, c, "appears-1", "appears-later", 9400, nil, nil, api.HealthPassing)
	select {
	case err := <-errs:
		must(t, err)
		if e := <-done; len(e) != 1 {
			t.Errorf("woke with %d entries", len(e))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the blocking query on an unknown service did not wake when it was registered")
	}
}

// TestAgentServiceHashBlocking: Agent().Service with WaitHash blocks until the service changes.
func TestAgentServiceHashBlocking(t *testing.T) {
	c := shared(t)
	registerTTL(t, c, "hash-1", "hash", 9500, []string{"one"}, nil, api.HealthPassing)
	s, meta, err := c.Agent().Service("hash-1", nil)
	must(t, err)
	if meta.LastContentHash == "" {
		t.Fatal("Agent().Service: no X-Consul-ContentHash")
	}
	start := time.Now()
	_, meta2, err := c.Agent().Service("hash-1", &api.QueryOptions{WaitHash: meta.LastContentHash,
		WaitTime: 500 * time.Millisecond})
	must(t, err)
	if took := time.Since(start); took < 450*time.Millisecond || meta2.LastContentHash != meta.LastContentHash {
		t.Errorf("an unchanged service: returned after %s with hash %q (was %q)", took, meta2.LastContentHash,
			meta.LastContentHash)
	}
	must(t, c.Agent().ServiceRegister(&api.AgentServiceRegistration{ID: "hash-1", Name: "hash", Port: 9500,
		Tags: []string{"two"}, Check: &api.AgentServiceCheck{CheckID: "check-hash-1", TTL: "60s",
			Status: api.HealthPassing}}))
	s2, meta3, err := c.Agent().Service("hash-1", &api.QueryOptions{WaitHash: meta.LastContentHash,
		WaitTime: time.Minute})
	must(t, err)
	if meta3.LastContentHash == meta.LastContentHash || s2.Tags[0] != "two" || s.Tags[0] != "one" {
		t.Errorf("after a change: hash %q (was %q), tags %v", meta3.LastContentHash, meta.LastContentHash, s2.Tags)
	}
}

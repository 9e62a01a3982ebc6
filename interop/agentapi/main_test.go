// Package agentapi drives the dev agent with Consul's official Go client, github.com/hashicorp/consul/api, and
// checks what the client decodes. The official client is the one Consul itself is developed and tested with: where
// it and the dev agent disagree, the agent is wrong.
package agentapi

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/grpcconsul/interop/internal/harness"
	"github.com/hashicorp/consul/api"
)

var (
	sharedOnce  sync.Once
	sharedAgent *harness.Agent
	sharedStop  func()
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedStop != nil {
		sharedStop()
	}
	os.Exit(code)
}

// agentT outlives single tests: the shared agent is stopped by TestMain, not by a test's cleanup.
type agentT struct {
	testing.TB
	cleanups []func()
}

func (a *agentT) Cleanup(f func()) { a.cleanups = append(a.cleanups, f) }

// Failed is false: the first test that used the agent has ended when TestMain stops it.
func (a *agentT) Failed() bool { return false }

// shared returns a client of the agent shared by this package's tests (ACLs off, plain HTTP).
func shared(t *testing.T) *api.Client {
	t.Helper()
	sharedOnce.Do(func() {
		holder := &agentT{TB: t}
		sharedAgent = harness.StartAgent(holder)
		sharedStop = func() {
			for i := len(holder.cleanups) - 1; i >= 0; i-- {
				holder.cleanups[i]()
			}
		}
	})
	if sharedAgent == nil {
		t.Fatal("the shared dev agent did not start")
	}
	return clientOf(t, sharedAgent.Addr, "")
}

func clientOf(t *testing.T, addr, token string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = addr
	cfg.Token = token
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// metaCheck checks the QueryMeta of every read: LastIndex never 0 and never backwards for the same query, a known
// leader, LastContact 0 (the dev agent is the leader).
type metaCheck struct {
	mu   sync.Mutex
	last map[string]uint64
}

var metas = &metaCheck{last: map[string]uint64{}}

func checkMeta(t *testing.T, query string, m *api.QueryMeta) {
	t.Helper()
	if m == nil {
		t.Fatalf("%s: no QueryMeta", query)
	}
	if m.LastIndex == 0 {
		t.Errorf("%s: QueryMeta.LastIndex is 0 (Consul never answers index 0)", query)
	}
	if !m.KnownLeader {
		t.Errorf("%s: QueryMeta.KnownLeader is false (a dev agent is its own leader)", query)
	}
	if m.LastContact != 0 {
		t.Errorf("%s: QueryMeta.LastContact is %s, expected 0 on the leader", query, m.LastContact)
	}
	metas.mu.Lock()
	defer metas.mu.Unlock()
	if prev := metas.last[query]; m.LastIndex < prev {
		t.Errorf("%s: QueryMeta.LastIndex went backwards on a live agent: %d after %d", query, m.LastIndex, prev)
	}
	metas.last[query] = m.LastIndex
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	return harness.Eventually(t, timeout, what, cond)
}

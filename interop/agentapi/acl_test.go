package agentapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/grpcconsul/interop/internal/harness"
	"github.com/hashicorp/consul/api"
)

// TestACL: the errors consul/api returns for a wrong token and for a token without the permission.
func TestACL(t *testing.T) {
	agent := harness.StartAgent(t, "-acl-management-token", "root-secret", "-acl-read-only-token", "read-only")
	root := clientOf(t, agent.Addr, "root-secret")
	wrong := clientOf(t, agent.Addr, "no-such-token")
	readOnly := clientOf(t, agent.Addr, "read-only")
	anonymous := clientOf(t, agent.Addr, "")

	reg := &api.AgentServiceRegistration{ID: "acl-1", Name: "acl", Port: 9100,
		Check: &api.AgentServiceCheck{TTL: "30s", Status: api.HealthPassing}}
	must(t, root.Agent().ServiceRegister(reg))

	expect403 := func(what string, err error, text string) {
		t.Helper()
		var se api.StatusError
		if !errors.As(err, &se) {
			t.Errorf("%s: %v (%T), expected an api.StatusError", what, err, err)
			return
		}
		if se.Code != 403 || !strings.Contains(se.Body, text) {
			t.Errorf("%s: status %d body %q, expected 403 with %q", what, se.Code, se.Body, text)
		}
		if strings.Contains(err.Error(), "no-such-token") || strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s: the error shows the token: %v", what, err)
		}
	}
	expect403("register with an unknown token", wrong.Agent().ServiceRegister(reg), "ACL not found")
	_, _, err := wrong.Health().Service("acl", "", true, nil)
	expect403("health read with an unknown token", err, "ACL not found")
	_, _, err = wrong.KV().Get("k", nil)
	expect403("KV read with an unknown token", err, "ACL not found")

	expect403("register with a read-only token", readOnly.Agent().ServiceRegister(reg), "Permission denied")
	_, err = readOnly.KV().Put(&api.KVPair{Key: "k", Value: []byte("v")}, nil)
	expect403("KV write with a read-only token", err, "Permission denied")
	expect403("TTL update with a read-only token", readOnly.Agent().PassTTL("service:acl-1", ""), "Permission denied")
	expect403("anonymous register", anonymous.Agent().ServiceRegister(reg), "Permission denied")

	entries, meta, err := readOnly.Health().Service("acl", "", true, nil)
	must(t, err)
	if len(entries) != 1 {
		t.Errorf("the read-only token sees %d instances, expected 1", len(entries))
	}
	checkMeta(t, "acl health/service/acl read-only", meta)
	entries, _, err = anonymous.Health().Service("acl", "", true, nil)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("the anonymous token (default policy deny) sees %d instances, expected none", len(entries))
	}
	_, _, err = anonymous.KV().Get("k", nil)
	expect403("anonymous KV read (KV reads are denied, not filtered)", err, "Permission denied")
	_, err = anonymous.Agent().Self()
	expect403("anonymous agent self", err, "Permission denied")

	// Status and datacenter lists take no ACL check in Consul, whatever the token.
	if _, err := wrong.Status().Leader(); err != nil {
		t.Errorf("Status().Leader() with an unknown token: %v", err)
	}
	if dcs, err := anonymous.Catalog().Datacenters(); err != nil || len(dcs) != 1 {
		t.Errorf("anonymous Catalog().Datacenters(): %v %v", dcs, err)
	}
	must(t, root.Agent().ServiceDeregister("acl-1"))
}

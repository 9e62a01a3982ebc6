package agentapi

import (
	"slices"
	"testing"

	"github.com/hashicorp/consul/api"
)

func TestCatalogReads(t *testing.T) {
	c := shared(t)
	registerTTL(t, c, "cat-1", "cat", 9001, []string{"a", "b"}, map[string]string{"m": "1"}, api.HealthPassing)
	registerTTL(t, c, "cat-2", "cat", 9002, []string{"b", "c"}, nil, api.HealthCritical)
	cat := c.Catalog()

	dcs, err := cat.Datacenters()
	must(t, err)
	if !slices.Equal(dcs, []string{"dc1"}) {
		t.Errorf("Catalog().Datacenters() = %v", dcs)
	}

	services, meta, err := cat.Services(nil)
	must(t, err)
	checkMeta(t, "catalog/services", meta)
	if _, ok := services["consul"]; !ok {
		t.Errorf("Catalog().Services() lacks the consul service: %v", services)
	}
	tags := services["cat"]
	slices.Sort(tags)
	if !slices.Equal(tags, []string{"a", "b", "c"}) {
		t.Errorf("Catalog().Services()[cat] = %v, expected the union a, b, c", services["cat"])
	}

	list, meta, err := cat.Service("cat", "", nil)
	must(t, err)
	checkMeta(t, "catalog/service/cat", meta)
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ServiceID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"cat-1", "cat-2"}) {
		t.Errorf("Catalog().Service(cat) = %v (the catalog ignores health)", ids)
	}
	for _, s := range list {
		if s.ServiceID == "cat-1" && (s.ServicePort != 9001 || s.ServiceAddress != "127.0.0.1" ||
			s.ServiceMeta["m"] != "1" || s.Node == "" || s.Datacenter != "dc1" || s.Address == "" ||
			s.ServiceWeights.Passing != 1) {
			t.Errorf("Catalog().Service(cat) decoded cat-1 as %+v", s)
		}
	}
	tagged, _, err := cat.ServiceMultipleTags("cat", []string{"a", "b"}, nil)
	must(t, err)
	if len(tagged) != 1 || tagged[0].ServiceID != "cat-1" {
		t.Errorf("Catalog().ServiceMultipleTags(cat, a+b) = %d entries", len(tagged))
	}

	nodes, meta, err := cat.Nodes(nil)
	must(t, err)
	checkMeta(t, "catalog/nodes", meta)
	if len(nodes) != 1 || nodes[0].Node != nodeName(t, c) || nodes[0].Datacenter != "dc1" || nodes[0].ID == "" {
		t.Errorf("Catalog().Nodes() = %+v", nodes)
	}
	node, meta, err := cat.Node(nodeName(t, c), nil)
	must(t, err)
	checkMeta(t, "catalog/node", meta)
	if node == nil || node.Services["cat-1"] == nil || node.Services["cat-1"].Port != 9001 {
		t.Errorf("Catalog().Node() = %+v", node)
	}
}

func TestCatalogRegisterDeregister(t *testing.T) {
	c := shared(t)
	cat := c.Catalog()
	reg := &api.CatalogRegistration{
		Node: "external-1", Address: "10.0.0.9", Datacenter: "dc1",
		NodeMeta: map[string]string{"rack": "r1"},
		Service: &api.AgentService{ID: "ext-svc-1", Service: "ext-svc", Port: 5000, Tags: []string{"ext"},
			Meta: map[string]string{"k": "v"}},
		Check: &api.AgentCheck{Node: "external-1", CheckID: "ext-check", Name: "ext check",
			Status: api.HealthPassing, ServiceID: "ext-svc-1"},
	}
	wm, err := cat.Register(reg, nil)
	must(t, err)
	if wm == nil {
		t.Fatal("Catalog().Register returned no WriteMeta")
	}
	entries, _, err := c.Health().Service("ext-svc", "", true, nil)
	must(t, err)
	if len(entries) != 1 || entries[0].Node.Node != "external-1" || entries[0].Node.Address != "10.0.0.9" ||
		entries[0].Node.Meta["rack"] != "r1" || entries[0].Service.Address != "" {
		t.Fatalf("the registered external node's service: %+v", entries)
	}
	nodes, _, err := cat.Nodes(&api.QueryOptions{NodeMeta: map[string]string{"rack": "r1"}})
	must(t, err)
	if len(nodes) != 1 || nodes[0].Node != "external-1" {
		t.Errorf("Catalog().Nodes(node-meta rack:r1) = %d nodes", len(nodes))
	}

	_, err = cat.Deregister(&api.CatalogDeregistration{Node: "external-1", ServiceID: "ext-svc-1"}, nil)
	must(t, err)
	list, _, err := cat.Service("ext-svc", "", nil)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("after deregistering the service: %d entries", len(list))
	}
	_, err = cat.Deregister(&api.CatalogDeregistration{Node: "external-1"}, nil)
	must(t, err)
	nodes, _, err = cat.Nodes(nil)
	must(t, err)
	for _, n := range nodes {
		if n.Node == "external-1" {
			t.Error("the external node is still in the catalog after Deregister")
		}
	}
	if _, err := cat.Register(&api.CatalogRegistration{Node: "no-address"}, nil); err == nil {
		t.Error("a catalog registration without an address was accepted")
	}
}

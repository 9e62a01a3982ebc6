package agentapi

import (
	"slices"
	"testing"

	"github.com/hashicorp/consul/api"
)

func TestKV(t *testing.T) {
	c := shared(t)
	kv := c.KV()
	t.Cleanup(func() { _, _ = kv.DeleteTree("interop/", nil) })

	_, err := kv.Put(&api.KVPair{Key: "interop/a", Value: []byte("1"), Flags: 42}, nil)
	must(t, err)
	_, err = kv.Put(&api.KVPair{Key: "interop/dir/b", Value: []byte("2")}, nil)
	must(t, err)
	_, err = kv.Put(&api.KVPair{Key: "interop/dir/c", Value: []byte{0, 1, 2, 255}}, nil)
	must(t, err)

	p, meta, err := kv.Get("interop/a", nil)
	must(t, err)
	checkMeta(t, "kv/interop/a", meta)
	if p == nil || string(p.Value) != "1" || p.Flags != 42 || p.CreateIndex == 0 || p.ModifyIndex < p.CreateIndex {
		t.Fatalf("Get(interop/a) = %+v", p)
	}
	missing, meta, err := kv.Get("interop/none", nil)
	must(t, err)
	if missing != nil {
		t.Errorf("Get of a missing key = %+v, expected nil", missing)
	}
	if meta.LastIndex == 0 {
		t.Error("a 404 KV read carries LastIndex 0")
	}

	pairs, meta, err := kv.List("interop/", nil)
	must(t, err)
	checkMeta(t, "kv list interop/", meta)
	var keys []string
	for _, p := range pairs {
		keys = append(keys, p.Key)
		if p.Key == "interop/dir/c" && !slices.Equal(p.Value, []byte{0, 1, 2, 255}) {
			t.Errorf("binary value came back as %v", p.Value)
		}
	}
	if !slices.Equal(keys, []string{"interop/a", "interop/dir/b", "interop/dir/c"}) {
		t.Errorf("List(interop/) = %v", keys)
	}
	ks, _, err := kv.Keys("interop/", "/", nil)
	must(t, err)
	if !slices.Equal(ks, []string{"interop/a", "interop/dir/"}) {
		t.Errorf("Keys(interop/, /) = %v", ks)
	}
	ks, _, err = kv.Keys("interop/", "", nil)
	must(t, err)
	if len(ks) != 3 {
		t.Errorf("Keys(interop/) = %v", ks)
	}

	// CAS: the right ModifyIndex wins, a stale one loses; index 0 creates only.
	ok, _, err := kv.CAS(&api.KVPair{Key: "interop/a", Value: []byte("stale"), ModifyIndex: p.ModifyIndex + 1000}, nil)
	must(t, err)
	if ok {
		t.Error("CAS with a wrong ModifyIndex succeeded")
	}
	ok, _, err = kv.CAS(&api.KVPair{Key: "interop/a", Value: []byte("3"), ModifyIndex: p.ModifyIndex}, nil)
	must(t, err)
	if !ok {
		t.Error("CAS with the current ModifyIndex failed")
	}
	ok, _, err = kv.CAS(&api.KVPair{Key: "interop/a", Value: []byte("4"), ModifyIndex: 0}, nil)
	must(t, err)
	if ok {
		t.Error("CAS with index 0 overwrote an existing key")
	}
	ok, _, err = kv.CAS(&api.KVPair{Key: "interop/new", Value: []byte("n"), ModifyIndex: 0}, nil)
	must(t, err)
	if !ok {
		t.Error("CAS with index 0 did not create a new key")
	}
	p, _, err = kv.Get("interop/a", nil)
	must(t, err)
	if string(p.Value) != "3" {
		t.Errorf("after the CAS, interop/a = %q", p.Value)
	}
	ok, _, err = kv.DeleteCAS(&api.KVPair{Key: "interop/new", ModifyIndex: 1}, nil)
	must(t, err)
	if ok {
		t.Error("DeleteCAS with a wrong index succeeded")
	}

	_, err = kv.DeleteTree("interop/dir/", nil)
	must(t, err)
	pairs, _, err = kv.List("interop/", nil)
	must(t, err)
	keys = nil
	for _, p := range pairs {
		keys = append(keys, p.Key)
	}
	if !slices.Equal(keys, []string{"interop/a", "interop/new"}) {
		t.Errorf("after DeleteTree(interop/dir/): %v", keys)
	}
	_, err = kv.Delete("interop/new", nil)
	must(t, err)
}

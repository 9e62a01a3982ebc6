package probe

import (
	"bytes"
	"testing"
)

func TestRawCodecPassesBytesThrough(t *testing.T) {
	in := []byte("bench-1")
	wire, err := RawCodec{}.Marshal(&in)
	if err != nil || !bytes.Equal(wire, in) {
		t.Fatalf("marshal: %q %v", wire, err)
	}
	var out []byte
	if err := (RawCodec{}).Unmarshal(wire, &out); err != nil || string(out) != "bench-1" {
		t.Fatalf("unmarshal: %q %v", out, err)
	}
	if _, err := (RawCodec{}).Marshal("text"); err == nil {
		t.Fatal("a string message must be refused")
	}
}

func TestNanoTimeIsMonotonic(t *testing.T) {
	a := NanoTime()
	b := NanoTime()
	if a <= 0 || b < a {
		t.Fatalf("CLOCK_MONOTONIC went %d -> %d", a, b)
	}
}

func TestThreadsAndHeap(t *testing.T) {
	if Threads() < 1 {
		t.Fatal("no thread count from /proc/self/status")
	}
	if HeapAfterGC() == 0 {
		t.Fatal("no heap figure")
	}
}

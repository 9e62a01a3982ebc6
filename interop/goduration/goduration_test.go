package goduration

import (
	"os"
	"strings"
	"testing"
)

// TestCommittedTableIsGos fails when testdata/go-durations.tsv is no longer what this Go's time package says (a
// changed input list, or a Go release that changed ParseDuration): regenerate it with
// go run ./cmd/godurationtable > goduration/testdata/go-durations.tsv and rerun the Java GoDuration tests.
func TestCommittedTableIsGos(t *testing.T) {
	committed, err := os.ReadFile("testdata/go-durations.tsv")
	if err != nil {
		t.Fatal(err)
	}
	// The first line names the Go version that wrote it; the results must match whatever Go runs this test.
	skipVersion := func(s string) string { return s[strings.Index(s, "\n")+1:] }
	if want := skipVersion(Table()); skipVersion(string(committed)) != want {
		t.Fatalf("testdata/go-durations.tsv differs from time.ParseDuration/Duration.String of this Go; regenerate it:\n" +
			"  cd interop && go run ./cmd/godurationtable > goduration/testdata/go-durations.tsv")
	}
	t.Logf("%d parse and %d String results match", len(ParseInputs), len(StringInputs))
}

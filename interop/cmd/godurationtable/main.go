// Command godurationtable prints the table of Go's time.ParseDuration and Duration.String results that the Java
// GoDuration classes are tested against (see package goduration):
//
//	cd interop && go run ./cmd/godurationtable > goduration/testdata/go-durations.tsv
package main

import (
	"fmt"

	"github.com/grpcconsul/interop/goduration"
)

func main() {
	fmt.Print(goduration.Table())
}

package harness

import (
	"strings"
	"time"
)

// Call is one call a hello client reported ("ok [<instance>] <text>" or "failed <code> <description>").
type Call struct {
	At       time.Time
	Instance string // empty for a failed call
	Failure  string // the failure line, empty for a successful call
}

// Calls parses a hello client's output lines; other lines are ignored.
func Calls(lines []Line) []Call {
	var calls []Call
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l.Text, "ok ["):
			rest := strings.TrimPrefix(l.Text, "ok [")
			if end := strings.IndexByte(rest, ']'); end > 0 {
				calls = append(calls, Call{At: l.At, Instance: rest[:end]})
			}
		case strings.HasPrefix(l.Text, "failed "):
			calls = append(calls, Call{At: l.At, Failure: l.Text})
		}
	}
	return calls
}

// Since returns the calls reported at or after t.
func Since(calls []Call, t time.Time) []Call {
	for i, c := range calls {
		if !c.At.Before(t) {
			return calls[i:]
		}
	}
	return nil
}

// ByInstance counts successful calls per instance.
func ByInstance(calls []Call) map[string]int {
	counts := map[string]int{}
	for _, c := range calls {
		if c.Failure == "" {
			counts[c.Instance]++
		}
	}
	return counts
}

// Failures returns the failed calls.
func Failures(calls []Call) []Call {
	var failed []Call
	for _, c := range calls {
		if c.Failure != "" {
			failed = append(failed, c)
		}
	}
	return failed
}

// LastOf returns the last call answered by instance, and whether there was one.
func LastOf(calls []Call, instance string) (Call, bool) {
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Instance == instance {
			return calls[i], true
		}
	}
	return Call{}, false
}

// OkAfterLastOf counts the successful calls after instance last answered (all of them if it never did).
func OkAfterLastOf(calls []Call, instance string) int {
	n := 0
	for i := len(calls) - 1; i >= 0 && calls[i].Instance != instance; i-- {
		if calls[i].Failure == "" {
			n++
		}
	}
	return n
}

package harness

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// Agent is a dev agent started from its jar for one test.
type Agent struct {
	// Addr is host:port, what CONSUL_HTTP_ADDR takes.
	Addr string
	// URL is http://host:port or https://host:port.
	URL  string
	Proc *Proc
}

var listening = regexp.MustCompile(`listening on (https?)://([^ ]+)`)

// StartAgent starts `java -jar consul-devagent.jar -http-port 0` with the given extra flags on an OS-chosen port,
// and stops it when the test ends.
func StartAgent(t testing.TB, flags ...string) *Agent {
	t.Helper()
	argv := append([]string{JavaBin(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", DevAgentJar(t),
		"-http-port", "0"}, flags...)
	p := Start(t, "dev agent", nil, argv...)
	m := p.WaitLine(t, listening, 60*time.Second)
	return &Agent{Addr: strings.TrimSuffix(m[2], "/"), URL: m[1] + "://" + strings.TrimSuffix(m[2], "/"), Proc: p}
}

// Env is the environment that points Consul clients at the agent.
func (a *Agent) Env() []string {
	return []string{"CONSUL_HTTP_ADDR=" + a.Addr}
}

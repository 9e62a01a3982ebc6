// Package harness starts the processes of the interop tests (the dev agent jar, Java and Go hello servers and
// clients), collects their output line by line, and waits on conditions with deadlines instead of sleeping.
package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Line is one line a process printed on standard output, with the time it was read.
type Line struct {
	At   time.Time
	Text string
}

// Proc is a started process whose standard output is collected as lines.
type Proc struct {
	Name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	lines  []Line
	stderr bytes.Buffer
	exited chan struct{}
	err    error
}

// Start runs argv with the environment plus env, and stops it (SIGTERM, then SIGKILL) when the test ends. A failed
// test logs the process's standard error.
func Start(t testing.TB, name string, env []string, argv ...string) *Proc {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	p := &Proc{Name: name, cmd: cmd, exited: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: starting %q: %v", name, strings.Join(argv, " "), err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		s := bufio.NewScanner(stdout)
		s.Buffer(make([]byte, 64*1024), 1024*1024)
		for s.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, Line{At: time.Now(), Text: s.Text()})
			p.mu.Unlock()
		}
	}()
	go func() {
		defer readers.Done()
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			p.mu.Lock()
			if p.stderr.Len() < 256*1024 {
				p.stderr.WriteString(s.Text() + "\n")
			}
			p.mu.Unlock()
		}
	}()
	go func() {
		readers.Wait()
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.Stop(15 * time.Second)
		if t.Failed() {
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Logf("%s (pid %d) stderr:\n%s", name, cmd.Process.Pid, p.stderr.String())
		}
	})
	return p
}

// Lines returns a copy of the lines printed so far.
func (p *Proc) Lines() []Line {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Line(nil), p.lines...)
}

// Stderr returns what the process printed on standard error so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// WaitLine waits for a line matching re and returns its submatches.
func (p *Proc) WaitLine(t testing.TB, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	var m []string
	Eventually(t, timeout, fmt.Sprintf("%s prints a line matching %s", p.Name, re), func() bool {
		for _, l := range p.Lines() {
			if m = re.FindStringSubmatch(l.Text); m != nil {
				return true
			}
		}
		if p.Exited() {
			t.Fatalf("%s exited (%v) before printing a line matching %s; stdout:\n%s\nstderr:\n%s",
				p.Name, p.err, re, joinLines(p.Lines()), p.Stderr())
		}
		return false
	})
	return m
}

// Send writes one line to the process's standard input.
func (p *Proc) Send(t testing.TB, line string) {
	t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		t.Fatalf("%s: writing %q to stdin: %v", p.Name, line, err)
	}
}

// Signal sends sig to the process.
func (p *Proc) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("%s: %v: %v", p.Name, sig, err)
	}
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// WaitExit waits for the process to end and returns how it ended.
func (p *Proc) WaitExit(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case <-p.exited:
		return p.err
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %s; stderr:\n%s", p.Name, timeout, p.Stderr())
		return nil
	}
}

// Stop ends the process: SIGTERM, and SIGKILL if it is still running after grace.
func (p *Proc) Stop(grace time.Duration) {
	if p.Exited() {
		return
	}
	_ = p.stdin.Close()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Eventually polls cond every 25 ms until it holds, failing the test with what after timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if cond() {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("not within %s: %s", timeout, what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func joinLines(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

// ModuleRoot is the interop folder (the one holding go.mod).
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// DevAgentJar is the dev agent's jar: $INTEROP_DEVAGENT_JAR, else the one the Java build leaves.
func DevAgentJar(t testing.TB) string {
	t.Helper()
	return existing(t, os.Getenv("INTEROP_DEVAGENT_JAR"),
		filepath.Join(ModuleRoot(), "..", "consul-devagent", "target", "consul-devagent.jar"))
}

// JavaClasspath runs the Java servers and clients: $INTEROP_JAVA_CLASSPATH, else the examples' shaded jar and
// the interop module's classes that the Java build leaves.
func JavaClasspath(t testing.TB) string {
	t.Helper()
	if cp := os.Getenv("INTEROP_JAVA_CLASSPATH"); cp != "" {
		return cp
	}
	demo := existing(t, "", filepath.Join(ModuleRoot(), "..", "examples", "target", "hello-demo.jar"))
	classes := existing(t, "", filepath.Join(ModuleRoot(), "target", "classes"))
	return demo + string(os.PathListSeparator) + classes
}

func existing(t testing.TB, given, fallback string) string {
	t.Helper()
	path := given
	if path == "" {
		path = fallback
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s is missing: build the Java side first (from the project root: ./mvnw -B -q -DskipTests package)",
			path)
	}
	return path
}

// JavaBin is $JAVA_HOME/bin/java, else java from the PATH.
func JavaBin() string {
	if home := os.Getenv("JAVA_HOME"); home != "" {
		return filepath.Join(home, "bin", "java")
	}
	return "java"
}

// JavaCommand is the java command line for a main class of the Java side, tuned for a quick start.
func JavaCommand(t testing.TB, mainClass string, args ...string) []string {
	t.Helper()
	argv := []string{JavaBin(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
		"-cp", JavaClasspath(t), mainClass}
	return append(argv, args...)
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// GoBinary returns the path of a command of this module (e.g. "helloserver"), built once per test binary.
func GoBinary(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "interop-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", buildDir, "./cmd/...")
		cmd.Dir = ModuleRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/...: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, name)
}

// RemoveBinaries deletes what GoBinary built; call it from TestMain after the tests.
func RemoveBinaries() {
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

//go:build linux

// Package soak is curfew's reliability suite: a soak of many consecutive
// runs, a signal storm, a fork storm and an fd-leak check, each followed
// by a check that nothing of the runs is left (processes, temp dirs, cgroup
// leaves). It takes a minute or two, so it runs only when asked:
//
//	go test ./bench/soak -soak            (add -soak.runs=N for a shorter soak)
//
// The tests build curfew and the bench helper (bench/cmd/curfew-bench) and
// run them as a user would. Nothing here is timed: a time limit on a run is
// only there so that a hang fails the test instead of stalling it.
package soak

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

var (
	soak = flag.Bool("soak", false, "run the reliability suite (a minute or two)")
	runs = flag.Int("soak.runs", 1000, "consecutive runs in TestSoak")
)

// bin holds the binaries TestMain built: curfew and curfew-bench.
var bin struct{ curfew, helper string }

// hangLimit ends a run that should long be over, so a hang fails the test.
const hangLimit = 2 * time.Minute

func TestMain(m *testing.M) {
	flag.Parse()
	if !*soak {
		os.Exit(m.Run()) // every test skips
	}
	dir, err := os.MkdirTemp("", "curfew-soak-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.curfew, bin.helper = filepath.Join(dir, "curfew"), filepath.Join(dir, "curfew-bench")
	for out, pkg := range map[string]string{bin.curfew: "../..", bin.helper: "../cmd/curfew-bench"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "cannot build %s: %v\n%s", pkg, err, msg)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// suite is one test's view: a tag that every process of its runs carries
// on its command line, a private TMPDIR for curfew, and the pids of the
// curfews it started (their cgroup leaves are named after them).
type suite struct {
	t       *testing.T
	tag     string
	tmp     string
	curfews []int
}

func newSuite(t *testing.T) *suite {
	t.Helper()
	if !*soak {
		t.Skip("the reliability suite runs with -soak")
	}
	if !cgroupWritable() {
		t.Log("no writable cgroup2: only the subreaper container is exercised")
	}
	s := &suite{t: t, tag: fmt.Sprintf("soak%d%d", os.Getpid(), time.Now().UnixNano()%1e6), tmp: t.TempDir()}
	// Whatever happens, the runs' processes and leaves go: kill by tag.
	t.Cleanup(s.sweep)
	return s
}

// modes are the containers to exercise here.
func modes() []string {
	if cgroupWritable() {
		return []string{"cgroup", "subreaper"}
	}
	return []string{"subreaper"}
}

// run is one curfew under test.
type run struct {
	cmd    *exec.Cmd
	ready  *os.File
	stderr bytes.Buffer
}

// start starts curfew with args, the helper role and its flags after "--",
// a pipe on fd 3 for the helper's "ready" byte, and TMPDIR pointing into
// the suite's dir.
func (s *suite) start(curfewArgs []string, role string, roleArgs ...string) *run {
	s.t.Helper()
	return s.startWithStdin(nil, curfewArgs, role, roleArgs...)
}

// waitFor reads the helper's next byte on fd 3.
func (r *run) waitFor(t *testing.T, want byte) {
	t.Helper()
	_ = r.ready.SetReadDeadline(time.Now().Add(hangLimit))
	var one [1]byte
	if _, err := r.ready.Read(one[:]); err != nil || one[0] != want {
		t.Fatalf("waiting for %q from the command: got %q, %v; curfew said: %s", want, one[0], err, r.stderr.String())
	}
}

// wait waits for curfew and returns how it ended.
func (r *run) wait(t *testing.T) syscall.WaitStatus {
	t.Helper()
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(hangLimit):
			_ = r.cmd.Process.Kill()
		}
	}()
	_ = r.cmd.Wait()
	close(done)
	r.ready.Close()
	return r.cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// expectExit checks that curfew exited with code.
func (r *run) expectExit(t *testing.T, ws syscall.WaitStatus, code int, what string) {
	t.Helper()
	if !ws.Exited() || ws.ExitStatus() != code {
		t.Fatalf("%s: curfew ended with %v, want exit status %d; it said: %s", what, describe(ws), code, r.stderr.String())
	}
}

func describe(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return "signal " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(ws.ExitStatus())
}

// checkNothingLeft fails the test if a process of the suite's runs is
// alive, a temp dir or run mark is left in its TMPDIR, or a cgroup leaf of
// one of its curfews exists.
func (s *suite) checkNothingLeft() {
	s.t.Helper()
	if ps := s.tagged(); len(ps) > 0 {
		s.t.Errorf("%d processes of the runs are still alive: %v", len(ps), ps)
	}
	entries, _ := os.ReadDir(s.tmp)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "curfew-runs-") {
			s.t.Errorf("left in TMPDIR: %s", e.Name())
			continue
		}
		// The state dir of run marks may stay; a mark in it may not.
		marks, _ := os.ReadDir(filepath.Join(s.tmp, e.Name()))
		for _, m := range marks {
			s.t.Errorf("run mark left: %s/%s", e.Name(), m.Name())
		}
	}
	if leaves := s.leaves(); len(leaves) > 0 {
		s.t.Errorf("cgroup leaves left: %v", leaves)
	}
}

// tagged lists the live processes whose command line holds the tag.
func (s *suite) tagged() []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Contains(cmdline, []byte(s.tag)) || zombie(pid) {
			continue
		}
		out = append(out, fmt.Sprintf("%d %s", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	return out
}

func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X'
}

// leaves lists the cgroup leaves of the suite's curfews that still exist.
func (s *suite) leaves() []string {
	dir, err := cgroup2Dir()
	if err != nil {
		return nil
	}
	var out []string
	for _, pid := range s.curfews {
		found, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("curfew-%d-*", pid)))
		out = append(out, found...)
	}
	return out
}

// sweep kills what a failed test left behind and removes its leaves.
func (s *suite) sweep() {
	for round := 0; round < 20; round++ {
		ps := s.tagged()
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			pid, _ := strconv.Atoi(strings.Fields(p)[0])
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, leaf := range s.leaves() {
		_ = os.WriteFile(filepath.Join(leaf, "cgroup.kill"), []byte("1"), 0)
		for i := 0; i < 50 && unix.Rmdir(leaf) == unix.EBUSY; i++ {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestSoak runs -soak.runs consecutive runs that mix plain exits, timeouts
// (some commands ignoring SIGTERM), Ctrl+C and commands that leave an
// escaped daemon behind, in both containers, some with --tmpdir; then
// nothing of them may be left.
func TestSoak(t *testing.T) {
	s := newSuite(t)
	ms := modes()
	for i := 0; i < *runs; i++ {
		args := []string{"--quiet", "--container", ms[(i/4)%len(ms)]}
		if i%3 == 0 {
			args = append(args, "--tmpdir")
		}
		switch i % 4 {
		case 0: // the command exits by itself
			code := i % 7
			r := s.start(args, "exit", "-code", strconv.Itoa(code))
			r.expectExit(t, r.wait(t), code, fmt.Sprintf("run %d (exit %d)", i, code))
		case 1: // a timeout; half the commands need SIGKILL
			args = append(args, "-t", "20ms", "-k", "20ms")
			role := []string{}
			if i%8 == 1 {
				role = append(role, "-ignore-term")
			}
			r := s.start(args, "hang", role...)
			r.expectExit(t, r.wait(t), 124, fmt.Sprintf("run %d (timeout)", i))
		case 2: // Ctrl+C once the command runs: curfew dies of SIGINT
			r := s.start(args, "hang")
			r.waitFor(t, 'R')
			_ = r.cmd.Process.Signal(syscall.SIGINT)
			if ws := r.wait(t); !ws.Signaled() || ws.Signal() != syscall.SIGINT {
				t.Fatalf("run %d (interrupt): curfew ended with %v, want signal interrupt; it said: %s", i, describe(ws), r.stderr.String())
			}
		case 3: // the command exits 3 and leaves a daemon in its own session
			r := s.start(args, "daemon", "-code", "3")
			r.expectExit(t, r.wait(t), 3, fmt.Sprintf("run %d (daemon)", i))
		}
		if t.Failed() {
			return
		}
	}
	s.checkNothingLeft()
}

// TestNoFdLeak watches the fds of one long run while its command leaves
// hundreds of orphans for curfew to reap and curfew forwards hundreds of
// signals: the count must not grow.
func TestNoFdLeak(t *testing.T) {
	for _, mode := range modes() {
		t.Run(mode, func(t *testing.T) {
			s := newSuite(t)
			r := s.start([]string{"--quiet", "--container", mode}, "churn", "-n", "300")
			defer r.cmd.Process.Kill()
			r.waitFor(t, 'R')
			pid := r.cmd.Process.Pid
			before := fds(t, pid)
			for i := 0; i < 500; i++ {
				sig := syscall.SIGUSR1
				if i%2 == 1 {
					sig = syscall.SIGUSR2
				}
				_ = r.cmd.Process.Signal(sig)
			}
			r.waitFor(t, 'D')
			after := fds(t, pid)
			if len(after) != len(before) {
				t.Errorf("curfew had %d fds while the run started and %d after 300 orphans and 500 signals:\nbefore: %v\nafter:  %v",
					len(before), len(after), before, after)
			}
			_ = r.cmd.Process.Signal(syscall.SIGTERM)
			if ws := r.wait(t); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
				t.Errorf("curfew ended with %v, want signal terminated; it said: %s", describe(ws), r.stderr.String())
			}
			s.checkNothingLeft()
		})
	}
}

// fds lists what the open fds of pid point at.
func fds(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		target, _ := os.Readlink(filepath.Join(dir, e.Name()))
		out = append(out, e.Name()+"->"+target)
	}
	return out
}

// stormSignals are what TestSignalStorm sends: none is a stop signal, so
// curfew forwards each to the command (the same list as the helper's).
var stormSignals = []syscall.Signal{
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGALRM,
	syscall.SIGCONT, syscall.SIGPIPE, syscall.Signal(34 + 2), syscall.Signal(34 + 5),
}

// TestSignalStorm sends 1,000 mixed signals at a supervised run, then lets
// the command exit 7 by itself: curfew must survive, exit 7 and leave
// nothing.
func TestSignalStorm(t *testing.T) {
	for _, mode := range modes() {
		t.Run(mode, func(t *testing.T) {
			s := newSuite(t)
			var stdin *os.File
			r := func() *run {
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				stdin = pw
				defer pr.Close()
				return s.startWithStdin(pr, []string{"--quiet", "--container", mode}, "storm", "-code", "7")
			}()
			defer r.cmd.Process.Kill()
			r.waitFor(t, 'R')
			for i := 0; i < 1000; i++ {
				if err := r.cmd.Process.Signal(stormSignals[i%len(stormSignals)]); err != nil {
					t.Fatalf("signal %d: %v", i, err)
				}
			}
			stdin.Close()
			r.expectExit(t, r.wait(t), 7, "after the storm")
			t.Logf("%s", strings.TrimSpace(r.stderr.String()))
			s.checkNothingLeft()
		})
	}
}

// startWithStdin is start with stdin as the command's standard input.
func (s *suite) startWithStdin(stdin *os.File, curfewArgs []string, role string, roleArgs ...string) *run {
	s.t.Helper()
	argv := append(slices.Clone(curfewArgs), "--", bin.helper, role, "-tag", s.tag)
	argv = append(argv, roleArgs...)
	r := &run{cmd: exec.Command(bin.curfew, argv...)}
	r.cmd.Env = append(os.Environ(), "TMPDIR="+s.tmp)
	r.cmd.Stdin = stdin
	r.cmd.Stderr = &r.stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		s.t.Fatal(err)
	}
	r.cmd.ExtraFiles = []*os.File{pw}
	if err := r.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	pw.Close()
	r.ready = pr
	s.curfews = append(s.curfews, r.cmd.Process.Pid)
	return r
}

// TestForkStorm starts a bounded fork storm (10 shells starting 200 sleeps
// each, 2,010 processes) and a timeout that fires while it still forks:
// the timeout must end every one of them.
func TestForkStorm(t *testing.T) {
	for _, mode := range modes() {
		t.Run(mode, func(t *testing.T) {
			s := newSuite(t)
			// The sleeps' argument carries the tag too (sleep sums its
			// arguments, and a number is all it takes).
			arg := "3599." + strings.TrimPrefix(s.tag, "soak")
			s.tag = arg // every process of the storm has it in its command line
			r := s.start([]string{"--quiet", "--container", mode, "-t", "300ms", "-k", "100ms"}, "forks",
				"-shells", "10", "-each", "200", "-arg", arg)
			r.expectExit(t, r.wait(t), 124, "fork storm")
			s.checkNothingLeft()
		})
	}
}

// cgroupWritable reports whether curfew can make cgroup leaves here.
func cgroupWritable() bool {
	dir, err := cgroup2Dir()
	if err != nil {
		return false
	}
	return unix.Access(dir, unix.W_OK) == nil
}

// cgroup2Dir is the cgroup v2 directory this process runs in, where
// curfew makes its leaves.
func cgroup2Dir() (string, error) {
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	rel, found := "", false
	for _, line := range strings.Split(string(cg), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel, found = p, true
		}
	}
	if !found {
		return "", errors.New("no cgroup v2 membership")
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(mi), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok || !strings.HasPrefix(post, "cgroup2 ") {
			continue
		}
		if f := strings.Fields(pre); len(f) >= 5 && f[3] == "/" {
			return filepath.Join(f[4], rel), nil
		}
	}
	return "", errors.New("no cgroup2 mount")
}

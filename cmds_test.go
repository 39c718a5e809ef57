package main

// Custom testscript commands. Each stays small, validates its arguments
// with ts.Fatalf("usage: ..."), and polls with a bound.
//
//	waitfile [-lines N] FILE [TIMEOUT]   wait for FILE (with at least N lines)
//	pidsgone FILE...                     every pid listed is dead (! : one is alive)
//	pidsalive FILE...                    every pid listed is alive
//	emptydir DIR                         DIR exists and is empty (! : not empty)
//	goneinfile FILE                      no path listed in FILE exists any more
//	                                     (! : every one still exists)
//	nocgroupleft [FILE]                  no cgroup leaf of this script's curfew runs
//	                                     remains; with FILE, the cgroups listed are gone
//	exitcode STATUS PROG [ARG...]        run PROG, want STATUS (see matchStatus)
//	start NAME PROG [ARG...]             start PROG in the background as NAME
//	await NAME STATUS [TIMEOUT]          wait for NAME, want STATUS; sets stdout/stderr
//	signal SIG NAME                      send SIG to the background process NAME
//	signalstorm N SIG NAME               send SIG N times, as fast as possible
//	waitoutput NAME stdout|stderr REGEXP [TIMEOUT]
//	                                     wait until the output of NAME so far matches
//
// exitcode and start run programs themselves rather than through testscript's
// exec, so that a status can be a death by signal ("SIGINT"), a run that
// hangs fails after a bound instead of blocking the test, and stdout held
// open by a leftover process is reported instead of waited for.

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

const (
	// runBound bounds exitcode and the default of await: far longer than
	// any run in the scripts, short enough that a hang fails the test.
	runBound = 30 * time.Second
	// pipeBound is how long a pipe may stay open after the process exited.
	pipeBound = 2 * time.Second
	// teardownBound is how long a SIGKILLed process may take to die.
	teardownBound = 2 * time.Second
)

// procState is what unixProcessState says about a pid.
type procState int

const (
	procGone  procState = iota // no such process, or a zombie
	procAlive                  // running, stopped or sleeping
	procDying                  // SIGKILL is pending: the kernel is tearing it down
)

// Platform hooks, set by fixture_unix_test.go and fixture_windows_test.go.
var (
	processState func(pid int) (state procState, desc string)
	killProcess  func(pid int) error
	processExe   func(pid int) (string, error) // the executable pid runs
	underWine    func() bool                   // a windows binary running under Wine
	afterTests   func()                        // runs once the tests are over
)

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"waitfile":     cmdWaitfile,
	"pidsgone":     cmdPidsgone,
	"pidsalive":    cmdPidsalive,
	"emptydir":     cmdEmptydir,
	"goneinfile":   cmdGoneinfile,
	"nocgroupleft": cmdNocgroupleft,
	"exitcode":     cmdExitcode,
	"start":        cmdStart,
	"await":        cmdAwait,
	"signal":       cmdSignal,
	"signalstorm":  cmdSignalstorm,
	"waitoutput":   cmdWaitoutput,
}

func noNeg(ts *testscript.TestScript, neg bool, name string) {
	if neg {
		ts.Fatalf("unsupported: ! %s", name)
	}
}

func cmdWaitfile(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitfile")
	lines := 0
	if len(args) >= 2 && args[0] == "-lines" {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("usage: waitfile [-lines N] FILE [TIMEOUT]")
		}
		lines, args = n, args[2:]
	}
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: waitfile [-lines N] FILE [TIMEOUT]")
	}
	bound := 10 * time.Second
	if len(args) == 2 {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		bound = d
	}
	name := ts.MkAbs(args[0])
	deadline := time.Now().Add(bound)
	for {
		data, err := os.ReadFile(name)
		if err == nil && strings.Count(string(data), "\n") >= lines {
			return
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			ts.Fatalf("%v", err)
		}
		if time.Now().After(deadline) {
			if err != nil {
				ts.Fatalf("%s did not appear within %v", args[0], bound)
			}
			ts.Fatalf("%s has %d lines, not %d, after %v", args[0], strings.Count(string(data), "\n"), lines, bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readPids reads the pids listed in files, one per line. An empty list is
// an error: it would make pidsgone pass without checking anything.
func readPids(ts *testscript.TestScript, files []string) []int {
	var pids []int
	for _, file := range files {
		for _, field := range strings.Fields(ts.ReadFile(file)) {
			pid, err := strconv.Atoi(field)
			if err != nil || pid <= 1 {
				ts.Fatalf("%s: bad pid %q", file, field)
			}
			pids = append(pids, pid)
		}
	}
	if len(pids) == 0 {
		ts.Fatalf("no pids in %s", strings.Join(files, " "))
	}
	return pids
}

// livePids returns the pids that are alive, waiting up to teardownBound
// for the ones the kernel is still tearing down after a SIGKILL.
func livePids(ts *testscript.TestScript, pids []int) []string {
	if processState == nil {
		ts.Fatalf("checking processes is not supported on %s", runtime.GOOS)
	}
	deadline := time.Now().Add(teardownBound)
	for {
		var live []string
		dying := false
		for _, pid := range pids {
			switch state, desc := processState(pid); state {
			case procAlive:
				live = append(live, fmt.Sprintf("%d %s", pid, desc))
			case procDying:
				dying = true
				live = append(live, fmt.Sprintf("%d %s (dying)", pid, desc))
			}
		}
		if !dying || time.Now().After(deadline) {
			return live
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func cmdPidsgone(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: pidsgone FILE...")
	}
	pids := readPids(ts, args)
	live := livePids(ts, pids)
	switch {
	case neg && len(live) == 0:
		ts.Fatalf("all %d processes are gone", len(pids))
	case !neg && len(live) > 0:
		ts.Fatalf("%d of %d processes are still alive:\n\t%s", len(live), len(pids), strings.Join(live, "\n\t"))
	}
}

func cmdPidsalive(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "pidsalive")
	if len(args) < 1 {
		ts.Fatalf("usage: pidsalive FILE...")
	}
	pids := readPids(ts, args)
	if live := livePids(ts, pids); len(live) != len(pids) {
		ts.Fatalf("only %d of %d processes are alive:\n\t%s", len(live), len(pids), strings.Join(live, "\n\t"))
	}
}

func cmdEmptydir(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: emptydir DIR")
	}
	entries, err := os.ReadDir(ts.MkAbs(args[0]))
	ts.Check(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	switch {
	case neg && len(names) == 0:
		ts.Fatalf("%s is empty", args[0])
	case !neg && len(names) > 0:
		ts.Fatalf("%s is not empty: %s", args[0], strings.Join(names, " "))
	}
}

func cmdGoneinfile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: [!] goneinfile FILE")
	}
	paths := strings.Fields(ts.ReadFile(args[0]))
	if len(paths) == 0 {
		ts.Fatalf("no paths in %s", args[0])
	}
	for _, path := range paths {
		if !filepath.IsAbs(path) {
			ts.Fatalf("%s: path %q is not absolute", args[0], path)
		}
		_, err := os.Lstat(path)
		switch {
		case err == nil && !neg:
			ts.Fatalf("%s still exists", path)
		case errors.Is(err, os.ErrNotExist) && neg:
			ts.Fatalf("%s is gone", path)
		case err != nil && !errors.Is(err, os.ErrNotExist):
			ts.Fatalf("%v", err)
		}
	}
}

// cmdNocgroupleft checks that no cgroup of this script's curfew runs is
// left. Without FILE it looks for the leaves ("curfew-PID-*") of every
// process that exitcode and start ran in this script, below the cgroup of
// the test; leaves of other scripts running in parallel are not its
// business. With FILE (written by "fixture cgroup") it checks that the
// cgroups listed are gone, and that they were leaves of their own.
func cmdNocgroupleft(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "nocgroupleft")
	if len(args) > 1 {
		ts.Fatalf("usage: nocgroupleft [FILE]")
	}
	mount, own, err := cgroupDirs()
	if err != nil {
		ts.Fatalf("no cgroup2: %v", err)
	}
	if len(args) == 1 {
		paths := strings.Fields(ts.ReadFile(args[0]))
		if len(paths) == 0 {
			ts.Fatalf("no cgroups in %s", args[0])
		}
		for _, p := range paths {
			dir := filepath.Join(mount, p)
			if dir == own {
				ts.Fatalf("%s: %s is the test's own cgroup, not a leaf of the run", args[0], p)
			}
			if _, err := os.Stat(dir); err == nil {
				ts.Fatalf("cgroup %s is left", dir)
			}
		}
		return
	}
	state := stateOf(ts)
	state.mu.Lock()
	pids := append([]int(nil), state.ran...)
	state.mu.Unlock()
	if len(pids) == 0 {
		ts.Fatalf("nocgroupleft: no process was run with exitcode or start")
	}
	var left []string
	err = filepath.WalkDir(own, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() || path == own {
			return nil // a leaf removed while we walk is fine
		}
		for _, pid := range pids {
			if strings.HasPrefix(d.Name(), fmt.Sprintf("curfew-%d-", pid)) {
				left = append(left, path)
			}
		}
		return nil
	})
	ts.Check(err)
	if len(left) > 0 {
		ts.Fatalf("cgroups left: %s", strings.Join(left, " "))
	}
}

// removeLeaves removes the cgroup leaves ("curfew-PID-*") of the curfew
// runs with the given pids, killing what is left in them.
func removeLeaves(pids []int) {
	if runtime.GOOS != "linux" {
		return
	}
	_, own, err := cgroupDirs()
	if err != nil {
		return
	}
	for _, pid := range pids {
		leaves, _ := filepath.Glob(filepath.Join(own, fmt.Sprintf("curfew-%d-*", pid)))
		for _, leaf := range leaves {
			os.WriteFile(filepath.Join(leaf, "cgroup.kill"), []byte("1"), 0)
			for deadline := time.Now().Add(teardownBound); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if err := os.Remove(leaf); err == nil || errors.Is(err, os.ErrNotExist) {
					break
				}
			}
		}
	}
}

// cgroupDirs returns the cgroup2 mount point and the cgroup dir of this
// process, from /proc/self/mountinfo and the "0::" line of /proc/self/cgroup
// (hybrid layouts mount cgroup2 next to the v1 hierarchies).
func cgroupDirs() (mount, own string, err error) {
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", "", err
	}
	sc := bufio.NewScanner(strings.NewReader(string(info)))
	for sc.Scan() {
		// id parent maj:min root mountpoint options [optional...] - fstype source super
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields := strings.Fields(pre)
		if ok && len(fields) >= 5 && strings.HasPrefix(post, "cgroup2 ") {
			mount = fields[4]
			break
		}
	}
	if mount == "" {
		return "", "", errors.New("no cgroup2 mount in /proc/self/mountinfo")
	}
	path, err := ownCgroupPath()
	if err != nil {
		return "", "", err
	}
	return mount, filepath.Join(mount, path), nil
}

// ownCgroupPath returns the cgroup v2 path of this process, relative to the
// cgroup2 mount, from the "0::" line of /proc/self/cgroup.
func ownCgroupPath() (string, error) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if path, ok := strings.CutPrefix(line, "0::"); ok {
			return path, nil
		}
	}
	return "", errors.New("no cgroup v2 entry in /proc/self/cgroup")
}

// cgroupWritable says whether this process can make cgroups below its own,
// as curfew's cgroup container does; the reason when it cannot.
func cgroupWritable() (bool, string) {
	if runtime.GOOS != "linux" {
		return false, "cgroups are linux only"
	}
	_, own, err := cgroupDirs()
	if err != nil {
		return false, err.Error()
	}
	probe, err := os.MkdirTemp(own, "curfew-test-probe-")
	if err != nil {
		return false, fmt.Sprintf("cgroup %s is not writable: %v", own, err)
	}
	if err := os.Remove(probe); err != nil {
		return false, fmt.Sprintf("cannot remove probe cgroup: %v", err)
	}
	return true, ""
}

// scriptState is what the custom commands remember about one script.
type scriptState struct {
	mu  sync.Mutex
	bg  map[string]*proc
	ran []int // pids of every process that exitcode and start ran
}

var (
	statesMu sync.Mutex
	states   = map[*testscript.TestScript]*scriptState{}
)

// stateOf returns the state of ts, making it on first use. When the script
// ends, pass or fail, its background processes are killed, and the cgroup
// leaves that its curfew runs left (a curfew killed by a bound cannot clean
// up) are emptied and removed.
func stateOf(ts *testscript.TestScript) *scriptState {
	statesMu.Lock()
	defer statesMu.Unlock()
	s := states[ts]
	if s == nil {
		s = &scriptState{bg: map[string]*proc{}}
		states[ts] = s
		ts.Defer(func() {
			for _, p := range s.bg {
				p.cmd.Process.Kill()
				<-p.done
			}
			removeLeaves(s.ran)
			statesMu.Lock()
			delete(states, ts)
			statesMu.Unlock()
		})
	}
	return s
}

// proc is a process started by exitcode or start.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{} // closed when Wait returned
	err            error         // from Wait
}

// syncBuffer is an output buffer that waitoutput may read while the
// process still writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startProc starts args[0] (found in the script's $PATH) in the script's
// directory and environment, with stdin on the null device.
func startProc(ts *testscript.TestScript, args []string) *proc {
	path := args[0]
	if filepath.Base(path) == path {
		found, err := lookPath(path, ts.Getenv("PATH"))
		ts.Check(err)
		path = found
	}
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(path, args[1:]...)
	p.cmd.Dir = ts.MkAbs(".")
	p.cmd.Env = append(scriptEnv(ts), "PWD="+p.cmd.Dir)
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	p.cmd.WaitDelay = pipeBound
	ts.Check(p.cmd.Start())
	s := stateOf(ts)
	s.mu.Lock()
	s.ran = append(s.ran, p.cmd.Process.Pid)
	s.mu.Unlock()
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	return p
}

// finish waits for p up to bound, kills it after that, and reports its
// output as the stdout and stderr of the current command.
func finish(ts *testscript.TestScript, p *proc, want string, bound time.Duration) {
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		p.cmd.Process.Kill()
		<-p.done
		fmt.Fprint(ts.Stdout(), p.stdout.String())
		fmt.Fprint(ts.Stderr(), p.stderr.String())
		ts.Fatalf("%s did not exit within %v; killed it", filepath.Base(p.cmd.Path), bound)
	}
	fmt.Fprint(ts.Stdout(), p.stdout.String())
	fmt.Fprint(ts.Stderr(), p.stderr.String())
	if errors.Is(p.err, exec.ErrWaitDelay) {
		ts.Fatalf("%s exited, but its stdout or stderr was still open %v later (a leftover process holds it)",
			filepath.Base(p.cmd.Path), pipeBound)
	}
	var ee *exec.ExitError
	if p.err != nil && !errors.As(p.err, &ee) {
		ts.Fatalf("%v", p.err)
	}
	got := describeStatus(p.cmd.ProcessState)
	ts.Logf("[%s]", got)
	if !matchStatus(p.cmd.ProcessState, want) {
		ts.Fatalf("want status %s, got %s", want, got)
	}
}

// matchStatus says whether st matches want: alternatives separated by "|",
// each an exit status ("124") or a death by signal ("SIGINT"). A shell sees
// both "130" and "SIGINT" as 130; the scripts say which they accept.
func matchStatus(st *os.ProcessState, want string) bool {
	ws, _ := st.Sys().(syscall.WaitStatus)
	for _, alt := range strings.Split(want, "|") {
		if strings.HasPrefix(alt, "SIG") {
			sig, err := parseSignal(alt)
			if err == nil && ws.Signaled() && ws.Signal() == sig {
				return true
			}
			continue
		}
		if n, err := strconv.Atoi(alt); err == nil && st.Exited() && st.ExitCode() == n {
			return true
		}
	}
	return false
}

func describeStatus(st *os.ProcessState) string {
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by " + signalName(ws.Signal())
	}
	return fmt.Sprintf("exit status %d", st.ExitCode())
}

// checkStatusSpec fails on a status no process can have, such as a typo.
func checkStatusSpec(ts *testscript.TestScript, want string) {
	for _, alt := range strings.Split(want, "|") {
		if strings.HasPrefix(alt, "SIG") {
			if _, err := parseSignal(alt); err != nil {
				ts.Fatalf("bad status %q: %v", want, err)
			}
		} else if n, err := strconv.Atoi(alt); err != nil || n < 0 || n > 255 {
			ts.Fatalf("bad status %q: want a number 0-255 or a signal like SIGINT", want)
		}
	}
}

func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "exitcode")
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode STATUS PROG [ARG...]")
	}
	checkStatusSpec(ts, args[0])
	finish(ts, startProc(ts, args[1:]), args[0], runBound)
}

func cmdStart(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "start")
	if len(args) < 2 {
		ts.Fatalf("usage: start NAME PROG [ARG...]")
	}
	s := stateOf(ts)
	s.mu.Lock()
	_, dup := s.bg[args[0]]
	s.mu.Unlock()
	if dup {
		ts.Fatalf("duplicate background process name %q", args[0])
	}
	p := startProc(ts, args[1:])
	s.mu.Lock()
	s.bg[args[0]] = p
	s.mu.Unlock()
}

// background returns the process started as name.
func background(ts *testscript.TestScript, name string) *proc {
	s := stateOf(ts)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.bg[name]
	if p == nil {
		ts.Fatalf("unknown background process %q", name)
	}
	return p
}

func cmdAwait(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "await")
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: await NAME STATUS [TIMEOUT]")
	}
	checkStatusSpec(ts, args[1])
	bound := runBound
	if len(args) == 3 {
		d, err := time.ParseDuration(args[2])
		ts.Check(err)
		bound = d
	}
	p := background(ts, args[0])
	s := stateOf(ts)
	s.mu.Lock()
	delete(s.bg, args[0]) // finish waits or kills it: the deferred kill is not needed
	s.mu.Unlock()
	finish(ts, p, args[1], bound)
}

func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "signal")
	if len(args) != 2 {
		ts.Fatalf("usage: signal SIG NAME")
	}
	sig, err := parseSignal(args[0])
	ts.Check(err)
	p := background(ts, args[1])
	if err := p.cmd.Process.Signal(sig); err != nil {
		ts.Fatalf("cannot send %s to %s: %v", signalName(sig), args[1], err)
	}
}

func cmdSignalstorm(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "signalstorm")
	if len(args) != 3 {
		ts.Fatalf("usage: signalstorm N SIG NAME")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		ts.Fatalf("usage: signalstorm N SIG NAME")
	}
	sig, err := parseSignal(args[1])
	ts.Check(err)
	p := background(ts, args[2])
	for i := range n {
		if err := p.cmd.Process.Signal(sig); err != nil {
			ts.Fatalf("signal %d of %d: cannot send %s to %s: %v", i+1, n, signalName(sig), args[2], err)
		}
	}
}

func cmdWaitoutput(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "waitoutput")
	if len(args) < 3 || len(args) > 4 || (args[1] != "stdout" && args[1] != "stderr") {
		ts.Fatalf("usage: waitoutput NAME stdout|stderr REGEXP [TIMEOUT]")
	}
	re, err := regexp.Compile("(?m)" + args[2])
	ts.Check(err)
	bound := 10 * time.Second
	if len(args) == 4 {
		d, err := time.ParseDuration(args[3])
		ts.Check(err)
		bound = d
	}
	p := background(ts, args[0])
	out := &p.stdout
	if args[1] == "stderr" {
		out = &p.stderr
	}
	for deadline := time.Now().Add(bound); ; time.Sleep(10 * time.Millisecond) {
		if re.MatchString(out.String()) {
			return
		}
		if time.Now().After(deadline) {
			ts.Logf("[%s so far]\n%s", args[1], out.String())
			ts.Fatalf("no match for %#q in the %s of %s within %v", args[2], args[1], args[0], bound)
		}
	}
}

// scriptEnv returns the environment that testscript's exec would use,
// including what the script set with "env". testscript keeps it in an
// unexported field; go-internal is pinned in go.mod, and if the field ever
// moves we fall back to the variables known at setup, re-read through
// Getenv so that changes by "env" to those still count.
func scriptEnv(ts *testscript.TestScript) []string {
	v := reflect.ValueOf(ts).Elem().FieldByName("env")
	if v.IsValid() && v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String {
		env := make([]string, v.Len())
		for i := range env {
			env[i] = v.Index(i).String()
		}
		return env
	}
	var env []string
	for _, key := range fallbackEnvKeys {
		if value := ts.Getenv(key); value != "" {
			env = append(env, key+"="+value)
		}
	}
	return env
}

// fallbackEnvKeys are the variables scriptEnv passes on when it cannot read
// testscript's own list.
var fallbackEnvKeys = []string{
	"WORK", "PATH", "HOME", "TMPDIR", "GOTRACEBACK", "GOCOVERDIR", "GORACE",
	"CURFEW_TIMEOUT", "CURFEW_SIGNAL", "CURFEW_KILL_AFTER", "CURFEW_STOP",
	"CURFEW_CONTAINER", "CURFEW_TMPDIR", "NO_COLOR", "TERM", "LISTEN_FDS", "LISTEN_PID",
}

// lookPath finds an executable name in pathList.
func lookPath(name, pathList string) (string, error) {
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			continue
		}
		for _, cand := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".exe")} {
			info, err := os.Stat(cand)
			if err != nil || info.IsDir() {
				continue
			}
			if runtime.GOOS == "windows" || info.Mode()&0o111 != 0 {
				return cand, nil
			}
		}
	}
	return "", fmt.Errorf("%q not found in $PATH", name)
}

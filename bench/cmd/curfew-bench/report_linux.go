//go:build linux

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// tool is one wrapper under test: argv is what goes before the command.
type tool struct {
	name string
	argv []string
}

// bench is one run of the report: the binaries, the scale, and what must be
// cleaned up whatever happens.
type bench struct {
	curfew string
	self   string
	scale  float64
	tmp    string
	only   map[string]bool
	// variants are other curfew builds to time beside it (label=path), for
	// judging a change to start-up.
	variants []tool

	curfewPids []int // every curfew started, to find a leaf one of them left
}

func reportMain(args []string) int {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	curfew := fs.String("curfew", "", "the curfew binary to measure")
	scale := fs.Float64("scale", 1, "multiply every repetition count by this (0.1 for a smoke run)")
	only := fs.String("only", "", "comma-separated subset: startup,kill,forward,rss,reap")
	variants := fs.String("variants", "", "other curfew builds for the start-up and memory tables: LABEL=PATH,...")
	fs.Parse(args)
	if *curfew == "" {
		fmt.Fprintln(os.Stderr, "report: -curfew is required")
		return 2
	}
	b := &bench{scale: *scale, only: map[string]bool{}}
	var err error
	if b.curfew, err = filepath.Abs(*curfew); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	b.self, _ = os.Executable()
	for _, v := range strings.Split(*variants, ",") {
		if label, path, ok := strings.Cut(v, "="); ok {
			b.variants = append(b.variants, tool{"curfew variant: " + label, []string{path, "--"}})
		}
	}
	for _, s := range strings.Split(*only, ",") {
		if s != "" {
			b.only[s] = true
		}
	}
	// Everything the benchmarks start re-parents to us when its own parent
	// dies, so that we can count what a wrapper left behind and end it.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "report: cannot become a subreaper: %v\n", err)
		return 1
	}
	if b.tmp, err = os.MkdirTemp("", "curfew-bench-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Clean up on an interrupt too: the deferred cleanup below would not run.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-stop
		b.cleanup()
		fmt.Fprintf(os.Stderr, "report: stopped by %v; cleaned up\n", s)
		os.Exit(1)
	}()
	defer b.cleanup()

	fmt.Print(machine(b.curfew))
	steps := []struct {
		name string
		run  func() (string, error)
	}{
		{"startup", b.startup},
		{"kill", b.killLatency},
		{"forward", b.forwarding},
		{"rss", b.memory},
		{"reap", b.reaping},
	}
	failed := false
	for _, s := range steps {
		if len(b.only) > 0 && !b.only[s.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "report: measuring %s\n", s.name)
		table, err := s.run()
		b.killDescendants()
		if err != nil {
			fmt.Fprintf(os.Stderr, "report: %s: %v\n", s.name, err)
			fmt.Printf("\n%s: failed: %v\n", s.name, err)
			failed = true
			continue
		}
		fmt.Print("\n" + table)
	}
	if failed {
		return 1
	}
	return 0
}

// n scales a repetition count, never below 3.
func (b *bench) n(count int) int {
	return max(3, int(float64(count)*b.scale))
}

func (b *bench) curfewTool(mode string) tool {
	return tool{"curfew (" + mode + ")", []string{b.curfew, "--container", mode, "--"}}
}

// machine is the header: when and where the numbers were measured.
func machine(curfew string) string {
	var u unix.Utsname
	_ = unix.Uname(&u)
	cpu := "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	version := func(argv ...string) string {
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return "?"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	return fmt.Sprintf("Measured %s on %d CPUs (%s), Linux %s, %s.\n"+
		"Peers: %s; %s; %s; %s.\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpu,
		unix.ByteSliceToString(u.Release[:]), runtime.Version(),
		version("tini", "--version"), version("dumb-init", "--version"),
		"catatonit "+version("catatonit", "--version"), version("timeout", "--version"))
}

// ---- 1. start-up overhead -------------------------------------------------

// startup times "W -- true" against a bare "true", the tools taking turns
// in a shuffled order on every round so that drift hits them all alike.
func (b *bench) startup() (string, error) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		return "", err
	}
	tools := []tool{
		{"bare `true`", nil},
		b.curfewTool("cgroup"),
		b.curfewTool("subreaper"),
		{"tini -s", []string{"tini", "-s", "--"}},
		{"dumb-init", []string{"dumb-init"}},
		{"catatonit", []string{"catatonit", "--"}},
		{"timeout 1h", []string{"timeout", "1h"}},
		// The floor for a Go wrapper: the runtime's start-up and a fork.
		{"Go program that only waits (os/exec Run)", []string{b.self, "wait", "--"}},
	}
	tools = append(tools, b.variants...)
	for i := range tools {
		if tools[i].argv != nil {
			if tools[i].argv[0], err = exec.LookPath(tools[i].argv[0]); err != nil {
				return "", err
			}
		}
	}
	null := devNull()
	defer unix.Close(null)
	rounds := b.n(500)
	times := make([][]time.Duration, len(tools))
	order := make([]int, len(tools))
	for i := range order {
		order[i] = i
	}
	for r := 0; r < rounds+5; r++ {
		rand.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			argv := append(slices.Clone(tools[i].argv), truePath)
			start := time.Now()
			pid, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{
				Env: os.Environ(), Files: []uintptr{uintptr(null), uintptr(null), uintptr(null)}})
			if err != nil {
				return "", fmt.Errorf("%s: %w", tools[i].name, err)
			}
			var ws unix.WaitStatus
			if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
				return "", err
			}
			d := time.Since(start)
			if !ws.Exited() || ws.ExitStatus() != 0 {
				return "", fmt.Errorf("%s -- true: %v", tools[i].name, ws)
			}
			if strings.HasPrefix(tools[i].name, "curfew") {
				b.curfewPids = append(b.curfewPids, pid)
			}
			if r >= 5 { // the first rounds warm the page cache
				times[i] = append(times[i], d)
			}
		}
	}
	bare := median(times[0])
	var tini time.Duration
	for i, t := range tools {
		if t.name == "tini -s" {
			tini = median(times[i]) - bare
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "### 1. Start-up overhead: `W -- true` minus bare `true` (%d runs each, interleaved)\n\n", rounds)
	out.WriteString("| wrapper | median wall | p10–p90 | overhead (median − bare) | overhead vs tini |\n|---|---:|---:|---:|---:|\n")
	for i, t := range tools {
		m := median(times[i])
		ratio := "—"
		if i > 0 && tini > 0 {
			ratio = fmt.Sprintf("%.2f×", float64(m-bare)/float64(tini))
		}
		over := "—"
		if i > 0 {
			over = ms(m - bare)
		}
		fmt.Fprintf(&out, "| %s | %s | %s–%s | %s | %s |\n", t.name, ms(m),
			ms(percentile(times[i], 10)), ms(percentile(times[i], 90)), over, ratio)
	}
	return out.String(), nil
}

// ---- 2. kill latency -------------------------------------------------------

// killCase is one way of ending the 1,000-process tree.
type killCase struct {
	name    string
	argv    []string       // the wrapper, nil for the floor
	trigger syscall.Signal // what we send the wrapper; 0: a byte on the floor's stdin
	note    string
}

func (b *bench) killLatency() (string, error) {
	const size = 1000
	cases := []killCase{
		{"floor: kill(2)+wait4 by the parent", nil, 0, "the kernel's own cost"},
		{"curfew (cgroup)", []string{b.curfew, "--quiet", "--container", "cgroup", "-s", "KILL", "--"}, syscall.SIGTERM, "SIGTERM to curfew, plan = SIGKILL"},
		{"curfew (subreaper)", []string{b.curfew, "--quiet", "--container", "subreaper", "-s", "KILL", "--"}, syscall.SIGTERM, "SIGTERM to curfew, plan = SIGKILL"},
		{"tini -s -g", []string{"tini", "-s", "-g", "--"}, syscall.SIGTERM, "forwards TERM to the child's group"},
		{"dumb-init", []string{"dumb-init"}, syscall.SIGTERM, "forwards TERM to the child's session"},
		{"timeout -s KILL", []string{"timeout", "-s", "KILL", "1h"}, syscall.SIGALRM, "its timer's SIGALRM: KILL to its group"},
	}
	runs := b.n(7)
	times := make([][]time.Duration, len(cases))
	left := make([][]int, len(cases))
	for r := 0; r < runs; r++ {
		for i, c := range cases {
			d, alive, err := b.killOnce(c, size)
			b.killDescendants()
			if err != nil {
				return "", fmt.Errorf("%s: %w", c.name, err)
			}
			times[i] = append(times[i], d)
			left[i] = append(left[i], alive)
		}
	}
	floor := median(times[0])
	var out strings.Builder
	fmt.Fprintf(&out, "### 2. Kill latency: a tree of %d processes (¼ plain, ¼ setsid, ¼ ignoring TERM, ¼ both), %d runs each\n\n", size, runs)
	out.WriteString("From the moment the stop is triggered until the wrapper has exited (curfew exits only once its container is empty).\n\n")
	out.WriteString("| case | trigger | median | min–max | vs floor | left alive (median of runs) |\n|---|---|---:|---:|---:|---:|\n")
	for i, c := range cases {
		m := median(times[i])
		fmt.Fprintf(&out, "| %s | %s | %s | %s–%s | %.2f× | %d of %d |\n", c.name, c.note, ms(m),
			ms(slices.Min(times[i])), ms(slices.Max(times[i])), float64(m)/float64(floor), medianInt(left[i]), size)
	}
	return out.String(), nil
}

// killOnce builds the tree under the case's wrapper, triggers the stop,
// times it until the wrapper exits, and counts the tree's processes that
// are still alive. Whatever is left is ended by the caller.
func (b *bench) killOnce(c killCase, size int) (time.Duration, int, error) {
	pidsFile := filepath.Join(b.tmp, "tree.pids")
	os.Remove(pidsFile)
	argv := append(slices.Clone(c.argv), b.self, "tree", "-n", strconv.Itoa(size), "-pids", pidsFile)
	if c.argv == nil {
		argv = append(argv, "-floor")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, 0, err
	}
	ready, err := b.startReady(cmd)
	if err != nil {
		return 0, 0, err
	}
	if err := waitReady(ready, 'R', time.Minute); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, 0, fmt.Errorf("tree not ready: %v; stderr: %s", err, stderr.String())
	}
	ready.Close()
	tree, err := readTree(pidsFile)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, 0, err
	}
	start := time.Now()
	if c.trigger == 0 {
		_, err = stdin.Write([]byte{1})
	} else {
		err = cmd.Process.Signal(c.trigger)
	}
	if err != nil {
		return 0, 0, err
	}
	_ = cmd.Wait() // peers exit with the child's death as their status
	d := time.Since(start)
	stdin.Close()
	time.Sleep(200 * time.Millisecond) // let whatever was signalled finish dying
	alive := 0
	for pid, st := range tree {
		if p, ok := readStat(pid); ok && p.start == st {
			alive++
		}
	}
	return d, alive, nil
}

// startReady starts cmd with a pipe on its fd 3 and returns the read end.
func (b *bench) startReady(cmd *exec.Cmd) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, w)
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	if filepath.Base(cmd.Path) == "curfew" || cmd.Path == b.curfew {
		b.curfewPids = append(b.curfewPids, cmd.Process.Pid)
	}
	return r, nil
}

// waitReady reads one byte from r and checks it is want.
func waitReady(r *os.File, want byte, limit time.Duration) error {
	_ = r.SetReadDeadline(time.Now().Add(limit))
	var one [1]byte
	if _, err := r.Read(one[:]); err != nil {
		return err
	}
	if one[0] != want {
		return fmt.Errorf("got %q, want %q", one[0], want)
	}
	return nil
}

// readTree reads the tree's pids and their start times.
func readTree(path string) (map[int]uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tree := make(map[int]uint64)
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		if p, ok := readStat(pid); ok {
			tree[pid] = p.start
		}
	}
	return tree, nil
}

// ---- 3. signal forwarding --------------------------------------------------

// forwarding sends SIGUSR1 to each wrapper, one at a time, and times it
// until the trap behind the wrapper has answered on its pipe. The wrappers
// run side by side and take turns, so drift hits them alike.
func (b *bench) forwarding() (string, error) {
	tools := []tool{
		{"direct (no wrapper)", nil},
		b.curfewTool("cgroup"),
		b.curfewTool("subreaper"),
		{"tini -s", []string{"tini", "-s", "--"}},
		{"dumb-init", []string{"dumb-init"}},
		{"catatonit", []string{"catatonit", "--"}},
	}
	type running struct {
		cmd   *exec.Cmd
		ready *os.File
	}
	var rs []running
	defer func() {
		for _, r := range rs {
			_ = r.cmd.Process.Signal(syscall.SIGTERM)
			_ = r.cmd.Wait()
			r.ready.Close()
		}
	}()
	for _, t := range tools {
		argv := append(slices.Clone(t.argv), b.self, "trap")
		cmd := exec.Command(argv[0], argv[1:]...)
		ready, err := b.startReady(cmd)
		if err != nil {
			return "", fmt.Errorf("%s: %w", t.name, err)
		}
		rs = append(rs, running{cmd, ready})
		if err := waitReady(ready, 'R', 30*time.Second); err != nil {
			return "", fmt.Errorf("%s: trap not ready: %w", t.name, err)
		}
	}
	count := b.n(2000)
	times := make([][]time.Duration, len(tools))
	for n := 0; n < count+50; n++ {
		for i, r := range rs {
			start := time.Now()
			if err := r.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
				return "", err
			}
			if err := waitReady(r.ready, 'x', 10*time.Second); err != nil {
				return "", fmt.Errorf("%s: no answer: %w", tools[i].name, err)
			}
			if n >= 50 {
				times[i] = append(times[i], time.Since(start))
			}
		}
	}
	direct := median(times[0])
	var out strings.Builder
	fmt.Fprintf(&out, "### 3. Signal forwarding: SIGUSR1 to the wrapper until the command's handler has run (%d signals each)\n\n", count)
	out.WriteString("| wrapper | p50 | p99 | p50 added to direct |\n|---|---:|---:|---:|\n")
	for i, t := range tools {
		added := "—"
		if i > 0 {
			added = us(median(times[i]) - direct)
		}
		fmt.Fprintf(&out, "| %s | %s | %s | %s |\n", t.name, us(median(times[i])), us(percentile(times[i], 99)), added)
	}
	return out.String(), nil
}

// ---- 4. memory -------------------------------------------------------------

// memory reads the resident set of each wrapper while it supervises a
// sleeping command.
func (b *bench) memory() (string, error) {
	tools := []tool{
		b.curfewTool("cgroup"),
		b.curfewTool("subreaper"),
		{"Go program that only waits (os/exec Run)", []string{b.self, "wait", "--"}},
		{"tini -s", []string{"tini", "-s", "--"}},
		{"dumb-init", []string{"dumb-init"}},
		{"catatonit", []string{"catatonit", "--"}},
		{"timeout 1h", []string{"timeout", "1h"}},
	}
	tools = append(tools, b.variants...)
	runs := b.n(5)
	rss := make([][]int, len(tools))
	pss := make([][]int, len(tools))
	for r := 0; r < runs; r++ {
		for i, t := range tools {
			argv := append(slices.Clone(t.argv), "sleep", "3600")
			cmd := exec.Command(argv[0], argv[1:]...)
			if err := cmd.Start(); err != nil {
				return "", fmt.Errorf("%s: %w", t.name, err)
			}
			if strings.HasPrefix(t.name, "curfew") {
				b.curfewPids = append(b.curfewPids, cmd.Process.Pid)
			}
			time.Sleep(300 * time.Millisecond)
			kr, kp, err := memOf(cmd.Process.Pid)
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			if err != nil {
				return "", fmt.Errorf("%s: %w", t.name, err)
			}
			rss[i] = append(rss[i], kr)
			pss[i] = append(pss[i], kp)
		}
		b.killDescendants()
	}
	var out strings.Builder
	fmt.Fprintf(&out, "### 4. Memory of the wrapper while it supervises `sleep 3600` (median of %d starts)\n\n", runs)
	out.WriteString("| wrapper | RSS | PSS |\n|---|---:|---:|\n")
	for i, t := range tools {
		fmt.Fprintf(&out, "| %s | %s | %s |\n", t.name, kib(medianInt(rss[i])), kib(medianInt(pss[i])))
	}
	return out.String(), nil
}

// memOf reads VmRSS and Pss, in KiB.
func memOf(pid int) (rss, pss int, err error) {
	field := func(path, key string) (int, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, key); ok {
				return strconv.Atoi(strings.Fields(v)[0])
			}
		}
		return 0, fmt.Errorf("no %s in %s", key, path)
	}
	dir := "/proc/" + strconv.Itoa(pid)
	if rss, err = field(dir+"/status", "VmRSS:"); err != nil {
		return
	}
	pss, err = field(dir+"/smaps_rollup", "Pss:")
	return
}

// ---- 5. reaping as PID 1 ---------------------------------------------------

func (b *bench) reaping() (string, error) {
	if err := exec.Command("unshare", "--pid", "--fork", "--mount-proc", "true").Run(); err != nil {
		return "", fmt.Errorf("unshare --pid --fork --mount-proc does not work here: %v", err)
	}
	const orphans = 1000
	tools := []tool{
		{"floor: the parent reaps with wait4", nil},
		{"curfew (cgroup)", []string{b.curfew, "--container", "cgroup", "--"}},
		{"curfew (subreaper)", []string{b.curfew, "--container", "subreaper", "--"}},
		{"tini", []string{"tini", "--"}},
		{"dumb-init", []string{"dumb-init"}},
		{"catatonit", []string{"catatonit", "--"}},
	}
	runs := b.n(7)
	rates := make([][]float64, len(tools))
	for r := 0; r < runs; r++ {
		for i, t := range tools {
			argv := append([]string{"unshare", "--pid", "--fork", "--mount-proc"}, t.argv...)
			argv = append(argv, b.self, "reapgen", "-n", strconv.Itoa(orphans))
			if t.argv == nil {
				argv = append(argv, "-direct")
			}
			cmd := exec.Command(argv[0], argv[1:]...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			b.killDescendants()
			if err != nil {
				return "", fmt.Errorf("%s: %v: %s", t.name, err, stderr.String())
			}
			var n int
			var secs float64
			if _, err := fmt.Sscan(string(out), &n, &secs); err != nil || n != orphans {
				return "", fmt.Errorf("%s: unexpected output %q", t.name, out)
			}
			rates[i] = append(rates[i], float64(n)/secs)
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "### 5. Reaping as PID 1 (`unshare --pid --fork --mount-proc W -- ...`): %d orphans exit at once (median of %d runs)\n\n", orphans, runs)
	out.WriteString("| init | orphans reaped per second | min–max | vs tini |\n|---|---:|---:|---:|\n")
	var tini float64
	for i, t := range tools {
		if t.name == "tini" {
			tini = medianF(rates[i])
		}
	}
	for i, t := range tools {
		m := medianF(rates[i])
		fmt.Fprintf(&out, "| %s | %.0f | %.0f–%.0f | %.2f× |\n", t.name, m, slices.Min(rates[i]), slices.Max(rates[i]), m/tini)
	}
	return out.String(), nil
}

// ---- cleanup ---------------------------------------------------------------

// cleanup ends every process the bench started, removes the cgroup leaves
// a curfew of ours left (only if one was killed), and the temp dir.
func (b *bench) cleanup() {
	b.killDescendants()
	if dir, err := cgroup2Dir(); err == nil {
		for _, pid := range b.curfewPids {
			leaves, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("curfew-%d-*", pid)))
			for _, l := range leaves {
				_ = os.WriteFile(filepath.Join(l, "cgroup.kill"), []byte("1"), 0)
				for i := 0; i < 50 && unix.Rmdir(l) == unix.EBUSY; i++ {
					time.Sleep(20 * time.Millisecond)
				}
				fmt.Fprintf(os.Stderr, "report: removed a cgroup leaf curfew left: %s\n", l)
			}
		}
	}
	os.RemoveAll(b.tmp)
}

// killDescendants SIGKILLs every process below the bench (orphans of the
// runs re-parent to it, as it is a subreaper) and reaps them.
func (b *bench) killDescendants() {
	for round := 0; round < 10; round++ {
		ps := descendantsOf(os.Getpid())
		for _, p := range ps {
			_ = unix.Kill(p, unix.SIGKILL)
		}
		reapAll()
		if len(ps) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func reapAll() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
	}
}

type stat struct {
	pid, ppid int
	start     uint64
}

// readStat reads /proc/PID/stat; ok is false for a process that is gone or a
// zombie.
func readStat(pid int) (stat, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return stat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	start, _ := strconv.ParseUint(f[19], 10, 64)
	return stat{pid, ppid, start}, true
}

func descendantsOf(root int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if s, ok := readStat(pid); ok {
			children[s.ppid] = append(children[s.ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, children[p]...)
		queue = append(queue, children[p]...)
	}
	return out
}

// cgroup2Dir is the cgroup v2 directory this process runs in.
func cgroup2Dir() (string, error) {
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	rel := ""
	for _, line := range strings.Split(string(cg), "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel = p
		}
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
		f := strings.Fields(pre)
		if len(f) >= 5 && f[3] == "/" {
			return filepath.Join(f[4], rel), nil
		}
	}
	return "", errors.New("no cgroup2 mount")
}

// ---- statistics ------------------------------------------------------------

func sortedDur(d []time.Duration) []time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s
}

func median(d []time.Duration) time.Duration { return percentile(d, 50) }

// percentile is the nearest-rank percentile.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := sortedDur(d)
	if p == 50 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	i := (p*len(s) + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func medianInt(v []int) int {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/1e3) }
func kib(k int) string          { return fmt.Sprintf("%.2f MiB", float64(k)/1024) }

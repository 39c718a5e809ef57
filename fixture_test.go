package main

// fixture is a helper command for the testscripts: it hangs, traps signals,
// spawns process trees and daemons, and writes pid files, so that the
// scripts never need sh, sleep or coreutils and the same scripts can run on
// every platform. It is registered with testscript.Main in main_test.go, so a
// script runs it as "exec fixture ..." and curfew runs it as a command found
// in $PATH ("curfew -- fixture hang").
//
// Every file the fixture writes for a script to wait on is written
// atomically (temp file + rename), so waitfile never sees half a file.
//
// The unix-only subcommands and hooks live in fixture_unix_test.go and are
// registered from its init function; on other systems they are unknown
// subcommands.

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// fixtureUsage lists the subcommands; it is printed for an unknown one.
const fixtureUsage = `usage: fixture SUBCOMMAND [ARG...]
  args ARG...                 print the arguments as a Go %q list
  exit N                      exit with status N
  sleep DURATION              sleep, then exit 0
  hang                        sleep forever
  env NAME...                 print NAME=value (or "NAME unset") per line
  tempdir [-hang] [-ignore SIG] FILE
                              check TMPDIR/TMP/TEMP, print them, write TMPDIR to FILE
  raise SIG                   die of SIG (one a Go program dies of: INT, HUP, TERM, KILL)
  writeenv FILE NAME...       write the values of NAME... to FILE, one per line
  pid FILE                    write own pid to FILE, then hang
  trap SIG[,SIG...] [-ready FILE] [-exit N] [-count FILE] [-ignore]
                              print "fixture: caught SIGxxx" per caught signal
  tree -n N -pids FILE [-ignore SIG] [-setsid]
                              spawn N hanging descendants, write all pids, hang
  daemon -pids FILE [-ignore SIG]
                              double-fork a setsid daemon, exit 0 once it is up
  forkloop -pids FILE [-ready FILE] [-max N] [-life DUR] [-ignore SIG]
                              fork hanging children until killed
  hold-stdout [-pids FILE]    leave a descendant holding stdout, exit 0
  fds                         print the inherited fds above 2: "fds: 3 4"
  mktemp-tree [-outside FILE] [-record FILE] [DIR]
                              fill DIR (default $TMPDIR) with hostile contents
  writefile FILE CONTENT      write CONTENT to FILE
  cgroup FILE                 write own cgroup v2 path to FILE (linux)
  withfd N|none PROG [ARG...] exec PROG with fd N open on /dev/null and no other fd above 2 (unix)
  withsigign SIG PROG [ARG...]
                              exec PROG with SIG ignored (unix)
  ignored SIG...              print whether each signal is ignored (linux)
`

// fixtureCommands holds the subcommands; fixture_unix_test.go adds more.
var fixtureCommands = map[string]func(args []string) int{
	"args":        fixtureArgs,
	"exit":        fixtureExit,
	"raise":       fixtureRaise,
	"sleep":       fixtureSleep,
	"hang":        fixtureHang,
	"env":         fixtureEnv,
	"tempdir":     fixtureTempdir,
	"writeenv":    fixtureWriteenv,
	"pid":         fixturePid,
	"trap":        fixtureTrap,
	"tree":        fixtureTree,
	"node":        fixtureNode, // internal: one member of a tree
	"daemon":      fixtureDaemon,
	"daemon-mid":  fixtureDaemonMid, // internal: the intermediate of daemon
	"daemon-run":  fixtureDaemonRun, // internal: the daemon itself
	"forkloop":    fixtureForkloop,
	"node-hang":   fixtureNodeHang, // internal: a forkloop child
	"hold-stdout": fixtureHoldStdout,
	"holder":      fixtureHolder, // internal: the descendant of hold-stdout
	"mktemp-tree": fixtureMktempTree,
	"writefile":   fixtureWritefile,
}

// Platform hooks, set by fixture_unix_test.go and fixture_windows_test.go.
var (
	// setsid puts the calling process in a new session.
	setsid func() error
	// detach makes cmd start outside the console and process group of this
	// process, the Windows way of daemonizing (there is no setsid).
	detach func(cmd *exec.Cmd)
	// extraSignals adds the unix signal names to signalsByName.
	extraSignals map[string]os.Signal
)

// signalsByName maps a signal name without "SIG" to the signal; the unix
// names come from fixture_unix_test.go.
func signalsByName() map[string]os.Signal {
	m := map[string]os.Signal{"INT": os.Interrupt, "KILL": os.Kill}
	for k, v := range extraSignals {
		m[k] = v
	}
	return m
}

// parseSignal accepts "TERM", "SIGTERM", "term" and a number.
func parseSignal(s string) (os.Signal, error) {
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if sig, ok := signalsByName()[name]; ok {
		return sig, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return syscall.Signal(n), nil
	}
	return nil, fmt.Errorf("unknown signal %q", s)
}

// signalName returns "SIGTERM" for syscall.SIGTERM.
func signalName(sig os.Signal) string {
	for name, s := range signalsByName() {
		if s == sig {
			return "SIG" + name
		}
	}
	return sig.String()
}

func fixtureMain() {
	os.Exit(fixtureRun(os.Args[1:]))
}

func fixtureRun(args []string) int {
	if len(args) == 0 {
		os.Stderr.WriteString(fixtureUsage)
		return 2
	}
	cmd := fixtureCommands[args[0]]
	if cmd == nil {
		fmt.Fprintf(os.Stderr, "fixture: unknown subcommand %q\n%s", args[0], fixtureUsage)
		return 2
	}
	return cmd(args[1:])
}

// fail prints a fixture error and returns status 1, the status of a broken
// fixture (as opposed to 2, bad usage).
func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "fixture: "+format+"\n", args...)
	return 1
}

func usage(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "fixture: usage: "+format+"\n", args...)
	return 2
}

// newFlags returns a flag set that reports errors as a usage error.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("fixture "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

// hang sleeps until the process is killed. It does not use select{}: the
// runtime would call that a deadlock when no other goroutine exists.
func hang() int {
	for {
		time.Sleep(time.Hour)
	}
}

// writeAtomic writes data to a temp file next to name and renames it into
// place, so a reader sees either no file or the whole file.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".fixture-*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// selfCommand returns a command that runs this binary as "fixture ARG...".
// testscript dispatches on the base name of argv[0], and os.Executable is
// the copy of the test binary named "fixture" that testscript put in $PATH.
func selfCommand(args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Args[0] = "fixture"
	return cmd, nil
}

func fixtureArgs(args []string) int {
	if args == nil {
		args = []string{}
	}
	fmt.Printf("%q\n", args)
	return 0
}

func fixtureExit(args []string) int {
	if len(args) != 1 {
		return usage("exit N")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return usage("exit N: %v", err)
	}
	return n
}

// fixtureRaise makes this process die of SIG, as a crashing or killed
// command would.
func fixtureRaise(args []string) int {
	if len(args) != 1 {
		return usage("raise SIG")
	}
	sig, err := parseSignal(args[0])
	if err != nil {
		return usage("raise: %v", err)
	}
	signal.Reset(sig)
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		err = p.Signal(sig)
	}
	if err != nil {
		return fail("raise: %v", err)
	}
	time.Sleep(10 * time.Second) // delivery is asynchronous
	return fail("raise: still alive after %s", signalName(sig))
}

func fixtureSleep(args []string) int {
	if len(args) != 1 {
		return usage("sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return usage("sleep DURATION: %v", err)
	}
	time.Sleep(d)
	return 0
}

func fixtureHang(args []string) int {
	if len(args) != 0 {
		return usage("hang")
	}
	return hang()
}

func fixtureEnv(args []string) int {
	for _, name := range args {
		if v, ok := os.LookupEnv(name); ok {
			fmt.Printf("%s=%s\n", name, v)
		} else {
			fmt.Printf("%s unset\n", name)
		}
	}
	return 0
}

// fixtureTempdir reports on the private temp dir of --tmpdir: whether TMP
// and TEMP equal TMPDIR and the dir's permissions, and records its path in
// FILE so that goneinfile can check it was removed.
func fixtureTempdir(args []string) int {
	fs := newFlags("tempdir")
	hangAfter := fs.Bool("hang", false, "hang after writing FILE")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "ignore `SIG[,SIG...]`")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usage("tempdir [-hang] [-ignore SIG] FILE")
	}
	ignore.apply()
	args = fs.Args()
	dir := os.Getenv("TMPDIR")
	if dir == "" {
		return fail("TMPDIR is not set")
	}
	if tmp, temp := os.Getenv("TMP"), os.Getenv("TEMP"); tmp == dir && temp == dir {
		fmt.Println("tempdir: TMP and TEMP equal TMPDIR")
	} else {
		fmt.Printf("tempdir: TMPDIR=%q TMP=%q TEMP=%q\n", dir, tmp, temp)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Printf("tempdir: mode %v\n", info.Mode())
	if err := writeAtomic(args[0], []byte(dir+"\n")); err != nil {
		return fail("%v", err)
	}
	if *hangAfter {
		return hang()
	}
	return 0
}

func fixtureWriteenv(args []string) int {
	if len(args) < 1 {
		return usage("writeenv FILE NAME...")
	}
	var b strings.Builder
	for _, name := range args[1:] {
		b.WriteString(os.Getenv(name) + "\n")
	}
	if err := writeAtomic(args[0], []byte(b.String())); err != nil {
		return fail("%v", err)
	}
	return 0
}

func fixturePid(args []string) int {
	if len(args) != 1 {
		return usage("pid FILE")
	}
	if err := writeAtomic(args[0], fmt.Appendf(nil, "%d\n", os.Getpid())); err != nil {
		return fail("%v", err)
	}
	return hang()
}

func fixtureWritefile(args []string) int {
	if len(args) != 2 {
		return usage("writefile FILE CONTENT")
	}
	if err := writeAtomic(args[0], []byte(args[1])); err != nil {
		return fail("%v", err)
	}
	return 0
}

func fixtureTrap(args []string) int {
	if len(args) < 1 || strings.HasPrefix(args[0], "-") {
		return usage("trap SIG[,SIG...] [-ready FILE] [-exit N] [-count FILE] [-ignore]")
	}
	var sigs []os.Signal
	for _, name := range strings.Split(args[0], ",") {
		sig, err := parseSignal(name)
		if err != nil {
			return usage("trap: %v", err)
		}
		sigs = append(sigs, sig)
	}
	fs := newFlags("trap")
	ready := fs.String("ready", "", "write `FILE` once the handlers are installed")
	status := fs.Int("exit", 0, "exit with `N` after the first caught signal")
	count := fs.String("count", "", "append one line per caught signal to `FILE`")
	ignore := fs.Bool("ignore", false, "keep running after a caught signal")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 {
		return 2
	}

	// A generous buffer: a signal storm must be counted, not dropped here
	// (the kernel still merges a pending signal with itself).
	c := make(chan os.Signal, 1024)
	signal.Notify(c, sigs...)
	if *ready != "" {
		if err := writeAtomic(*ready, []byte("ready\n")); err != nil {
			return fail("%v", err)
		}
	}
	var lines []byte
	for sig := range c {
		name := signalName(sig)
		fmt.Printf("fixture: caught %s\n", name)
		if *count != "" {
			lines = append(lines, name+"\n"...)
			if err := writeAtomic(*count, lines); err != nil {
				return fail("%v", err)
			}
		}
		if !*ignore {
			return *status
		}
	}
	return 0
}

// ignoreFlag is a -ignore SIG[,SIG...] flag.
type ignoreFlag []os.Signal

func (f *ignoreFlag) String() string { return fmt.Sprint(*f) }

func (f *ignoreFlag) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		sig, err := parseSignal(name)
		if err != nil {
			return err
		}
		*f = append(*f, sig)
	}
	return nil
}

// args returns the flag again, for passing it on to a child.
func (f ignoreFlag) args() []string {
	if len(f) == 0 {
		return nil
	}
	var names []string
	for _, sig := range f {
		names = append(names, strings.TrimPrefix(signalName(sig), "SIG"))
	}
	return []string{"-ignore", strings.Join(names, ",")}
}

func (f ignoreFlag) apply() {
	if len(f) > 0 {
		signal.Ignore(f...)
	}
}

// startQuiet starts a fixture child with stdio on the null device, so that
// a leftover never holds the pipes of the test (hold-stdout does that on
// purpose), and reaps it in the background.
func startQuiet(args ...string) (*exec.Cmd, error) {
	cmd, err := selfCommand(args...)
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go cmd.Wait()
	return cmd, nil
}

// fixtureTree spawns N hanging descendants: children of this process and
// grandchildren under them. Each member writes its pid into FILE.d; once all
// are up, this process writes its own pid and theirs to FILE, one per line,
// and hangs.
func fixtureTree(args []string) int {
	fs := newFlags("tree")
	n := fs.Int("n", 4, "`number` of descendants")
	pids := fs.String("pids", "", "write all pids to `FILE` once they are up")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "descendants ignore `SIG[,SIG...]`")
	useSetsid := fs.Bool("setsid", false, "descendants call setsid")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *pids == "" || *n < 1 {
		return usage("tree -n N -pids FILE [-ignore SIG] [-setsid]")
	}
	if *useSetsid && setsid == nil {
		return fail("setsid is not supported on this system")
	}

	dir := *pids + ".d"
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fail("%v", err)
	}
	// Half the members are children, the other half their children.
	children := (*n + 1) / 2
	grandchildren := *n - children
	for i := range children {
		nodeArgs := []string{"node", "-dir", dir}
		if i < grandchildren {
			nodeArgs = append(nodeArgs, "-kids", "1")
		}
		nodeArgs = append(nodeArgs, ignore.args()...)
		if *useSetsid {
			nodeArgs = append(nodeArgs, "-setsid")
		}
		if _, err := startQuiet(nodeArgs...); err != nil {
			return fail("%v", err)
		}
	}
	members, err := waitPids(dir, *n, 20*time.Second)
	if err != nil {
		return fail("tree: %v", err)
	}
	all := append([]string{strconv.Itoa(os.Getpid())}, members...)
	if err := writeAtomic(*pids, []byte(strings.Join(all, "\n")+"\n")); err != nil {
		return fail("%v", err)
	}
	os.RemoveAll(dir)
	return hang()
}

// waitPids waits until dir holds n pid files and returns their names.
func waitPids(dir string, n int, bound time.Duration) ([]string, error) {
	deadline := time.Now().Add(bound)
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		var pids []string
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				pids = append(pids, e.Name())
			}
		}
		if len(pids) >= n {
			return pids, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("only %d of %d members came up in %v", len(pids), n, bound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixtureNode is one member of a tree: it applies its options, spawns its
// own children, announces itself in the tree's dir and hangs. It announces
// itself last so that the tree is complete when the count is reached.
func fixtureNode(args []string) int {
	fs := newFlags("node")
	dir := fs.String("dir", "", "announce the pid in `DIR`")
	kids := fs.Int("kids", 0, "`number` of children")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "ignore `SIG[,SIG...]`")
	useSetsid := fs.Bool("setsid", false, "call setsid")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *dir == "" {
		return usage("node -dir DIR [-kids N] [-ignore SIG] [-setsid]")
	}
	ignore.apply()
	if *useSetsid {
		if err := setsid(); err != nil {
			return fail("setsid: %v", err)
		}
	}
	for range *kids {
		kidArgs := append([]string{"node", "-dir", *dir}, ignore.args()...)
		if *useSetsid {
			kidArgs = append(kidArgs, "-setsid")
		}
		if _, err := startQuiet(kidArgs...); err != nil {
			return fail("%v", err)
		}
	}
	pid := strconv.Itoa(os.Getpid())
	if err := writeAtomic(filepath.Join(*dir, pid), nil); err != nil {
		return fail("%v", err)
	}
	return hang()
}

// fixtureDaemon daemonizes the classic way: a child calls setsid and starts
// the daemon, then exits, so the daemon is orphaned in its own session. On
// Windows the child starts the daemon detached from the console, in a
// process group of its own.
// This process exits 0 as soon as the daemon has written its pid.
func fixtureDaemon(args []string) int {
	fs := newFlags("daemon")
	pids := fs.String("pids", "", "the daemon writes its pid to `FILE`")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "the daemon ignores `SIG[,SIG...]`")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *pids == "" {
		return usage("daemon -pids FILE [-ignore SIG]")
	}
	if setsid == nil && detach == nil {
		return fail("daemonizing is not supported on this system")
	}
	mid, err := selfCommand(append([]string{"daemon-mid", "-pids", *pids}, ignore.args()...)...)
	if err != nil {
		return fail("%v", err)
	}
	if err := mid.Run(); err != nil {
		return fail("daemon intermediate: %v", err)
	}
	if err := waitExists(*pids, 20*time.Second); err != nil {
		return fail("daemon: %v", err)
	}
	return 0
}

func fixtureDaemonMid(args []string) int {
	if setsid != nil {
		if err := setsid(); err != nil {
			return fail("setsid: %v", err)
		}
	}
	cmd, err := selfCommand(append([]string{"daemon-run"}, args...)...)
	if err != nil {
		return fail("%v", err)
	}
	if detach != nil {
		detach(cmd)
	}
	if err := cmd.Start(); err != nil {
		return fail("%v", err)
	}
	return 0 // orphan the daemon
}

func fixtureDaemonRun(args []string) int {
	fs := newFlags("daemon-run")
	pids := fs.String("pids", "", "write the pid to `FILE`")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "ignore `SIG[,SIG...]`")
	if err := fs.Parse(args); err != nil || *pids == "" {
		return 2
	}
	ignore.apply()
	if err := writeAtomic(*pids, fmt.Appendf(nil, "%d\n", os.Getpid())); err != nil {
		return fail("%v", err)
	}
	return hang()
}

// waitExists polls for name to exist.
func waitExists(name string, bound time.Duration) error {
	deadline := time.Now().Add(bound)
	for {
		if _, err := os.Stat(name); err == nil {
			return nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not appear in %v", name, bound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fixtureForkloop starts hanging children as fast as it can, keeping at
// most -max alive, until it is killed. It appends each child's pid to the
// pids file (one write per line, so no reader sees half a line) and writes
// the -ready file once -max children are alive.
func fixtureForkloop(args []string) int {
	fs := newFlags("forkloop")
	pids := fs.String("pids", "", "append the children's pids to `FILE`")
	ready := fs.String("ready", "", "write `FILE` once max children are alive")
	maxAlive := fs.Int("max", 50, "keep at most `N` children alive")
	life := fs.Duration("life", 0, "children exit after `DURATION` (0: they hang), so the loop keeps forking")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "this process and the children ignore `SIG[,SIG...]`")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *pids == "" || *maxAlive < 1 {
		return usage("forkloop -pids FILE [-ready FILE] [-max N] [-life DUR] [-ignore SIG]")
	}
	ignore.apply()
	f, err := os.OpenFile(*pids, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return fail("%v", err)
	}
	if _, err := fmt.Fprintf(f, "%d\n", os.Getpid()); err != nil {
		return fail("%v", err)
	}

	slots := make(chan struct{}, *maxAlive)
	var once sync.Once
	for spawned := 0; ; spawned++ {
		slots <- struct{}{}
		cmd, err := selfCommand(append([]string{"node-hang", "-life", life.String()}, ignore.args()...)...)
		if err != nil {
			return fail("%v", err)
		}
		if err := cmd.Start(); err != nil {
			// Out of processes or memory: back off, keep trying.
			<-slots
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if _, err := fmt.Fprintf(f, "%d\n", cmd.Process.Pid); err != nil {
			return fail("%v", err)
		}
		go func() {
			cmd.Wait()
			<-slots
		}()
		if spawned+1 >= *maxAlive && *ready != "" {
			once.Do(func() {
				if err := writeAtomic(*ready, []byte("ready\n")); err != nil {
					fmt.Fprintf(os.Stderr, "fixture: %v\n", err)
				}
			})
		}
	}
}

// fixtureNodeHang is a forkloop child: it ignores what it is told to, then
// hangs.
func fixtureNodeHang(args []string) int {
	fs := newFlags("node-hang")
	var ignore ignoreFlag
	fs.Var(&ignore, "ignore", "ignore `SIG[,SIG...]`")
	life := fs.Duration("life", 0, "exit after `DURATION` (0: hang)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ignore.apply()
	if *life > 0 {
		time.Sleep(*life)
		return 0
	}
	return hang()
}

// fixtureHoldStdout leaves a descendant that holds stdout open and hangs,
// like "cmd &" in a shell script, then exits 0 once the holder is up.
func fixtureHoldStdout(args []string) int {
	fs := newFlags("hold-stdout")
	pids := fs.String("pids", "", "the holder writes its pid to `FILE`")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return usage("hold-stdout [-pids FILE]")
	}
	ready := *pids
	if ready == "" {
		f, err := os.CreateTemp("", "fixture-holder-*")
		if err != nil {
			return fail("%v", err)
		}
		f.Close()
		os.Remove(f.Name())
		ready = f.Name()
		defer os.Remove(ready)
	}
	cmd, err := selfCommand("holder", ready)
	if err != nil {
		return fail("%v", err)
	}
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		return fail("%v", err)
	}
	if err := waitExists(ready, 20*time.Second); err != nil {
		return fail("hold-stdout: %v", err)
	}
	fmt.Println("fixture: main exits, holder keeps stdout")
	return 0
}

func fixtureHolder(args []string) int {
	if len(args) != 1 {
		return usage("holder FILE")
	}
	if err := writeAtomic(args[0], fmt.Appendf(nil, "%d\n", os.Getpid())); err != nil {
		return fail("%v", err)
	}
	return hang()
}

// fixtureMktempTree fills DIR with what a careless command leaves in a temp
// dir: read-only and unreadable directories, an unreadable file, symlinks
// out of DIR (to a file and to a directory) and a symlink loop. Removing DIR
// must cope with all of it and must not touch the outside targets.
func fixtureMktempTree(args []string) int {
	fs := newFlags("mktemp-tree")
	outside := fs.String("outside", "", "link to `FILE` (and its directory) from inside DIR")
	record := fs.String("record", "", "write the path of DIR to `FILE`")
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		return usage("mktemp-tree [-outside FILE] [-record FILE] [DIR]")
	}
	dir := fs.Arg(0)
	if dir == "" {
		dir = os.TempDir()
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return fail("%v", err)
	}
	steps := []func() error{
		func() error { return os.MkdirAll(filepath.Join(dir, "ro", "locked"), 0o777) },
		func() error { return os.WriteFile(filepath.Join(dir, "ro", "file"), []byte("x"), 0o444) },
		func() error { return os.WriteFile(filepath.Join(dir, "ro", "locked", "file"), []byte("x"), 0o666) },
		func() error { return os.MkdirAll(filepath.Join(dir, "deep", "a", "b", "c"), 0o777) },
		func() error {
			return os.WriteFile(filepath.Join(dir, "deep", "a", "b", "c", "file"), []byte("x"), 0o666)
		},
		func() error { return os.WriteFile(filepath.Join(dir, "noperm"), []byte("x"), 0o000) },
		func() error { return os.Symlink("loop-b", filepath.Join(dir, "loop-a")) },
		func() error { return os.Symlink("loop-a", filepath.Join(dir, "loop-b")) },
		func() error { return os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "dangling")) },
	}
	if *outside != "" {
		abs, err := filepath.Abs(*outside)
		if err != nil {
			return fail("%v", err)
		}
		steps = append(steps,
			func() error { return os.Symlink(abs, filepath.Join(dir, "link-out")) },
			func() error { return os.Symlink(filepath.Dir(abs), filepath.Join(dir, "link-outdir")) },
			func() error { return os.Symlink(abs, filepath.Join(dir, "ro", "link-out")) },
		)
	}
	// Permissions last, innermost first, or the later steps could not write.
	steps = append(steps,
		func() error { return os.Chmod(filepath.Join(dir, "ro", "locked"), 0o000) },
		func() error { return os.Chmod(filepath.Join(dir, "ro"), 0o500) },
		func() error { return os.Chmod(filepath.Join(dir, "deep", "a", "b"), 0o000) },
		func() error { return os.Chmod(filepath.Join(dir, "deep", "a"), 0o500) },
	)
	for _, step := range steps {
		if err := step(); err != nil {
			return fail("mktemp-tree: %v", err)
		}
	}
	if *record != "" {
		if err := writeAtomic(*record, []byte(dir+"\n")); err != nil {
			return fail("%v", err)
		}
	}
	return 0
}

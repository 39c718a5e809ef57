//go:build linux

package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The helper roles. Every role accepts -tag, which does nothing: it puts a
// token in the process's command line so that a test can find every process
// of its runs in /proc afterwards.

// readyFD is fd 3 when the caller passed one (a pipe back to the bench or
// the test), made close-on-exec so that the role's own children never hold
// it. nil when fd 3 is not open.
func readyFD() *os.File {
	if _, err := unix.FcntlInt(3, unix.F_GETFD, 0); err != nil {
		return nil
	}
	unix.CloseOnExec(3)
	return os.NewFile(3, "ready")
}

// say writes one byte to the ready pipe, if there is one.
func say(f *os.File, b byte) {
	if f != nil {
		_, _ = f.Write([]byte{b})
	}
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	fs.String("tag", "", "a token for the command line; unused")
	return fs
}

// devNull is /dev/null opened read-write, for the standard streams of the
// processes the helpers start.
func devNull() int {
	fd, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		panic(err)
	}
	return fd
}

// forkExec starts argv with the given stdin (the other streams on
// /dev/null) and returns its pid.
func forkExec(argv []string, stdin, null int, sys *syscall.SysProcAttr) (int, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, err
	}
	return syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{uintptr(stdin), uintptr(null), uintptr(null)},
		Sys:   sys,
	})
}

// treeMain is the process tree of the kill-latency benchmark: itself and
// n-1 sleeping children, a quarter each plain, in their own session
// (setsid), ignoring SIGTERM, and both. It writes every pid to -pids, then
// says "R" on fd 3. With -floor it then waits for a byte on stdin and kills
// and reaps the children itself: the kernel's floor for the same work.
func treeMain(args []string) int {
	fs := newFlags("tree")
	n := fs.Int("n", 1000, "processes in the tree, this one included")
	pidsFile := fs.String("pids", "", "write the pids here")
	floor := fs.Bool("floor", false, "on a byte on stdin, SIGKILL and reap the tree directly")
	fs.Parse(args)
	ready := readyFD()
	null := devNull()
	pids := []int{os.Getpid()}
	for i := 1; i < *n; i++ {
		sys := &syscall.SysProcAttr{Setsid: i%4 == 1 || i%4 == 3}
		ignore := i%4 == 2 || i%4 == 3
		if ignore {
			// SIG_IGN survives exec; a caught signal does not.
			signal.Ignore(syscall.SIGTERM)
		}
		pid, err := forkExec([]string{"sleep", "3600"}, null, null, sys)
		if ignore {
			// Reset would leave SIGTERM ignored (the runtime restores only
			// what it installed at start); Notify puts the Go handler
			// back, and Stop keeps it, with SIGTERM's default: exit.
			restore := make(chan os.Signal, 1)
			signal.Notify(restore, syscall.SIGTERM)
			signal.Stop(restore)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "tree: %v\n", err)
			killAll(pids[1:])
			return 1
		}
		pids = append(pids, pid)
	}
	var b strings.Builder
	for _, p := range pids {
		fmt.Fprintln(&b, p)
	}
	if err := os.WriteFile(*pidsFile, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "tree: %v\n", err)
		killAll(pids[1:])
		return 1
	}
	say(ready, 'R')
	if !*floor {
		for {
			time.Sleep(time.Hour)
		}
	}
	var one [1]byte
	_, _ = os.Stdin.Read(one[:])
	killAll(pids[1:])
	for left := len(pids) - 1; left > 0; {
		var ws unix.WaitStatus
		_, err := unix.Wait4(-1, &ws, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			break
		}
		left--
	}
	return 0
}

func killAll(pids []int) {
	for _, p := range pids {
		_ = unix.Kill(p, unix.SIGKILL)
	}
}

// trapMain answers every SIGUSR1 with one byte on fd 3, after saying "R"
// there once its handler is in place: the command of the forwarding
// benchmark. SIGTERM ends it.
func trapMain(args []string) int {
	newFlags("trap").Parse(args)
	ready := readyFD()
	c := make(chan os.Signal, 64)
	signal.Notify(c, syscall.SIGUSR1)
	say(ready, 'R')
	for range c {
		say(ready, 'x')
	}
	return 0
}

// waitMain is a Go program that does nothing but start a command and wait
// for it: the memory baseline for a wrapper written in Go.
func waitMain(args []string) int {
	fs := newFlags("wait")
	fs.Parse(args)
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return 1
	}
	return 0
}

// spawnMain starts -n copies of the command after "--" and exits without
// waiting for them, so they become orphans. -stdin3 gives them fd 3 as
// their stdin; -print writes their pids on stdout.
func spawnMain(args []string) int {
	fs := newFlags("spawn")
	n := fs.Int("n", 1, "copies to start")
	setsid := fs.Bool("setsid", false, "start each in its own session")
	stdin3 := fs.Bool("stdin3", false, "fd 3 is the copies' stdin")
	print := fs.Bool("print", false, "print the pids")
	fs.Parse(args)
	null := devNull()
	stdin := null
	if *stdin3 {
		stdin = 3
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; i < *n; i++ {
		pid, err := forkExec(fs.Args(), stdin, null, &syscall.SysProcAttr{Setsid: *setsid})
		if err != nil {
			fmt.Fprintf(os.Stderr, "spawn: %v\n", err)
			return 1
		}
		if *print {
			fmt.Fprintln(w, pid)
		}
	}
	w.Flush()
	return 0
}

// reapgenMain measures how fast the init of its PID namespace reaps
// orphans: a short-lived child starts -n cats reading one pipe and exits,
// so the cats re-parent to PID 1; then the pipe is closed, every cat exits
// at once, and reapgen polls until each pid is gone (reaped). It prints
// "N SECONDS". With -direct it starts the cats itself and reaps them with
// wait4: the floor.
func reapgenMain(args []string) int {
	fs := newFlags("reapgen")
	n := fs.Int("n", 1000, "orphans")
	direct := fs.Bool("direct", false, "be the parent and reap them directly")
	fs.Parse(args)
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var pids []int
	if *direct {
		null := devNull()
		for i := 0; i < *n; i++ {
			pid, err := forkExec([]string{"cat"}, int(r.Fd()), null, nil)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			pids = append(pids, pid)
		}
	} else {
		self, _ := os.Executable()
		cmd := exec.Command(self, "spawn", "-n", strconv.Itoa(*n), "-stdin3", "-print", "--", "cat")
		cmd.ExtraFiles = []*os.File{r}
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "reapgen: spawn: %v\n", err)
			return 1
		}
		for _, f := range strings.Fields(string(out)) {
			p, _ := strconv.Atoi(f)
			pids = append(pids, p)
		}
	}
	r.Close()
	time.Sleep(50 * time.Millisecond) // let every cat reach its read
	start := time.Now()
	w.Close()
	if *direct {
		for left := len(pids); left > 0; {
			var ws unix.WaitStatus
			if _, err := unix.Wait4(-1, &ws, 0, nil); err == unix.EINTR {
				continue
			} else if err != nil {
				break
			}
			left--
		}
	} else {
		// kill(pid, 0) succeeds for a zombie and fails with ESRCH once its
		// parent (PID 1) has reaped it.
		left := pids
		for len(left) > 0 {
			next := left[:0]
			for _, p := range left {
				if unix.Kill(p, 0) != unix.ESRCH {
					next = append(next, p)
				}
			}
			left = next
			if len(left) > 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}
	fmt.Printf("%d %.6f\n", len(pids), time.Since(start).Seconds())
	return 0
}

// hangMain says "R" on fd 3 and sleeps until a signal ends it; with
// -ignore-term only SIGKILL (or another signal) does.
func hangMain(args []string) int {
	fs := newFlags("hang")
	ignoreTerm := fs.Bool("ignore-term", false, "ignore SIGTERM")
	fs.Parse(args)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	}
	say(readyFD(), 'R')
	for {
		time.Sleep(time.Hour)
	}
}

// exitMain exits with -code.
func exitMain(args []string) int {
	fs := newFlags("exit")
	code := fs.Int("code", 0, "exit status")
	fs.Parse(args)
	return *code
}

// daemonMain starts "hang" in its own session (an escaped daemon, which
// GNU timeout would leave behind), waits until it runs, and exits -code.
func daemonMain(args []string) int {
	fs := newFlags("daemon")
	code := fs.Int("code", 0, "exit status")
	tag := fs.Lookup("tag")
	fs.Parse(args)
	ready := readyFD()
	self, _ := os.Executable()
	r, w, err := os.Pipe()
	if err != nil {
		return 1
	}
	cmd := exec.Command(self, "hang", "-tag", tag.Value.String())
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w.Close()
	var one [1]byte
	_, _ = r.Read(one[:])
	say(ready, 'R')
	return *code
}

// churnMain keeps curfew busy for the fd-leak check: it counts USR1 and
// USR2, says "R" on fd 3, then -n times starts a child that leaves an
// orphan behind (which curfew, as subreaper, reaps), says "D", and sleeps
// until a signal ends it.
func churnMain(args []string) int {
	fs := newFlags("churn")
	n := fs.Int("n", 200, "orphans to leave behind")
	tag := fs.Lookup("tag")
	fs.Parse(args)
	ready := readyFD()
	c := make(chan os.Signal, 64)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2)
	go func() {
		for range c {
		}
	}()
	say(ready, 'R')
	self, _ := os.Executable()
	for i := 0; i < *n; i++ {
		cmd := exec.Command(self, "spawn", "-tag", tag.Value.String(), "--", self, "exit", "-tag", tag.Value.String())
		// Its own process group: curfew forwards USR1 and USR2 to ours,
		// and they would kill a child before it could catch them.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	say(ready, 'D')
	for {
		time.Sleep(time.Hour)
	}
}

// stormSignals are the signals "storm" catches and the signal storm sends:
// none of them is a stop signal, so curfew forwards each.
var stormSignals = []syscall.Signal{
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGALRM,
	syscall.SIGCONT, syscall.SIGPIPE, syscall.Signal(34 + 2), syscall.Signal(34 + 5), // SIGRTMIN+2, +5 (glibc's SIGRTMIN is 34),
}

// stormMain catches the storm's signals, says "R" on fd 3, reads stdin to
// its end and exits -code, reporting on stderr how many signals it saw.
func stormMain(args []string) int {
	fs := newFlags("storm")
	code := fs.Int("code", 0, "exit status")
	fs.Parse(args)
	c := make(chan os.Signal, 4096)
	sigs := make([]os.Signal, len(stormSignals))
	for i, s := range stormSignals {
		sigs[i] = s
	}
	signal.Notify(c, sigs...)
	seen := make(chan int)
	go func() {
		n := 0
		for range c {
			n++
		}
		seen <- n
	}()
	say(readyFD(), 'R')
	_, _ = io.Copy(io.Discard, os.Stdin)
	signal.Stop(c)
	close(c)
	fmt.Fprintf(os.Stderr, "storm: caught %d signals\n", <-seen)
	return *code
}

// forksMain is a bounded fork storm: -shells shells, each starting -each
// sleeps as fast as it can, all at once. The sleeps run "sleep ARG", so a
// test finds them by -arg.
func forksMain(args []string) int {
	fs := newFlags("forks")
	shells := fs.Int("shells", 10, "shells forking at once")
	each := fs.Int("each", 200, "sleeps each shell starts")
	arg := fs.String("arg", "3600", "the sleeps' argument")
	fs.Parse(args)
	say(readyFD(), 'R')
	script := fmt.Sprintf(`i=0; while [ $i -lt %d ]; do sleep %s & i=$((i+1)); done; wait`, *each, *arg)
	var cmds []*exec.Cmd
	for i := 0; i < *shells; i++ {
		cmd := exec.Command("sh", "-c", script)
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		_ = cmd.Wait()
	}
	return 0
}

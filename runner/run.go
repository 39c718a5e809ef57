// Package runner runs one command inside a kill container: it prepares the
// container and the cleanup list, spawns the command, watches it, stops
// everything it started and removes what the run created. It never prints:
// progress and warnings go to Config.Events.
package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/curfew/curfew/cleanup"
	"github.com/curfew/curfew/platform"
)

// Config is one run, as the command line described it.
type Config struct {
	Argv           []string      // the command and its arguments
	Timeout        time.Duration // stop the run after this long; 0 means never
	Plan           Plan          // the shutdown stages; DefaultPlan(SIGTERM, 5s) when nil
	PreserveStatus bool          // exit with the command's status even when timed out
	Container      string        // platform.ModeAuto, ModeCgroup or ModeSubreaper
	TempDir        bool          // give the command a private TMPDIR
	Cleanup        []string      // paths to remove at the end, in the order given
	Events         func(Event)   // receives progress and warnings; may be nil
	Report         bool          // list every process the shutdown reaches, for Result.Report
	StateDir       string        // where runs keep their marks; cleanup.StateDir() when empty

	// Init makes curfew behave as an init (automatic as PID 1): a command
	// killed by signal N makes curfew exit 128+N instead of dying of N.
	Init bool
	// SignalChildOnly sends forwarded signals to the command alone rather
	// than to its process group.
	SignalChildOnly bool
	// Rewrite maps a received signal to the one sent on, for forwarding and
	// for the first stage of a shutdown; 0 drops the signal.
	Rewrite map[syscall.Signal]syscall.Signal
	// SuccessStatuses are exit statuses reported as 0.
	SuccessStatuses []int
	// SharedGroup keeps the command in curfew's process group (GNU
	// timeout's --foreground). A run on a terminal does so by itself where
	// the platform allows it (see terminalMode).
	SharedGroup bool
	// LeftoverPlan, when set, is the plan for processes left behind by a
	// command that exited by itself (Plan otherwise). GNU timeout's
	// personality waits forever for its command, but not for leftovers.
	LeftoverPlan Plan
	// AlarmSignal, when received, times the run out at once, as GNU
	// timeout's timer (SIGALRM) does: a cascaded `timeout -s ALRM` relays
	// its timeout to an inner timeout that way. The first stage goes to the
	// command (its process group), as GNU's does, so that an inner timeout
	// stops its own run first; the rest of the run gets it once the command
	// has exited, and later stages reach every process. A repeat escalates.
	AlarmSignal syscall.Signal
	// Unignore lists signals the run catches even when curfew started with
	// them ignored, so that the command starts with their default action
	// (GNU timeout does so for INT, QUIT, HUP, TERM, ALRM and its -s
	// signal). Any other signal ignored at start stays ignored, for the
	// command too. One that is neither a stop nor a forwarded signal is
	// forwarded when received.
	Unignore []syscall.Signal
	// ExitAfter says the caller exits as soon as Run returns: Run then
	// leaves its signal handlers in place instead of removing them one by
	// one (each is a round trip to the Go runtime's signal thread).
	ExitAfter bool
}

// Result is how a run ended.
type Result struct {
	Outcome Outcome
	// Status is the exit status curfew should end with.
	Status int
	// Signal, when not 0, is the signal curfew should die of (see Die), so
	// that its parent sees the command's own death; Status is the fallback.
	Signal    syscall.Signal
	Container string // the container mode used
	Killed    bool   // the SIGKILL stage ran
	// CommandSignal is the signal that killed the command (0 when it
	// exited, or never ran); CoreDumped says it dumped core.
	CommandSignal syscall.Signal
	CoreDumped    bool
	// Report says what happened in detail; it is filled on every path,
	// failures included (the process list only with Config.Report).
	Report *Report
}

// Run runs cfg.Argv inside a kill container and returns once every process
// it started is gone and the run's files are removed. An error comes with a
// Result whose Status is 125, 126 or 127.
func Run(cfg Config) (res Result, err error) {
	if len(cfg.Argv) == 0 {
		return failed(StatusFailed), errors.New("no command given")
	}
	if cfg.Plan == nil {
		cfg.Plan = DefaultPlan(syscall.SIGTERM, 5*time.Second)
	}
	emit := cfg.Events
	if emit == nil {
		emit = func(Event) {}
	}
	start := time.Now()
	log := &logger{emit: emit, start: start}
	rep := newReport(cfg, start)
	// Registered first, so it runs last: after the container and the files
	// are gone, it sees every result.
	defer func() {
		rep.finish(res, err)
		res.Report = rep
	}()

	files, err := prepareCleanup(cfg.Cleanup)
	if err != nil {
		return failed(StatusFailed), err
	}
	path, err := findCommand(cfg.Argv[0])
	if err != nil {
		rep.Cleanup = removeFiles(log, files)
		return failed(startStatus(err)), &StartError{Status: startStatus(err), Err: err}
	}
	// Listen before the first fork, so that no signal and no child exit can
	// slip past between the spawn and the watch loop. Each signal costs a
	// round trip to the Go runtime's signal thread (some 50 signals, about
	// 3 ms): that goes on while the mark and the container are made.
	listening := make(chan *signals, 1)
	go func() { listening <- listen(cfg.Unignore) }()
	var sigs *signals
	listened := func() *signals {
		if sigs == nil {
			sigs = <-listening
		}
		return sigs
	}
	if !cfg.ExitAfter {
		defer func() { listened().close() }()
	}

	// The mark lets a later run remove what this one leaves if it is
	// SIGKILLed; a run that cannot keep one still runs.
	stateDir := cfg.StateDir
	if stateDir == "" {
		stateDir = cleanup.StateDir()
	}
	mark, err := cleanup.NewMark(stateDir)
	if err != nil {
		log.info("this run cannot be swept if it is killed: %v", err)
	}
	clean := true // everything the run made is gone: its mark can go too
	defer func() { releaseMark(log, mark, clean) }()

	c, err := platform.NewContainer(cfg.Container)
	if err != nil {
		rep.Cleanup = removeFiles(log, files)
		return failed(StatusFailed), err
	}
	record(log, mark, "cgroup", c.Dir())
	log.info("container: %s", c.Why())
	rep.Container = ReportContainer{Mode: c.Mode(), Why: c.Why()}
	defer func() {
		if !removeContainer(log, c) {
			clean = false
		}
	}()

	env := os.Environ()
	if cfg.TempDir {
		dir, err := files.TempDir("curfew-")
		if err != nil {
			rep.Cleanup = removeFiles(log, files)
			return failed(StatusFailed), fmt.Errorf("cannot create temp dir: %w", err)
		}
		record(log, mark, "tempdir", dir)
		log.info("temp dir: %s", dir)
		env = withTempDir(env, dir)
	}
	defer func() {
		rep.Cleanup = removeFiles(log, files)
		for _, e := range rep.Cleanup {
			if e.Error != "" {
				clean = false
			}
		}
	}()

	if cfg.SharedGroup && !platform.SharedGroupSupported {
		// GNU timeout's --foreground: where the container is the command's
		// own group (or console group), the command has to keep it.
		log.info("the %s container needs the command in a process group of its own; it keeps one", c.Mode())
		cfg.SharedGroup = false
	}
	tty := terminalMode(cfg.SharedGroup)
	if tty.interactive {
		log.info("on a terminal: %s", tty.why)
		restore := platform.SaveTerminal()
		defer func() {
			if err := restore(); err != nil {
				log.warn("cannot restore the terminal's modes: %v", err)
			}
		}()
	}
	listened()
	pid, err := spawn(c, platform.Command{Path: path, Args: cfg.Argv, Env: env, Foreground: tty.handOff, SharedGroup: tty.shared})
	if err != nil {
		st := startStatus(err)
		return Result{Outcome: OutcomeFailedToStart, Status: st, Container: c.Mode()}, &StartError{Status: st, Err: err}
	}
	log.info("started %q as pid %d", cfg.Argv[0], pid)
	if tty.handOff {
		// The terminal now belongs to the command's group: curfew's own
		// writes to it would raise SIGTTOU (with stty tostop), and a caught
		// SIGTTOU would come back with every retry of the write.
		signal.Ignore(platform.SIGTTOU)
	}

	// Runs that died without cleaning up are swept while this one runs.
	swept := make(chan []SweptEntry, 1)
	go func() { swept <- sweep(stateDir) }()

	w := newWatcher(c, cfg, pid, start, log)
	w.keyboard = tty.interactive && tty.shared
	w.loop(sigs)
	if tty.handOff {
		if err := platform.RestoreForeground(); err != nil {
			log.warn("cannot give the terminal back to curfew's process group: %v", err)
		}
	}
	res = w.result()
	res.Container = c.Mode()
	res.Killed = !w.lastKill.IsZero()
	res = mapSuccess(res, cfg.SuccessStatuses, log)
	w.fill(rep, c.Usage())
	select {
	case rep.Swept = <-swept:
	case <-time.After(sweepWait):
		// A stale leaf whose processes take long to die must not hold up
		// this run's end; its mark stays, and a later run goes on with it.
		rep.Swept = []SweptEntry{}
		log.info("the sweep of dead runs is not done; a later run goes on with it")
	}
	for _, s := range rep.Swept {
		if s.Error != "" {
			log.info("cannot sweep the %s %s of a dead run: %s", s.Kind, s.Path, s.Error)
			continue
		}
		log.info("swept the %s %s of a dead run%s", s.Kind, s.Path, killedText(s.Killed))
	}
	return res, nil
}

// sweepWait is how long the end of a run waits for the sweep of dead runs.
const sweepWait = time.Second

func killedText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (killed %d %s)", n, plural(n, "process", "processes"))
}

// record adds an item to the run's mark; without a mark it does nothing.
func record(log *logger, mark *cleanup.Mark, kind, path string) {
	if mark == nil || path == "" {
		return
	}
	if err := mark.Record(kind, path); err != nil {
		log.info("%v", err)
	}
}

// releaseMark removes the run's mark once everything it lists is gone. When
// something could not be removed, the mark stays (its lock goes with this
// process) and a later run tries again.
func releaseMark(log *logger, mark *cleanup.Mark, clean bool) {
	if mark == nil {
		return
	}
	if !clean {
		mark.Abandon()
		return
	}
	if err := mark.Release(); err != nil {
		log.info("%v", err)
	}
}

func failed(status int) Result {
	return Result{Outcome: OutcomeFailedToStart, Status: status}
}

// prepareCleanup registers the --cleanup paths. A path that is refused (the
// root directory) fails the run before anything was created or removed.
func prepareCleanup(paths []string) (*cleanup.List, error) {
	files := &cleanup.List{}
	for _, p := range paths {
		if err := files.Add(p); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// findCommand looks argv[0] up in PATH the way a shell does. A command found
// through a relative PATH entry (".") runs, as in a shell, rather than being
// refused like exec.LookPath's ErrDot asks.
func findCommand(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil && errors.Is(err, exec.ErrDot) {
		err = nil
	}
	if err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			err = ee.Err // drop exec's own "exec: NAME:" prefix; main quotes the name
		}
		return "", err
	}
	return path, nil
}

// spawn starts the command. A file the kernel cannot execute (no #! line)
// is run by /bin/sh, as execvp(3) and a shell do.
func spawn(c *platform.Container, cmd platform.Command) (int, error) {
	pid, err := c.Spawn(cmd)
	if errors.Is(err, syscall.ENOEXEC) {
		cmd.Args = append([]string{"sh", cmd.Path}, cmd.Args[1:]...)
		cmd.Path = "/bin/sh"
		pid, err = c.Spawn(cmd)
	}
	return pid, err
}

// ttyMode is how the command meets the terminal.
type ttyMode struct {
	interactive bool // curfew runs in the foreground of the terminal on stdin
	shared      bool // the command runs in curfew's process group
	handOff     bool // the command gets a process group of its own and the terminal
	why         string
}

// terminalMode decides how the command meets the terminal. On a terminal
// the command shares curfew's foreground process group, where the platform
// allows it (Linux), rather than getting a group of its own and the
// terminal (tcsetpgrp), because:
//
//   - the keyboard's signals (Ctrl+C, Ctrl+\, Ctrl+Z) then reach the command
//     exactly once, from the kernel, and reach curfew too: curfew sees every
//     Ctrl+C and can end the run on the second, while with the terminal
//     handed over it would never hear of them;
//   - Ctrl+Z stops curfew and the command together and the shell's fg
//     continues them together, with no terminal to hand back and forth;
//   - window resizes reach the command from the kernel, and the command can
//     read the terminal (it is in the foreground group), as without curfew.
//
// The cost is that a signal sent to curfew alone cannot be told from one
// the terminal sent to the whole group; on a terminal curfew takes INT,
// QUIT, HUP, TSTP, WINCH and CONT to be the terminal's (see watcher.keyboard).
// Where the container is the command's own process group (macOS), the
// command gets its group and the terminal instead.
func terminalMode(sharedAsked bool) ttyMode {
	m := ttyMode{interactive: platform.TerminalForeground(), shared: sharedAsked}
	switch {
	case !m.interactive:
	case platform.SharedGroupSupported:
		m.shared = true
		m.why = "the command shares curfew's foreground process group"
	default:
		m.handOff = true
		m.why = "the command gets its own process group and the terminal"
	}
	return m
}

// withTempDir points TMPDIR, TMP and TEMP at dir, replacing earlier values.
func withTempDir(env []string, dir string) []string {
	out := env[:0:0]
	for _, kv := range env {
		switch {
		case hasKey(kv, "TMPDIR"), hasKey(kv, "TMP"), hasKey(kv, "TEMP"):
			continue
		}
		out = append(out, kv)
	}
	return append(out, "TMPDIR="+dir, "TMP="+dir, "TEMP="+dir)
}

func hasKey(kv, key string) bool {
	return len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key
}

func removeContainer(log *logger, c *platform.Container) bool {
	if err := c.Close(); err != nil {
		log.warn("%v", err)
		return false
	}
	return true
}

// removeFiles removes the temp dir and the --cleanup paths, last registered
// first; a failure is a warning and never stops the next removal.
func removeFiles(log *logger, files *cleanup.List) []CleanupEntry {
	out := []CleanupEntry{}
	for _, r := range files.RemoveAll() {
		e := CleanupEntry{Path: r.Path, Removed: r.Removed}
		switch {
		case r.Err != nil:
			e.Error = r.Err.Error()
			log.warn("cannot remove %q: %v", r.Path, r.Err)
		case r.Removed:
			log.info("removed %s", r.Path)
		}
		out = append(out, e)
	}
	return out
}

// mapSuccess reports a status listed in --success-status as 0 (tini -e):
// for a service whose normal end on "docker stop" is a death by SIGTERM,
// 143 can mean success. It applies to the status a shell would see, so a
// death by signal N matches 128+N.
func mapSuccess(res Result, statuses []int, log *logger) Result {
	st := res.Status
	if res.Signal != 0 {
		st = signalStatus(res.Signal)
	}
	if slices.Contains(statuses, st) {
		log.info("status %d counts as success", st)
		res.Status, res.Signal = 0, 0
	}
	return res
}

// signals are the channels the watch loop reads. Stop signals, forwarded
// signals, job-control stops and SIGCHLD each have their own channel, so
// that a storm of one kind can never crowd out another (os/signal drops
// what a full channel cannot take).
type signals struct {
	stop, forward, job, child chan os.Signal
}

func listen(unignore []syscall.Signal) *signals {
	s := &signals{
		stop:    make(chan os.Signal, 16),
		forward: make(chan os.Signal, 2048),
		job:     make(chan os.Signal, 4),
		child:   make(chan os.Signal, 1),
	}
	// A signal ignored when curfew started (nohup, a background job's
	// SIGINT) stays ignored, and so the command inherits it ignored:
	// Notify would install a handler and exec would reset it to default.
	// Config.Unignore names the exceptions.
	caught := map[os.Signal]bool{}
	catch := func(c chan os.Signal, sigs []os.Signal) {
		for _, sig := range sigs {
			caught[sig] = true
			if !signal.Ignored(sig) || slices.ContainsFunc(unignore, func(u syscall.Signal) bool { return os.Signal(u) == sig }) {
				signal.Notify(c, sig)
			}
		}
	}
	catch(s.stop, platform.StopSignals())
	catch(s.forward, platform.ForwardSignals())
	catch(s.job, platform.JobControlSignals())
	for _, sig := range unignore {
		if !caught[sig] && sig != platform.ChildSignal {
			signal.Notify(s.forward, sig)
		}
	}
	// SIGCHLD is always caught, even when it was ignored at start: with
	// SIG_IGN the kernel would reap the command and its status would be lost.
	platform.NotifyChild(s.child)
	return s
}

func (s *signals) close() {
	signal.Stop(s.stop)
	signal.Stop(s.forward)
	signal.Stop(s.job)
	platform.StopChild(s.child)
}

// Die makes curfew die of sig so that its parent sees the same death as the
// command's; where that is impossible (as PID 1) it returns, and the caller
// exits with the returned 128+sig.
func Die(sig syscall.Signal) int {
	platform.Raise(sig)
	return signalStatus(sig)
}

package runner

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/curfew/curfew/platform"
)

// fakeContainer records what the watcher asks of it. Processes die only
// when a test says so (die), so each step of a shutdown can be checked.
type fakeContainer struct {
	members int              // live processes, the command included
	sent    []string         // "TERM@1.5s" for each Signal/Kill, time since t0
	exits   []platform.Exit  // handed out by the next Reap
	now     func() time.Time // the test's clock
	t0      time.Time        //
	fwd     []syscall.Signal // SignalCommand calls
	onKill  func(*fakeContainer)
}

func (f *fakeContainer) stamp(sig syscall.Signal) {
	f.sent = append(f.sent, fmt.Sprintf("%s@%v", strings.TrimPrefix(SignalName(sig), "SIG"), f.now().Sub(f.t0)))
}

func (f *fakeContainer) Signal(sig syscall.Signal) (int, error) {
	f.stamp(sig)
	return f.members, nil
}

// SignalOutside is Signal for the processes outside curfew's group; the
// fake counts none there.
func (f *fakeContainer) SignalOutside(sig syscall.Signal) (int, error) {
	f.sent = append(f.sent, fmt.Sprintf("%s-outside@%v", strings.TrimPrefix(SignalName(sig), "SIG"), f.now().Sub(f.t0)))
	return 0, nil
}

func (f *fakeContainer) Kill() (int, error) {
	f.stamp(syscall.SIGKILL)
	n := f.members
	if f.onKill != nil {
		f.onKill(f)
	}
	return n, nil
}

func (f *fakeContainer) SignalCommand(sig syscall.Signal) error {
	f.fwd = append(f.fwd, sig)
	return nil
}

func (f *fakeContainer) Empty() (bool, error) { return f.members == 0, nil }

// Members lists the live processes: the command (pid 100, "cmd") while it
// runs, and workers 101, 102, ... ("worker").
func (f *fakeContainer) Members() ([]platform.Process, error) {
	var ps []platform.Process
	for i := range f.members {
		name := "worker"
		if i == 0 {
			name = "cmd"
		}
		ps = append(ps, platform.Process{Pid: 100 + i, Name: name})
	}
	return ps, nil
}

func (f *fakeContainer) Reap() ([]platform.Exit, bool) {
	e := f.exits
	f.exits = nil
	return e, f.members == 0
}

// die makes n processes exit; the command (pid 100) among them when st is set.
func (f *fakeContainer) die(n int, st *platform.ExitStatus) {
	f.members -= n
	if st != nil {
		f.exits = append(f.exits, platform.Exit{Pid: 100, Status: *st})
	}
}

type harness struct {
	t      *testing.T
	now    time.Time
	t0     time.Time
	c      *fakeContainer
	w      *watcher
	events []Event
	toPid  []string // signalPid calls: "USR1>100"
	// selfStops counts stopSelf calls.
	selfStops int
	trims     int // calls of platform.TrimMemory
}

func newHarness(t *testing.T, cfg Config, members int) *harness {
	h := &harness{t: t, t0: time.Unix(1_000_000, 0)}
	h.now = h.t0
	h.c = &fakeContainer{members: members, now: func() time.Time { return h.now }, t0: h.t0}
	if cfg.Plan == nil {
		cfg.Plan = DefaultPlan(syscall.SIGTERM, 5*time.Second)
	}
	log := &logger{emit: func(e Event) { h.events = append(h.events, e) }, start: h.t0}
	h.w = newWatcher(h.c, cfg, 100, h.t0, log)
	h.w.signalPid = func(pid int, sig syscall.Signal) error {
		h.toPid = append(h.toPid, fmt.Sprintf("%s>%d", strings.TrimPrefix(SignalName(sig), "SIG"), pid))
		return nil
	}
	h.w.stopSelf = func() error { h.selfStops++; return nil }
	h.w.trim = func() { h.trims++ }
	// The trim's wake-up would come before what most tests step to; the
	// trim test sets it again.
	h.w.trimAt = time.Time{}
	return h
}

// advance moves the fake clock to the watcher's next wakeup, if it is at or
// before the limit, and fires the timer there.
func (h *harness) advance(limit time.Duration) bool {
	at := h.w.wakeup()
	if at.IsZero() || at.After(h.t0.Add(limit)) {
		return false
	}
	h.now = at
	h.w.onTimer(h.now)
	return true
}

// runUntil fires timers until the watcher is done or the clock passes limit.
func (h *harness) runUntil(limit time.Duration) {
	for !h.w.done() && h.advance(limit) {
	}
}

func (h *harness) wantSent(want ...string) {
	h.t.Helper()
	if !slices.Equal(h.c.sent, want) {
		h.t.Fatalf("signals sent: got %q, want %q", h.c.sent, want)
	}
}

func (h *harness) warnings() []string {
	var out []string
	for _, e := range h.events {
		if e.Level == Warning {
			out = append(out, e.Text)
		}
	}
	return out
}

var killedBy = func(sig syscall.Signal) *platform.ExitStatus { return &platform.ExitStatus{Signal: sig} }

func exitedWith(code int) *platform.ExitStatus { return &platform.ExitStatus{Code: code} }

func TestTimeoutRunsThePlanThenKills(t *testing.T) {
	h := newHarness(t, Config{Timeout: 10 * time.Second}, 3)
	// Everything ignores SIGTERM; SIGKILL ends all three.
	h.c.onKill = func(f *fakeContainer) { f.die(3, killedBy(syscall.SIGKILL)) }
	h.runUntil(time.Minute)
	h.wantSent("TERM@10s", "KILL@15s")
	h.w.onChild(h.now)
	if !h.w.done() {
		t.Fatal("watcher not done after the container emptied")
	}
	r := h.w.result()
	if r.Outcome != OutcomeTimedOut || r.Status != StatusTimedOut || r.Signal != 0 {
		t.Fatalf("result = %+v, want timed_out/124", r)
	}
	if w := h.warnings(); len(w) != 1 || w[0] != "timed out after 10s; stopped 3 processes (3 needed SIGKILL)" {
		t.Fatalf("warnings = %q", w)
	}
}

func TestTimeoutEndsEarlyWhenTermSuffices(t *testing.T) {
	h := newHarness(t, Config{Timeout: time.Second}, 2)
	h.advance(time.Minute)
	h.wantSent("TERM@1s")
	h.now = h.now.Add(30 * time.Millisecond)
	h.c.die(2, killedBy(syscall.SIGTERM))
	h.w.onChild(h.now)
	if !h.w.done() {
		t.Fatal("not done after every process died of SIGTERM")
	}
	h.runUntil(time.Minute) // no SIGKILL may follow
	h.wantSent("TERM@1s")
	if r := h.w.result(); r.Status != StatusTimedOut {
		t.Fatalf("status %d, want 124", r.Status)
	}
	if w := h.warnings(); len(w) != 1 || w[0] != "timed out after 1s; stopped 2 processes" {
		t.Fatalf("warnings = %q", w)
	}
}

func TestStopPlanStagesInOrder(t *testing.T) {
	plan, err := ParsePlan("INT/7.5s,TERM/2.5s")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Timeout: time.Second, Plan: plan}, 1)
	h.c.onKill = func(f *fakeContainer) { f.die(1, killedBy(syscall.SIGKILL)) }
	h.runUntil(time.Minute)
	h.wantSent("INT@1s", "TERM@8.5s", "KILL@11s")
}

func TestStopSignalIsSentAsReceivedAndRepeatEscalates(t *testing.T) {
	h := newHarness(t, Config{Timeout: time.Hour}, 2)
	h.now = h.t0.Add(2 * time.Second)
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent("INT@2s")
	// A second Ctrl+C during the grace period skips to SIGKILL at once.
	h.now = h.now.Add(100 * time.Millisecond)
	h.c.onKill = func(f *fakeContainer) { f.die(2, killedBy(syscall.SIGKILL)) }
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent("INT@2s", "KILL@2.1s")
	h.w.onChild(h.now)
	r := h.w.result()
	if r.Outcome != OutcomeInterrupted || r.Signal != syscall.SIGINT || r.Status != 130 {
		t.Fatalf("result = %+v, want interrupted, die of SIGINT, 130", r)
	}
	// The timeout was cancelled by the shutdown: nothing else fires.
	h.runUntil(2 * time.Hour)
	h.wantSent("INT@2s", "KILL@2.1s")
}

func TestInterruptedCommandThatExitsByItselfKeepsItsStatus(t *testing.T) {
	h := newHarness(t, Config{}, 1)
	h.w.onStop(syscall.SIGTERM, h.now)
	h.c.die(1, exitedWith(3))
	h.w.onChild(h.now)
	r := h.w.result()
	if r.Outcome != OutcomeInterrupted || r.Signal != 0 || r.Status != 3 {
		t.Fatalf("result = %+v, want interrupted with status 3", r)
	}
}

func TestLeftoversAreStoppedWithThePlan(t *testing.T) {
	h := newHarness(t, Config{Plan: DefaultPlan(syscall.SIGTERM, 2*time.Second)}, 3)
	h.now = h.t0.Add(time.Second)
	h.c.die(1, exitedWith(0)) // the command exits, two processes stay
	h.w.onChild(h.now)
	h.wantSent("TERM@1s")
	h.c.onKill = func(f *fakeContainer) { f.die(2, nil) }
	h.runUntil(time.Minute)
	h.wantSent("TERM@1s", "KILL@3s")
	h.w.onChild(h.now)
	r := h.w.result()
	if r.Outcome != OutcomeExited || r.Status != 0 || r.Signal != 0 {
		t.Fatalf("result = %+v, want the command's own status 0", r)
	}
	if w := h.warnings(); len(w) != 1 || !strings.Contains(w[0], "stopped 2 processes (2 needed SIGKILL)") {
		t.Fatalf("warnings = %q", w)
	}
}

func TestCommandKilledBySignalIsRaised(t *testing.T) {
	h := newHarness(t, Config{}, 1)
	h.c.die(1, killedBy(syscall.SIGSEGV))
	h.w.onChild(h.now)
	r := h.w.result()
	if r.Outcome != OutcomeSignaled || r.Signal != syscall.SIGSEGV || r.Status != 128+int(syscall.SIGSEGV) {
		t.Fatalf("result = %+v", r)
	}
	if len(h.c.sent) != 0 || len(h.warnings()) != 0 {
		t.Fatalf("a plain exit sent %q and warned %q", h.c.sent, h.warnings())
	}
}

func TestPreserveStatus(t *testing.T) {
	for _, tc := range []struct {
		st   *platform.ExitStatus
		want int
	}{{exitedWith(7), 7}, {killedBy(syscall.SIGTERM), 143}} {
		h := newHarness(t, Config{Timeout: time.Second, PreserveStatus: true}, 1)
		h.advance(time.Minute)
		h.c.die(1, tc.st)
		h.w.onChild(h.now)
		if r := h.w.result(); r.Outcome != OutcomeTimedOut || r.Status != tc.want || r.Signal != 0 {
			t.Errorf("%v: result = %+v, want status %d", tc.st, r, tc.want)
		}
	}
}

func TestForwardGoesToTheCommandWhileItRuns(t *testing.T) {
	h := newHarness(t, Config{}, 1)
	// Linux's USR1 and USR2 by number: syscall has no names for them on Windows.
	usr1, usr2 := syscall.Signal(10), syscall.Signal(12)
	h.w.onForward(usr1)
	h.c.die(1, exitedWith(0))
	h.w.onChild(h.now)
	h.w.onForward(usr2) // after the command exited: dropped
	if !slices.Equal(h.c.fwd, []syscall.Signal{usr1}) {
		t.Fatalf("forwarded %v", h.c.fwd)
	}
}

func TestKillRepeatsUntilEmpty(t *testing.T) {
	h := newHarness(t, Config{Timeout: time.Second, Plan: DefaultPlan(syscall.SIGKILL, 0)}, 2)
	kills := 0
	h.c.onKill = func(f *fakeContainer) {
		if kills++; kills == 3 { // a process stuck for two seconds
			f.die(2, killedBy(syscall.SIGKILL))
		}
	}
	h.runUntil(time.Minute)
	h.wantSent("KILL@1s", "KILL@2s", "KILL@3s")
	if !h.w.done() {
		t.Fatal("not done")
	}
}

var (
	sigUSR1  = syscall.Signal(10) // numbers, so the file vets on windows too
	sigUSR2  = syscall.Signal(12)
	sigTSTP  = syscall.Signal(20)
	sigWINCH = syscall.Signal(28)
)

func TestRewriteChangesTheFirstStageButNotTheStatus(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{Rewrite: map[syscall.Signal]syscall.Signal{syscall.SIGTERM: syscall.SIGQUIT}}, 1)
	h.w.onStop(syscall.SIGTERM, h.now)
	h.wantSent("QUIT@0s")
	h.c.die(1, killedBy(syscall.SIGQUIT))
	h.w.onChild(h.now)
	r := h.w.result()
	// curfew was stopped by TERM: that is the death its parent sees.
	if r.Outcome != OutcomeInterrupted || r.Signal != syscall.SIGTERM {
		t.Fatalf("result = %+v, want interrupted, dying of SIGTERM", r)
	}
}

func TestRewriteOfForwardedSignals(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{Rewrite: map[syscall.Signal]syscall.Signal{sigUSR1: sigUSR2, sigWINCH: 0}}, 1)
	h.w.onForward(sigUSR1)
	h.w.onForward(sigWINCH) // dropped
	if !slices.Equal(h.c.fwd, []syscall.Signal{sigUSR2}) {
		t.Fatalf("forwarded %v, want [USR2] only", h.c.fwd)
	}
	// a stop signal rewritten to 0 starts nothing
	h = newHarness(t, Config{Rewrite: map[syscall.Signal]syscall.Signal{syscall.SIGINT: 0}}, 1)
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent()
	if h.w.cause != causeNone {
		t.Fatal("a dropped SIGINT started a shutdown")
	}
}

func TestSignalChildOnly(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{SignalChildOnly: true}, 2)
	h.w.onForward(sigUSR1)
	if len(h.c.fwd) != 0 || !slices.Equal(h.toPid, []string{"USR1>100"}) {
		t.Fatalf("group got %v, pid got %v; want only USR1>100", h.c.fwd, h.toPid)
	}
}

func TestJobControlForwardsThenStopsCurfew(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 1)
	h.w.onJobControl(sigTSTP)
	if !slices.Equal(h.c.fwd, []syscall.Signal{sigTSTP}) || h.selfStops != 1 {
		t.Fatalf("forwarded %v, stopped self %d times; want TSTP then one stop", h.c.fwd, h.selfStops)
	}
	// --init alone does not change that
	h = newHarness(t, Config{Init: true}, 1)
	h.w.onJobControl(sigTSTP)
	if h.selfStops != 1 {
		t.Fatalf("with --init: stopped self %d times; want one stop", h.selfStops)
	}
	// PID 1 cannot stop itself: it only forwards
	h = newHarness(t, Config{Init: true}, 1)
	h.w.pid1 = true
	h.w.onJobControl(sigTSTP)
	if !slices.Equal(h.c.fwd, []syscall.Signal{sigTSTP}) || h.selfStops != 0 {
		t.Fatalf("as PID 1: forwarded %v, stopped self %d times; want TSTP and no stop", h.c.fwd, h.selfStops)
	}
	// during a shutdown nothing is passed on, and curfew does not stop
	h = newHarness(t, Config{}, 1)
	h.w.onStop(syscall.SIGTERM, h.now)
	h.w.onJobControl(sigTSTP)
	if len(h.c.fwd) != 0 || h.selfStops != 0 {
		t.Fatalf("during a shutdown: forwarded %v, stopped self %d times; want neither", h.c.fwd, h.selfStops)
	}
}

func TestSuccessStatuses(t *testing.T) {
	log := &logger{emit: func(Event) {}, start: time.Now()}
	for _, c := range []struct {
		in         Result
		statuses   []int
		wantStatus int
		wantSignal syscall.Signal
	}{
		{Result{Status: 3}, []int{3}, 0, 0},
		{Result{Status: 3}, []int{4}, 3, 0},
		{Result{Status: 143, Signal: syscall.SIGTERM}, []int{143}, 0, 0},
		{Result{Status: 143, Signal: syscall.SIGTERM}, nil, 143, syscall.SIGTERM},
	} {
		got := mapSuccess(c.in, c.statuses, log)
		if got.Status != c.wantStatus || got.Signal != c.wantSignal {
			t.Errorf("mapSuccess(%+v, %v) = %d/%v, want %d/%v", c.in, c.statuses, got.Status, got.Signal, c.wantStatus, c.wantSignal)
		}
	}
}

// On a terminal the command shares curfew's group: the first Ctrl+C is the
// command's alone; a second one within the grace ends the run, without
// sending SIGINT to the group a third time.
func TestKeyboardFirstCtrlCIsTheCommands(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 2)
	h.w.keyboard = true
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent()
	if h.w.cause != causeNone {
		t.Fatal("the first Ctrl+C started a shutdown")
	}
	// nothing happens when the grace passes: the command kept running
	h.now = h.now.Add(10 * time.Second)
	h.w.onTimer(h.now)
	h.wantSent()
	// a Ctrl+C after the window opens a new one; the next one ends the run
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent()
	h.now = h.now.Add(time.Second)
	h.w.onStop(syscall.SIGINT, h.now)
	h.wantSent("INT-outside@11s", "KILL@11s")
	if h.w.cause != causeSignal {
		t.Fatalf("cause = %v, want a signal", h.w.cause)
	}
}

func TestKeyboardCtrlCThatEndsTheCommand(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 1)
	h.w.keyboard = true
	h.w.onStop(syscall.SIGINT, h.now)
	h.c.die(1, killedBy(syscall.SIGINT))
	h.w.onChild(h.now)
	r := h.w.result()
	if !h.w.done() || r.Outcome != OutcomeSignaled || r.Signal != syscall.SIGINT {
		t.Fatalf("result = %+v, want the command's death by SIGINT passed on", r)
	}
}

func TestKeyboardTerminalSignalsAreNotSentTwice(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 1)
	h.w.keyboard = true
	h.w.onForward(platform.SIGWINCH)
	h.w.onForward(platform.SIGCONT)
	h.w.onForward(sigUSR1) // from kill(1), not from the terminal
	if !slices.Equal(h.c.fwd, []syscall.Signal{sigUSR1}) {
		t.Fatalf("forwarded %v, want only USR1", h.c.fwd)
	}
	h.w.onJobControl(sigTSTP)
	if len(h.c.fwd) != 1 || h.selfStops != 1 {
		t.Fatalf("Ctrl+Z: forwarded %v, stopped self %d times; want no forward and one stop", h.c.fwd, h.selfStops)
	}
	// a hangup reached the group too: the first stage spares it
	h.w.onStop(syscall.SIGHUP, h.now)
	h.wantSent("HUP-outside@0s")
}

func TestKeyboardTimeoutSignalsEveryone(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{Timeout: time.Second}, 1)
	h.w.keyboard = true
	h.advance(time.Minute)
	h.wantSent("TERM@1s")
}

// unixSignals skips a test about signals Windows does not have (or names
// only by number).
func unixSignals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix signals: Windows has no QUIT, USR1, TSTP or terminal groups")
	}
}

// GNU timeout's personality waits forever for its command but not for the
// leftovers of one that exited: they get the finite LeftoverPlan.
func TestLeftoverPlanReplacesThePlanForLeftovers(t *testing.T) {
	forever := DefaultPlan(syscall.SIGTERM, time.Duration(1<<62))
	h := newHarness(t, Config{Plan: forever, LeftoverPlan: DefaultPlan(syscall.SIGTERM, time.Second)}, 2)
	h.c.onKill = func(f *fakeContainer) { f.die(1, nil) }
	exited := platform.ExitStatus{Code: 0}
	h.c.die(1, &exited)
	h.w.onChild(h.now)
	h.runUntil(time.Minute)
	h.wantSent("TERM@0s", "KILL@1s")
}

// GNU timeout's timer is SIGALRM: one received times the run out at once.
// The first stage, the plan's first signal, goes to the command alone (an
// inner timeout relays it), with SIGCONT after it; once the command has exited,
// the rest of the run gets it too, and what ignores it gets the SIGKILL of
// the LeftoverPlan's grace rather than waiting forever.
func TestAlarmSignalTimesOutThroughTheCommand(t *testing.T) {
	unixSignals(t)
	cfg := Config{
		Plan:         DefaultPlan(syscall.SIGINT, time.Duration(1<<62)),
		LeftoverPlan: DefaultPlan(syscall.SIGINT, 5*time.Second),
		Timeout:      time.Hour,
		AlarmSignal:  syscall.SIGALRM,
	}
	h := newHarness(t, cfg, 3)
	h.now = h.t0.Add(time.Second)
	h.w.onSignal(syscall.SIGALRM, h.now)
	if want := []syscall.Signal{syscall.SIGINT, platform.SIGCONT}; !slices.Equal(h.c.fwd, want) {
		t.Fatalf("sent to the command: got %v, want %v", h.c.fwd, want)
	}
	h.wantSent() // nothing to the rest of the run yet
	h.now = h.t0.Add(1500 * time.Millisecond)
	h.c.die(1, &platform.ExitStatus{Code: 130})
	h.w.onChild(h.now)
	h.wantSent("INT@1.5s")
	h.c.onKill = func(f *fakeContainer) { f.die(2, nil) }
	h.runUntil(time.Minute)
	h.wantSent("INT@1.5s", "KILL@6.5s")
	res := h.w.result()
	if res.Outcome != OutcomeTimedOut || res.Status != StatusTimedOut {
		t.Fatalf("result: got %v %d, want timed out, %d", res.Outcome, res.Status, StatusTimedOut)
	}
	if w := h.warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "timed out by SIGALRM after 1s") {
		t.Fatalf("summary: got %q", w)
	}
}

// A second alarm during the shutdown escalates, as a repeated stop signal
// does (GNU sends KILL on it once -k is armed).
func TestAlarmSignalRepeatedEscalates(t *testing.T) {
	unixSignals(t)
	cfg := Config{Plan: DefaultPlan(syscall.SIGTERM, 10*time.Second), AlarmSignal: syscall.SIGALRM}
	h := newHarness(t, cfg, 1)
	h.now = h.t0.Add(time.Second)
	h.w.onSignal(syscall.SIGALRM, h.now)
	h.now = h.t0.Add(2 * time.Second)
	h.w.onSignal(syscall.SIGALRM, h.now)
	h.wantSent("KILL@2s")
	if want := []syscall.Signal{syscall.SIGTERM, platform.SIGCONT}; !slices.Equal(h.c.fwd, want) {
		t.Fatalf("sent to the command: got %v, want %v", h.c.fwd, want)
	}
}

// Without Config.AlarmSignal a SIGALRM is forwarded like any other signal.
func TestAlarmSignalUnsetIsForwarded(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 1)
	h.w.onSignal(syscall.SIGALRM, h.now)
	if want := []syscall.Signal{syscall.SIGALRM}; !slices.Equal(h.c.fwd, want) || h.w.cause != causeNone {
		t.Fatalf("forwarded %v, shutdown cause %d: want %v and no shutdown", h.c.fwd, h.w.cause, want)
	}
}

// The command's own death, core dump included, reaches the Result.
func TestResultSaysHowTheCommandDied(t *testing.T) {
	unixSignals(t)
	h := newHarness(t, Config{}, 1)
	h.c.die(1, &platform.ExitStatus{Signal: syscall.SIGSEGV, Core: true})
	h.w.onChild(h.now)
	res := h.w.result()
	if res.CommandSignal != syscall.SIGSEGV || !res.CoreDumped {
		t.Fatalf("got signal %v, core %v; want SIGSEGV, core dumped", res.CommandSignal, res.CoreDumped)
	}
}

// The memory of start-up is given back once, trimAfter into a run whose
// command still runs; a command that ends sooner never waits for it.
func TestTrimOnlyOnceTheCommandHasRunAWhile(t *testing.T) {
	h := newHarness(t, Config{Timeout: time.Hour}, 1)
	if w := newWatcher(h.c, Config{Plan: DefaultPlan(syscall.SIGTERM, time.Second)}, 100, h.t0, h.w.log); w.trimAt != h.t0.Add(trimAfter) {
		t.Fatalf("trim at %v, want %v after the start", w.trimAt.Sub(h.t0), trimAfter)
	}
	h.w.trimAt = h.t0.Add(trimAfter)
	h.advance(time.Minute)
	if h.now != h.t0.Add(trimAfter) || h.trims != 1 {
		t.Fatalf("at %v: %d trims, want 1 at %v", h.now.Sub(h.t0), h.trims, trimAfter)
	}
	h.advance(2 * time.Hour) // to the deadline
	if h.trims != 1 {
		t.Fatalf("%d trims, want 1", h.trims)
	}

	// The command ends first and leaves a process that takes its time to
	// stop: the run goes on past the trim's time, without a trim.
	h = newHarness(t, Config{}, 2)
	h.w.trimAt = h.t0.Add(trimAfter)
	h.now = h.t0.Add(trimAfter / 2)
	h.c.die(1, &platform.ExitStatus{})
	h.w.onChild(h.now)
	h.c.onKill = func(f *fakeContainer) { f.die(1, nil) }
	h.runUntil(time.Minute)
	if !h.w.done() || h.now.Before(h.t0.Add(trimAfter)) || h.trims != 0 {
		t.Fatalf("done %v at %v, %d trims: want done after %v and no trim for a command that ended first", h.w.done(), h.now.Sub(h.t0), h.trims, trimAfter)
	}
}

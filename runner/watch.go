package runner

import (
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/curfew/curfew/platform"
)

// container is what the watch loop needs of a kill container; the real one
// is *platform.Container, the unit tests use a fake.
type container interface {
	Signal(sig syscall.Signal) (int, error)
	Kill() (int, error)
	SignalOutside(sig syscall.Signal) (int, error)
	SignalCommand(sig syscall.Signal) error
	Members() ([]platform.Process, error)
	Empty() (bool, error)
	Reap() (exits []platform.Exit, noChildren bool)
}

// cause is what started a shutdown.
type cause int

const (
	causeNone      cause = iota
	causeTimeout         // --timeout elapsed
	causeSignal          // curfew received a stop signal
	causeLeftovers       // the command exited and left processes behind
)

const (
	// pollInterval is how often a shutdown re-checks the container between
	// SIGCHLDs. Deaths are normally seen through SIGCHLD (the last process of
	// a run is always curfew's child, as curfew is a subreaper); the poll is a
	// safety net, not the mechanism.
	pollInterval = 100 * time.Millisecond
	// rekillInterval repeats SIGKILL while the container is not yet empty.
	rekillInterval = time.Second
	// statusAfter is how long a shutdown may take before curfew says what it
	// is waiting for; statusEvery is how often it says it again.
	statusAfter = time.Second
	statusEvery = time.Second
	// sampleEvery is how often a run with a report counts its processes,
	// for the peak when the cgroup does not count them itself.
	sampleEvery = time.Second
	// trimAfter is how long the command runs before curfew gives back the
	// memory it needed to start (a GC, and its binary's pages: about 2 MiB
	// of 5). It costs about 10 ms of CPU, which a short command, the
	// common case in front of CI steps, would wait for at its end: it only
	// pays where supervising lasts.
	trimAfter = 100 * time.Millisecond
)

// watcher is the one place that decides: it turns child exits, signals and
// timers into shutdown stages. Its handlers take the time as an argument,
// so tests drive it with a fake clock.
type watcher struct {
	c        container
	plan     Plan
	preserve bool
	timeout  time.Duration
	log      *logger

	start    time.Time
	deadline time.Time // when the timeout fires; zero when none is pending

	pid    int // the command
	exited bool
	status platform.ExitStatus
	empty  bool

	cause       cause
	stopSig     syscall.Signal // the stop signal received, for causeSignal
	aliveAtStop bool           // the command still ran when the shutdown began
	stage       int            // the plan stage last sent; -1 before the shutdown
	due         time.Time      // when the current stage's grace ends; zero if none
	lastKill    time.Time      // when SIGKILL was last sent
	nextPoll    time.Time
	reached     int // processes the first stage reached
	killed      int // processes SIGKILL reached
	nextStatus  time.Time
	stageAt     time.Time // when the current stage began
	lastReached int       // processes the last stage sent reached

	rewrite   map[syscall.Signal]syscall.Signal
	childOnly bool
	pid1      bool // curfew is PID 1: it cannot stop itself
	// leftoverPlan replaces plan for the leftovers of a command that exited.
	leftoverPlan Plan
	// alarm, received, is the deadline now (Config.AlarmSignal); alarmAt
	// says when it came. commandOnly: the first stage went to the command
	// alone, and the rest of the run gets it once the command has exited.
	alarm       syscall.Signal
	alarmAt     time.Time
	commandOnly bool
	// firstSig is the signal the first stage sent (after --rewrite).
	firstSig syscall.Signal
	// keyboard: the command shares curfew's foreground process group on a
	// terminal, so what the terminal sends (Ctrl+C, Ctrl+\, Ctrl+Z, hangup,
	// resizes, the shell's fg) has reached the command already; see
	// terminalMode in run.go.
	keyboard    bool
	kbdUntil    time.Time // a second Ctrl+C before this ends the run
	outsideOnly bool      // the first stage goes only to processes outside the group
	init        bool
	signalPid   func(pid int, sig syscall.Signal) error
	stopSelf    func() error

	// What the report needs. Processes are listed before each stage only
	// when detail is set (--report), as that costs a scan per stage.
	detail     bool
	argv       func(pid int) []string
	stages     []StageRun
	stopped    map[int]*StoppedProc
	order      []int // pids of stopped, in the order first seen
	peak       int
	nextSample time.Time
	// trimAt is when the run, if its command still runs, gives back the
	// memory start-up needed (platform.TrimMemory, through trim).
	trimAt time.Time
	trim   func()
}

func newWatcher(c container, cfg Config, pid int, start time.Time, log *logger) *watcher {
	w := &watcher{c: c, plan: cfg.Plan, preserve: cfg.PreserveStatus, timeout: cfg.Timeout, log: log, start: start, pid: pid, stage: -1,
		rewrite: cfg.Rewrite, childOnly: cfg.SignalChildOnly, init: cfg.Init, pid1: os.Getpid() == 1, leftoverPlan: cfg.LeftoverPlan,
		alarm:     cfg.AlarmSignal,
		signalPid: platform.SignalPid, stopSelf: platform.StopSelf, trim: platform.TrimMemory,
		trimAt: start.Add(trimAfter)}
	if cfg.Timeout > 0 {
		w.deadline = start.Add(cfg.Timeout)
	}
	if cfg.Report {
		w.detail, w.argv, w.stopped = true, platform.Argv, map[int]*StoppedProc{}
		w.sample(start)
	}
	return w
}

// loop waits for events until the command has exited and the container is
// empty. It is the only select in curfew.
func (w *watcher) loop(s *signals) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for !w.done() {
		if at := w.wakeup(); !at.IsZero() {
			timer.Reset(time.Until(at))
		}
		select {
		case <-s.child:
			w.onChild(time.Now())
		case sig := <-s.stop:
			w.onStop(sig.(syscall.Signal), time.Now())
		case sig := <-s.forward:
			w.onSignal(sig.(syscall.Signal), time.Now())
		case sig := <-s.job:
			w.onJobControl(sig.(syscall.Signal))
		case <-timer.C:
			w.onTimer(time.Now())
		}
		timer.Stop()
	}
}

// done reports whether the run is over: the command has exited and no
// process of the run is left.
func (w *watcher) done() bool { return w.exited && w.empty }

// wakeup is the next time the loop must act without an event, or zero.
func (w *watcher) wakeup() time.Time {
	var at time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	earliest(w.deadline)
	earliest(w.due)
	earliest(w.nextSample)
	earliest(w.trimAt)
	if w.cause != causeNone {
		earliest(w.nextStatus)
		earliest(w.nextPoll)
		if !w.lastKill.IsZero() {
			earliest(w.lastKill.Add(rekillInterval))
		}
	}
	return at
}

// onChild reaps every exited child and checks whether the run is over.
func (w *watcher) onChild(now time.Time) {
	exits, _ := w.c.Reap()
	commandExited := false
	for _, e := range exits {
		if e.Pid == w.pid && !w.exited {
			w.exited, w.status, commandExited = true, e.Status, true
			w.log.kind(Info, KindCommandExited, "command exited after %v: %s", round(now.Sub(w.start)), e.Status)
		} else {
			w.log.info("reaped pid %d: %s", e.Pid, e.Status)
		}
	}
	w.check(now)
	if commandExited {
		w.leftoversOfAShutdown(now)
	}
}

// leftoversOfAShutdown bounds a shutdown in progress when the command has
// exited and left processes behind: a first stage that went to the command
// alone (an alarm) now reaches the rest of the run, and with a
// LeftoverPlan the current grace ends no later than that plan's first one
// (GNU timeout's personality: no -k waits forever for the command, not for
// what it left).
func (w *watcher) leftoversOfAShutdown(now time.Time) {
	if w.cause == causeNone || w.empty || !w.lastKill.IsZero() {
		return
	}
	if w.commandOnly && w.stage == 0 {
		w.commandOnly = false
		n, err := w.c.Signal(w.firstSig)
		if err != nil {
			w.log.warn("cannot signal every process: %v", err)
		}
		w.reached += n
		w.log.sent(w.firstSig, "sent %s to the %d other %s of the run", SignalName(w.firstSig), n, plural(n, "process", "processes"))
	}
	if len(w.leftoverPlan) > 0 {
		if due := now.Add(w.leftoverPlan[0].Grace); due.Before(w.due) {
			w.due = due
			w.log.info("the command has exited: %s in %v at the latest", SignalName(w.plan[min(w.stage+1, len(w.plan)-1)].Signal), w.leftoverPlan[0].Grace)
		}
	}
}

// check looks at the container once the command has exited: empty means
// done; anything left starts the shutdown of the leftovers.
func (w *watcher) check(now time.Time) {
	if !w.exited || w.empty {
		return
	}
	empty, err := w.c.Empty()
	if err != nil {
		w.log.warn("cannot tell whether the container is empty: %v", err)
	}
	if empty && err == nil {
		w.empty = true
		w.log.info("container empty after %v", round(now.Sub(w.start)))
		return
	}
	if w.cause == causeNone {
		w.log.info("the command exited and left processes behind; stopping them")
		w.begin(now, causeLeftovers, 0)
	}
}

// onStop handles INT, TERM, HUP or QUIT sent to curfew: the first starts the
// shutdown with that same signal (or what --rewrite makes of it), every
// later one skips to the next stage.
func (w *watcher) onStop(sig syscall.Signal, now time.Time) {
	send, ok := w.rewritten(sig)
	if !ok {
		return
	}
	w.log.info("received %s", SignalName(sig))
	if w.cause != causeNone {
		w.escalate(now)
		return
	}
	if w.keyboard && fromKeyboard(sig) && send == sig && w.plan[0].Signal != syscall.SIGKILL && w.plan[0].Grace > 0 {
		// Ctrl+C or Ctrl+\ on the terminal: the command has it already and
		// decides, as it would without curfew (a REPL prints
		// KeyboardInterrupt and goes on; sleep dies, and curfew then stops
		// what it left). A second one within the grace ends the run.
		if w.kbdUntil.IsZero() || now.After(w.kbdUntil) {
			w.kbdUntil = now.Add(w.plan[0].Grace)
			w.log.info("%s from the terminal reached the command; another within %v ends the run", SignalName(sig), w.plan[0].Grace)
			return
		}
		w.outsideOnly = true
		w.begin(now, causeSignal, sig)
		w.escalate(now)
		return
	}
	// A hangup reached the terminal's foreground group, the command too.
	w.outsideOnly = w.keyboard && send == sig && (fromKeyboard(sig) || sig == syscall.SIGHUP)
	w.begin(now, causeSignal, sig)
	if send != sig {
		w.log.info("%s rewritten to %s", SignalName(sig), SignalName(send))
	}
}

// fromKeyboard says whether a terminal sends sig to its foreground group
// when a key is pressed: Ctrl+C, Ctrl+\.
func fromKeyboard(sig syscall.Signal) bool { return sig == syscall.SIGINT || sig == syscall.SIGQUIT }

// rewritten applies --rewrite to a received signal: the signal to send, or
// false when the rewrite drops it.
func (w *watcher) rewritten(sig syscall.Signal) (syscall.Signal, bool) {
	to, ok := w.rewrite[sig]
	if !ok {
		return sig, true
	}
	if to == 0 {
		w.log.info("received %s; dropped, as --rewrite asks", SignalName(sig))
		return 0, false
	}
	return to, true
}

// onSignal handles a signal that is not a stop or job-control signal: the
// alarm, or one to pass on.
func (w *watcher) onSignal(sig syscall.Signal, now time.Time) {
	if !w.onAlarm(sig, now) {
		w.onForward(sig)
	}
}

// onAlarm handles Config.AlarmSignal, and reports whether sig was it. With
// no shutdown begun it times the run out: the first stage, the plan's first
// signal as on a timeout, goes to the command only (GNU timeout sends its
// signal to the command and its own process group), so an inner timeout
// gets the signal it is to relay. During a shutdown it escalates, as a
// repeated stop signal does (GNU sends KILL on a second alarm once -k is
// armed). After the command has exited it is not the alarm's business.
func (w *watcher) onAlarm(sig syscall.Signal, now time.Time) bool {
	if w.alarm == 0 || sig != w.alarm || w.exited {
		return false
	}
	if w.cause != causeNone {
		w.log.info("received %s again", SignalName(sig))
		w.escalate(now)
		return true
	}
	w.log.info("received %s: timing out now", SignalName(sig))
	w.commandOnly, w.alarmAt = true, now
	w.begin(now, causeTimeout, 0)
	return true
}

// onForward passes a signal that is not a stop signal on to the command's
// process group, as a terminal would (to the command alone with
// --signal-child-only).
func (w *watcher) onForward(sig syscall.Signal) {
	if w.exited {
		w.log.info("received %s after the command exited; not forwarded", SignalName(sig))
		return
	}
	send, ok := w.rewritten(sig)
	if !ok {
		return
	}
	if w.keyboard && send == sig && (sig == platform.SIGWINCH || sig == platform.SIGCONT) {
		// A resize or the shell's fg/bg reached the whole foreground group.
		w.log.info("received %s; the command got it from the terminal too", SignalName(sig))
		return
	}
	var err error
	if w.childOnly {
		err = w.signalPid(w.pid, send)
	} else {
		err = w.c.SignalCommand(send)
	}
	if err != nil {
		w.log.warn("cannot forward %s: %v", SignalName(send), err)
		return
	}
	if send != sig {
		w.log.info("forwarded %s as %s", SignalName(sig), SignalName(send))
		return
	}
	w.log.info("forwarded %s", SignalName(sig))
}

// onJobControl handles TSTP, TTIN and TTOU sent to curfew: forwarded to
// the command like other signals, then curfew stops itself, so that whoever
// suspended the run sees it stopped; the SIGCONT that resumes curfew is
// forwarded in turn and resumes the command. As an init curfew cannot stop
// (the kernel ignores SIGSTOP for PID 1), so it only forwards.
func (w *watcher) onJobControl(sig syscall.Signal) {
	if w.exited || w.cause != causeNone {
		// Stopping processes that were told to end would only keep them
		// from ending. A SIGTTOU here means curfew's own write to the
		// terminal was refused; caught and not acted on, it would come back
		// at once, forever: let the writes through.
		w.log.info("received %s during the shutdown; not passed on", SignalName(sig))
		if sig == platform.SIGTTOU {
			signal.Ignore(sig)
		}
		return
	}
	if w.keyboard {
		// Ctrl+Z (or a read or write from the background) stopped the whole
		// foreground group, the command included: curfew only follows.
		w.log.info("received %s; the command got it from the terminal too", SignalName(sig))
	} else {
		w.onForward(sig)
	}
	if to, ok := w.rewrite[sig]; ok && to == 0 {
		return // dropped, as --rewrite asks: no stop either
	}
	if w.pid1 {
		// The kernel ignores SIGSTOP that PID 1 sends itself.
		if sig == platform.SIGTTOU {
			signal.Ignore(sig)
		}
		return
	}
	w.log.info("stopping curfew itself, until SIGCONT")
	if err := w.stopSelf(); err != nil {
		w.log.warn("cannot stop: %v", err)
	}
}

// onTimer handles the deadline, the end of a grace period and the polls of a
// shutdown in progress.
func (w *watcher) onTimer(now time.Time) {
	if !w.deadline.IsZero() && !now.Before(w.deadline) {
		w.log.info("timed out after %v", round(now.Sub(w.start)))
		w.begin(now, causeTimeout, 0)
		return
	}
	if !w.due.IsZero() && !now.Before(w.due) {
		w.escalate(now)
		return
	}
	if !w.lastKill.IsZero() && !now.Before(w.lastKill.Add(rekillInterval)) {
		w.send(now, w.plan[len(w.plan)-1])
	}
	if !now.Before(w.nextPoll) {
		w.nextPoll = now.Add(pollInterval)
		w.onChild(now)
	}
	if !w.nextSample.IsZero() && !now.Before(w.nextSample) {
		w.sample(now)
	}
	if !w.trimAt.IsZero() && !now.Before(w.trimAt) {
		w.trimAt = time.Time{}
		if !w.exited && w.cause == causeNone {
			w.trim()
		}
	}
	if !w.nextStatus.IsZero() && !now.Before(w.nextStatus) && !w.done() {
		w.nextStatus = now.Add(statusEvery)
		// Only a stage that has lasted a moment is worth a line.
		if now.Sub(w.stageAt) >= statusAfter {
			w.tellProgress(now)
		}
	}
}

// sample counts the processes of the run, for the report's peak.
func (w *watcher) sample(now time.Time) {
	w.nextSample = now.Add(sampleEvery)
	if ps, err := w.c.Members(); err == nil {
		w.peak = max(w.peak, len(ps))
	}
}

// tellProgress says what a shutdown that takes a while is waiting for:
// "stopping: 3 processes left (make, cc1, ld), SIGKILL in 4s".
func (w *watcher) tellProgress(now time.Time) {
	ps, err := w.c.Members()
	if err != nil || len(ps) == 0 {
		return
	}
	var names []string
	for _, p := range ps {
		if !slices.Contains(names, p.Name) {
			names = append(names, p.Name)
		}
	}
	if len(names) > 3 {
		names = append(names[:3], "...")
	}
	text := fmt.Sprintf("stopping: %d %s left (%s)", len(ps), plural(len(ps), "process", "processes"), strings.Join(names, ", "))
	if !w.due.IsZero() {
		left := w.due.Sub(now).Round(time.Second)
		text += fmt.Sprintf(", %s in %v", SignalName(w.plan[w.stage+1].Signal), max(left, 0))
	} else {
		text += ", waiting for them to exit"
	}
	w.log.progress(w.stage, "%s", text)
}

// begin starts the shutdown at the plan's first stage. A received stop
// signal replaces the first stage's signal, so Ctrl+C stays SIGINT.
func (w *watcher) begin(now time.Time, c cause, sig syscall.Signal) {
	if c == causeLeftovers && len(w.leftoverPlan) > 0 {
		w.plan = w.leftoverPlan
	}
	w.cause, w.stopSig, w.aliveAtStop = c, sig, !w.exited
	w.deadline = time.Time{}
	w.nextStatus = now.Add(statusAfter)
	st := w.plan[0]
	if sig != 0 && st.Signal != syscall.SIGKILL {
		st.Signal, _ = w.rewritten(sig)
	}
	w.stage, w.firstSig = 0, st.Signal
	w.send(now, st)
}

// escalate skips to the next stage at once; in the last stage it repeats
// SIGKILL.
func (w *watcher) escalate(now time.Time) {
	if w.stage+1 < len(w.plan) {
		w.stage++
	}
	w.send(now, w.plan[w.stage])
}

// send runs one stage: its signal to every process of the container, and
// the timer for its grace period.
func (w *watcher) send(now time.Time, st Stage) {
	w.nextPoll = now.Add(pollInterval)
	repeat := st.Signal == syscall.SIGKILL && !w.lastKill.IsZero()
	if !repeat {
		w.track(st.Signal)
		w.stageAt = now
		w.stages = append(w.stages, StageRun{Signal: SignalName(st.Signal), At: seconds(now.Sub(w.start))})
		defer func() { w.stages[len(w.stages)-1].Reached = w.lastReached }()
	}
	if st.Signal == syscall.SIGKILL {
		n, err := w.c.Kill()
		if err != nil {
			w.log.warn("cannot kill every process: %v", err)
		}
		w.lastReached = n
		if w.lastKill.IsZero() {
			w.killed = n
			if w.stage == 0 {
				w.reached = n
			}
			w.log.sent(syscall.SIGKILL, "sent SIGKILL to %d %s", n, plural(n, "process", "processes"))
		}
		w.lastKill, w.due = now, time.Time{}
		return
	}
	signal := w.c.Signal
	switch {
	case w.outsideOnly && w.stage == 0:
		signal = w.c.SignalOutside // the terminal's group has it already
	case w.commandOnly && w.stage == 0:
		signal = w.signalCommand
	}
	n, err := signal(st.Signal)
	if err != nil {
		w.log.warn("cannot signal every process: %v", err)
	}
	w.lastReached = n
	if w.stage == 0 {
		w.reached = n
	}
	w.due = now.Add(st.Grace)
	if n == 0 && err != nil {
		// The signal reached nobody because it could not be sent (Windows
		// without a console cannot send Ctrl+Break): waiting out the grace
		// would only delay the next stage.
		w.due = now
	}
	next := w.plan[w.stage+1].Signal
	w.log.sent(st.Signal, "sent %s to %d %s; %s in %v", SignalName(st.Signal), n, plural(n, "process", "processes"), SignalName(next), st.Grace)
}

// signalCommand sends sig, then SIGCONT as every stage does, to the
// command (its process group, or the command alone when it shares curfew's
// group) and counts that as one.
func (w *watcher) signalCommand(sig syscall.Signal) (int, error) {
	if err := w.c.SignalCommand(sig); err != nil {
		return 0, err
	}
	if sig != syscall.SIGKILL && sig != platform.SIGCONT {
		_ = w.c.SignalCommand(platform.SIGCONT)
	}
	return 1, nil
}

// track lists the processes a stage is about to reach, for the report:
// each one's name and command line when first seen, and sig as the last
// signal it received.
func (w *watcher) track(sig syscall.Signal) {
	if !w.detail {
		return
	}
	ps, err := w.c.Members()
	if err != nil {
		return
	}
	w.peak = max(w.peak, len(ps))
	for _, p := range ps {
		sp, ok := w.stopped[p.Pid]
		if !ok {
			sp = &StoppedProc{Pid: p.Pid, Name: p.Name, Argv: w.argv(p.Pid), Command: p.Pid == w.pid}
			w.stopped[p.Pid] = sp
			w.order = append(w.order, p.Pid)
		}
		sp.EndedBy = SignalName(sig)
	}
}

// result decides the exit status (DESIGN.md, "Exit status") and says what
// happened in one warning line.
func (w *watcher) result() Result {
	st := w.status
	var r Result
	if !st.Exited() {
		r.CommandSignal, r.CoreDumped = st.Signal, st.Core
	}
	switch {
	case w.cause == causeTimeout:
		r.Outcome, r.Status = OutcomeTimedOut, StatusTimedOut
		if w.preserve {
			r.Status = exitStatus(st)
		}
		if !w.alarmAt.IsZero() {
			w.log.kind(Warning, KindSummary, "timed out by %s after %v; %s", SignalName(w.alarm), round(w.alarmAt.Sub(w.start)), w.stoppedText())
		} else {
			w.log.kind(Warning, KindSummary, "timed out after %v; %s", w.timeout, w.stoppedText())
		}
	case w.cause == causeSignal && w.aliveAtStop:
		r.Outcome, r.Status = OutcomeInterrupted, exitStatus(st)
		if !st.Exited() {
			// The command did not exit by itself: curfew dies of the signal
			// it received, so a calling shell stops as it would without it.
			r.Signal, r.Status = w.stopSig, signalStatus(w.stopSig)
		}
		w.log.kind(Warning, KindSummary, "interrupted by %s; %s", SignalName(w.stopSig), w.stoppedText())
	default:
		r.Outcome, r.Status = OutcomeExited, st.Code
		if !st.Exited() {
			r.Outcome, r.Signal, r.Status = OutcomeSignaled, st.Signal, signalStatus(st.Signal)
		}
		// A process caught exiting at the same moment as the command is no
		// leftover: warn only when the shutdown reached someone.
		if w.cause != causeNone && (w.reached > 0 || w.killed > 0) {
			w.log.kind(Warning, KindSummary, "the command exited and left processes behind; %s", w.stoppedText())
		}
	}
	return r
}

// stoppedText is "stopped 4 processes (2 needed SIGKILL)".
func (w *watcher) stoppedText() string {
	// A first stage that spared the terminal's group (it had the signal
	// already) reached fewer than SIGKILL did.
	n := max(w.reached, w.killed)
	text := fmt.Sprintf("stopped %d %s", n, plural(n, "process", "processes"))
	if w.killed > 0 {
		text += fmt.Sprintf(" (%d needed SIGKILL)", w.killed)
	}
	return text
}

// exitStatus is the status a shell would report for st.
func exitStatus(st platform.ExitStatus) int {
	if st.Exited() {
		return st.Code
	}
	return signalStatus(st.Signal)
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

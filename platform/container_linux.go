package platform

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Container is the kill container of one run: every process the command
// starts is a member, and Signal, Kill and Empty act on all of them.
type Container struct {
	mode   string
	why    string
	self   int
	cg     *cgroupLeaf // nil in subreaper mode
	pid    int         // the command, 0 before Spawn
	shared bool        // the command is in curfew's process group
	// noChildren: the last Reap found curfew without a child (ECHILD).
	noChildren bool
	release    chan struct{} // ends the OS thread that spawned the command
}

// SharedGroupSupported says whether Command.SharedGroup works here: on
// Linux the container does not depend on the command's process group.
const SharedGroupSupported = true

// NewContainer prepares a kill container. ModeAuto picks a cgroup leaf when
// a writable cgroup2 mount allows it and a subreaper otherwise; Why says
// which and why. An explicit mode that cannot work is an error, never a
// silent downgrade.
func NewContainer(mode string) (*Container, error) {
	c := &Container{mode: mode, self: os.Getpid()}
	switch mode {
	case ModeAuto, ModeCgroup:
		g, err := newCgroupLeaf()
		if err == nil && !clone3IntoCgroup() {
			g.remove()
			err = errors.New("the kernel cannot start a process inside a cgroup (clone3 CLONE_INTO_CGROUP needs Linux 5.7)")
		}
		switch {
		case err == nil:
			c.mode, c.cg = ModeCgroup, g
			c.why = "cgroup v2 leaf " + g.dir
		case mode == ModeCgroup:
			return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
		default:
			c.mode = ModeSubreaper
			c.why = "subreaper, because the cgroup container cannot work here: " + err.Error()
		}
	case ModeSubreaper:
		c.why = "subreaper, as asked"
	default:
		return nil, fmt.Errorf("unknown container mode %q: want auto, cgroup or subreaper", mode)
	}
	// Become a subreaper before the first fork: from then on every orphan of
	// the run re-parents to curfew, which reaps it and (in subreaper mode)
	// still sees it as a member. The cgroup mode wants it too, so orphans are
	// reaped promptly rather than left to whatever init the machine has.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		c.Close()
		return nil, fmt.Errorf("cannot become a child subreaper: %w", err)
	}
	return c, nil
}

// clone3IntoCgroup reports whether the kernel knows clone3 (Linux 5.3; the
// CLONE_INTO_CGROUP flag came in 5.7, cgroup.kill in 5.14). A cgroup2 mount
// with cgroup.kill implies both; without it we ask the kernel directly.
func clone3IntoCgroup() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return true
	}
	var major, minor int
	fmt.Sscanf(unix.ByteSliceToString(u.Release[:]), "%d.%d", &major, &minor)
	return major > 5 || major == 5 && minor >= 7
}

// Mode is the container mode in use: ModeCgroup or ModeSubreaper.
func (c *Container) Mode() string { return c.mode }

// Why says which container was chosen and why, for --verbose.
func (c *Container) Why() string { return c.why }

// Spawn starts the command inside the container, with the standard streams
// and every fd curfew inherited without close-on-exec; curfew's own fds are
// all close-on-exec and never reach it. The command gets its own process
// group, and SIGKILL when curfew dies.
func (c *Container) Spawn(cmd Command) (pid int, err error) {
	attr := &syscall.ProcAttr{
		Env:   cmd.Env,
		Files: []uintptr{stdFD(0), stdFD(1), stdFD(2)},
		Sys: &syscall.SysProcAttr{
			Setpgid:    !cmd.SharedGroup,
			Foreground: cmd.Foreground && !cmd.SharedGroup,
			Ctty:       0, // with Foreground: stdin, as numbered in curfew
			Pdeathsig:  syscall.SIGKILL,
		},
	}
	if c.cg != nil {
		// Born inside: clone3(CLONE_INTO_CGROUP) puts the child into the leaf
		// before it runs a single instruction, so nothing can escape first.
		attr.Sys.UseCgroupFD, attr.Sys.CgroupFD = true, c.cg.fd
	}
	type result struct {
		pid int
		err error
	}
	done := make(chan result, 1)
	release := make(chan struct{})
	c.release = release
	go func() {
		// Pdeathsig fires when the thread that forked exits, not the process
		// (go.dev/issue/27505), so fork on a locked thread that lives until
		// the run is over.
		runtime.LockOSThread()
		pid, err := syscall.ForkExec(cmd.Path, cmd.Args, attr)
		done <- result{pid, err}
		if err == nil {
			<-release
		}
		runtime.UnlockOSThread()
	}()
	r := <-done
	if r.err != nil {
		c.release = nil
		return 0, &os.PathError{Op: "exec", Path: cmd.Path, Err: r.err}
	}
	c.pid, c.shared = r.pid, cmd.SharedGroup
	return r.pid, nil
}

// SignalCommand sends sig to the command's process group, as a terminal
// would. It must not be called after Reap has returned the command.
func (c *Container) SignalCommand(sig syscall.Signal) error {
	if c.pid == 0 {
		return nil
	}
	if c.shared {
		// The group is curfew's own: signalling it would signal curfew.
		return ignoreESRCH(unix.Kill(c.pid, sig))
	}
	return ignoreESRCH(unix.Kill(-c.pid, sig))
}

// members lists the live processes of the run.
func (c *Container) members() ([]proc, error) {
	if c.cg == nil {
		return descendants(c.self)
	}
	pids, err := c.cg.pids()
	if err != nil {
		return nil, err
	}
	out := make([]proc, 0, len(pids))
	for _, pid := range pids {
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Members lists the live processes of the run.
func (c *Container) Members() ([]Process, error) {
	ps, err := c.members()
	out := make([]Process, len(ps))
	for i, p := range ps {
		out[i] = Process{Pid: p.pid, Name: p.name}
	}
	return out, err
}

// maxRounds bounds the re-scans of Kill; a tree that still grows after
// that many rounds is forking faster than it can be listed, which only
// cgroup.kill can end (in subreaper mode the stopped members cannot fork, so
// the rounds converge).
const maxRounds = 100

// signalRounds bounds the re-scans of a graceful stage: enough to reach the
// children forked while it was sent, not a race against a fork loop, which
// would keep it scanning (a full /proc scan a round in subreaper mode) while
// its grace period has not even begun. What a fork loop starts after the
// last round gets the next stage, which ends in SIGKILL.
const signalRounds = 4

// Signal sends sig, then SIGCONT (a stopped process cannot act on SIGTERM),
// to every process of the run, also to those that left the command's
// process group or session. It lists the members again until a round finds
// none it has not signalled, so children forked meanwhile get it too. It
// returns how many processes it reached.
func (c *Container) Signal(sig syscall.Signal) (int, error) {
	return c.signal(sig, 0)
}

// SignalOutside is Signal for the processes outside curfew's own process
// group: a signal the terminal sent to the foreground group (Ctrl+C) has
// reached the ones inside already, and must not reach them twice.
func (c *Container) SignalOutside(sig syscall.Signal) (int, error) {
	return c.signal(sig, unix.Getpgrp())
}

// signal sends sig and SIGCONT to every member not in process group skip
// (0: none skipped).
func (c *Container) signal(sig syscall.Signal, skip int) (int, error) {
	if sig == syscall.SIGKILL {
		return c.Kill()
	}
	seen := make(map[int]uint64)
	reached := 0
	var errs []error
	for round := 0; round < signalRounds; round++ {
		ps, err := c.members()
		if err != nil {
			return reached, err
		}
		fresh := 0
		for _, p := range ps {
			if start, ok := seen[p.pid]; ok && start == p.start {
				continue
			}
			seen[p.pid] = p.start
			if skip != 0 && p.pgrp == skip {
				continue
			}
			fresh++
			reached++
			if err := signalProc(p, sig); err != nil {
				errs = append(errs, err)
			}
			if sig != syscall.SIGCONT {
				if err := signalProc(p, unix.SIGCONT); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if fresh == 0 {
			break
		}
	}
	return reached, errors.Join(errs...)
}

// Kill sends SIGKILL to every process of the run. With a cgroup it writes
// cgroup.kill, which the kernel applies to the whole subtree at once. In
// subreaper mode it stops the world first: SIGSTOP every member, list again
// until no new member shows up (a stopped process cannot fork), then
// SIGKILL them all, so a fork loop cannot outrun it.
func (c *Container) Kill() (int, error) {
	if c.cg != nil {
		return c.cg.kill()
	}
	stopped := make(map[int]proc)
	var errs []error
	for round := 0; round < maxRounds; round++ {
		ps, err := descendants(c.self)
		if err != nil {
			return 0, err
		}
		fresh := 0
		for _, p := range ps {
			if old, ok := stopped[p.pid]; ok && old.start == p.start {
				continue
			}
			stopped[p.pid] = p
			fresh++
			if err := signalProc(p, unix.SIGSTOP); err != nil {
				errs = append(errs, err)
			}
		}
		if fresh == 0 {
			break
		}
	}
	// SIGKILL ends stopped processes too; no SIGCONT is needed.
	for _, p := range stopped {
		if err := signalProc(p, unix.SIGKILL); err != nil {
			errs = append(errs, err)
		}
	}
	return len(stopped), errors.Join(errs...)
}

// Empty reports whether no process of the run is alive.
func (c *Container) Empty() (bool, error) {
	if c.cg != nil {
		p, err := c.cg.populated()
		return !p, err
	}
	if c.noChildren {
		// A subreaper without children has no descendants: every orphan
		// below it would have re-parented to it. No /proc scan needed.
		return true, nil
	}
	ps, err := descendants(c.self)
	return len(ps) == 0, err
}

// Reap collects every child that has exited, without blocking: the command
// and every orphan that re-parented to curfew. It is the only place that
// waits for processes. noChildren is true when curfew has no child left.
func (c *Container) Reap() (exits []Exit, noChildren bool) {
	exits, c.noChildren = reapChildren()
	return exits, c.noChildren
}

// Close removes the container: the cgroup leaf (and any empty leaf a nested
// run left below it). Call it once the container is empty.
func (c *Container) Close() error {
	if c.release != nil {
		close(c.release)
		c.release = nil
	}
	if c.cg != nil {
		err := c.cg.remove()
		c.cg = nil
		return err
	}
	return nil
}

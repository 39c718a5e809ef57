package platform

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// killExitCode is the exit code TerminateJobObject gives every process of
// the run: 128+9, what a shell shows for SIGKILL. Reap reports the command
// as killed by SIGKILL when it ended with it after Kill.
const killExitCode = 128 + 9

// Container is the kill container of one run: a job object that the
// command is born into (see spawnInJob). Every process the command starts
// is in the job too, and cannot leave it.
type Container struct {
	job     windows.Handle
	pid     int            // the command, 0 before Spawn
	process windows.Handle // the command's handle, from Spawn to Close
	exited  chan struct{}  // closed once the command's process has ended
	reaped  bool
	killed  bool // Kill was called: killExitCode means SIGKILL
}

// NewContainer prepares a kill container: ModeAuto and ModeJob give a job
// object; the Linux modes are unavailable here.
func NewContainer(mode string) (*Container, error) {
	switch mode {
	case ModeAuto, ModeJob:
	case ModeCgroup, ModeSubreaper:
		return nil, fmt.Errorf("%w: the %s container is linux only; on windows curfew uses a job object", ErrUnavailable, mode)
	default:
		return nil, fmt.Errorf("unknown container mode %q: want auto or %s", mode, ModeJob)
	}
	job, err := newJob()
	if err != nil {
		return nil, err
	}
	return &Container{job: job}, nil
}

// Mode is the container mode in use: ModeJob.
func (c *Container) Mode() string { return ModeJob }

// Why says which container is used and how, for --verbose.
func (c *Container) Why() string {
	return "job object (kill on close, no breakaway); the command is created suspended and resumed inside it"
}

// Spawn starts the command inside the job with curfew's standard handles,
// as the root of a new console process group.
func (c *Container) Spawn(cmd Command) (int, error) {
	pid, process, err := spawnInJob(c.job, cmd)
	if err != nil {
		return 0, err
	}
	c.pid, c.process, c.exited = pid, process, make(chan struct{})
	go func() {
		windows.WaitForSingleObject(process, windows.INFINITE)
		close(c.exited)
		childChanged()
	}()
	return pid, nil
}

// ctrlBreak sends CTRL_BREAK_EVENT to the command's console process group:
// the graceful stop on Windows, for INT, BREAK and TERM alike (CTRL_C_EVENT
// cannot be sent to a group). It reaches the processes of the group that
// share curfew's console; it fails when curfew has no console.
func (c *Container) ctrlBreak() error {
	if err := windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(c.pid)); err != nil {
		return fmt.Errorf("cannot send CTRL_BREAK_EVENT to the command's process group: %w", err)
	}
	return nil
}

// SignalCommand sends sig to the command's process group: INT, BREAK and
// TERM as CTRL_BREAK_EVENT, KILL as TerminateProcess of the command. It must
// not be called after Reap has returned the command.
func (c *Container) SignalCommand(sig syscall.Signal) error {
	if c.pid == 0 {
		return nil
	}
	switch sig {
	case syscall.SIGINT, SIGBREAK, syscall.SIGTERM:
		return c.ctrlBreak()
	case syscall.SIGKILL:
		if err := windows.TerminateProcess(c.process, killExitCode); err != nil {
			return fmt.Errorf("cannot terminate process %d: %w", c.pid, err)
		}
		return nil
	}
	return fmt.Errorf("cannot send %s on windows: %w", SignalName(sig), errors.ErrUnsupported)
}

// Members lists the live processes of the job.
func (c *Container) Members() ([]Process, error) {
	pids, err := jobPids(c.job)
	if err != nil || len(pids) == 0 {
		return nil, err
	}
	names := processNames()
	out := make([]Process, len(pids))
	for i, pid := range pids {
		out[i] = Process{Pid: pid, Name: names[pid]}
	}
	return out, nil
}

// Signal runs a graceful stage (INT, BREAK or TERM: CTRL_BREAK_EVENT to the
// command's process group) or, for KILL, Kill. It returns how many processes
// the job held when the event was sent.
func (c *Container) Signal(sig syscall.Signal) (int, error) {
	if sig == syscall.SIGKILL {
		return c.Kill()
	}
	switch sig {
	case syscall.SIGINT, SIGBREAK, syscall.SIGTERM:
	default:
		return 0, fmt.Errorf("cannot send %s on windows: %w", SignalName(sig), errors.ErrUnsupported)
	}
	n, err := activeProcesses(c.job)
	if err != nil || n == 0 || c.pid == 0 {
		return 0, err
	}
	if err := c.ctrlBreak(); err != nil {
		return 0, err
	}
	return n, nil
}

// Kill ends every process of the job at once with TerminateJobObject. The
// job's processes are gone once Empty says so.
func (c *Container) Kill() (int, error) {
	n, err := activeProcesses(c.job)
	if err != nil {
		return 0, err
	}
	c.killed = true
	if err := windows.TerminateJobObject(c.job, killExitCode); err != nil {
		return 0, fmt.Errorf("cannot terminate the job object: %w", err)
	}
	return n, nil
}

// Empty reports whether the job has no active process.
func (c *Container) Empty() (bool, error) {
	n, err := activeProcesses(c.job)
	return n == 0, err
}

// Reap returns the command's exit once its process has ended, without
// blocking. noChildren is true once there is no command left to wait for.
func (c *Container) Reap() (exits []Exit, noChildren bool) {
	if c.pid == 0 || c.reaped {
		return nil, true
	}
	select {
	case <-c.exited:
	default:
		return nil, false
	}
	c.reaped = true
	var code uint32
	if err := windows.GetExitCodeProcess(c.process, &code); err != nil {
		code = 1 // cannot happen with our own, ended process; say it failed
	}
	return []Exit{{Pid: c.pid, Status: c.decodeExit(code)}}, true
}

// decodeExit turns an exit code into an ExitStatus: the code TerminateJobObject
// gave is SIGKILL, and STATUS_CONTROL_C_EXIT (the default handler of Ctrl+C
// and Ctrl+Break) is SIGINT; any other code is the command's own.
func (c *Container) decodeExit(code uint32) ExitStatus {
	switch {
	case c.killed && code == killExitCode:
		return ExitStatus{Signal: syscall.SIGKILL}
	case code == uint32(windows.STATUS_CONTROL_C_EXIT):
		return ExitStatus{Signal: syscall.SIGINT}
	}
	return ExitStatus{Code: int(code)}
}

// Close releases the job. Whatever is still in it is terminated first (the
// job is kill-on-close anyway); call it once the container is empty.
func (c *Container) Close() error {
	if c.job == 0 {
		return nil
	}
	var err error
	if c.process != 0 {
		select {
		case <-c.exited:
		default:
			windows.TerminateJobObject(c.job, killExitCode)
		}
		select {
		case <-c.exited:
			windows.CloseHandle(c.process)
		case <-time.After(5 * time.Second):
			// The waiting goroutine still uses the handle: leave it open.
			err = fmt.Errorf("process %d did not end after the job was terminated", c.pid)
		}
		c.process = 0
	}
	windows.CloseHandle(c.job)
	c.job = 0
	return err
}

// SharedGroupSupported is false: Ctrl+Break needs the command's own
// console process group.
const SharedGroupSupported = false

// SignalOutside is Signal: the command never shares curfew's group here.
func (c *Container) SignalOutside(sig syscall.Signal) (int, error) { return c.Signal(sig) }

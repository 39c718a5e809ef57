//go:build unix && !linux

package platform

import (
	"fmt"
	"runtime"
	"syscall"
)

// Container is the kill container of one run: on this system the command's
// process group (see processGroup for what it cannot hold).
type Container struct {
	group processGroup
}

// NewContainer prepares a kill container. ModeAuto and ModeProcessGroup
// give the command's process group; the Linux modes are unavailable here.
func NewContainer(mode string) (*Container, error) {
	switch mode {
	case ModeAuto, ModeProcessGroup:
		return &Container{}, nil
	case ModeCgroup, ModeSubreaper:
		return nil, fmt.Errorf("%w: the %s container is linux only; on %s curfew uses the command's process group", ErrUnavailable, mode, runtime.GOOS)
	default:
		return nil, fmt.Errorf("unknown container mode %q: want auto or %s", mode, ModeProcessGroup)
	}
}

// Mode is the container mode in use: ModeProcessGroup.
func (c *Container) Mode() string { return ModeProcessGroup }

// Why says which container is used and what it cannot hold, for --verbose.
func (c *Container) Why() string { return groupWhy }

// Spawn starts the command as the leader of a new process group, with the
// standard streams and every fd curfew inherited without close-on-exec.
func (c *Container) Spawn(cmd Command) (int, error) { return c.group.spawn(cmd) }

// SignalCommand sends sig to the command's process group, as a terminal
// would.
func (c *Container) SignalCommand(sig syscall.Signal) error { return c.group.signalCommand(sig) }

// Members lists the live processes of the group.
func (c *Container) Members() ([]Process, error) { return c.group.members() }

// Signal sends sig, then SIGCONT, to every process of the group, and returns
// how many it reached.
func (c *Container) Signal(sig syscall.Signal) (int, error) { return c.group.signal(sig) }

// Kill sends SIGKILL to every process of the group.
func (c *Container) Kill() (int, error) { return c.group.kill() }

// Empty reports whether no process of the group is alive.
func (c *Container) Empty() (bool, error) { return c.group.empty() }

// Reap collects every child that has exited, without blocking. It is the
// only place that waits for processes. noChildren is true when curfew has
// no child left.
func (c *Container) Reap() (exits []Exit, noChildren bool) { return reapChildren() }

// Close releases the container; a process group needs nothing removed.
func (c *Container) Close() error { return nil }

// SharedGroupSupported is false: this container is the command's own
// process group, so the command cannot share curfew's.
const SharedGroupSupported = false

// SignalOutside is Signal: without a shared group no member has had the
// terminal's signal already.
func (c *Container) SignalOutside(sig syscall.Signal) (int, error) { return c.Signal(sig) }

package platform

import (
	"errors"
	"fmt"
	"syscall"
)

// Container modes accepted by NewContainer.
const (
	ModeAuto      = "auto"      // the best container that works here
	ModeCgroup    = "cgroup"    // Linux: a cgroup v2 leaf
	ModeSubreaper = "subreaper" // Linux: child subreaper plus /proc tracking
	ModeJob       = "job"       // Windows: a job object
	// ModeProcessGroup is the command's process group: macOS and the other
	// unix systems, which have neither cgroups nor job objects.
	ModeProcessGroup = "process-group"
)

// Command is what Spawn starts. Path is already resolved (see exec.LookPath).
type Command struct {
	Path string
	Args []string // Args[0] is the name the command sees
	Env  []string
	// Foreground hands the terminal on stdin to the command's process group,
	// so that it can read the terminal and gets the keyboard's signals once.
	Foreground bool
	// SharedGroup keeps the command in curfew's own process group instead
	// of a new one, so that what the terminal sends to its foreground group
	// (Ctrl+C, Ctrl+Z, window resizes) reaches the command and curfew alike,
	// once. Only where SharedGroupSupported says so.
	SharedGroup bool
}

// Exit is a process that Reap collected.
type Exit struct {
	Pid    int
	Status ExitStatus
}

// ExitStatus is a decoded wait status.
type ExitStatus struct {
	Code   int            // exit code, when Signal is 0
	Signal syscall.Signal // the signal that killed the process, or 0
	Core   bool           // the process dumped core
}

// Exited reports whether the process ended by exiting rather than by a signal.
func (s ExitStatus) Exited() bool { return s.Signal == 0 }

// String describes the status the way a user reads it.
func (s ExitStatus) String() string {
	if s.Exited() {
		return fmt.Sprintf("exit status %d", s.Code)
	}
	return "killed by " + SignalName(s.Signal)
}

// Process is a live member of a container.
type Process struct {
	Pid  int
	Name string // the kernel's short command name (comm)
}

// ErrUnavailable wraps the reason an explicitly chosen container mode cannot
// work on this machine.
var ErrUnavailable = errors.New("container not available")

//go:build unix

package platform

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// JobControlSignals are the stops a terminal or a supervisor sends to
// suspend a job (TSTP, TTIN, TTOU). curfew forwards them to the command and
// then stops itself, as dumb-init does, so that whoever sent them sees the
// whole run stopped; SIGCONT, forwarded like any other signal, resumes it.
func JobControlSignals() []os.Signal {
	return []os.Signal{unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU}
}

// StopSelf stops curfew with SIGSTOP, the way a job-control stop would have
// if curfew did not catch it; it returns once curfew is continued. As PID 1
// the kernel ignores it: an init cannot be stopped from inside its namespace.
func StopSelf() error { return unix.Kill(unix.Getpid(), unix.SIGSTOP) }

// SignalPid sends sig to one process; one that is gone already is no error.
func SignalPid(pid int, sig syscall.Signal) error {
	if err := unix.Kill(pid, sig); err != nil && err != unix.ESRCH {
		return err
	}
	return nil
}

//go:build unix

package platform

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// StopSignals are the signals that start a shutdown, and escalate it when
// repeated.
func StopSignals() []os.Signal {
	return []os.Signal{unix.SIGINT, unix.SIGTERM, unix.SIGHUP, unix.SIGQUIT}
}

// ForwardSignals are the signals passed on to the command unchanged. Not
// here: SIGCHLD (reaping), SIGURG (the Go runtime's own), the synchronous
// faults (SEGV, BUS, FPE, ILL, TRAP, SYS, ABRT: they concern curfew itself),
// and the job-control stops (TSTP, TTIN, TTOU), which keep their default
// action on curfew.
func ForwardSignals() []os.Signal {
	sigs := []os.Signal{
		unix.SIGUSR1, unix.SIGUSR2, unix.SIGWINCH, unix.SIGCONT, unix.SIGALRM,
		unix.SIGVTALRM, unix.SIGPROF, unix.SIGIO, unix.SIGXCPU, unix.SIGXFSZ,
		unix.SIGPIPE,
	}
	return append(sigs, extraForwardSignals()...)
}

// ChildSignal is the signal that says a child changed state.
const ChildSignal = syscall.SIGCHLD

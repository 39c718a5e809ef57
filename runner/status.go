package runner

import (
	"errors"
	"io/fs"
	"os/exec"
	"syscall"

	"github.com/curfew/curfew/platform"
)

// Exit statuses curfew itself produces (GNU timeout's numbers). Any other
// status is the command's own, passed through; a command that itself exits
// 124 to 127 cannot be told apart from curfew, as with timeout.
const (
	StatusTimedOut     = 124 // the command outlived --timeout
	StatusFailed       = 125 // curfew itself failed, or bad usage
	StatusCannotInvoke = 126 // the command was found but cannot run
	StatusNotFound     = 127 // the command was not found
	signalOffset       = 128 // a process killed by signal N reports 128+N
)

// Outcome says how a run ended.
type Outcome string

// The outcomes of a run.
const (
	OutcomeExited        Outcome = "exited"          // the command exited by itself
	OutcomeSignaled      Outcome = "signaled"        // the command was killed by a signal curfew did not send
	OutcomeTimedOut      Outcome = "timed_out"       // --timeout elapsed
	OutcomeInterrupted   Outcome = "interrupted"     // curfew received a stop signal
	OutcomeFailedToStart Outcome = "failed_to_start" // the command could not be started
)

// StartError is a command that could not be started; Status is 126 or 127.
type StartError struct {
	Status int
	Err    error
}

func (e *StartError) Error() string { return e.Err.Error() }

func (e *StartError) Unwrap() error { return e.Err }

// startStatus classifies an error from finding or starting the command the
// way GNU timeout does: not found is 127, anything else 126.
func startStatus(err error) int {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return StatusNotFound
	}
	return StatusCannotInvoke
}

// ErrNotFound is wrapped by the StartError of a command that is not in PATH.
var ErrNotFound = exec.ErrNotFound

// ErrUnavailable is wrapped by the error of an explicitly chosen container
// mode that cannot work on this machine.
var ErrUnavailable = platform.ErrUnavailable

// signalStatus is what a shell reports for a process killed by sig.
func signalStatus(sig syscall.Signal) int { return (signalOffset + int(sig)) & 0xff }

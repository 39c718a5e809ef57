package platform

import (
	"errors"
	"os"
	"syscall"
)

// JobControlSignals is empty on Windows, which has no job-control stops.
func JobControlSignals() []os.Signal { return nil }

// StopSelf is not possible on Windows.
func StopSelf() error { return errors.ErrUnsupported }

// SignalPid sends sig to one process; Windows has no signals to send to a
// single process of a console group.
func SignalPid(pid int, sig syscall.Signal) error { return errors.ErrUnsupported }

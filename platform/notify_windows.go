package platform

import (
	"os"
	"syscall"
)

// StopSignals are the console events that start a shutdown (Go delivers
// Ctrl+C, Ctrl+Break and console close as os.Interrupt or SIGTERM).
func StopSignals() []os.Signal { return []os.Signal{os.Interrupt, syscall.SIGTERM} }

// ForwardSignals is empty: Windows has no signals to pass on.
func ForwardSignals() []os.Signal { return nil }

// ChildSignal is 0: Windows has no SIGCHLD.
const ChildSignal = syscall.Signal(0)

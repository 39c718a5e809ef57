package platform

import (
	"os"
	"syscall"
)

// CatchableSignals are the signals curfew catches and acts on for the
// command: the stop signals, the forwarded ones and the job-control stops.
func CatchableSignals() []syscall.Signal {
	var out []syscall.Signal
	for _, list := range [][]os.Signal{StopSignals(), ForwardSignals(), JobControlSignals()} {
		for _, s := range list {
			if sig, ok := s.(syscall.Signal); ok {
				out = append(out, sig)
			}
		}
	}
	return out
}

//go:build unix && !linux

package platform

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Raise makes curfew die of sig where the system allows it; it returns when
// the signal did not kill curfew, and the caller then exits with 128+sig.
func Raise(sig syscall.Signal) {
	signal.Reset(sig)
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Signal(sig)
	}
	time.Sleep(50 * time.Millisecond)
}

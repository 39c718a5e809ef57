package platform

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// extraForwardSignals adds Linux's SIGPWR and the real-time signals, which
// Go's runtime does not use (glibc's private 32 and 33 are skipped).
func extraForwardSignals() []os.Signal {
	sigs := []os.Signal{unix.SIGPWR}
	for s := 34; s <= 64; s++ {
		sigs = append(sigs, syscall.Signal(s))
	}
	return sigs
}

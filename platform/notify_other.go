//go:build unix && !linux

package platform

import "os"

// extraForwardSignals has nothing to add outside Linux.
func extraForwardSignals() []os.Signal { return nil }

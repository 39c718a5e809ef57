//go:build !linux

package platform

import "runtime/debug"

// TrimMemory gives back the garbage of start-up once the command runs.
func TrimMemory() { debug.FreeOSMemory() }

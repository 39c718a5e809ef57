package platform

import "syscall"

// Raise does nothing on Windows: a process cannot die of a signal there, so
// the caller exits with 128+sig, the status a unix shell would show.
func Raise(sig syscall.Signal) {}

package platform

import "syscall"

// Windows has neither: these never arrive.
const (
	SIGWINCH = syscall.Signal(-1)
	SIGCONT  = syscall.Signal(-2)
	SIGTTOU  = syscall.Signal(-3)
)

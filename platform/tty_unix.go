//go:build unix

package platform

import (
	"os/signal"

	"golang.org/x/sys/unix"
)

// TerminalForeground reports whether stdin is a terminal whose foreground
// process group is curfew's own: then the command, which runs in a process
// group of its own, must be handed the terminal to be able to read it.
func TerminalForeground() bool {
	pgrp, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp()
}

// RestoreForeground gives the terminal on stdin back to curfew's process
// group, so the shell finds it as it left it.
func RestoreForeground() error {
	// tcsetpgrp from a background process group raises SIGTTOU, which would
	// stop curfew (tcsetpgrp(3)); the child is already started, so ignoring
	// it here cannot leak into the command.
	signal.Ignore(unix.SIGTTOU)
	defer signal.Reset(unix.SIGTTOU)
	return unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, unix.Getpgrp())
}

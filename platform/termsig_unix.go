//go:build unix

package platform

import "golang.org/x/sys/unix"

// The signals a terminal or a job-control shell sends to a whole foreground
// process group besides the keyboard's INT and QUIT.
const (
	SIGWINCH = unix.SIGWINCH // the window was resized
	SIGCONT  = unix.SIGCONT  // fg or bg
	SIGTTOU  = unix.SIGTTOU  // a background process wrote to the terminal
)

//go:build linux || darwin

package platform

import (
	"os/signal"

	"golang.org/x/sys/unix"
)

// SaveTerminal records the modes of the terminal on stdin and returns a
// function that puts them back: a command killed in raw mode (an editor, a
// pager) would otherwise leave the shell's terminal unusable. Without a
// terminal on stdin both do nothing.
func SaveTerminal() (restore func() error) {
	saved, err := unix.IoctlGetTermios(0, ioctlGetTermios)
	if err != nil {
		return func() error { return nil }
	}
	return func() error {
		now, err := unix.IoctlGetTermios(0, ioctlGetTermios)
		if err == nil && *now == *saved {
			return nil
		}
		// From a background group (the run was put there with bg) the
		// change would raise SIGTTOU and stop curfew (tcsetattr(3)).
		signal.Ignore(unix.SIGTTOU)
		defer signal.Reset(unix.SIGTTOU)
		return unix.IoctlSetTermios(0, ioctlSetTermios, saved)
	}
}

//go:build unix

package platform

import (
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
)

// NotifyChild makes ch receive a value whenever a child of curfew may have
// exited: on unix, SIGCHLD. It must be called before the first spawn.
func NotifyChild(ch chan<- os.Signal) { signal.Notify(ch, unix.SIGCHLD) }

// StopChild undoes NotifyChild.
func StopChild(ch chan<- os.Signal) { signal.Stop(ch) }

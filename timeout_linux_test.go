package main

import (
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// Fixture subcommands for the GNU timeout scenarios: a parent that blocked
// a signal, and one that already has a child when it execs timeout.
func init() {
	fixtureCommands["withsigblock"] = fixtureWithsigblock
	fixtureCommands["withchild"] = fixtureWithchild
}

// fixtureWithsigblock execs PROG with SIG blocked, as a parent that blocked
// SIGALRM passes its mask on (GNU's timeout-blocked test).
func fixtureWithsigblock(args []string) int {
	if len(args) < 2 {
		return usage("withsigblock SIG PROG [ARG...]")
	}
	sig, err := parseSignal(args[0])
	if err != nil {
		return usage("withsigblock: %v", err)
	}
	// The mask is per thread, and exec keeps the calling thread's.
	runtime.LockOSThread()
	var set unix.Sigset_t
	n := int(sig.(syscall.Signal))
	set.Val[(n-1)/64] |= 1 << (uint(n-1) % 64)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, nil); err != nil {
		return fail("sigprocmask: %v", err)
	}
	return execPath(args[1:])
}

// fixtureWithchild starts "fixture sleep DURATION" and then execs PROG, so
// that PROG begins life with a child it did not start (GNU's bug 9098).
func fixtureWithchild(args []string) int {
	if len(args) < 2 {
		return usage("withchild DURATION PROG [ARG...]")
	}
	cmd, err := selfCommand("sleep", args[0])
	if err != nil {
		return fail("%v", err)
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return fail("%v", err)
	}
	return execPath(args[1:])
}

//go:build unix

package main

import (
	"runtime"
	"syscall"
)

// contSignal is what the personality sends for GNU's signal 0 (nothing,
// then the SIGCONT GNU sends after every signal); alarmSignal is GNU's
// timer signal.
const (
	contSignal  = syscall.SIGCONT
	alarmSignal = syscall.SIGALRM
)

// signalAliases are the names gnulib's str2sig knows besides the usual
// ones; signalNames are its names where they differ from curfew's.
var signalAliases, signalNames = func() (map[string]syscall.Signal, map[syscall.Signal]string) {
	aliases := map[string]syscall.Signal{"IOT": syscall.SIGABRT}
	names := map[syscall.Signal]string{}
	if runtime.GOOS == "linux" {
		aliases["CLD"] = syscall.Signal(17) // SIGCHLD
		aliases["POLL"] = syscall.Signal(29)
		names[syscall.Signal(29)] = "POLL" // SIGIO comes second in gnulib's table
	}
	return aliases, names
}()

// handledLikeGNU lists what GNU timeout installs a handler for (its timer
// signal, INT, QUIT, HUP, TERM and -s's signal): the run catches them even
// when timeout started with them ignored (a background job's SIGINT,
// nohup's SIGHUP), so that, as under GNU, the command starts with their
// default action: the command of "timeout 5 cmd &" in a script can still
// trap SIGINT. curfew itself keeps such signals ignored instead.
func handledLikeGNU(sig syscall.Signal) []syscall.Signal {
	sigs := []syscall.Signal{syscall.SIGALRM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGTERM}
	if sig != 0 && sig != syscall.SIGKILL && sig != syscall.SIGSTOP {
		sigs = append(sigs, sig)
	}
	return sigs
}

//go:build !unix

package main

import "syscall"

// Windows has no SIGCONT and no SIGALRM: signal 0 is refused there, and
// nothing stands for GNU's timer signal.
const (
	contSignal  = syscall.Signal(0)
	alarmSignal = syscall.Signal(0)
)

var (
	signalAliases = map[string]syscall.Signal{}
	signalNames   = map[syscall.Signal]string{}
)

// handledLikeGNU is empty where signals cannot be ignored.
func handledLikeGNU(syscall.Signal) []syscall.Signal { return nil }

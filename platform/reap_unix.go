//go:build unix

package platform

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// reapChildren collects every child of curfew that has exited, without
// blocking. noChildren is true when curfew has no child left.
func reapChildren() (exits []Exit, noChildren bool) {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil { // ECHILD: nothing left to wait for
			return exits, true
		}
		if pid <= 0 {
			return exits, false
		}
		exits = append(exits, Exit{Pid: pid, Status: decodeWait(ws)})
	}
}

// decodeWait turns a wait status into an ExitStatus.
func decodeWait(ws unix.WaitStatus) ExitStatus {
	if ws.Signaled() {
		return ExitStatus{Signal: syscall.Signal(ws.Signal()), Core: ws.CoreDump()}
	}
	return ExitStatus{Code: ws.ExitStatus()}
}

// stdFD passes fd through when it is open and asks ForkExec to leave it
// closed otherwise (a closed stdin stays closed for the command).
func stdFD(fd int) uintptr {
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		return ^uintptr(0)
	}
	return uintptr(fd)
}

// ignoreESRCH treats signalling a process that is already gone as success.
func ignoreESRCH(err error) error {
	if err == nil || errors.Is(err, unix.ESRCH) {
		return nil
	}
	return err
}

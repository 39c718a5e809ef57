//go:build unix

package platform

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// processGroup is the command's process group, the kill container where
// there are neither cgroups nor job objects (macOS, the BSDs). It holds the
// command and every descendant that stays in the group; a descendant that
// calls setsid or setpgid leaves it and is out of reach (setsid(2)), and
// nothing re-parents orphans to curfew. The code is shared with Linux so
// that it is tested there too.
type processGroup struct {
	pgid int // the command's pid, which is the group's id; 0 before spawn
}

// groupWhy is the --verbose line of the process-group container: it says
// the one thing the container cannot do.
const groupWhy = "process group of the command; a descendant that calls setsid or setpgid leaves the group and is not stopped (no cgroups or job objects here)"

// spawn starts the command as the leader of a new process group.
func (g *processGroup) spawn(cmd Command) (int, error) {
	attr := &syscall.ProcAttr{
		Env:   cmd.Env,
		Files: []uintptr{stdFD(0), stdFD(1), stdFD(2)},
		Sys: &syscall.SysProcAttr{
			Setpgid:    true,
			Foreground: cmd.Foreground,
			Ctty:       0, // with Foreground: stdin, as numbered in curfew
		},
	}
	pid, err := syscall.ForkExec(cmd.Path, cmd.Args, attr)
	if err != nil {
		return 0, &os.PathError{Op: "exec", Path: cmd.Path, Err: err}
	}
	g.pgid = pid
	return pid, nil
}

// signalCommand sends sig to the group, as a terminal would.
func (g *processGroup) signalCommand(sig syscall.Signal) error {
	if g.pgid == 0 {
		return nil
	}
	return ignoreESRCH(unix.Kill(-g.pgid, sig))
}

// members lists the live processes of the group. Where the system cannot
// list a group it says so with an error wrapping errors.ErrUnsupported.
func (g *processGroup) members() ([]Process, error) {
	if g.pgid == 0 {
		return nil, nil
	}
	return groupMembers(g.pgid)
}

// signal sends sig, then SIGCONT (a stopped process cannot act on SIGTERM),
// to the whole group with one kill(-pgid), which the kernel applies to
// every member at once. It returns how many processes it reached, as far
// as the system can list them.
func (g *processGroup) signal(sig syscall.Signal) (int, error) {
	if g.pgid == 0 {
		return 0, nil
	}
	ms, _ := g.members()
	if err := ignoreESRCH(unix.Kill(-g.pgid, sig)); err != nil {
		return 0, err
	}
	if sig != unix.SIGCONT && sig != unix.SIGKILL {
		if err := ignoreESRCH(unix.Kill(-g.pgid, unix.SIGCONT)); err != nil {
			return len(ms), err
		}
	}
	return len(ms), nil
}

// kill sends SIGKILL to the whole group.
func (g *processGroup) kill() (int, error) {
	return g.signal(unix.SIGKILL)
}

// empty reports whether no live process is left in the group. Zombies do
// not count: they only wait for their parent (curfew, or init) to reap them.
func (g *processGroup) empty() (bool, error) {
	if g.pgid == 0 {
		return true, nil
	}
	ms, err := g.members()
	if errors.Is(err, errors.ErrUnsupported) {
		// No listing here: kill(-pgid, 0) finds zombies too, which curfew
		// reaps before it asks, and init soon after.
		err = unix.Kill(-g.pgid, 0)
		return errors.Is(err, unix.ESRCH), ignoreESRCH(err)
	}
	return len(ms) == 0, err
}

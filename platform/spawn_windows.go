package platform

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// spawnInJob starts cmd so that it is inside job before it runs a single
// instruction: created suspended, assigned to the job, then resumed. A
// suspended process can neither exit nor start children, so assigning it
// cannot fail with "Access is denied" the way assigning a running process
// that has just exited does, and no grandchild can be born outside the job
// (shared/notes/windows.md, section 3a). On any error the suspended child is
// terminated. CREATE_NEW_PROCESS_GROUP makes the command the root of its own
// console process group, the target of CTRL_BREAK_EVENT.
//
// This is the one place that creates the command: when syscall.SysProcAttr
// can pass PROC_THREAD_ATTRIBUTE_JOB_LIST (golang/go#80415), the child can be
// born in the job directly and the suspend and resume steps go.
func spawnInJob(job windows.Handle, cmd Command) (pid int, process windows.Handle, err error) {
	attr := &syscall.ProcAttr{
		Env: windowsEnv(cmd.Env),
		Files: []uintptr{
			stdHandle(windows.STD_INPUT_HANDLE),
			stdHandle(windows.STD_OUTPUT_HANDLE),
			stdHandle(windows.STD_ERROR_HANDLE),
		},
		Sys: &syscall.SysProcAttr{
			CreationFlags: windows.CREATE_SUSPENDED | windows.CREATE_NEW_PROCESS_GROUP,
		},
	}
	pid, h, err := syscall.StartProcess(cmd.Path, cmd.Args, attr)
	if err != nil {
		return 0, 0, &os.PathError{Op: "exec", Path: cmd.Path, Err: err}
	}
	process = windows.Handle(h)
	if err := windows.AssignProcessToJobObject(job, process); err != nil {
		abandon(process)
		return 0, 0, fmt.Errorf("cannot put process %d into the job object: %w", pid, err)
	}
	if err := resumeProcess(pid, process); err != nil {
		abandon(process)
		return 0, 0, fmt.Errorf("cannot resume process %d: %w", pid, err)
	}
	return pid, process, nil
}

// abandon terminates a process that never ran and releases its handle.
func abandon(process windows.Handle) {
	windows.TerminateProcess(process, 1)
	windows.WaitForSingleObject(process, 5000)
	windows.CloseHandle(process)
}

// stdHandle passes curfew's standard handle on, or none when curfew has none
// (a service, a detached process).
func stdHandle(which uint32) uintptr {
	h, err := windows.GetStdHandle(which)
	if err != nil || h == windows.InvalidHandle {
		return 0
	}
	return uintptr(h)
}

// windowsEnv is env the way os/exec passes it on Windows, where
// syscall.StartProcess does not: names compare without case and the last
// value of a name wins (a child would see the first), and SYSTEMROOT is
// kept, since many programs cannot start without it.
func windowsEnv(env []string) []string {
	seen := make(map[string]bool)
	out := make([]string, 0, len(env)+1)
	for _, kv := range slices.Backward(env) {
		// A name may start with "=" (the per-drive "=C:" entries).
		i := strings.IndexByte(kv[min(1, len(kv)):], '=')
		if i < 0 {
			continue
		}
		name := strings.ToUpper(kv[:i+min(1, len(kv))])
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, kv)
	}
	slices.Reverse(out)
	if !seen["SYSTEMROOT"] {
		if v, ok := os.LookupEnv("SYSTEMROOT"); ok {
			out = append(out, "SYSTEMROOT="+v)
		}
	}
	return out
}

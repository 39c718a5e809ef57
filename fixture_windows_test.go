package main

// The Windows parts of the fixture command and of the custom testscript
// commands: looking at and killing processes by pid, and daemonizing.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/windows"
)

func init() {
	// A Go program on Windows can ignore console close (SIGTERM) as well as
	// Ctrl+C: -ignore TERM means the same on every system.
	extraSignals = map[string]os.Signal{"TERM": syscall.SIGTERM}
	detach = func(cmd *exec.Cmd) {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP,
		}
	}
	processState = windowsProcessState
	killProcess = func(pid int) error {
		h, err := windows.OpenProcess(windows.PROCESS_TERMINATE, false, uint32(pid))
		if err != nil {
			return err
		}
		defer windows.CloseHandle(h)
		return windows.TerminateProcess(h, 1)
	}
	processExe = windowsProcessExe
	underWine = func() bool {
		return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
	}
	afterTests = removeBinDir
}

// removeBinDir removes the copies of the test binary that testscript put in
// $PATH, one file at a time, before testscript removes their directory with
// os.RemoveAll, which fails under Wine 8 with Go 1.26 ("unlinkat ...:
// Invalid function") and would fail the run.
func removeBinDir() {
	if len(ourExes) == 0 {
		return
	}
	bin := filepath.Dir(ourExes[0])
	entries, _ := os.ReadDir(bin)
	for _, e := range entries {
		os.Remove(filepath.Join(bin, e.Name()))
	}
	os.Remove(bin)
	os.Remove(filepath.Dir(bin)) // testscript's temp dir, empty now
}

// windowsProcessState says whether pid is alive. Windows reuses pids soon
// (Wine sooner still), so only a process that runs one of the test binary's
// copies (fixture, curfew) counts: the pid files list nothing else.
func windowsProcessState(pid int) (procState, string) {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return procGone, ""
	}
	defer windows.CloseHandle(h)
	if ev, _ := windows.WaitForSingleObject(h, 0); ev == windows.WAIT_OBJECT_0 {
		return procGone, ""
	}
	if len(ourExes) > 0 && !isOurs(pid) {
		return procGone, "" // the pid was reused by another program
	}
	exe, _ := imageName(h)
	return procAlive, filepath.Base(exe)
}

func windowsProcessExe(pid int) (string, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return "", err
	}
	defer windows.CloseHandle(h)
	return imageName(h)
}

func imageName(h windows.Handle) (string, error) {
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return "", err
	}
	if n == 0 {
		return "", errors.New("empty image name")
	}
	return windows.UTF16ToString(buf[:n]), nil
}

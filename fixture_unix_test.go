//go:build unix

package main

// The unix parts of the fixture command and of the custom testscript
// commands: signal names, sessions, fds, ignored signals, and looking at
// and killing processes by pid.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

func init() {
	setsid = func() error {
		_, err := syscall.Setsid()
		return err
	}
	extraSignals = map[string]os.Signal{
		"HUP":   syscall.SIGHUP,
		"INT":   syscall.SIGINT,
		"QUIT":  syscall.SIGQUIT,
		"ABRT":  syscall.SIGABRT,
		"KILL":  syscall.SIGKILL,
		"USR1":  syscall.SIGUSR1,
		"USR2":  syscall.SIGUSR2,
		"PIPE":  syscall.SIGPIPE,
		"ALRM":  syscall.SIGALRM,
		"TERM":  syscall.SIGTERM,
		"CHLD":  syscall.SIGCHLD,
		"CONT":  syscall.SIGCONT,
		"STOP":  syscall.SIGSTOP,
		"TSTP":  syscall.SIGTSTP,
		"TTIN":  syscall.SIGTTIN,
		"TTOU":  syscall.SIGTTOU,
		"URG":   syscall.SIGURG,
		"WINCH": syscall.SIGWINCH,
	}
	fixtureCommands["fds"] = fixtureFds
	fixtureCommands["cgroup"] = fixtureCgroup
	fixtureCommands["withfd"] = fixtureWithfd
	fixtureCommands["withsigign"] = fixtureWithsigign
	fixtureCommands["ignored"] = fixtureIgnored

	processState = unixProcessState
	killProcess = func(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
	if runtime.GOOS == "linux" {
		processExe = func(pid int) (string, error) {
			exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
			return strings.TrimSuffix(exe, " (deleted)"), err
		}
	}
}

// fixtureFds prints the fds above 2 that this process inherited through
// exec: the open fds without close-on-exec. Everything this process opened
// itself, the Go runtime's fds (epoll, and the cgroup CPU limit files it
// keeps open) and the directory fd of the listing, is close-on-exec.
func fixtureFds(args []string) int {
	if len(args) != 0 {
		return usage("fds")
	}
	dir := "/proc/self/fd"
	if runtime.GOOS != "linux" {
		dir = "/dev/fd"
	}
	dfd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return fail("open %s: %v", dir, err)
	}
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := syscall.ReadDirent(dfd, buf)
		if err != nil {
			return fail("read %s: %v", dir, err)
		}
		if n <= 0 {
			break
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
	syscall.Close(dfd)
	var fds []int
	for _, name := range names {
		fd, err := strconv.Atoi(name)
		if err != nil || fd <= 2 || fd == dfd {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == nil && flags&unix.FD_CLOEXEC == 0 {
			fds = append(fds, fd)
		}
	}
	fmt.Println(strings.TrimSpace("fds: " + strings.Trim(fmt.Sprint(fds), "[]")))
	return 0
}

// fixtureCgroup writes the cgroup v2 path of this process (relative to the
// cgroup2 mount) to FILE, for nocgroupleft.
func fixtureCgroup(args []string) int {
	if len(args) != 1 {
		return usage("cgroup FILE")
	}
	path, err := ownCgroupPath()
	if err != nil {
		return fail("%v", err)
	}
	if err := writeAtomic(args[0], []byte(path+"\n")); err != nil {
		return fail("%v", err)
	}
	return 0
}

// fixtureWithfd runs PROG with fd N open (on the null device) and not
// close-on-exec, the way make hands its jobserver pipe to a recipe, and
// with no other fd above 2: whatever the test itself inherited is closed,
// so that "fixture fds" shows exactly what curfew passed on. N "none" opens
// no fd.
func fixtureWithfd(args []string) int {
	if len(args) < 2 {
		return usage("withfd N|none PROG [ARG...]")
	}
	keep := -1
	if args[0] != "none" {
		fd, err := strconv.Atoi(args[0])
		if err != nil || fd < 3 {
			return usage("withfd N|none PROG [ARG...]: N must be a number above 2")
		}
		f, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return fail("%v", err)
		}
		// Dup2 clears close-on-exec on the new fd.
		if err := unix.Dup2(int(f.Fd()), fd); err != nil {
			return fail("dup2: %v", err)
		}
		keep = fd
	}
	// Close-on-exec for every other fd: without /proc (macOS), try a range.
	for fd := 3; fd < 1024; fd++ {
		if fd != keep {
			unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	return execPath(args[1:])
}

// fixtureWithsigign runs PROG with SIG ignored, the way nohup runs its
// command with SIGHUP ignored. Only SIGHUP and SIGINT stay ignored in a Go
// program (see os/signal), which is why those are the ones to test with.
func fixtureWithsigign(args []string) int {
	if len(args) < 2 {
		return usage("withsigign SIG[,SIG...] PROG [ARG...]")
	}
	var sigs ignoreFlag
	if err := sigs.Set(args[0]); err != nil {
		return usage("withsigign: %v", err)
	}
	signal.Ignore(sigs...)
	return execPath(args[1:])
}

// execPath replaces this process with args[0], found in $PATH.
func execPath(args []string) int {
	path := args[0]
	if !strings.Contains(path, "/") {
		found, err := lookPath(path, os.Getenv("PATH"))
		if err != nil {
			return fail("%v", err)
		}
		path = found
	}
	err := syscall.Exec(path, args, os.Environ())
	return fail("exec %s: %v", path, err)
}

// fixtureIgnored prints "SIGHUP ignored" or "SIGHUP not ignored" for each
// signal, from the kernel's view (SigIgn in /proc/self/status).
func fixtureIgnored(args []string) int {
	if len(args) == 0 {
		return usage("ignored SIG...")
	}
	mask, err := procStatusMask(os.Getpid(), "SigIgn")
	if err != nil {
		return fail("%v", err)
	}
	for _, name := range args {
		sig, err := parseSignal(name)
		if err != nil {
			return usage("ignored: %v", err)
		}
		n := sig.(syscall.Signal)
		if mask&(1<<(uint(n)-1)) != 0 {
			fmt.Printf("%s ignored\n", signalName(sig))
		} else {
			fmt.Printf("%s not ignored\n", signalName(sig))
		}
	}
	return 0
}

// procStatusMask reads a hex signal mask such as SigIgn or ShdPnd from
// /proc/PID/status.
func procStatusMask(pid int, field string) (uint64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// unixProcessState says whether pid is alive, and if so what it is.
// A zombie is dead: it only waits for its parent (or init) to reap it.
// A process with SIGKILL pending is dying: the kernel is tearing it down.
func unixProcessState(pid int) (state procState, desc string) {
	if runtime.GOOS == "linux" {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if errors.Is(err, os.ErrNotExist) {
			return procGone, ""
		}
		if err == nil {
			// pid (comm) S ...: comm may contain spaces and parens.
			s := string(stat)
			if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
				switch s[i+2] {
				case 'Z', 'X', 'x':
					return procGone, ""
				}
			}
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			desc = strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil {
				desc = fmt.Sprintf("%s (%s)", desc, filepath.Base(exe))
			}
			for _, field := range []string{"ShdPnd", "SigPnd"} {
				if m, err := procStatusMask(pid, field); err == nil && m&(1<<(uint(syscall.SIGKILL)-1)) != 0 {
					return procDying, desc
				}
			}
			return procAlive, desc
		}
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return procGone, ""
	}
	return procAlive, ""
}

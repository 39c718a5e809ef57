package platform

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// proc is one live process as /proc/PID/stat shows it.
type proc struct {
	pid, ppid int
	pgrp      int    // process group
	start     uint64 // start time in clock ticks since boot: tells a reused pid apart
	name      string
}

// readProc parses /proc/PID/stat. ok is false for a process that is gone or a
// zombie (a zombie is dead; only its parent's wait is missing).
func readProc(pid int) (p proc, ok bool) {
	var buf [512]byte
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return p, false
	}
	n, _ := f.Read(buf[:])
	f.Close()
	return parseStat(buf[:n])
}

// parseStat reads "pid (comm) state ppid ... starttime ..." (proc(5)). comm
// may hold spaces and parentheses, so the fields start after the last ')'.
func parseStat(b []byte) (p proc, ok bool) {
	open, close := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || close < open {
		return p, false
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return p, false
	}
	f := bytes.Fields(b[close+1:])
	// f[0] is field 3 (state), f[1] field 4 (ppid), f[2] field 5 (pgrp),
	// f[19] field 22 (starttime).
	if len(f) < 20 || f[0][0] == 'Z' || f[0][0] == 'X' {
		return p, false
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	pgrp, err2 := strconv.Atoi(string(f[2]))
	start, err3 := strconv.ParseUint(string(f[19]), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return p, false
	}
	return proc{pid: pid, ppid: ppid, pgrp: pgrp, start: start, name: string(b[open+1 : close])}, true
}

// descendants lists every live process below root, found by walking the
// parent links of all of /proc. Because curfew is a child subreaper, a
// process of the run can never leave this tree (orphans re-parent to curfew).
func descendants(root int) ([]proc, error) {
	all, err := allProcs()
	if err != nil {
		return nil, err
	}
	children := make(map[int][]proc)
	for _, p := range all {
		children[p.ppid] = append(children[p.ppid], p)
	}
	var out []proc
	queue := []int{root}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		for _, c := range children[parent] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
	}
	return out, nil
}

// allProcs lists every live process in /proc.
func allProcs() ([]proc, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, fmt.Errorf("cannot list processes: %w", err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, fmt.Errorf("cannot list processes: %w", err)
	}
	var out []proc
	for _, name := range names {
		if name[0] < '0' || name[0] > '9' {
			continue
		}
		pid, err := strconv.Atoi(name)
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// signalProc signals p only if its pid still names the process that was
// listed: it opens a pidfd first, then checks the start time, so a pid
// reused between the scan and the signal is never hit. ESRCH is success.
func signalProc(p proc, sig unix.Signal) error {
	fd, err := unix.PidfdOpen(p.pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return nil
		}
		if errors.Is(err, unix.ENOSYS) { // Linux < 5.3: no pidfds, plain kill
			return ignoreESRCH(unix.Kill(p.pid, sig))
		}
		return fmt.Errorf("cannot open process %d: %w", p.pid, err)
	}
	defer unix.Close(fd)
	if now, ok := readProc(p.pid); !ok || now.start != p.start {
		return nil // gone, or the pid now belongs to another process
	}
	return ignoreESRCH(unix.PidfdSendSignal(fd, sig, nil, 0))
}

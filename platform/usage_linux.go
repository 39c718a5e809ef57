package platform

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Dir is the container's cgroup leaf, or "" in subreaper mode.
func (c *Container) Dir() string {
	if c.cg == nil {
		return ""
	}
	return c.cg.dir
}

// Usage says what the processes of the run cost. Call it once the
// container is empty and before Close. The cgroup's own counters cover every
// process that ever ran in it; without them (subreaper mode, or no memory or
// pids controller) the figures come from the rusage of the processes curfew
// reaped, where memory is the peak of the largest single process.
func (c *Container) Usage() Usage {
	var u Usage
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_CHILDREN, &ru) == nil {
		u.User = time.Duration(ru.Utime.Nano())
		u.System = time.Duration(ru.Stime.Nano())
		u.CPUFrom = UsageRusage
		u.MemoryPeak = ru.Maxrss * 1024 // kilobytes on Linux
		u.MemoryFrom = UsageRusage
	}
	if c.cg == nil {
		return u
	}
	if user, system, ok := readCPUStat(filepath.Join(c.cg.dir, "cpu.stat")); ok {
		u.User, u.System, u.CPUFrom = user, system, UsageCgroup
	}
	if n, ok := readNumber(filepath.Join(c.cg.dir, "memory.peak")); ok {
		u.MemoryPeak, u.MemoryFrom = n, UsageCgroup
	}
	if n, ok := readNumber(filepath.Join(c.cg.dir, "pids.peak")); ok {
		u.PidsPeak = int(n)
	}
	return u
}

// readCPUStat reads user_usec and system_usec, which cgroup v2 keeps in
// cpu.stat even without the cpu controller.
func readCPUStat(path string) (user, system time.Duration, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "user_usec":
			user, found = time.Duration(n)*time.Microsecond, found+1
		case "system_usec":
			system, found = time.Duration(n)*time.Microsecond, found+1
		}
	}
	return user, system, found == 2
}

func readNumber(path string) (int64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n, err == nil
}

// Argv is the command line of a live process, or nil when it cannot be
// read (gone, a kernel thread, or a zombie).
func Argv(pid int) []string {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
}

// RemoveStaleCgroup removes the cgroup leaf of a curfew run that is over
// without having removed it (it was SIGKILLed): it kills what is still
// running in it, waits for the leaf to empty and removes it. It returns how
// many processes it killed. Only a curfew leaf ("curfew-*" on a cgroup2 file
// system) is touched.
func RemoveStaleCgroup(dir string) (killed int, err error) {
	if !strings.HasPrefix(filepath.Base(dir), "curfew-") {
		return 0, fmt.Errorf("not a curfew cgroup: %s", dir)
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return 0, nil // gone already
		}
		return 0, fmt.Errorf("cannot inspect cgroup %s: %w", dir, err)
	}
	if fs.Type != unix.CGROUP2_SUPER_MAGIC {
		return 0, fmt.Errorf("not a cgroup v2 directory: %s", dir)
	}
	events, err := os.Open(filepath.Join(dir, "cgroup.events"))
	if err != nil {
		return 0, fmt.Errorf("cannot open cgroup.events: %w", err)
	}
	_, statErr := os.Stat(filepath.Join(dir, "cgroup.kill"))
	g := &cgroupLeaf{dir: dir, fd: -1, hasKill: statErr == nil, events: events}
	defer events.Close()
	// A leaf whose run was SIGKILLed holds the command's descendants: the
	// command itself died with curfew (Pdeathsig), the rest did not.
	for deadline := time.Now().Add(5 * time.Second); ; {
		populated, err := g.populated()
		if err != nil {
			return killed, err
		}
		if !populated {
			break
		}
		if time.Now().After(deadline) {
			return killed, fmt.Errorf("cgroup %s still has processes after SIGKILL", dir)
		}
		n, err := g.kill()
		if err != nil {
			return killed, err
		}
		killed = max(killed, n)
		time.Sleep(5 * time.Millisecond)
	}
	return killed, removeCgroupTree(dir)
}

package platform

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupLeaf is the cgroup v2 directory of one run.
type cgroupLeaf struct {
	dir     string   // absolute path of the leaf
	fd      int      // O_PATH-free directory fd, for SysProcAttr.CgroupFD
	hasKill bool     // cgroup.kill exists (Linux 5.14+)
	events  *os.File // cgroup.events, read for "populated"
}

// ownCgroupDir finds the cgroup v2 directory curfew itself runs in. Hybrid
// layouts mount cgroup2 somewhere under /sys/fs/cgroup (often "unified"), so
// the mount is looked up in /proc/self/mountinfo rather than assumed.
func ownCgroupDir() (string, error) {
	cgroups, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", fmt.Errorf("cannot read own cgroup: %w", err)
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", fmt.Errorf("cannot read mount table: %w", err)
	}
	return cgroupDir(string(mounts), string(cgroups))
}

// cgroupDir joins the cgroup2 mount point from mountinfo with the process's
// cgroup v2 path (the "0::" line of /proc/PID/cgroup). A mount whose root is
// not "/" (a cgroup namespace, a bind mount of a subtree) only serves paths
// below that root.
func cgroupDir(mountinfo, cgroups string) (string, error) {
	rel, found := "", false
	for line := range strings.SplitSeq(cgroups, "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			rel, found = p, true
		}
	}
	if !found {
		return "", errors.New("this process has no cgroup v2 membership")
	}
	for line := range strings.SplitSeq(mountinfo, "\n") {
		// id parent major:minor root mountpoint options [optional...] - fstype source superopts
		pre, post, ok := strings.Cut(line, " - ")
		if !ok || !strings.HasPrefix(post, "cgroup2 ") {
			continue
		}
		f := strings.Fields(pre)
		if len(f) < 5 {
			continue
		}
		root, mnt := unescapeMount(f[3]), unescapeMount(f[4])
		sub, ok := strings.CutPrefix(rel, root)
		if !ok || (root != "/" && sub != "" && !strings.HasPrefix(sub, "/")) {
			continue
		}
		return filepath.Join(mnt, sub), nil
	}
	return "", errors.New("no cgroup2 file system is mounted")
}

// unescapeMount undoes the octal escapes (\040 for space) of mountinfo.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// newCgroupLeaf creates a fresh leaf below curfew's own cgroup.
func newCgroupLeaf() (*cgroupLeaf, error) {
	parent, err := ownCgroupDir()
	if err != nil {
		return nil, err
	}
	// The name needs to be unique, not secret (Mkdir fails on a clash):
	// math/rand keeps crypto, and its size in memory, out of the binary.
	dir := filepath.Join(parent, fmt.Sprintf("curfew-%d-%08x", os.Getpid(), rand.Uint32()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create cgroup below %s: %w", parent, err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = os.Remove(dir)
		return nil, fmt.Errorf("cannot open cgroup %s: %w", dir, err)
	}
	events, err := os.Open(filepath.Join(dir, "cgroup.events"))
	if err != nil {
		unix.Close(fd)
		_ = os.Remove(dir)
		return nil, fmt.Errorf("cannot open cgroup.events: %w", err)
	}
	_, statErr := os.Stat(filepath.Join(dir, "cgroup.kill"))
	return &cgroupLeaf{dir: dir, fd: fd, hasKill: statErr == nil, events: events}, nil
}

// populated reports whether any process is left in the leaf or below it.
func (g *cgroupLeaf) populated() (bool, error) {
	var buf [256]byte
	n, err := g.events.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return false, fmt.Errorf("cannot read cgroup.events: %w", err)
	}
	for line := range bytes.SplitSeq(buf[:n], []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("populated ")); ok {
			return string(v) != "0", nil
		}
	}
	return false, errors.New("cgroup.events has no populated line")
}

// pids lists every process in the leaf and in any cgroup below it (a nested
// curfew makes its own leaf inside ours).
func (g *cgroupLeaf) pids() ([]int, error) {
	var out []int
	err := filepath.WalkDir(g.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil // a nested leaf was removed while we walked
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		f, err := os.Open(filepath.Join(path, "cgroup.procs"))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if pid, err := strconv.Atoi(sc.Text()); err == nil {
				out = append(out, pid)
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cannot list cgroup members: %w", err)
	}
	return out, nil
}

// kill sends SIGKILL to the whole subtree at once through cgroup.kill; the
// kernel also catches processes forked while it works. Without cgroup.kill
// (Linux < 5.14) it kills the listed members, which the caller repeats until
// the leaf is empty.
func (g *cgroupLeaf) kill() (int, error) {
	pids, err := g.pids()
	if err != nil {
		return 0, err
	}
	if g.hasKill {
		if err := os.WriteFile(filepath.Join(g.dir, "cgroup.kill"), []byte("1"), 0); err != nil {
			return 0, fmt.Errorf("cannot write cgroup.kill: %w", err)
		}
		return len(pids), nil
	}
	for _, pid := range pids {
		if err := unix.Kill(pid, unix.SIGKILL); err != nil && !errors.Is(err, unix.ESRCH) {
			return 0, fmt.Errorf("cannot kill process %d: %w", pid, err)
		}
	}
	return len(pids), nil
}

// remove deletes the leaf and any empty cgroup a nested run left below it,
// deepest first (rmdir of a cgroup with children fails with EBUSY).
func (g *cgroupLeaf) remove() error {
	g.events.Close()
	unix.Close(g.fd)
	return removeCgroupTree(g.dir)
}

func removeCgroupTree(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("cannot remove cgroup %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() {
			errs = append(errs, removeCgroupTree(filepath.Join(dir, e.Name())))
		}
	}
	if err := unix.Rmdir(dir); err != nil && !errors.Is(err, unix.ENOENT) {
		errs = append(errs, fmt.Errorf("cannot remove cgroup %s: %w", dir, err))
	}
	return errors.Join(errs...)
}

package platform

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCgroupDir(t *testing.T) {
	hybrid := `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`
	unified := `25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
`
	nsRoot := `900 800 0:23 /system.slice/docker-abc.scope /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw
`
	spaced := `41 31 0:38 / /mnt/cg\040v2 rw,relatime - cgroup2 cgroup2 rw
`
	for _, tc := range []struct {
		name, mountinfo, cgroups, want string
	}{
		{"hybrid", hybrid, "4:memory:/x\n0::/\n", "/sys/fs/cgroup/unified"},
		{"hybrid nested", hybrid, "0::/user.slice/session-1.scope\n", "/sys/fs/cgroup/unified/user.slice/session-1.scope"},
		{"unified", unified, "0::/system.slice/ci.service\n", "/sys/fs/cgroup/system.slice/ci.service"},
		{"mount root below /", nsRoot, "0::/system.slice/docker-abc.scope/job\n", "/sys/fs/cgroup/job"},
		{"escaped mount point", spaced, "0::/a\n", "/mnt/cg v2/a"},
	} {
		got, err := cgroupDir(tc.mountinfo, tc.cgroups)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	// A mount that serves another subtree is not used: /system.slice/docker-abc
	// is not a prefix match for /system.slice/docker-abcdef.
	if got, err := cgroupDir(nsRoot, "0::/system.slice/docker-abcdef.scope\n"); err == nil {
		t.Errorf("sibling subtree: got %q, want an error", got)
	}
	if _, err := cgroupDir(hybrid, "1:cpu:/\n"); err == nil {
		t.Error("no 0:: line: want an error")
	}
	if _, err := cgroupDir("31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n", "0::/\n"); err == nil {
		t.Error("no cgroup2 mount: want an error")
	}
}

func TestParseStat(t *testing.T) {
	line := "4242 (a) (b c) S 17 4200 4242 0 -1 4194560 109 0 0 0 0 0 0 0 20 0 1 0 987654 1000 100\n"
	p, ok := parseStat([]byte(line))
	if !ok || p.pid != 4242 || p.ppid != 17 || p.pgrp != 4200 || p.start != 987654 || p.name != "a) (b c" {
		t.Fatalf("parseStat = %+v, %v", p, ok)
	}
	zombie := strings.Replace(line, ") S ", ") Z ", 1)
	if _, ok := parseStat([]byte(zombie)); ok {
		t.Fatal("a zombie counts as a live process")
	}
	if _, ok := parseStat([]byte("garbage")); ok {
		t.Fatal("garbage parsed")
	}
}

// TestOwnCgroupDirExists checks the real machine: the directory found for
// this process lists this process in its cgroup.procs.
func TestOwnCgroupDirExists(t *testing.T) {
	dir, err := ownCgroupDir()
	if err != nil {
		t.Skipf("no cgroup v2 here: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains("\n"+string(data), "\n"+strconv.Itoa(os.Getpid())+"\n") {
		t.Fatalf("%s/cgroup.procs does not list pid %d", dir, os.Getpid())
	}
}

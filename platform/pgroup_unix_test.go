//go:build unix

package platform

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// roleEnv names the helper role of a re-executed test binary.
const roleEnv = "CURFEW_PLATFORM_TEST_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runRole runs one helper role:
//
//	group FILE     start a child in the group and one that calls setsid,
//	               write "pid child setsid-child" to FILE, hang
//	sleep          hang
//	setsid         call setsid, then hang
func runRole(role string, args []string) int {
	switch role {
	case "group":
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), roleEnv+"=sleep")
		escapee := exec.Command(os.Args[0])
		escapee.Env = append(os.Environ(), roleEnv+"=setsid")
		for _, c := range []*exec.Cmd{child, escapee} {
			if err := c.Start(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		// Give the escapee time to call setsid before the pids are out.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			if pgid, _ := unix.Getpgid(escapee.Process.Pid); pgid == escapee.Process.Pid {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintln(os.Stderr, "the escapee did not call setsid")
				return 1
			}
		}
		pids := fmt.Sprintf("%d %d %d\n", os.Getpid(), child.Process.Pid, escapee.Process.Pid)
		if err := os.WriteFile(args[0], []byte(pids), 0o666); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for {
			time.Sleep(time.Hour)
		}
	case "setsid":
		if _, err := unix.Setsid(); err != nil {
			return 1
		}
		fallthrough
	case "sleep":
		for {
			time.Sleep(time.Hour)
		}
	}
	fmt.Fprintf(os.Stderr, "unknown role %q\n", role)
	return 2
}

// TestProcessGroup runs the macOS container (the command's process group)
// for real, on every unix: the group is signalled as a whole, and a
// descendant that calls setsid escapes it, the documented limit.
func TestProcessGroup(t *testing.T) {
	file := filepath.Join(t.TempDir(), "pids")
	var g processGroup
	pid, err := g.spawn(Command{Path: os.Args[0], Args: []string{os.Args[0], file}, Env: append(os.Environ(), roleEnv+"=group")})
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	t.Cleanup(func() {
		// Whatever happened, leave nothing: the group, then the escapee.
		g.kill()
		for _, p := range pids {
			unix.Kill(p, unix.SIGKILL)
		}
		waitGone(t, append(pids, pid))
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		// The helper writes the file in one write, but it may be read
		// between its creation and that write: wait for the whole line.
		if data, err := os.ReadFile(file); err == nil && strings.HasSuffix(string(data), "\n") {
			for _, f := range strings.Fields(string(data)) {
				p, _ := strconv.Atoi(f)
				pids = append(pids, p)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the helper did not write its pids")
		}
	}
	if len(pids) != 3 || pids[0] != pid {
		t.Fatalf("helper wrote pids %v, want 3 starting with %d", pids, pid)
	}
	ms, err := g.members()
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]bool{}
	for _, m := range ms {
		got[m.Pid] = true
	}
	if len(ms) != 2 || !got[pids[0]] || !got[pids[1]] {
		t.Fatalf("group members %v, want the command %d and its child %d", ms, pids[0], pids[1])
	}
	if n, err := g.signal(unix.SIGTERM); err != nil || n != 2 {
		t.Fatalf("signal(TERM) reached %d, err %v; want 2", n, err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		reapChildren()
		if empty, err := g.empty(); err != nil || empty {
			break
		}
		if time.Now().After(deadline) {
			ms, _ := g.members()
			t.Fatalf("the group still holds %v after SIGTERM", ms)
		}
	}
	// The known limit: the setsid'ed descendant was out of reach.
	if err := unix.Kill(pids[2], 0); err != nil {
		t.Fatalf("the setsid'ed descendant is gone (%v): the process group should not reach it", err)
	}
}

// waitGone waits until no pid is alive (or a zombie of ours), reaping.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		reapChildren()
		alive := 0
		for _, p := range pids {
			if err := unix.Kill(p, 0); !errors.Is(err, unix.ESRCH) && !isZombie(p) {
				alive++
			}
		}
		if alive == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d processes of the test outlived it: %v", alive, pids)
			return
		}
	}
}

// isZombie says whether pid has exited and waits for its parent (on Linux,
// from /proc; elsewhere it says no and waitGone relies on reaping).
func isZombie(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(data), ')')
	return i >= 0 && i+2 < len(data) && data[i+2] == 'Z'
}

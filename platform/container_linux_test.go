package platform

import (
	"errors"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hostileTree is a shell tree that tries every way out: a setsid'ed child
// that ignores SIGTERM, a subshell that ignores SIGTERM and forks in a loop,
// and a plain sleeper.
const hostileTree = `setsid sh -c 'trap "" TERM; sleep 300' &
(trap "" TERM; while :; do sleep 300 & sleep 0.01; done) &
sleep 300`

// TestContainerStopsHostileTree runs the tree for real in each container
// mode: SIGTERM reaches everyone but leaves the TERM-ignorers, and Kill
// empties the container even while the loop forks.
func TestContainerStopsHostileTree(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("needs /bin/sh")
	}
	for _, mode := range []string{ModeCgroup, ModeSubreaper} {
		t.Run(mode, func(t *testing.T) {
			c, err := NewContainer(mode)
			if errors.Is(err, ErrUnavailable) {
				t.Skipf("no cgroup container here: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			pid, err := c.Spawn(Command{Path: "/bin/sh", Args: []string{"sh", "-c", hostileTree}, Env: os.Environ()})
			if err != nil {
				c.Close()
				t.Fatal(err)
			}
			t.Cleanup(func() {
				// Whatever happened, leave nothing: kill, reap, remove.
				c.Kill()
				waitEmpty(t, c, 5*time.Second)
				if err := c.Close(); err != nil {
					t.Error(err)
				}
			})
			waitMembers(t, c, 5)
			n, err := c.Signal(unix.SIGTERM)
			if err != nil || n < 5 {
				t.Fatalf("Signal(TERM) reached %d processes, err %v; want at least 5", n, err)
			}
			time.Sleep(100 * time.Millisecond)
			c.Reap()
			ms, _ := c.Members()
			if len(ms) < 2 {
				t.Fatalf("after SIGTERM %d members remain; the two TERM-ignorers should", len(ms))
			}
			for _, m := range ms {
				if m.Pid == pid {
					t.Fatalf("the command (pid %d) survived SIGTERM", pid)
				}
			}
			if _, err := c.Kill(); err != nil {
				t.Fatal(err)
			}
			waitEmpty(t, c, 5*time.Second)
			for _, m := range ms {
				if unix.Kill(m.Pid, 0) == nil {
					if p, ok := readProc(m.Pid); ok && p.name == m.Name {
						t.Errorf("pid %d (%s) is still alive", m.Pid, m.Name)
					}
				}
			}
		})
	}
}

func waitMembers(t *testing.T, c *Container, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ms, err := c.Members(); err == nil && len(ms) >= n {
			return
		}
	}
	t.Fatalf("the tree never reached %d processes", n)
}

func waitEmpty(t *testing.T, c *Container, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c.Reap()
		if empty, err := c.Empty(); err == nil && empty {
			return
		}
	}
	ms, _ := c.Members()
	t.Fatalf("container not empty after %v: %v", limit, ms)
}

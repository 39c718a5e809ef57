//go:build unix

package cleanup

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// removeAsEnv names the tree a re-executed test binary removes, as nobody,
// instead of running the tests (see TestRemoveReadOnlyTreeUnprivileged).
const removeAsEnv = "CURFEW_CLEANUP_TEST_REMOVE"

func TestMain(m *testing.M) {
	if path := os.Getenv(removeAsEnv); path != "" {
		if err := Remove(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRemoveDeeperThanPathMax builds, relative to directory fds, a tree whose
// deepest path is far longer than PATH_MAX.
func TestRemoveDeeperThanPathMax(t *testing.T) {
	const depth = 2000
	name := strings.Repeat("d", 20) // 2000 levels × 21 bytes ≫ PATH_MAX (4096)
	root := filepath.Join(t.TempDir(), "deep")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range depth {
		if err := unix.Mkdirat(fd, name, 0o700); err != nil {
			unix.Close(fd)
			t.Fatalf("level %d: %v", i, err)
		}
		if i%100 == 0 {
			if ffd, err := unix.Openat(fd, "f", unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o600); err == nil {
				unix.Close(ffd)
			}
		}
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatalf("level %d: %v", i, err)
		}
		fd = next
	}
	unix.Close(fd)

	if err := Remove(root); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	mustNotExist(t, root)
}

// TestRemoveReadOnlyTreeUnprivileged removes a read-only tree as its owner,
// not as root: root bypasses permissions, so only this exercises the chmods.
func TestRemoveReadOnlyTreeUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: TestRemoveReadOnlyTree already runs unprivileged")
	}
	const nobody = 65534
	// t.TempDir's parent is 0700, so nobody could not reach anything in it.
	base, err := os.MkdirTemp("", "curfew-cleanup-test-*")
	if err != nil {
		t.Fatal(err)
	}
	makeWritable(t, base)
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "cleanup.test")
	copyExecutable(t, bin)

	// A sentinel nobody may not touch, reached through a symlink in the tree.
	sentinel := filepath.Join(base, "outside", "sentinel")
	writeFile(t, sentinel, "keep me")
	// nobody owns the tree and its parent, as a run's user owns its temp dir and TMPDIR.
	root := filepath.Join(base, "parent", "tree")
	for _, f := range []string{"r-x/---/--x/file", "r-x/---/file", "r-x/file", "zero", "0000dir/file"} {
		writeFile(t, filepath.Join(root, f), "x")
	}
	symlink(t, filepath.Dir(sentinel), filepath.Join(root, "r-x", "outside"))
	err = filepath.WalkDir(filepath.Dir(root), func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, nobody, nobody)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{
		{"zero", 0o000},
		{"r-x/file", 0o000},
		{"0000dir", 0o000},
		{"r-x/---/--x", 0o100},
		{"r-x/---", 0o000},
		{"r-x", 0o500},
	} {
		if err := os.Chmod(filepath.Join(root, c.path), c.mode); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), removeAsEnv+"="+root)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Remove as nobody: %v\n%s", err, out)
	}
	mustNotExist(t, root)
	mustContain(t, sentinel, "keep me")
}

func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	src, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

package cleanup

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRemoveStopsAtMountPoint mounts a tmpfs inside the tree. The mount lives
// in a private mount namespace of one OS thread, which exits with the test,
// so nothing stays mounted even if the test fails.
func TestRemoveStopsAtMountPoint(t *testing.T) {
	root := filepath.Join(t.TempDir(), "tree")
	mnt := filepath.Join(root, "mnt")
	writeFile(t, filepath.Join(root, "a", "file"), "x")
	writeFile(t, filepath.Join(root, "z"), "x")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}

	var err error
	skip := ""
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Never unlocked: the thread, and its mount namespace, die with this goroutine.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			skip = "cannot unshare the mount namespace: " + err.Error()
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
			skip = "cannot make mounts private: " + err.Error()
			return
		}
		if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
			skip = "cannot mount a tmpfs: " + err.Error()
			return
		}
		if err := os.WriteFile(filepath.Join(mnt, "sentinel"), []byte("keep me"), 0o600); err != nil {
			skip = "cannot write in the tmpfs: " + err.Error()
			return
		}
		err = Remove(root)
		if _, serr := os.Lstat(filepath.Join(mnt, "sentinel")); serr != nil {
			t.Errorf("the sentinel on the mount is gone: %v", serr)
		}
	}()
	<-done
	if skip != "" {
		t.Skip(skip)
	}

	if err == nil || !errors.Is(err, errMountPoint) || !strings.HasPrefix(err.Error(), "remove "+mnt+": ") {
		t.Fatalf("Remove = %v, want a mount point error for %s", err, mnt)
	}
	if strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("Remove = %q, want only the mount point reported", err)
	}
	// Everything else went; the mount point and the directories above it stay.
	mustNotExist(t, filepath.Join(root, "a"))
	mustNotExist(t, filepath.Join(root, "z"))
	if _, err := os.Lstat(mnt); err != nil {
		t.Errorf("the mount point is gone: %v", err)
	}
}

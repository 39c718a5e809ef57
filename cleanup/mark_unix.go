//go:build unix

package cleanup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// stateDirName is per user: the system temp dir is shared.
func stateDirName() string { return "curfew-runs-" + strconv.Itoa(os.Getuid()) }

// privateDir makes dir (0700) or checks that the existing one is a real
// directory of this user that nobody else can write: the system temp dir is
// world-writable, and another user must not be able to plant marks or
// symlinks for us to follow.
func privateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return &fs.PathError{Op: "lstat", Path: dir, Err: err}
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("%s is not a directory", dir)
	case int(st.Uid) != os.Getuid():
		return fmt.Errorf("%s belongs to uid %d", dir, st.Uid)
	case st.Mode&0o022 != 0:
		return fmt.Errorf("%s is writable by others (mode %o)", dir, st.Mode&0o777)
	}
	return nil
}

// createLocked creates path (it must not exist) and takes its lock. The fd
// is close-on-exec: the command must never hold a run's lock, or a daemon
// that survived a SIGKILLed curfew would keep its run looking alive.
func createLocked(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		_ = os.Remove(path)
		return nil, &fs.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, nil
}

// tryLock opens path and takes its lock without waiting. ok is false when
// another open file holds it: a live run (flock locks belong to the open
// file, so this process's own mark counts as held too).
func tryLock(path string) (f *os.File, ok bool, err error) {
	f, err = os.OpenFile(path, os.O_RDWR|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil // forgotten by another sweeper meanwhile
		}
		return nil, false, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, &fs.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, true, nil
}

// syscallRmdir removes an empty directory, and only an empty one (os.Remove
// would also unlink a file of that name).
func syscallRmdir(dir string) error { return unix.Rmdir(dir) }

// OwnDir reports whether path is a directory (not a symlink) of this user.
func OwnDir(path string) bool {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return false
	}
	return st.Mode&unix.S_IFMT == unix.S_IFDIR && int(st.Uid) == os.Getuid()
}

package cleanup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// stateDirName needs no user in it: the Windows temp dir is per user.
func stateDirName() string { return "curfew-runs" }

// privateDir makes dir, or checks that the existing one is a directory and
// not a reparse point (a junction or symlink planted to lead us elsewhere).
func privateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() || fi.Mode()&fs.ModeSymlink != 0 || fi.Mode()&fs.ModeIrregular != 0 {
		return fmt.Errorf("%s is not a plain directory", dir)
	}
	return nil
}

// open opens path with FILE_SHARE_DELETE (and DELETE access), so that a
// locked mark can still be renamed into place and removed, which os.OpenFile
// does not allow on Windows. Handles are not inherited by the command.
func open(path string, disposition uint32) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, err
	}
	h, err := windows.CreateFile(p,
		windows.GENERIC_READ|windows.GENERIC_WRITE|windows.DELETE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, disposition, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// lock takes an exclusive lock on the whole file without waiting. Windows
// drops it when the owning process ends.
func lock(f *os.File) error {
	ol := new(windows.Overlapped)
	return windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
}

// createLocked creates path (it must not exist) and takes its lock.
func createLocked(path string) (*os.File, error) {
	f, err := open(path, windows.CREATE_NEW)
	if err != nil {
		return nil, err
	}
	if err := lock(f); err != nil {
		f.Close()
		_ = os.Remove(path)
		return nil, &fs.PathError{Op: "lock", Path: path, Err: err}
	}
	return f, nil
}

// tryLock opens path and takes its lock without waiting; ok is false when
// a live run holds it.
func tryLock(path string) (f *os.File, ok bool, err error) {
	f, err = open(path, windows.OPEN_EXISTING)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
			return nil, false, nil
		}
		return nil, false, &fs.PathError{Op: "lock", Path: path, Err: err}
	}
	return f, true, nil
}

// syscallRmdir removes an empty directory, and only an empty one.
func syscallRmdir(dir string) error {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return err
	}
	return windows.RemoveDirectory(p)
}

// OwnDir reports whether path is a plain directory; the Windows temp dir is
// the user's own.
func OwnDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir() && fi.Mode()&fs.ModeSymlink == 0
}

//go:build windows

package cleanup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// Strategy: Windows has no openat, so removal works on paths, with Lstat
// before every step (never Stat). A reparse point (symlink, junction, volume
// mount point, ...) is never entered, only removed as a link: that keeps the
// walk in the tree and on one volume, as Windows reports no st_dev to compare.
// The walk is iterative, so depth costs heap, not stack; Go adds the \\?\
// prefix to long absolute paths by itself.
//
// A file can stay locked for a moment after the process that held it exited,
// so each operation is retried on ERROR_SHARING_VIOLATION and
// ERROR_ACCESS_DENIED, with backoff, while a budget of two seconds per call
// lasts.

var errChanged = errors.New("directory changed during removal")

const retryBudget = 2 * time.Second

// retrier retries operations on files still held by exiting processes until
// its deadline.
type retrier struct{ deadline time.Time }

func (r *retrier) do(op func() error) error {
	wait := 10 * time.Millisecond
	for {
		err := op()
		if err == nil || !stillHeld(err) || time.Now().Add(wait).After(r.deadline) {
			return err
		}
		time.Sleep(wait)
		wait = min(2*wait, 250*time.Millisecond)
	}
}

func stillHeld(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

// winFrame is one directory on the way down from PATH.
type winFrame struct {
	path  string
	names []string
	next  int
	kept  bool // something below could not be removed (and was reported): keep this one too
}

// removeTree removes the absolute, clean, non-root path.
func removeTree(path string) (existed bool, err error) {
	r := &retrier{deadline: time.Now().Add(retryBudget)}
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, pathError(path, err)
	}
	if !isPlainDir(fi) {
		return true, removeOne(r, path)
	}
	names, err := enter(path, fi)
	if err != nil {
		return true, err
	}
	stack := []winFrame{{path: path, names: names}}
	var errs []error
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.names) {
			childPath := filepath.Join(top.path, top.names[top.next])
			top.next++
			cfi, err := os.Lstat(childPath)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				errs = append(errs, pathError(childPath, err))
				top.kept = true
				continue
			}
			if !isPlainDir(cfi) {
				if err := removeOne(r, childPath); err != nil {
					errs = append(errs, err)
					top.kept = true
				}
				continue
			}
			names, err := enter(childPath, cfi)
			if err != nil {
				errs = append(errs, err)
				top.kept = true
				continue
			}
			stack = append(stack, winFrame{path: childPath, names: names})
			continue
		}
		done := *top
		stack = stack[:len(stack)-1]
		if !done.kept {
			if err := removeOne(r, done.path); err != nil {
				errs = append(errs, err)
				done.kept = true
			}
		}
		if done.kept && len(stack) > 0 {
			stack[len(stack)-1].kept = true
		}
	}
	return true, errors.Join(errs...)
}

// isPlainDir reports whether fi is a directory that is not a reparse point.
func isPlainDir(fi os.FileInfo) bool {
	if !fi.IsDir() || fi.Mode()&(os.ModeSymlink|os.ModeIrregular) != 0 {
		return false
	}
	if d, ok := fi.Sys().(*syscall.Win32FileAttributeData); ok {
		return d.FileAttributes&syscall.FILE_ATTRIBUTE_REPARSE_POINT == 0
	}
	return true
}

// enter opens the directory at path without following a reparse point,
// checks that it is a plain directory, clears its read-only attribute and
// reads its entries.
func enter(path string, fi os.FileInfo) ([]string, error) {
	p, err := windows.UTF16PtrFromString(extendedPath(path))
	if err != nil {
		return nil, pathError(path, err)
	}
	// FILE_FLAG_OPEN_REPARSE_POINT: if a link was swapped in since Lstat, open
	// the link, not its target, and the check below refuses it.
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return nil, pathError(path, err)
	}
	f := os.NewFile(uintptr(h), path) // owns h from here
	defer f.Close()
	var info windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &info); err != nil {
		return nil, pathError(path, err)
	}
	if info.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY == 0 ||
		info.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0 {
		return nil, pathError(path, errChanged)
	}
	if fi.Mode()&0o200 == 0 {
		// RemoveDirectory refuses a read-only directory. A failure here shows
		// up, more precisely, when the directory is removed.
		_ = os.Chmod(path, 0o700)
	}
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, pathError(path, err)
	}
	return names, nil
}

// extendedPath returns the \\?\ form of an absolute, clean path, which has
// no MAX_PATH limit. (Package os does this by itself; CreateFile does not.)
func extendedPath(path string) string {
	switch {
	case strings.HasPrefix(path, `\\?\`):
		return path
	case strings.HasPrefix(path, `\\`):
		return `\\?\UNC\` + path[2:]
	default:
		return `\\?\` + path
	}
}

// removeOne removes a file, a link or an empty directory. os.Remove clears
// the read-only attribute of a file by itself, and removes a directory
// symlink or junction as a link.
func removeOne(r *retrier, path string) error {
	err := r.do(func() error { return os.Remove(path) })
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return pathError(path, err)
	}
	return nil
}

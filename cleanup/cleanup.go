// Package cleanup owns what a run leaves on disk: its private temp
// directory, the list of paths to remove when the run ends, and the robust
// removal of one path.
//
// Removal assumes the worst of the command that filled the tree: it may have
// made directories read-only or unreadable, planted symlinks that point out of
// the tree, or mounted something inside it. Remove never follows a symlink,
// never crosses into another file system, and removes as much as it can,
// reporting every failure instead of stopping at the first.
//
// The package never prints and never reads flags or the environment.
package cleanup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// errRoot says why a root directory is refused.
var errRoot = errors.New("refusing to remove a root directory")

// List is the run's cleanup list: paths removed when the run ends, last
// registered first. The zero value is an empty list ready to use.
//
// A List is meant to be used from one goroutine (the runner's): it has no
// locking, and concurrent calls need outside synchronisation.
type List struct {
	paths []string // absolute, in registration order
}

// Result is the outcome of removing one path of a List.
//
// Removed is true when the path existed and is now gone. When the path did
// not exist, Removed is false and Err is nil. When removal failed (even in
// part), Removed is false and Err holds every failure.
type Result struct {
	Path    string
	Removed bool
	Err     error
}

// TempDir creates a private directory with os.MkdirTemp("", pattern), makes
// sure its mode is 0700, registers it on the list and returns its absolute
// path.
func (l *List) TempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", fmt.Errorf("cannot create temp dir: %w", err)
	}
	// os.TempDir comes from $TMPDIR, which may be relative: pin it now, as Add does.
	abs, err := filepath.Abs(dir)
	if err != nil {
		_ = os.Remove(dir)
		return "", fmt.Errorf("cannot create temp dir: %w", err)
	}
	// MkdirTemp asks for 0700, but a umask can take owner bits away.
	if err := os.Chmod(abs, 0o700); err != nil {
		_ = os.Remove(abs)
		return "", fmt.Errorf("cannot create temp dir: %w", err)
	}
	l.paths = append(l.paths, abs)
	return abs, nil
}

// Add registers path for removal. The path is made absolute now, so a later
// change of working directory cannot change what is removed. A root
// directory ("/", or the root of a volume on Windows) is refused.
func (l *List) Add(path string) error {
	abs, err := absPath(path)
	if err != nil {
		return fmt.Errorf("cannot add %q to the cleanup list: %w", path, err)
	}
	l.paths = append(l.paths, abs)
	return nil
}

// Paths returns the registered paths in registration order. The slice is a
// copy.
func (l *List) Paths() []string {
	return append([]string(nil), l.paths...)
}

// RemoveAll removes every registered path, last registered first, and
// returns one Result per path in the order they were removed. A failure
// never stops the removal of the other paths. The list is empty afterwards,
// so a second call removes nothing and returns nil.
func (l *List) RemoveAll() []Result {
	if len(l.paths) == 0 {
		return nil
	}
	paths := l.paths
	// Empty the list first: whatever happens below, nothing is removed twice.
	l.paths = nil
	results := make([]Result, 0, len(paths))
	for i := len(paths) - 1; i >= 0; i-- {
		existed, err := remove(paths[i])
		results = append(results, Result{Path: paths[i], Removed: existed && err == nil, Err: err})
	}
	return results
}

// Remove removes path and, if it is a directory, everything below it.
//
// A symlink, wherever it is (path itself included), is removed as a link:
// its target is never touched. Directories the command made read-only or
// unreadable are made 0700 before they are emptied. A directory on another
// device (a mount point) is not entered: it is reported and the rest of the
// tree is still removed. All failures are returned joined, each as
// "remove <path>: <cause>". A path that does not exist is not an error.
// On Windows, an operation on a file still held by an exiting process is
// retried for up to about two seconds per call.
func Remove(path string) error {
	_, err := remove(path)
	return err
}

// remove is Remove that also says whether path existed.
func remove(path string) (existed bool, err error) {
	abs, err := absPath(path)
	if err != nil {
		return false, fmt.Errorf("cannot remove %q: %w", path, err)
	}
	return removeTree(abs)
}

// absPath makes path absolute and clean, and refuses what must never be
// removed.
func absPath(path string) (string, error) {
	if path == "" {
		// filepath.Abs("") is the working directory: never a sensible guess.
		return "", errors.New("empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	// Dir of a root is the root itself: "/", `C:\`, `\\host\share\`.
	if filepath.Dir(abs) == abs {
		return "", errRoot
	}
	return abs, nil
}

// pathError reports a failure to remove path as "remove <path>: <cause>",
// keeping only the innermost cause (an os or syscall error already names
// its own operation and path).
func pathError(path string, err error) error {
	var pe *fs.PathError
	var se *os.SyscallError
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		err = errno
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &se):
		err = se.Err
	}
	return &fs.PathError{Op: "remove", Path: path, Err: err}
}

//go:build unix

package cleanup

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Strategy: removal works relative to directory file descriptors (openat,
// fstatat, unlinkat), not on path strings, because
//
//   - no path is ever resolved through a component the command controls: every
//     open is O_NOFOLLOW and checked against the device and inode fstatat saw,
//     so a directory swapped for a symlink cannot lead the walk out of the tree;
//   - path length does not matter: a tree deeper than PATH_MAX goes like any other;
//   - depth does not matter either: the walk is iterative and holds at most two
//     descriptors (the parent of PATH and the directory being emptied). It climbs
//     back with openat(fd, "..") and checks that it arrived where it came from.
//
// PATH's parent is opened O_RDONLY, so it must be readable: a parent that is
// only writable and searchable (mode 0300) is reported, not worked around.
// The mount check compares st_dev with PATH's. A bind mount of the same file
// system has the same st_dev and is not detected.

var (
	errMountPoint = errors.New("on another file system (a mount point): not entered")
	errChanged    = errors.New("directory changed during removal")
)

const openDirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

// removeTree removes the absolute, clean, non-root path.
func removeTree(path string) (existed bool, err error) {
	parent, name := filepath.Dir(path), filepath.Base(path)
	// The parent is the caller's, not the command's: following a symlink in it is fine.
	var pfd int
	err = ignoringEINTR(func() (err error) {
		pfd, err = unix.Open(parent, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	if err == unix.ENOENT || err == unix.ENOTDIR {
		return false, nil
	}
	if err != nil {
		return false, pathError(path, err)
	}
	defer unix.Close(pfd)

	var st unix.Stat_t
	if err := lstatAt(pfd, name, &st); err != nil {
		if err == unix.ENOENT {
			return false, nil
		}
		return false, pathError(path, err)
	}
	if !isDir(&st) {
		if err := unlinkAt(pfd, name, 0); err != nil && err != unix.ENOENT {
			return true, pathError(path, err)
		}
		return true, nil
	}
	return true, removeDir(pfd, name, path, &st)
}

// frame is one directory on the way down from PATH to the directory being
// emptied.
type frame struct {
	name     string   // name in the parent directory
	path     string   // full path, for errors
	dev, ino uint64   // identity, to check the climb back lands in the same directory
	names    []string // entries, read once on the way down
	next     int      // index in names of the next entry to remove
	kept     bool     // something below could not be removed (and was reported): keep this one too
}

// dir is an open directory: the os.File reads the entries and owns fd.
type dir struct {
	f  *os.File
	fd int
}

// removeDir empties and removes the directory name in pfd, which fstatat
// described as st.
func removeDir(pfd int, name, path string, st *unix.Stat_t) error {
	cur, names, err := enter(pfd, name, path, st)
	if err != nil {
		return err
	}
	rootDev := uint64(st.Dev)
	stack := []frame{{name: name, path: path, dev: uint64(st.Dev), ino: st.Ino, names: names}}
	var errs []error
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < len(top.names) {
			child := top.names[top.next]
			top.next++
			childPath := top.path + "/" + child
			var cst unix.Stat_t
			if err := lstatAt(cur.fd, child, &cst); err != nil {
				if err != unix.ENOENT {
					errs = append(errs, pathError(childPath, err))
					top.kept = true
				}
				continue
			}
			if !isDir(&cst) {
				// Files, symlinks, sockets, fifos: unlink never follows a symlink.
				if err := unlinkAt(cur.fd, child, 0); err != nil && err != unix.ENOENT {
					errs = append(errs, pathError(childPath, err))
					top.kept = true
				}
				continue
			}
			if uint64(cst.Dev) != rootDev {
				errs = append(errs, pathError(childPath, errMountPoint))
				top.kept = true
				continue
			}
			next, names, err := enter(cur.fd, child, childPath, &cst)
			if err != nil {
				errs = append(errs, err)
				top.kept = true
				continue
			}
			cur.f.Close()
			cur = next
			stack = append(stack, frame{name: child, path: childPath, dev: uint64(cst.Dev), ino: cst.Ino, names: names})
			continue
		}

		// Every entry of done has been dealt with: climb to its parent and remove it.
		done := *top
		stack = stack[:len(stack)-1]
		parentFD := pfd
		if len(stack) == 0 {
			cur.f.Close()
		} else {
			up, err := climb(cur, &stack[len(stack)-1])
			cur.f.Close()
			if err != nil {
				// Lost: we no longer know which directory we are in, so stop here.
				return errors.Join(append(errs, err)...)
			}
			cur = up
			parentFD = up.fd
		}
		if done.kept {
			if len(stack) > 0 {
				stack[len(stack)-1].kept = true
			}
			continue
		}
		if err := unlinkAt(parentFD, done.name, unix.AT_REMOVEDIR); err != nil && err != unix.ENOENT {
			errs = append(errs, pathError(done.path, err))
			if len(stack) > 0 {
				stack[len(stack)-1].kept = true
			}
		}
	}
	return errors.Join(errs...)
}

// enter opens the directory name in dirfd, checks that it is still the one
// fstatat described as st, makes it 0700 and reads its entries.
func enter(dirfd int, name, path string, st *unix.Stat_t) (*dir, []string, error) {
	fd, err := openDirAt(dirfd, name)
	if err == unix.EACCES {
		// Unreadable to us (mode 0000, 0100, ...; root never gets here): make it ours again.
		if err := chmodDirAt(dirfd, name, st); err != nil {
			return nil, nil, pathError(path, err)
		}
		fd, err = openDirAt(dirfd, name)
	}
	if err != nil {
		return nil, nil, pathError(path, err)
	}
	d := &dir{f: os.NewFile(uintptr(fd), path), fd: fd}
	var got unix.Stat_t
	if err := unix.Fstat(fd, &got); err != nil {
		d.f.Close()
		return nil, nil, pathError(path, err)
	}
	if got.Dev != st.Dev || got.Ino != st.Ino {
		d.f.Close()
		return nil, nil, pathError(path, errChanged)
	}
	// Unlinking entries needs write and search permission on the directory.
	// Through the descriptor, so no symlink can redirect it. A failure (not our
	// directory) is left to show up, more precisely, as the failing unlinks.
	if got.Mode&0o700 != 0o700 {
		_ = unix.Fchmod(fd, 0o700)
	}
	names, err := d.f.Readdirnames(-1)
	if err != nil {
		d.f.Close()
		return nil, nil, pathError(path, err)
	}
	return d, names, nil
}

// climb opens the parent of d through "..", which is never a symlink, and
// checks that it is the directory the walk came down from.
func climb(d *dir, parent *frame) (*dir, error) {
	fd, err := openDirAt(d.fd, "..")
	if err != nil {
		return nil, pathError(parent.path, err)
	}
	up := &dir{f: os.NewFile(uintptr(fd), parent.path), fd: fd}
	var got unix.Stat_t
	if err := unix.Fstat(fd, &got); err != nil {
		up.f.Close()
		return nil, pathError(parent.path, err)
	}
	if uint64(got.Dev) != parent.dev || got.Ino != parent.ino {
		up.f.Close()
		return nil, pathError(parent.path, errChanged)
	}
	return up, nil
}

// chmodDirAt makes the directory name in dirfd 0700 without following a
// symlink.
func chmodDirAt(dirfd int, name string, st *unix.Stat_t) error {
	err := ignoringEINTR(func() error {
		return unix.Fchmodat(dirfd, name, 0o700, unix.AT_SYMLINK_NOFOLLOW)
	})
	if err != unix.EOPNOTSUPP && err != unix.ENOTSUP {
		return err
	}
	// Linux before 6.6 has no fchmodat2, so no AT_SYMLINK_NOFOLLOW for chmod
	// (fchmodat(2)). Plain fchmodat follows a symlink: use it only if name is
	// still the directory we saw. The window left only matters while something
	// still runs in the tree, and the runner cleans up after the container is empty.
	var now unix.Stat_t
	if err := lstatAt(dirfd, name, &now); err != nil {
		return err
	}
	if !isDir(&now) || now.Dev != st.Dev || now.Ino != st.Ino {
		return errChanged
	}
	return ignoringEINTR(func() error { return unix.Fchmodat(dirfd, name, 0o700, 0) })
}

func openDirAt(dirfd int, name string) (fd int, err error) {
	err = ignoringEINTR(func() (err error) {
		fd, err = unix.Openat(dirfd, name, openDirFlags, 0)
		return err
	})
	return fd, err
}

func lstatAt(dirfd int, name string, st *unix.Stat_t) error {
	return ignoringEINTR(func() error { return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW) })
}

func unlinkAt(dirfd int, name string, flags int) error {
	return ignoringEINTR(func() error { return unix.Unlinkat(dirfd, name, flags) })
}

func isDir(st *unix.Stat_t) bool {
	return uint32(st.Mode)&unix.S_IFMT == unix.S_IFDIR
}

// ignoringEINTR retries fn while it is interrupted by a signal, as package
// os does: curfew receives signals while it cleans up.
func ignoringEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}

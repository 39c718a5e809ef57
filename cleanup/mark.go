package cleanup

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A run that is itself SIGKILLed cannot clean up: its temp dir and cgroup
// leaf stay behind. So that a later run can remove them, every run keeps a
// mark: a lock file in the state dir that lists what the run created, locked
// for as long as the run lives. The kernel drops the lock when the process
// dies, however it dies, so a mark whose lock can be taken belongs to a run
// that is provably over; FindStale returns those.
//
// A mark is created under a name FindStale does not look at, locked, and
// only then renamed to its final name, so that no sweeper ever sees a mark
// before its owner holds the lock.

const (
	markSuffix = ".lock"
	markPrefix = "run-"
	newPrefix  = ".new-" // a mark being created: locked, not yet renamed
	// newGrace is how old an unlocked mark under creation must be before it
	// counts as abandoned: its creator died between create and rename.
	newGrace = 10 * time.Second
)

// StateDir is the directory that holds the marks of the current user's
// runs: "curfew-runs-UID" in the system temp dir (only "curfew-runs" on
// Windows, whose temp dir is per user already).
func StateDir() string {
	return filepath.Join(os.TempDir(), stateDirName())
}

// Item is one thing a run created: Kind is the caller's word for it ("tempdir",
// "cgroup"), Path its absolute path.
type Item struct {
	Kind string
	Path string
}

// Mark is a live run's claim on what it created.
type Mark struct {
	f    *os.File
	path string
}

// NewMark creates and locks a mark in dir, creating dir (0700) when needed.
// A dir that exists but is not a private directory of this user is refused.
func NewMark(dir string) (*Mark, error) {
	// Unique, not secret: O_EXCL refuses a clash.
	id := fmt.Sprintf("%d-%012x", os.Getpid(), rand.Uint64()&(1<<48-1))
	tmp := filepath.Join(dir, newPrefix+id)
	var f *os.File
	// The last run to leave removes the state dir; a run that comes in at
	// that moment finds it gone and makes it again.
	for try := 0; ; try++ {
		if err := privateDir(dir); err != nil {
			return nil, fmt.Errorf("cannot use state dir: %w", err)
		}
		var err error
		f, err = createLocked(tmp)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || try == 2 {
			return nil, fmt.Errorf("cannot create run mark: %w", err)
		}
	}
	final := filepath.Join(dir, markPrefix+id+markSuffix)
	// The lock belongs to the open file, so it survives the rename.
	if err := os.Rename(tmp, final); err != nil {
		f.Close()
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("cannot create run mark: %w", err)
	}
	return &Mark{f: f, path: final}, nil
}

// Path is the mark's file.
func (m *Mark) Path() string { return m.path }

// Record adds an item to the mark. Call it as soon as the item exists.
func (m *Mark) Record(kind, path string) error {
	if strings.ContainsAny(kind, " \n") || kind == "" {
		return fmt.Errorf("invalid item kind %q", kind)
	}
	// One write per line: a run killed in the middle leaves whole lines or
	// a last partial one, which FindStale drops.
	if _, err := m.f.WriteString(kind + " " + strconv.Quote(path) + "\n"); err != nil {
		return fmt.Errorf("cannot record %s in run mark: %w", kind, err)
	}
	return nil
}

// Release removes the mark at the end of a run whose items are gone, and
// the state dir with it when no other mark is left, so that a run leaves
// nothing on disk.
func (m *Mark) Release() error {
	err := os.Remove(m.path)
	m.f.Close()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove run mark: %w", err)
	}
	removeIfEmpty(filepath.Dir(m.path))
	return nil
}

// removeIfEmpty removes dir unless another run's mark is in it (rmdir
// fails on a directory that is not empty, so no mark is ever lost).
func removeIfEmpty(dir string) { _ = syscallRmdir(dir) }

// StaleRun is the mark of a run that is over without having cleaned up. Its
// lock is held until Forget or Keep, so two sweeping runs never work on the
// same one.
type StaleRun struct {
	Mark  string // the mark's file
	Items []Item // what the run recorded, in the order it recorded them
	f     *os.File
}

// Forget removes the mark: call it once every item is gone.
func (s *StaleRun) Forget() error {
	err := os.Remove(s.Mark)
	s.f.Close()
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove run mark: %w", err)
	}
	removeIfEmpty(filepath.Dir(s.Mark))
	return nil
}

// Keep leaves the mark for a later run to try again.
func (s *StaleRun) Keep() { s.f.Close() }

// FindStale returns the marks in dir whose runs are over, locked. A missing
// dir has none. Marks of live runs, this one's included, are skipped.
func FindStale(dir string) ([]*StaleRun, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("cannot read state dir: %w", err)
	}
	var stale []*StaleRun
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(name, newPrefix) {
			removeAbandonedNew(filepath.Join(dir, name))
			continue
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(name, markPrefix) || !strings.HasSuffix(name, markSuffix) {
			continue
		}
		path := filepath.Join(dir, name)
		f, ok, err := tryLock(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot check run mark %s: %w", name, err))
			continue
		}
		if !ok {
			continue // its run is alive
		}
		// Another sweeper may have forgotten this mark between our open and
		// our lock: then the file we hold is no longer the one at path.
		if !samePath(f, path) {
			f.Close()
			continue
		}
		items, err := readItems(f)
		if err != nil {
			f.Close()
			errs = append(errs, fmt.Errorf("cannot read run mark %s: %w", name, err))
			continue
		}
		stale = append(stale, &StaleRun{Mark: path, Items: items, f: f})
	}
	return stale, errors.Join(errs...)
}

// removeAbandonedNew removes a mark whose creator died before it renamed
// it into place (it lists nothing yet). A live creator holds its lock from
// the moment it exists, but for the instant between create and lock, which
// newGrace covers.
func removeAbandonedNew(path string) {
	fi, err := os.Lstat(path)
	if err != nil || time.Since(fi.ModTime()) < newGrace {
		return
	}
	f, ok, err := tryLock(path)
	if err != nil || !ok {
		return
	}
	if samePath(f, path) {
		_ = os.Remove(path)
	}
	f.Close()
}

// readItems parses a mark's lines; a last line without its newline was cut
// short by the owner's death and is dropped.
func readItems(f *os.File) ([]Item, error) {
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	var items []Item
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break // io.EOF, with or without a partial last line
		}
		kind, quoted, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		if !ok {
			continue
		}
		path, err := strconv.Unquote(quoted)
		if err != nil || !filepath.IsAbs(path) {
			continue
		}
		items = append(items, Item{Kind: kind, Path: path})
	}
	return items, nil
}

// samePath reports whether path still names the open file f.
func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}

// Abandon closes the mark without removing it, as the death of the run
// would: a later run finds it stale and removes what it lists. For a run
// that could not remove everything itself.
func (m *Mark) Abandon() { m.f.Close() }

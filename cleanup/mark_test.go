package cleanup

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// die drops a mark's lock the way the death of its process does: the
// kernel closes the file, which releases the lock, and nothing is removed.
func die(m *Mark) { m.f.Close() }

func TestMarkOfALiveRunIsNotStale(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	m, err := NewMark(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Release()
	if err := m.Record("tempdir", "/tmp/curfew-1"); err != nil {
		t.Fatal(err)
	}
	stale, err := FindStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 0 {
		t.Fatalf("the live mark %s was found stale", m.Path())
	}
}

func TestMarkOfADeadRunIsStale(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	m, err := NewMark(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{{"tempdir", "/tmp/curfew-1 with space"}, {"cgroup", "/sys/fs/cgroup/curfew-2-ab\nnewline"}}
	for _, it := range want {
		if err := m.Record(it.Kind, it.Path); err != nil {
			t.Fatal(err)
		}
	}
	// A death in the middle of a write leaves a partial line behind.
	if _, err := m.f.WriteString(`tempdir "/tmp/cut`); err != nil {
		t.Fatal(err)
	}
	die(m)

	stale, err := FindStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 1 {
		t.Fatalf("found %d stale marks, want 1", len(stale))
	}
	s := stale[0]
	if s.Mark != m.Path() {
		t.Errorf("stale mark is %s, want %s", s.Mark, m.Path())
	}
	if !slices.Equal(s.Items, want) {
		t.Errorf("items = %q, want %q (the cut line dropped)", s.Items, want)
	}

	// While one sweeper holds it, another does not get it.
	again, err := FindStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("a second sweeper got the mark the first one holds")
	}

	if err := s.Forget(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(s.Mark); !os.IsNotExist(err) {
		t.Errorf("mark still there after Forget: %v", err)
	}
}

func TestKeptMarkIsFoundAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	m, err := NewMark(dir)
	if err != nil {
		t.Fatal(err)
	}
	die(m)
	stale, err := FindStale(dir)
	if err != nil || len(stale) != 1 {
		t.Fatalf("FindStale = %d marks, %v; want 1", len(stale), err)
	}
	stale[0].Keep()
	stale, err = FindStale(dir)
	if err != nil || len(stale) != 1 {
		t.Fatalf("after Keep, FindStale = %d marks, %v; want 1", len(stale), err)
	}
	stale[0].Forget()
}

func TestReleaseRemovesTheMark(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	m, err := NewMark(dir)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewMark(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Release(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("the state dir went while another run's mark was in it: %v", err)
	}
	if len(entries) != 1 || filepath.Join(dir, entries[0].Name()) != other.Path() {
		t.Errorf("state dir holds %v, want only %s", entries, other.Path())
	}
	// The last run out leaves nothing behind.
	if err := other.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("state dir still there after the last mark went: %v", err)
	}
}

func TestFindStaleIgnoresOtherFiles(t *testing.T) {
	dir := t.TempDir()
	// Not marks: another name, a mark still being created, a directory.
	for _, name := range []string{"notes.txt", ".new-1-abc"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("tempdir \"/x\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "run-dir.lock"), 0o700); err != nil {
		t.Fatal(err)
	}
	stale, err := FindStale(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 0 {
		t.Fatalf("found %d stale marks among files that are not marks", len(stale))
	}
	if stale, err := FindStale(filepath.Join(dir, "missing")); err != nil || stale != nil {
		t.Fatalf("missing state dir: %v, %v; want nothing", stale, err)
	}
}

func TestStateDirMustBePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permission bits do not apply on Windows")
	}
	base := t.TempDir()
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMark(open); err == nil {
		t.Error("NewMark accepted a world-writable state dir")
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	if _, err := NewMark(link); err == nil {
		t.Error("NewMark followed a symlinked state dir")
	}
}

func TestAbandonedNewMarkIsRemoved(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, ".new-1-abandoned")
	young := filepath.Join(dir, ".new-2-young")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Minute)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	if _, err := FindStale(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(old); !os.IsNotExist(err) {
		t.Errorf("an abandoned mark under creation is still there: %v", err)
	}
	// one that may belong to a run between create and lock stays
	if _, err := os.Lstat(young); err != nil {
		t.Errorf("a young mark under creation was removed: %v", err)
	}
}

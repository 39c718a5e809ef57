package cleanup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// makeWritable registers a cleanup that makes every directory under root
// writable again, so t.TempDir can remove what a failed test left behind.
// It chmods each directory before reading it and never follows a symlink.
func makeWritable(t *testing.T, root string) {
	t.Helper()
	t.Cleanup(func() {
		stack := []string{root}
		for len(stack) > 0 {
			dir := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			fi, err := os.Lstat(dir)
			if err != nil || !fi.IsDir() {
				continue
			}
			_ = os.Chmod(dir, 0o700)
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.IsDir() {
					stack = append(stack, filepath.Join(dir, e.Name()))
				}
			}
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still exists (lstat: %v)", path, err)
	}
}

func mustContain(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s is gone: %v", path, err)
		return
	}
	if string(got) != want {
		t.Errorf("%s: got %q, want %q", path, got, want)
	}
}

// symlink makes a symlink or skips the test where the OS will not (Windows
// without the privilege).
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("cannot make symlinks here: %v", err)
		}
		t.Fatal(err)
	}
}

func TestRemoveAllLastRegisteredFirst(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first")
	second := filepath.Join(dir, "second")
	third := filepath.Join(dir, "third")
	writeFile(t, first, "1")
	writeFile(t, filepath.Join(second, "inside"), "2")
	writeFile(t, third, "3")

	var l List
	for _, p := range []string{first, second, third} {
		if err := l.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(l.Paths(), ","), first+","+second+","+third; got != want {
		t.Fatalf("Paths() = %s, want %s", got, want)
	}

	results := l.RemoveAll()
	want := []string{third, second, first}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(results), len(want), results)
	}
	for i, r := range results {
		if r.Path != want[i] || !r.Removed || r.Err != nil {
			t.Errorf("results[%d] = %+v, want {Path:%s Removed:true Err:<nil>}", i, r, want[i])
		}
		mustNotExist(t, r.Path)
	}
}

func TestRemoveAllTwiceRemovesNothing(t *testing.T) {
	var l List
	if got := l.RemoveAll(); got != nil {
		t.Errorf("RemoveAll on the zero List = %+v, want nil", got)
	}
	if _, err := l.TempDir("curfew-test-*"); err != nil {
		t.Fatal(err)
	}
	if got := l.RemoveAll(); len(got) != 1 || !got[0].Removed {
		t.Fatalf("first RemoveAll = %+v, want one removed path", got)
	}
	if got := l.RemoveAll(); got != nil {
		t.Errorf("second RemoveAll = %+v, want nil", got)
	}
	if got := l.Paths(); len(got) != 0 {
		t.Errorf("Paths() after RemoveAll = %q, want none", got)
	}
}

func TestTempDir(t *testing.T) {
	var l List
	t.Cleanup(func() { l.RemoveAll() })
	dir, err := l.TempDir("curfew-test-*")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(dir) || !strings.HasPrefix(filepath.Base(dir), "curfew-test-") {
		t.Errorf("TempDir = %q, want an absolute path named curfew-test-*", dir)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() {
		t.Fatalf("%s is not a directory", dir)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700 {
		t.Errorf("mode = %v, want 0700", fi.Mode().Perm())
	}
	if got := l.Paths(); len(got) != 1 || got[0] != dir {
		t.Errorf("Paths() = %q, want [%s]", got, dir)
	}
	writeFile(t, filepath.Join(dir, "sub", "file"), "x")

	results := l.RemoveAll()
	if len(results) != 1 || results[0] != (Result{Path: dir, Removed: true}) {
		t.Errorf("RemoveAll = %+v, want [{%s true <nil>}]", results, dir)
	}
	mustNotExist(t, dir)
}

func TestAddMakesPathAbsolute(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(a, "rel"), "a")
	writeFile(t, filepath.Join(b, "rel"), "b")

	t.Chdir(a)
	var l List
	if err := l.Add("rel"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(b) // must not change what is removed

	if got := l.Paths(); len(got) != 1 || !filepath.IsAbs(got[0]) {
		t.Fatalf("Paths() = %q, want one absolute path", got)
	}
	for _, r := range l.RemoveAll() {
		if !r.Removed || r.Err != nil {
			t.Errorf("%+v, want removed", r)
		}
	}
	mustNotExist(t, filepath.Join(a, "rel"))
	mustContain(t, filepath.Join(b, "rel"), "b")
}

func TestAddRefusesRoot(t *testing.T) {
	roots := []string{"/", "//", "/..", "/./"}
	if runtime.GOOS == "windows" {
		roots = []string{`\`, filepath.VolumeName(os.TempDir()) + `\`}
	}
	var l List
	for _, root := range roots {
		err := l.Add(root)
		if err == nil || !strings.Contains(err.Error(), "root directory") {
			t.Errorf("Add(%q) = %v, want an error about the root directory", root, err)
		}
		if err := Remove(root); err == nil || !strings.Contains(err.Error(), "root directory") {
			t.Errorf("Remove(%q) = %v, want an error about the root directory", root, err)
		}
	}
	if err := l.Add(""); err == nil {
		t.Errorf(`Add("") = nil, want an error`)
	}
	if got := l.Paths(); len(got) != 0 {
		t.Errorf("Paths() = %q, want none", got)
	}
}

func TestRemoveMissingPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if err := Remove(missing); err != nil {
		t.Errorf("Remove(missing) = %v, want nil", err)
	}
	if err := Remove(filepath.Join(missing, "below")); err != nil {
		t.Errorf("Remove(missing/below) = %v, want nil", err)
	}
	var l List
	if err := l.Add(missing); err != nil {
		t.Fatal(err)
	}
	if got := l.RemoveAll(); len(got) != 1 || got[0] != (Result{Path: missing}) {
		t.Errorf("RemoveAll = %+v, want [{%s false <nil>}]", got, missing)
	}
}

func TestRemoveAllGoesOnAfterAFailure(t *testing.T) {
	// Root may remove almost anything, but not a file of /proc.
	const failing = "/proc/self/status"
	if _, err := os.Lstat(failing); err != nil {
		t.Skipf("no %s here: %v", failing, err)
	}
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before"), filepath.Join(dir, "after")
	writeFile(t, before, "x")
	writeFile(t, filepath.Join(after, "file"), "x")

	var l List
	for _, p := range []string{before, failing, after} {
		if err := l.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	results := l.RemoveAll()
	if len(results) != 3 {
		t.Fatalf("got %d results, want 3: %+v", len(results), results)
	}
	if r := results[1]; r.Path != failing || r.Removed || r.Err == nil ||
		!strings.HasPrefix(r.Err.Error(), "remove "+failing+": ") {
		t.Errorf("results[1] = %+v, want a failure to remove %s", r, failing)
	}
	for _, r := range []Result{results[0], results[2]} {
		if !r.Removed || r.Err != nil {
			t.Errorf("%+v, want removed", r)
		}
		mustNotExist(t, r.Path)
	}
}

func TestRemoveReadOnlyTree(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permission bits")
	}
	root := filepath.Join(t.TempDir(), "tree")
	makeWritable(t, root)
	// Nested read-only directories, each with a file, and a file of mode 0000.
	writeFile(t, filepath.Join(root, "r-x", "---", "--x", "file"), "x")
	writeFile(t, filepath.Join(root, "r-x", "---", "file"), "x")
	writeFile(t, filepath.Join(root, "r-x", "file"), "x")
	writeFile(t, filepath.Join(root, "zero"), "x")
	writeFile(t, filepath.Join(root, "0000dir", "file"), "x")
	// Innermost first, so a chmod does not lock out the next one.
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
		{".", 0o500},
	} {
		if err := os.Chmod(filepath.Join(root, c.path), c.mode); err != nil {
			t.Fatal(err)
		}
	}

	if err := Remove(root); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	mustNotExist(t, root)
}

func TestRemoveNeverFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	sentinel := filepath.Join(outside, "sentinel")
	writeFile(t, sentinel, "keep me")
	root := filepath.Join(dir, "tree")
	makeWritable(t, root)
	if err := os.MkdirAll(filepath.Join(root, "ro"), 0o700); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, filepath.Join(root, "to-dir"))
	symlink(t, sentinel, filepath.Join(root, "to-file"))
	symlink(t, outside, filepath.Join(root, "ro", "to-dir"))
	symlink(t, "/", filepath.Join(root, "to-root"))
	symlink(t, "missing", filepath.Join(root, "dangling"))
	if runtime.GOOS != "windows" {
		// Read-only, so Remove has to chmod: the chmod must not reach outside.
		for _, p := range []string{outside, filepath.Join(root, "ro")} {
			if err := os.Chmod(p, 0o500); err != nil {
				t.Fatal(err)
			}
		}
		makeWritable(t, outside)
	}

	if err := Remove(root); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	mustNotExist(t, root)
	mustContain(t, sentinel, "keep me")
	if runtime.GOOS != "windows" {
		if fi, err := os.Lstat(outside); err != nil || fi.Mode().Perm() != 0o500 {
			t.Errorf("outside: %v, %v; want mode 0500, untouched", fi.Mode(), err)
		}
	}
}

func TestRemoveSymlinkAsPath(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	sentinel := filepath.Join(target, "sentinel")
	writeFile(t, sentinel, "keep me")
	link := filepath.Join(dir, "link")
	symlink(t, target, link)

	var l List
	if err := l.Add(link); err != nil {
		t.Fatal(err)
	}
	if got := l.RemoveAll(); len(got) != 1 || got[0] != (Result{Path: link, Removed: true}) {
		t.Errorf("RemoveAll = %+v, want [{%s true <nil>}]", got, link)
	}
	mustNotExist(t, link)
	mustContain(t, sentinel, "keep me")

	// With a trailing separator the path still names the link, not the target.
	symlink(t, target, link)
	if err := Remove(link + string(filepath.Separator)); err != nil {
		t.Fatal(err)
	}
	mustNotExist(t, link)
	mustContain(t, sentinel, "keep me")
}

func TestRemoveDeepTree(t *testing.T) {
	const depth = 300
	root := filepath.Join(t.TempDir(), "deep")
	path := root
	for range depth {
		path = filepath.Join(path, "d")
	}
	writeFile(t, filepath.Join(path, "file"), "x")
	if err := Remove(root); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	mustNotExist(t, root)
}

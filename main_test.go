package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("u", false, "update the testscripts' cmp files with the actual output")

// containerScripts are the scripts that TestScriptsCgroup and
// TestScriptsSubreaper run again in each container mode.
var containerScripts = []string{"container-", "timeout-", "signal-", "leftover-", "cleanup-", "gnu-timeout-"}

func TestMain(m *testing.M) {
	testscript.Main(sweepAfter{m}, map[string]func(){
		"curfew":  func() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) },
		"fixture": fixtureMain,
		"timeout": func() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }, // the GNU timeout personality
	})
}

// TestScripts runs every script with the default container (auto).
func TestScripts(t *testing.T) {
	testscript.Run(t, params(t, "", nil))
}

// TestScriptsCgroup runs the container scripts with --container cgroup.
func TestScriptsCgroup(t *testing.T) {
	if ok, why := cgroupWritable(); !ok {
		t.Skipf("no writable cgroup2: %s", why)
	}
	testscript.Run(t, params(t, "cgroup", containerFiles(t)))
}

// TestScriptsSubreaper runs the container scripts with --container subreaper.
func TestScriptsSubreaper(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the subreaper container is linux only")
	}
	testscript.Run(t, params(t, "subreaper", containerFiles(t)))
}

func containerFiles(t *testing.T) []string {
	all, err := filepath.Glob(filepath.Join("testscripts", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		name := filepath.Base(f)
		if slices.ContainsFunc(containerScripts, func(p string) bool { return strings.HasPrefix(name, p) }) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("no container scripts found")
	}
	return files
}

// params sets up a testscript run; container, if not empty, is exported
// as CURFEW_CONTAINER. With files nil, every script in testscripts runs.
func params(t *testing.T, container string, files []string) testscript.Params {
	p := testscript.Params{
		Files:               files,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Cmds:                scriptCmds,
		Condition:           condition,
		Setup: func(env *testscript.Env) error {
			if container != "" {
				env.Setenv("CURFEW_CONTAINER", container)
			}
			// However the script ends, no fixture process outlives it.
			env.Defer(func() { killScriptPids(env.T(), env.WorkDir) })
			return nil
		},
	}
	if files == nil {
		p.Dir = "testscripts"
	}
	if runtime.GOOS != "windows" {
		// The testing package removes this after the test, whatever -run
		// picked: testscript's own root is left behind when -run skips some
		// scripts. (Not under Wine, whose os.RemoveAll fails on it.)
		p.WorkdirRoot = t.TempDir()
	}
	return p
}

// condition adds [cgroup] (a writable cgroup2 is available), [root] and
// [wine] (a windows test binary running under Wine, which cannot deliver
// console control events: curfew's graceful stage reaches nobody there).
func condition(cond string) (bool, error) {
	switch cond {
	case "wine":
		return underWine != nil && underWine(), nil
	case "cgroup":
		ok, _ := cgroupWritable()
		return ok, nil
	case "root":
		return os.Geteuid() == 0, nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// ourExes are the copies of the test binary that testscript put in $PATH
// as "fixture" and "curfew". Only processes running one of them are ever
// killed by the test: a pid from a pid file may have been reused since.
var ourExes []string

func findOurExes() {
	for _, name := range []string{"fixture", "curfew"} {
		path, err := lookPath(name, os.Getenv("PATH"))
		if err != nil {
			continue
		}
		if real, err := filepath.EvalSymlinks(path); err == nil {
			path = real
		}
		ourExes = append(ourExes, path)
	}
}

// isOurs says whether pid runs one of ourExes. Where the system cannot
// tell (macOS: no /proc), it says no.
func isOurs(pid int) bool {
	if processExe == nil {
		return false
	}
	exe, err := processExe(pid)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(ourExes, func(ours string) bool { return ours == exe || sameFile(ours, exe) })
}

// sameFile says whether a and b name one file (Windows paths may differ in
// case and form).
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// killScriptPids SIGKILLs every fixture process listed in the script's
// $WORK/*.pids files, and in the member dirs of trees that never finished
// their pid file, so a failing script never leaves processes behind.
func killScriptPids(t testscript.T, workdir string) {
	if killProcess == nil {
		return
	}
	var pids []int
	files, _ := filepath.Glob(filepath.Join(workdir, "*.pids"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for _, field := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(field); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(workdir, "*.pids.d", "*"))
	for _, d := range dirs {
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil {
			pids = append(pids, pid)
		}
	}
	var killed []string
	for _, pid := range pids {
		if pid > 1 && isOurs(pid) && killProcess(pid) == nil {
			killed = append(killed, strconv.Itoa(pid))
		}
	}
	if len(killed) > 0 {
		t.Log("killed leftover fixture processes: " + strings.Join(killed, " "))
	}
}

// sweepAfter runs the tests, then removes the cgroup leaves that curfew
// runs of the tests left behind (a curfew bug, which the scripts report):
// non-empty "curfew-*" cgroups below ours whose every member is one of
// ourExes. Leaves of anybody else's curfew are not touched.
type sweepAfter struct{ m *testing.M }

func (s sweepAfter) Run() int {
	findOurExes() // testscript has put the copies in $PATH by now
	code := s.m.Run()
	if afterTests != nil {
		afterTests()
	}
	if runtime.GOOS != "linux" {
		return code
	}
	_, own, err := cgroupDirs()
	if err != nil {
		return code
	}
	leaves, _ := filepath.Glob(filepath.Join(own, "curfew-*"))
	for _, leaf := range leaves {
		if !strings.HasPrefix(filepath.Base(leaf), "curfew-test-probe-") && sweepLeaf(leaf) {
			fmt.Fprintf(os.Stderr, "removed cgroup %s left by a test\n", leaf)
		}
	}
	return code
}

func sweepLeaf(leaf string) bool {
	data, err := os.ReadFile(filepath.Join(leaf, "cgroup.procs"))
	if err != nil {
		return false
	}
	pids := strings.Fields(string(data))
	if len(pids) == 0 {
		return false
	}
	for _, p := range pids {
		pid, err := strconv.Atoi(p)
		if err != nil || !isOurs(pid) {
			return false
		}
	}
	if os.WriteFile(filepath.Join(leaf, "cgroup.kill"), []byte("1"), 0) != nil {
		return false
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if os.Remove(leaf) == nil {
			return true
		}
	}
	return false
}

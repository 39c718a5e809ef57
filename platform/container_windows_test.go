package platform

// Tests of the job-object container, for real: on Windows, and on Linux
// under Wine (see .ci/run). The test binary re-executes itself in helper
// roles (TestMain), so no other program is needed.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// roleEnv names the helper role of a re-executed test binary.
const roleEnv = "CURFEW_PLATFORM_TEST_ROLE"

func TestMain(m *testing.M) {
	if role := os.Getenv(roleEnv); role != "" {
		os.Exit(runRole(role, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// runRole runs one helper role:
//
//	exit N                 exit with status N at once
//	chain DEPTH FILE       a chain of DEPTH processes; the last writes FILE, all hang
//	breakaway              try to start a child outside the job; 0 if refused
//	trap                   exit 42 on Ctrl+Break / Ctrl+C; write "ready" to stdout first
//	holder DEPTH FILE      own a Container with a chain in it, write the chain's pids to FILE, hang
func runRole(role string, args []string) int {
	switch role {
	case "exit":
		n, _ := strconv.Atoi(args[0])
		return n
	case "chain":
		depth, _ := strconv.Atoi(args[0])
		if depth > 1 {
			if err := helper("chain", strconv.Itoa(depth-1), args[1]).Start(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		} else if err := os.WriteFile(args[1], []byte("ready"), 0o666); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return hangForever()
	case "breakaway":
		cmd := helper("exit", "0")
		cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_BREAKAWAY_FROM_JOB}
		if err := cmd.Start(); err != nil {
			fmt.Println("refused:", err)
			return 0
		}
		cmd.Process.Kill()
		cmd.Wait()
		fmt.Println("a child broke away from the job")
		return 1
	case "trap":
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt)
		fmt.Println("ready")
		<-c
		return 42
	case "holder":
		c, err := NewContainer(ModeAuto)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		ready := args[1] + ".ready"
		if _, err := c.Spawn(helperCommand("chain", args[0], ready)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		depth, _ := strconv.Atoi(args[0])
		var pids []string
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			ms, _ := c.Members()
			if _, err := os.Stat(ready); err == nil && len(ms) == depth {
				for _, m := range ms {
					pids = append(pids, strconv.Itoa(m.Pid))
				}
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintln(os.Stderr, "the chain did not come up")
				return 1
			}
		}
		if err := os.WriteFile(args[1], []byte(strings.Join(pids, " ")), 0o666); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return hangForever()
	}
	fmt.Fprintf(os.Stderr, "unknown role %q\n", role)
	return 2
}

func hangForever() int {
	for {
		time.Sleep(time.Hour)
	}
}

// helper is an exec.Cmd that runs this test binary in role.
func helper(role string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	return cmd
}

// helperCommand is a Command for Spawn that runs this test binary in role.
func helperCommand(role string, args ...string) Command {
	return Command{
		Path: os.Args[0],
		Args: append([]string{os.Args[0]}, args...),
		Env:  append(os.Environ(), roleEnv+"="+role),
	}
}

// newTestContainer makes a container that the test empties and closes
// whatever happens.
func newTestContainer(t *testing.T) *Container {
	t.Helper()
	c, err := NewContainer(ModeAuto)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Kill()
		waitEmpty(t, c, 5*time.Second)
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// waitEmpty waits until the job has no active process.
func waitEmpty(t *testing.T, c *Container, bound time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(bound); ; time.Sleep(5 * time.Millisecond) {
		empty, err := c.Empty()
		if err != nil {
			t.Fatal(err)
		}
		if empty {
			return
		}
		if time.Now().After(deadline) {
			ms, _ := c.Members()
			t.Fatalf("the job still holds %v after %v", ms, bound)
		}
	}
}

// waitReaped waits for the command to end and returns its exit.
func waitReaped(t *testing.T, c *Container, bound time.Duration) Exit {
	t.Helper()
	for deadline := time.Now().Add(bound); ; time.Sleep(5 * time.Millisecond) {
		if exits, _ := c.Reap(); len(exits) == 1 {
			return exits[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the command did not end within %v", bound)
		}
	}
}

// openAll opens a SYNCHRONIZE handle to each pid, so that a reused pid
// cannot fool the check that they are gone.
func openAll(t *testing.T, pids []int) []windows.Handle {
	t.Helper()
	var hs []windows.Handle
	for _, pid := range pids {
		h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
		if err != nil {
			t.Fatalf("cannot open process %d: %v", pid, err)
		}
		hs = append(hs, h)
	}
	t.Cleanup(func() {
		for _, h := range hs {
			windows.CloseHandle(h)
		}
	})
	return hs
}

// allEnded waits until every handle is signalled and says how many are not.
func allEnded(hs []windows.Handle, bound time.Duration) int {
	left := 0
	deadline := time.Now().Add(bound)
	for _, h := range hs {
		ms := uint32(max(time.Until(deadline), 0) / time.Millisecond)
		if ev, _ := windows.WaitForSingleObject(h, ms); ev != windows.WAIT_OBJECT_0 {
			left++
		}
	}
	return left
}

// TestSpawnRaceRegression is the job-object race of DESIGN.md: children that
// exit at once. Assigned after they start, they would often be gone already
// ("Access is denied"); born suspended, every assignment must succeed, and
// every exit status must arrive.
func TestSpawnRaceRegression(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 20
	}
	const workers = 4
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := spawnExitAndCheck(i % 100); err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("child %d: %v", i, err))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d spawns failed:\n%s", len(failures), n, strings.Join(failures, "\n"))
	}
	t.Logf("%d children that exit at once: every one was born in its job", n)
}

// spawnExitAndCheck runs one instantly exiting child in a fresh container
// and checks its status, then that the job is empty.
func spawnExitAndCheck(code int) error {
	c, err := NewContainer(ModeAuto)
	if err != nil {
		return err
	}
	defer c.Close()
	pid, err := c.Spawn(helperCommand("exit", strconv.Itoa(code)))
	if err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		exits, _ := c.Reap()
		if len(exits) == 1 {
			if e := exits[0]; e.Pid != pid || e.Status != (ExitStatus{Code: code}) {
				return fmt.Errorf("got %+v, want pid %d exit status %d", e, pid, code)
			}
			break
		}
		if time.Now().After(deadline) {
			c.Kill()
			return errors.New("did not exit")
		}
		time.Sleep(2 * time.Millisecond)
	}
	for {
		if empty, err := c.Empty(); err != nil || empty {
			return err
		}
		if time.Now().After(deadline) {
			return errors.New("the job is not empty after the child exited")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestNaiveAssignRaces is the control of TestSpawnRaceRegression: the same
// child, started running and assigned once it has exited (the extreme case
// of the race), is refused. It shows the regression test would see the bug.
func TestNaiveAssignRaces(t *testing.T) {
	job, err := newJob()
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(job)
	cmd := helper("exit", "0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var assignErr error
	err = cmd.Process.WithHandle(func(h uintptr) {
		windows.WaitForSingleObject(windows.Handle(h), 20000)
		assignErr = windows.AssignProcessToJobObject(job, windows.Handle(h))
	})
	cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if assignErr == nil {
		t.Fatal("assigning an exited process succeeded; the race regression test could not see the bug")
	}
	t.Logf("assign after exit: %v", assignErr)
}

// TestBreakawayRefused: a child that asks for CREATE_BREAKAWAY_FROM_JOB is
// refused, since the job has no BREAKAWAY_OK.
func TestBreakawayRefused(t *testing.T) {
	c := newTestContainer(t)
	out := filepath.Join(tempDir(t), "out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := helperCommand("breakaway")
	restore := redirectStdout(t, f)
	_, err = c.Spawn(cmd)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	e := waitReaped(t, c, 20*time.Second)
	data, _ := os.ReadFile(out)
	if e.Status != (ExitStatus{Code: 0}) {
		t.Fatalf("breakaway helper: %s: %s", e.Status, data)
	}
	if !strings.Contains(string(data), "refused:") {
		t.Fatalf("breakaway helper said %q", data)
	}
	t.Logf("%s", strings.TrimSpace(string(data)))
	waitEmpty(t, c, 5*time.Second)
}

// redirectStdout points this process's standard output handle at f, which
// Spawn passes to the command, until restore is called.
func redirectStdout(t *testing.T, f *os.File) (restore func()) {
	t.Helper()
	old, err := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE)
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetStdHandle(windows.STD_OUTPUT_HANDLE, windows.Handle(f.Fd())); err != nil {
		t.Fatal(err)
	}
	return func() { windows.SetStdHandle(windows.STD_OUTPUT_HANDLE, old) }
}

// TestKillDeepTree: TerminateJobObject on a chain of processes, each the
// child of the one before, ends all of them; the command's status is SIGKILL.
func TestKillDeepTree(t *testing.T) {
	const depth = 12
	c := newTestContainer(t)
	ready := filepath.Join(tempDir(t), "ready")
	pid, err := c.Spawn(helperCommand("chain", strconv.Itoa(depth), ready))
	if err != nil {
		t.Fatal(err)
	}
	ms := waitMembers(t, c, depth, ready)
	if !containsPid(ms, pid) {
		t.Fatalf("members %v do not hold the command %d", ms, pid)
	}
	var pids []int
	for _, m := range ms {
		pids = append(pids, m.Pid)
	}
	hs := openAll(t, pids)
	start := time.Now()
	n, err := c.Kill()
	if err != nil || n != depth {
		t.Fatalf("Kill reached %d processes, err %v; want %d", n, err, depth)
	}
	waitEmpty(t, c, 5*time.Second)
	took := time.Since(start)
	if left := allEnded(hs, 5*time.Second); left > 0 {
		t.Fatalf("%d of %d processes outlived TerminateJobObject", left, depth)
	}
	if e := waitReaped(t, c, 5*time.Second); e.Status != (ExitStatus{Signal: syscall.SIGKILL}) {
		t.Fatalf("command status %s, want killed by SIGKILL", e.Status)
	}
	t.Logf("TerminateJobObject on a chain of %d: the job was empty after %v", depth, took)
}

func containsPid(ms []Process, pid int) bool {
	for _, m := range ms {
		if m.Pid == pid {
			return true
		}
	}
	return false
}

// waitMembers waits until file exists and the job holds n processes.
func waitMembers(t *testing.T, c *Container, n int, file string) []Process {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ms, err := c.Members()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(file); err == nil && len(ms) == n {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job holds %d processes, want %d", len(ms), n)
		}
	}
}

// TestHolderKilled: when the process that owns the job dies without
// cleaning up (killed from Task Manager), kill-on-close ends the whole tree.
func TestHolderKilled(t *testing.T) {
	const depth = 4
	pidsFile := filepath.Join(tempDir(t), "pids")
	holder := helper("holder", strconv.Itoa(depth), pidsFile)
	holder.Stderr = os.Stderr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- holder.Wait() }()
	var data []byte
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if data, err = os.ReadFile(pidsFile); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("holder ended early: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			holder.Process.Kill()
			<-done
			t.Fatal("the holder did not write the pids of its tree")
		}
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		pids = append(pids, pid)
	}
	hs := openAll(t, pids)
	if len(hs) != depth {
		t.Fatalf("holder listed %d processes, want %d", len(hs), depth)
	}
	if err := holder.Process.Kill(); err != nil { // TerminateProcess: no cleanup runs
		t.Fatal(err)
	}
	<-done
	if left := allEnded(hs, 5*time.Second); left > 0 {
		t.Fatalf("%d of %d processes of the tree outlived their holder", left, depth)
	}
}

// TestResumeByThreadWalk: the documented fallback for NtResumeProcess
// starts the command too.
func TestResumeByThreadWalk(t *testing.T) {
	saved := resumeProcess
	resumeProcess = func(pid int, _ windows.Handle) error { return resumeThreads(pid) }
	defer func() { resumeProcess = saved }()
	c := newTestContainer(t)
	if _, err := c.Spawn(helperCommand("exit", "7")); err != nil {
		t.Fatal(err)
	}
	if e := waitReaped(t, c, 20*time.Second); e.Status != (ExitStatus{Code: 7}) {
		t.Fatalf("status %s, want exit status 7", e.Status)
	}
}

// TestSpawnFailureLeavesNothing: a failed resume terminates the suspended
// child, and a command that does not exist is ErrNotExist.
func TestSpawnFailureLeavesNothing(t *testing.T) {
	saved := resumeProcess
	resumeProcess = func(int, windows.Handle) error { return errors.New("resume refused by the test") }
	c := newTestContainer(t)
	_, err := c.Spawn(helperCommand("exit", "0"))
	resumeProcess = saved
	if err == nil || !strings.Contains(err.Error(), "resume refused by the test") {
		t.Fatalf("Spawn error %v, want the resume error", err)
	}
	waitEmpty(t, c, 5*time.Second)

	_, err = c.Spawn(Command{Path: `C:\no\such\program.exe`, Args: []string{"program"}, Env: os.Environ()})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Spawn of a missing program: %v, want ErrNotExist", err)
	}
}

// TestModes: the Linux modes are unavailable, unknown modes are errors.
func TestModes(t *testing.T) {
	for _, mode := range []string{ModeCgroup, ModeSubreaper} {
		if _, err := NewContainer(mode); !errors.Is(err, ErrUnavailable) {
			t.Errorf("NewContainer(%q) = %v, want ErrUnavailable", mode, err)
		}
	}
	if _, err := NewContainer("bogus"); err == nil {
		t.Error(`NewContainer("bogus") succeeded`)
	}
	c := newTestContainer(t)
	if c.Mode() != ModeJob || c.Why() == "" {
		t.Errorf("Mode %q, Why %q", c.Mode(), c.Why())
	}
	if _, err := c.Signal(syscall.Signal(10)); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Signal(10) = %v, want ErrUnsupported", err)
	}
}

// TestNotifyChild: the end of the command reaches a NotifyChild channel,
// which is how the runner learns of it without SIGCHLD.
func TestNotifyChild(t *testing.T) {
	ch := make(chan os.Signal, 1)
	NotifyChild(ch)
	defer StopChild(ch)
	c := newTestContainer(t)
	if _, err := c.Spawn(helperCommand("exit", "3")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("no notification within 20s")
	}
	exits, _ := c.Reap()
	if len(exits) != 1 || exits[0].Status != (ExitStatus{Code: 3}) {
		t.Fatalf("Reap after the notification = %+v, want exit status 3", exits)
	}
}

// TestCtrlBreakGraceful: the graceful stage reaches a command that handles
// Ctrl+Break, which exits by itself.
func TestCtrlBreakGraceful(t *testing.T) {
	if underWine() {
		t.Skip("same-console Ctrl+Break: Wine cannot deliver console control events (shared/notes/windows.md, 6.3)")
	}
	c := newTestContainer(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	restore := redirectStdout(t, w)
	_, err = c.Spawn(helperCommand("trap"))
	restore()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := r.Read(buf); err != nil || string(buf[:5]) != "ready" {
		t.Fatalf("trap helper did not get ready: %q %v", buf, err)
	}
	if n, err := c.Signal(syscall.SIGINT); err != nil || n != 1 {
		t.Fatalf("Signal(INT) reached %d, err %v", n, err)
	}
	if e := waitReaped(t, c, 10*time.Second); e.Status != (ExitStatus{Code: 42}) {
		t.Fatalf("status %s, want exit status 42", e.Status)
	}
}

// tempDir is t.TempDir without its os.RemoveAll, which fails under Wine 8
// with Go 1.26 ("unlinkat ...: Invalid function"): the files are removed one
// by one, deepest first.
func tempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "curfew-platform-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var paths []string
		filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
			paths = append(paths, path)
			return nil
		})
		for _, p := range slices.Backward(paths) {
			if err := os.Remove(p); err != nil {
				t.Errorf("cannot remove the test's temp files: %v", err)
			}
		}
	})
	return dir
}

func TestWindowsEnv(t *testing.T) {
	got := windowsEnv([]string{"=C:=C:\\x", "Tmp=a", "PATH=p", "TMP=b", "SYSTEMROOT=s", "path=q"})
	want := []string{"=C:=C:\\x", "TMP=b", "SYSTEMROOT=s", "path=q"}
	if !slices.Equal(got, want) {
		t.Fatalf("windowsEnv = %q, want %q", got, want)
	}
}

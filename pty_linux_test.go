package main

// A pseudo-terminal for the interactive scenarios: the program runs as a
// job-control shell would start it, as the leader of a new session with the
// pty as its controlling terminal and its process group in the foreground.
//
//	ptystart NAME PROG [ARG...]  start PROG on a new pty; await and signal work on NAME
//	ptysend NAME TEXT            type TEXT (Go escapes: '\x03' is Ctrl+C, '\x1a' Ctrl+Z)
//	ptyfg NAME                   continue NAME's process group, as the shell's fg does
//	ptyresize NAME ROWS COLS     resize the terminal (the kernel sends SIGWINCH)
//	fixture readline             read a line from stdin and print "read: LINE"

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

func init() {
	scriptCmds["ptystart"] = cmdPtystart
	scriptCmds["ptysend"] = cmdPtysend
	scriptCmds["ptyfg"] = cmdPtyfg
	scriptCmds["ptyresize"] = cmdPtyresize
	fixtureCommands["readline"] = fixtureReadline
}

// ptys holds the master side of each pty by background process.
var ptys = map[*proc]*os.File{}

// openPty returns the master and the slave of a new pseudo-terminal.
func openPty() (master, slave *os.File, err error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, s, nil
}

func cmdPtystart(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "ptystart")
	if len(args) < 2 {
		ts.Fatalf("usage: ptystart NAME PROG [ARG...]")
	}
	name := args[0]
	master, slave, err := openPty()
	if err != nil {
		ts.Fatalf("cannot open a pty: %v", err)
	}
	path, err := lookPath(args[1], ts.Getenv("PATH"))
	ts.Check(err)
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(path, args[2:]...)
	p.cmd.Dir = ts.MkAbs(".")
	p.cmd.Env = append(scriptEnv(ts), "PWD="+p.cmd.Dir, "TERM=xterm")
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, slave
	// A session of its own with the pty as controlling terminal: its process
	// group is the terminal's foreground group, as under an interactive shell.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	ts.Check(p.cmd.Start())
	slave.Close()
	// Everything the terminal shows goes to stdout; await prints it.
	copied := make(chan struct{})
	go func() {
		io.Copy(&p.stdout, master) // ends with EIO once the last slave fd closes
		close(copied)
	}()
	s := stateOf(ts)
	s.mu.Lock()
	s.ran = append(s.ran, p.cmd.Process.Pid)
	if s.bg[name] != nil {
		s.mu.Unlock()
		ts.Fatalf("duplicate background process name %q", name)
	}
	s.bg[name] = p
	s.mu.Unlock()
	statesMu.Lock()
	ptys[p] = master
	statesMu.Unlock()
	go func() {
		p.err = p.cmd.Wait()
		<-copied
		master.Close()
		close(p.done)
	}()
}

func ptyOf(ts *testscript.TestScript, name string) (*proc, *os.File) {
	p := background(ts, name)
	statesMu.Lock()
	defer statesMu.Unlock()
	m := ptys[p]
	if m == nil {
		ts.Fatalf("%s was not started with ptystart", name)
	}
	return p, m
}

func cmdPtysend(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "ptysend")
	if len(args) != 2 {
		ts.Fatalf("usage: ptysend NAME TEXT")
	}
	text, err := strconv.Unquote(`"` + args[1] + `"`)
	if err != nil {
		ts.Fatalf("bad TEXT %q: %v", args[1], err)
	}
	_, m := ptyOf(ts, args[0])
	_, err = m.WriteString(text)
	ts.Check(err)
}

func cmdPtyfg(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "ptyfg")
	if len(args) != 1 {
		ts.Fatalf("usage: ptyfg NAME")
	}
	p, _ := ptyOf(ts, args[0])
	// The process is its session's and group's leader: its pid is the pgid.
	ts.Check(syscall.Kill(-p.cmd.Process.Pid, syscall.SIGCONT))
}

func cmdPtyresize(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "ptyresize")
	if len(args) != 3 {
		ts.Fatalf("usage: ptyresize NAME ROWS COLS")
	}
	rows, err1 := strconv.Atoi(args[1])
	cols, err2 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil {
		ts.Fatalf("usage: ptyresize NAME ROWS COLS")
	}
	_, m := ptyOf(ts, args[0])
	ts.Check(unix.IoctlSetWinsize(int(m.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}))
}

func fixtureReadline(args []string) int {
	if len(args) != 0 {
		return usage("readline")
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return fail("read: %v", err)
	}
	fmt.Printf("read: %s", line)
	return 0
}

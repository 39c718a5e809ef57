package main

// Fixture subcommands and script commands for the init scenarios (PID 1 in
// a PID namespace, reaping, process-group forwarding, job control).
//
//	fixture orphans -n N      leave N orphans that exit at once, wait until
//	                          every one is reaped, print "zombies: K" (K left)
//	fixture pair -ready FILE -count PREFIX
//	                          this process and a child in its process group
//	                          count USR1 in PREFIX.parent and PREFIX.child
//	signalchild SIG NAME      send SIG to the child of background process NAME
//	                          (curfew under unshare --fork)
//	waitstate NAME STATE [TIMEOUT]
//	                          wait until NAME's /proc state is STATE (T: stopped),
//	                          or with !, until it is not

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	fixtureCommands["orphans"] = fixtureOrphans
	fixtureCommands["orphan-mid"] = fixtureOrphanMid // internal: the parent that leaves
	fixtureCommands["pair"] = fixturePair
	scriptCmds["signalchild"] = cmdSignalchild
	scriptCmds["waitstate"] = cmdWaitstate
}

func fixtureOrphans(args []string) int {
	fs := newFlags("orphans")
	n := fs.Int("n", 10, "how many orphans")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *n < 1 {
		return usage("orphans -n N")
	}
	var pids []int
	for range *n {
		mid, err := selfCommand("orphan-mid")
		if err != nil {
			return fail("%v", err)
		}
		out, err := mid.Output()
		if err != nil {
			return fail("orphan-mid: %v", err)
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			return fail("orphan-mid printed %q", out)
		}
		pids = append(pids, pid)
	}
	// Each orphan exits at once and is a zombie until its new parent, the
	// init or subreaper above us, reaps it: then its /proc entry goes.
	left := pids
	for deadline := time.Now().Add(10 * time.Second); len(left) > 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var still []int
		for _, pid := range left {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
				still = append(still, pid)
			}
		}
		left = still
	}
	fmt.Printf("zombies: %d\n", len(left))
	return 0
}

// fixtureOrphanMid starts a child that exits at once, prints its pid and
// exits without waiting for it: the child is orphaned.
func fixtureOrphanMid(args []string) int {
	child, err := selfCommand("exit", "0")
	if err != nil {
		return fail("%v", err)
	}
	child.Stdout, child.Stderr = nil, nil
	if err := child.Start(); err != nil {
		return fail("%v", err)
	}
	fmt.Println(child.Process.Pid)
	return 0
}

func fixturePair(args []string) int {
	fs := newFlags("pair")
	ready := fs.String("ready", "", "write `FILE` once both count USR1")
	prefix := fs.String("count", "", "count USR1 in `PREFIX`.parent and PREFIX.child")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *ready == "" || *prefix == "" {
		return usage("pair -ready FILE -count PREFIX")
	}
	childReady := *ready + ".child"
	child, err := selfCommand("trap", "USR1", "-ignore", "-count", *prefix+".child", "-ready", childReady)
	if err != nil {
		return fail("%v", err)
	}
	child.Stdout = nil
	if err := child.Start(); err != nil {
		return fail("%v", err)
	}
	for !exists(childReady) {
		time.Sleep(5 * time.Millisecond)
	}
	return fixtureTrap([]string{"USR1", "-ignore", "-count", *prefix + ".parent", "-ready", *ready})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// childOf returns the one child of pid, from /proc/PID/task/PID/children.
func childOf(ts *testscript.TestScript, pid int) int {
	for deadline := time.Now().Add(runBound); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		ts.Check(err)
		if f := strings.Fields(string(data)); len(f) == 1 {
			child, err := strconv.Atoi(f[0])
			ts.Check(err)
			return child
		}
	}
	ts.Fatalf("process %d has no single child", pid)
	return 0
}

func cmdSignalchild(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "signalchild")
	if len(args) != 2 {
		ts.Fatalf("usage: signalchild SIG NAME")
	}
	sig, err := parseSignal(args[0])
	ts.Check(err)
	child := childOf(ts, background(ts, args[1]).cmd.Process.Pid)
	ts.Check(syscall.Kill(child, sig.(syscall.Signal)))
}

// procStateLetter reads the state letter of pid from /proc/PID/stat.
func procStateLetter(pid int) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return "", err
	}
	i := strings.LastIndexByte(line, ')')
	if i < 0 || i+2 >= len(line) {
		return "", fmt.Errorf("odd stat line %q", line)
	}
	return line[i+2 : i+3], nil
}

func cmdWaitstate(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: [!] waitstate NAME STATE [TIMEOUT]")
	}
	bound := 10 * time.Second
	if len(args) == 3 {
		d, err := time.ParseDuration(args[2])
		ts.Check(err)
		bound = d
	}
	pid := background(ts, args[0]).cmd.Process.Pid
	var got string
	for deadline := time.Now().Add(bound); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var err error
		got, err = procStateLetter(pid)
		ts.Check(err)
		if (got == args[1]) != neg {
			return
		}
	}
	if neg {
		ts.Fatalf("%s is still in state %s after %v", args[0], args[1], bound)
	}
	ts.Fatalf("%s is in state %s, not %s, after %v", args[0], got, args[1], bound)
}

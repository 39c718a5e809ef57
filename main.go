// Command curfew runs a command inside a kill container and guarantees that
// when the run ends (the command exits, a timeout fires, or curfew is told
// to stop) every process the command started is gone and the run's temp
// files are removed.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/curfew/curfew/runner"
)

const progName = "curfew"

// version is set at release time with -ldflags "-X main.version=...".
var version = ""

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

// run is main without os.Exit, so that deferred cleanup always happens and
// testscript can drive it in-process. It returns the exit status; when the
// command died of a signal it makes curfew die of the same signal instead.
func run(args []string, stdout, stderr io.Writer) int {
	if isTimeoutName(args[0]) {
		return runTimeout(args, stdout, stderr) // invoked as GNU timeout: timeout.go
	}
	// fatih/color decides from stdout; our diagnostics go to stderr.
	color.NoColor = os.Getenv("NO_COLOR") != "" || !isatty.IsTerminal(os.Stderr.Fd())

	var res runner.Result
	var runErr error
	ran := false
	out := &renderer{w: stderr, tty: isTerminal(os.Stderr), lastStage: -1}
	app := newApp(stdout, stderr, out, func(cfg runner.Config) {
		ran = true
		res, runErr = runner.Run(cfg)
	})
	if err := app.Run(args); err != nil {
		return report(stderr, err)
	}
	if !ran { // --help or --version
		return 0
	}
	out.clear()
	if path, _ := app.Metadata["report"].(string); path != "" && res.Report != nil {
		if err := writeReport(res.Report, path, stderr); err != nil {
			warnf(stderr, "%v", err)
		}
	}
	if runErr != nil {
		errorf(stderr, "%s", describe(runErr, app.Metadata["argv0"]))
		if errors.Is(runErr, runner.ErrUnavailable) {
			hintf(stderr, "leave out --container (or use auto) to let curfew pick a container that works here")
		}
		return res.Status
	}
	if res.Signal != 0 {
		if init, _ := app.Metadata["init"].(bool); init {
			// Like tini: an init reports a death by signal N as 128+N.
			return res.Status
		}
		return runner.Die(res.Signal)
	}
	return res.Status
}

// usageError is bad input on the command line or in the environment.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

// report prints a usage error or a failure of curfew itself and returns 125.
func report(stderr io.Writer, err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		errorf(stderr, "%s", ue.err)
		hintf(stderr, "run '%s --help' for usage", progName)
		return runner.StatusFailed
	}
	errorf(stderr, "%v", err)
	return runner.StatusFailed
}

// describe words a run error for the user.
func describe(err error, argv0 any) string {
	var se *runner.StartError
	if errors.As(err, &se) {
		reason := se.Err
		if errors.Is(se.Err, runner.ErrNotFound) {
			return fmt.Sprintf("cannot run %q: command not found", argv0)
		}
		var pe *os.PathError
		if errors.As(reason, &pe) {
			reason = pe.Err
		}
		return fmt.Sprintf("cannot run %q: %v", argv0, reason)
	}
	return err.Error()
}

// writeReport writes the run's report to path, or to stderr for "-".
func writeReport(r *runner.Report, path string, stderr io.Writer) error {
	if path == "-" {
		return r.Encode(stderr)
	}
	return r.WriteFile(path)
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) && os.Getenv("TERM") != "dumb"
}

func newApp(stdout, stderr io.Writer, out *renderer, start func(runner.Config)) *cli.App {
	// Only --version prints the version: -v stays free, and must not swallow
	// a command (curfew -v would otherwise print the version and run nothing).
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version and exit"}
	return &cli.App{
		Name:                      progName,
		Usage:                     "run a command in a kill container: nothing it starts outlives the run",
		UsageText:                 "curfew [flags] [--] COMMAND [ARG...]",
		Description:               description,
		ArgsUsage:                 "[--] COMMAND [ARG...]",
		Version:                   versionString(),
		HideHelpCommand:           true, // "curfew help" runs a program named help
		DisableSliceFlagSeparator: true, // --cleanup takes paths, and paths may hold commas
		Writer:                    stdout,
		ErrWriter:                 stderr,
		Flags:                     flags(),
		Metadata:                  map[string]any{},
		ExitErrHandler:            func(*cli.Context, error) {}, // exit only from main
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{err: rephrase(err)}
		},
		Action: func(c *cli.Context) error {
			cfg, err := config(c, out)
			if err != nil {
				return err
			}
			c.App.Metadata["argv0"] = cfg.Argv[0]
			c.App.Metadata["init"] = cfg.Init
			if cfg.Report {
				c.App.Metadata["report"] = lookup(c, "report", "--report").value
			}
			start(cfg)
			return nil
		},
	}
}

const description = `curfew starts COMMAND inside a kill container and, when the run ends, makes sure
every process COMMAND started is gone and the run's files are removed.

The run ends when COMMAND exits, when --timeout elapses, or when curfew receives
SIGINT, SIGTERM, SIGHUP or SIGQUIT. Then every process of the run gets the first
stage's signal followed by SIGCONT, then --kill-after of grace, then SIGKILL,
also processes that left the process group or session. The first stop signal
curfew receives is the one sent (Ctrl+C stays SIGINT); a second one skips to the
next stage at once. Other signals (USR1, USR2, WINCH, CONT, ...) go to COMMAND's
process group unchanged. When COMMAND exits while other processes of the run
remain, curfew stops them the same way and exits with COMMAND's status.

Containers (--container): "cgroup" starts COMMAND inside a new cgroup v2 leaf
(needs a writable cgroup2 mount: root, or a delegated subtree); "subreaper"
makes curfew a child subreaper and tracks the run through /proc, unprivileged.
"auto" (the default) uses cgroup where it works, else subreaper; --verbose says
which. On Windows the container is a job object that COMMAND is born into;
the first stage is Ctrl+Break to COMMAND's process group (INT, BREAK and TERM
all mean it; KILL ends the job). On macOS it is COMMAND's process group: a
descendant that calls setsid leaves it and is not stopped.

DURATION: Go syntax (1m30s, 250ms) or GNU timeout syntax (90 = seconds, 1.5,
with one suffix s, m, h or d). SIGNAL: TERM, SIGTERM, term or 15.

Exit status: COMMAND's own; 124 timed out (unless --preserve-status); 125 curfew
failed or bad usage; 126 COMMAND cannot run; 127 COMMAND not found. If COMMAND is
killed by signal N, or curfew is stopped by signal N before COMMAND exited by
itself, curfew dies of signal N too, so the shell sees 128+N. A COMMAND that
itself exits 124 to 127 cannot be told apart from curfew.`

// envOf maps the flags that have an environment equivalent to it. curfew
// reads these itself rather than through the cli package, so that an empty
// variable counts as unset (ENV CURFEW_TIMEOUT= in a Dockerfile, an empty
// value in a CI matrix) and an error names the variable that held the value.
var envOf = map[string]string{
	"timeout":    "CURFEW_TIMEOUT",
	"signal":     "CURFEW_SIGNAL",
	"kill-after": "CURFEW_KILL_AFTER",
	"stop":       "CURFEW_STOP",
	"container":  "CURFEW_CONTAINER",
	"tmpdir":     "CURFEW_TMPDIR",
	"report":     "CURFEW_REPORT",
	"init":       "CURFEW_INIT",
}

func flags() []cli.Flag {
	withEnv := func(name, usage string) string { return usage + " [$" + envOf[name] + "]" }
	return []cli.Flag{
		&cli.StringFlag{Name: "timeout", Aliases: []string{"t"}, Value: "0",
			Usage: withEnv("timeout", "stop the run after `DURATION`; 0 means never")},
		&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "TERM",
			Usage: withEnv("signal", "first `SIGNAL` sent on a timeout")},
		&cli.StringFlag{Name: "kill-after", Aliases: []string{"k"}, Value: "5s",
			Usage: withEnv("kill-after", "grace `DURATION` after the signal before SIGKILL; 0 sends SIGKILL right after it")},
		&cli.StringFlag{Name: "stop",
			Usage: withEnv("stop", "the whole shutdown `PLAN`, e.g. INT/7.5s,TERM/2.5s (SIGKILL always ends it); overrides -s/--signal and -k/--kill-after")},
		&cli.BoolFlag{Name: "preserve-status",
			Usage: "exit with the command's status even when timed out"},
		&cli.StringFlag{Name: "container", Value: "auto",
			Usage: withEnv("container", "kill container `MODE`: auto, cgroup or subreaper")},
		&cli.BoolFlag{Name: "tmpdir",
			Usage: withEnv("tmpdir", "give the command a private temp dir (TMPDIR, TMP, TEMP), removed at the end")},
		&cli.StringSliceFlag{Name: "cleanup",
			Usage: "remove `PATH` at the end (repeatable; last given, first removed)"},
		&cli.BoolFlag{Name: "init",
			Usage: withEnv("init", "act as an init (automatic as PID 1): reap every orphan, exit 128+N when the command dies of signal N")},
		&cli.BoolFlag{Name: "signal-child-only",
			Usage: "forward signals to the command alone, not to its whole process group"},
		&cli.StringSliceFlag{Name: "rewrite",
			Usage: "send `FROM:TO` when FROM is received, e.g. TERM:QUIT for nginx; TO 0 drops FROM (repeatable)"},
		&cli.IntSliceFlag{Name: "success-status",
			Usage: "exit 0 when the status would be `N`, e.g. 143 for a service that dies of SIGTERM on docker stop (repeatable)"},
		&cli.StringFlag{Name: "report",
			Usage: withEnv("report", "when the run ends, write a JSON report of it to `FILE` (- for stderr)")},
		&cli.BoolFlag{Name: "verbose", Usage: "say each step as it happens"},
		&cli.BoolFlag{Name: "quiet", Usage: "say nothing but errors"},
	}
}

// setting is one flag's value and where it came from: the command line
// wins, then a non-empty environment variable, then the default.
type setting struct {
	value string
	from  string // "-t/--timeout" or "CURFEW_TIMEOUT", for error messages
	set   bool   // given on the command line or in the environment
}

func lookup(c *cli.Context, name, spelled string) setting {
	if c.IsSet(name) {
		return setting{value: c.String(name), from: spelled, set: true}
	}
	if env := envOf[name]; env != "" {
		if v := os.Getenv(env); v != "" {
			return setting{value: v, from: env, set: true}
		}
	}
	return setting{value: c.String(name), from: spelled}
}

// boolSetting is a boolean flag or its environment variable (1, true, 0,
// false, ...).
func boolSetting(c *cli.Context, name string) (bool, error) {
	if c.IsSet(name) {
		return c.Bool(name), nil
	}
	env := envOf[name]
	v := os.Getenv(env)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: want 1, true, 0 or false, got %q", env, v)
	}
	return b, nil
}

// config turns the parsed command line into a runner.Config.
func config(c *cli.Context, out *renderer) (runner.Config, error) {
	var cfg runner.Config
	usage := func(format string, args ...any) (runner.Config, error) {
		return cfg, &usageError{err: fmt.Errorf(format, args...)}
	}
	cfg.Argv = c.Args().Slice()
	if len(cfg.Argv) == 0 {
		return usage("no command given")
	}
	t := lookup(c, "timeout", "-t/--timeout")
	timeout, err := runner.ParseDuration(t.value)
	if err != nil {
		return usage("%s: %v", t.from, err)
	}
	s := lookup(c, "signal", "-s/--signal")
	sig, err := runner.ParseSignal(s.value)
	if err != nil {
		return usage("%s: %v", s.from, err)
	}
	k := lookup(c, "kill-after", "-k/--kill-after")
	killAfter, err := runner.ParseDuration(k.value)
	if err != nil {
		return usage("%s: %v", k.from, err)
	}
	cfg.Plan = runner.DefaultPlan(sig, killAfter)
	if p := lookup(c, "stop", "--stop"); p.set {
		if cfg.Plan, err = runner.ParsePlan(p.value); err != nil {
			return usage("%s: %v", p.from, err)
		}
	}
	switch m := lookup(c, "container", "--container"); m.value {
	case "auto", "cgroup", "subreaper":
		cfg.Container = m.value
	default:
		return usage("%s: unknown mode %q: want auto, cgroup or subreaper", m.from, m.value)
	}
	if c.Bool("verbose") && c.Bool("quiet") {
		return usage("--verbose and --quiet cannot be used together")
	}
	if cfg.TempDir, err = boolSetting(c, "tmpdir"); err != nil {
		return usage("%v", err)
	}
	init, err := boolSetting(c, "init")
	if err != nil {
		return usage("%v", err)
	}
	cfg.Init = init || os.Getpid() == 1
	cfg.SignalChildOnly = c.Bool("signal-child-only")
	for _, r := range c.StringSlice("rewrite") {
		from, to, err := runner.ParseRewrite(r)
		if err != nil {
			return usage("--rewrite: %v", err)
		}
		if cfg.Rewrite == nil {
			cfg.Rewrite = map[syscall.Signal]syscall.Signal{}
		}
		if _, dup := cfg.Rewrite[from]; dup {
			return usage("--rewrite: %s is rewritten twice", runner.SignalName(from))
		}
		cfg.Rewrite[from] = to
	}
	for _, n := range c.IntSlice("success-status") {
		if n < 0 || n > 255 {
			return usage("--success-status: %d is not an exit status (0 to 255)", n)
		}
		cfg.SuccessStatuses = append(cfg.SuccessStatuses, n)
	}
	cfg.Timeout = timeout
	cfg.PreserveStatus = c.Bool("preserve-status")
	cfg.Cleanup = c.StringSlice("cleanup")
	if r := lookup(c, "report", "--report"); r.value != "" {
		if r.value != "-" {
			if fi, err := os.Stat(r.value); err == nil && fi.IsDir() {
				return usage("%s: %q is a directory", r.from, r.value)
			}
		}
		cfg.Report = true
	}
	out.verbose, out.quiet = c.Bool("verbose"), c.Bool("quiet")
	cfg.Events = out.event
	cfg.ExitAfter = true // main exits right after the run
	return cfg, nil
}

// renderer shows the runner's events on stderr: infos with --verbose,
// warnings and the live status of a slow shutdown unless --quiet. On a
// terminal the live status is one line that updates in place; elsewhere
// (a CI log) it is a plain line per shutdown stage.
type renderer struct {
	w              io.Writer
	verbose, quiet bool
	tty            bool
	live           bool // a live status line is on screen
	lastStage      int  // off a terminal: the stage of the last status line
}

func (r *renderer) event(e runner.Event) {
	if r.quiet {
		return
	}
	switch {
	case e.Level == runner.Progress && r.tty:
		fmt.Fprintf(r.w, "\r\033[K%s: %s", progName, e.Text)
		r.live = true
	case e.Level == runner.Progress:
		if e.Stage != r.lastStage {
			r.lastStage = e.Stage
			fmt.Fprintf(r.w, "%s: %s\n", progName, e.Text)
		}
	case e.Level == runner.Warning:
		r.clear()
		warnf(r.w, "%s", e.Text)
	case r.verbose:
		r.clear()
		fmt.Fprintf(r.w, "%s: %s %s\n", progName, color.New(color.Faint).Sprintf("+%.3fs", e.At.Seconds()), e.Text)
	}
}

// clear erases the live status line, before another line or at the end.
func (r *renderer) clear() {
	if r.live {
		fmt.Fprint(r.w, "\r\033[K")
		r.live = false
	}
}

// rephrase turns the flag package's errors into curfew's wording.
func rephrase(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		// The flag package reports --bogus as -bogus; show what was typed.
		if name = strings.TrimLeft(name, "-"); len(name) > 1 {
			return fmt.Errorf("unknown flag %q", "--"+name)
		}
		return fmt.Errorf("unknown flag %q", "-"+name)
	}
	// Compiled here, on the error path, so that start-up does not pay for it.
	invalidValue := regexp.MustCompile(`^invalid value (".*") for flag -+([\w-]+): `)
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		// The only flags the flag package parses itself are numbers.
		return fmt.Errorf("--%s: %s is not a number", m[2], m[1])
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("flag %q needs a value", name)
	}
	return err
}

// severity colours the severity word of a diagnostic, and nothing else.
var severity = map[string]*color.Color{
	"error:":   color.New(color.FgRed, color.Bold),
	"warning:": color.New(color.FgYellow),
	"hint:":    color.New(color.FgCyan),
}

func diag(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "%s: %s %s\n", progName, severity[level].Sprint(level), fmt.Sprintf(format, args...))
}

func errorf(w io.Writer, format string, args ...any) { diag(w, "error:", format, args...) }
func warnf(w io.Writer, format string, args ...any)  { diag(w, "warning:", format, args...) }
func hintf(w io.Writer, format string, args ...any)  { diag(w, "hint:", format, args...) }

// versionString is the release version, or the module version for a
// go-installed binary, or "devel".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

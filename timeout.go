package main

// The GNU timeout personality: when curfew's binary is invoked as "timeout"
// (a symlink or a copy), it reads GNU coreutils timeout's command line,
// prints GNU's messages and exits with GNU's statuses, and runs the command
// in curfew's kill container, so that nothing the command started outlives
// the run. README.md, "As GNU timeout", lists every intentional difference.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/curfew/curfew/runner"
)

// forever is the grace of a plan that never sends SIGKILL on its own, GNU's
// "no -k" and "-k 0": about 292 years, the longest time.Duration.
const forever = time.Duration(math.MaxInt64)

// isTimeoutName says whether curfew was invoked as GNU timeout: argv[0] is
// "timeout" or "timeout.exe", after any directory.
func isTimeoutName(argv0 string) bool {
	base := filepath.Base(argv0)
	return base == "timeout" || strings.EqualFold(base, "timeout.exe")
}

// timeoutOptions is a GNU timeout command line.
type timeoutOptions struct {
	signal     syscall.Signal // -s; 0 is GNU's signal 0 ("EXIT"): check only
	killAfter  time.Duration  // -k; 0 means never
	foreground bool
	preserve   bool
	verbose    bool
	duration   time.Duration
	argv       []string
}

// timeoutUsage is a command line GNU timeout refuses: msg (none when only
// the hint is printed, as for a missing operand), then the hint, status 125.
type timeoutUsage struct{ msg string }

func (e *timeoutUsage) Error() string { return e.msg }

// timeoutLongOptions are GNU timeout's long options, in getopt_long's table
// order, which its "ambiguous" message follows.
var timeoutLongOptions = []struct {
	name string
	arg  bool
}{
	{"kill-after", true}, {"signal", true}, {"verbose", false}, {"foreground", false},
	{"preserve-status", false}, {"help", false}, {"version", false},
}

// runTimeout is run for the timeout personality.
func runTimeout(args []string, stdout, stderr io.Writer) int {
	prog := args[0]
	opts, action, err := parseTimeout(args)
	var ue *timeoutUsage
	switch {
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(stderr, "%s: %s\n", prog, ue.msg)
		}
		fmt.Fprintf(stderr, "Try '%s --help' for more information.\n", prog)
		return runner.StatusFailed
	case action == "help":
		fmt.Fprint(stdout, timeoutHelp(prog))
		return 0
	case action == "version":
		fmt.Fprintf(stdout, "timeout (curfew) %s\n", versionString())
		fmt.Fprint(stdout, "GNU timeout's command line, run in curfew's kill container.\n")
		return 0
	}

	cfg, err := timeoutConfig(opts)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return runner.StatusFailed
	}
	out := &timeoutRenderer{w: stderr, prog: prog, command: opts.argv[0], verbose: opts.verbose, signal: opts.signal}
	cfg.Events = out.event
	res, err := runner.Run(cfg)
	if err != nil {
		var se *runner.StartError
		if errors.As(err, &se) {
			status, why := startFailure(opts.argv[0], se)
			fmt.Fprintf(stderr, "%s: failed to run command %s: %s\n", prog, gnuQuote(opts.argv[0]), why)
			return status
		}
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return runner.StatusFailed
	}
	if res.CoreDumped {
		fmt.Fprintf(stderr, "%s: the monitored command dumped core\n", prog)
	}
	status, die := timeoutStatus(res, opts)
	if die != 0 {
		return runner.Die(die)
	}
	return status
}

// parseTimeout reads GNU timeout's command line the way getopt_long with
// "+k:s:v" does: options stop at the first operand or after "--", short
// options cluster (-vk1), their values may be attached (-sINT) or follow,
// and a long option may be any unambiguous prefix (--pre). Options take
// effect in order, as in GNU: --help after a bad -k is never reached. The
// action is "help", "version" or "" (run).
func parseTimeout(args []string) (opts timeoutOptions, action string, err error) {
	opts.signal = syscall.SIGTERM
	apply := func(name, value string) error {
		switch name {
		case "kill-after":
			d, err := gnuDuration(value)
			opts.killAfter = d
			return err
		case "signal":
			sig, err := gnuSignal(value)
			opts.signal = sig
			return err
		case "verbose":
			opts.verbose = true
		case "foreground":
			opts.foreground = true
		case "preserve-status":
			opts.preserve = true
		}
		return nil
	}
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break // the first operand ends the options ("+" in the optstring)
		}
		if strings.HasPrefix(a, "--") {
			name, value, hasValue := strings.Cut(a[2:], "=")
			opt, err := matchLong(a, name)
			if err != nil {
				return opts, "", err
			}
			switch {
			case opt.arg && !hasValue && i+1 < len(args):
				i++
				value = args[i]
			case opt.arg && !hasValue:
				return opts, "", &timeoutUsage{fmt.Sprintf("option '--%s' requires an argument", opt.name)}
			case !opt.arg && hasValue:
				return opts, "", &timeoutUsage{fmt.Sprintf("option '--%s' doesn't allow an argument", opt.name)}
			}
			if opt.name == "help" || opt.name == "version" {
				return opts, opt.name, nil
			}
			if err := apply(opt.name, value); err != nil {
				return opts, "", err
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			if c == 'v' {
				opts.verbose = true
				continue
			}
			if c != 'k' && c != 's' {
				return opts, "", &timeoutUsage{"invalid option -- '" + string([]byte{c}) + "'"} // the byte, as getopt prints it
			}
			value := a[j+1:]
			if value == "" {
				if i+1 >= len(args) {
					return opts, "", &timeoutUsage{fmt.Sprintf("option requires an argument -- '%c'", rune(c))}
				}
				i++
				value = args[i]
			}
			name := "kill-after"
			if c == 's' {
				name = "signal"
			}
			if err := apply(name, value); err != nil {
				return opts, "", err
			}
			break
		}
	}
	if len(args)-i < 2 {
		return opts, "", &timeoutUsage{} // GNU says no more than the hint
	}
	if opts.duration, err = gnuDuration(args[i]); err != nil {
		return opts, "", err
	}
	opts.argv = args[i+1:]
	return opts, "", nil
}

// matchLong finds the long option that name (typed as arg) stands for: an
// exact name, or the one option it is a prefix of.
func matchLong(arg, name string) (struct {
	name string
	arg  bool
}, error) {
	var found []int
	for i, o := range timeoutLongOptions {
		if o.name == name {
			return o, nil
		}
		if strings.HasPrefix(o.name, name) {
			found = append(found, i)
		}
	}
	switch len(found) {
	case 0:
		return timeoutLongOptions[0], &timeoutUsage{fmt.Sprintf("unrecognized option '%s'", arg)}
	case 1:
		return timeoutLongOptions[found[0]], nil
	}
	msg := fmt.Sprintf("option '%s' is ambiguous; possibilities:", arg)
	for _, i := range found {
		msg += fmt.Sprintf(" '--%s'", timeoutLongOptions[i].name)
	}
	return timeoutLongOptions[0], &timeoutUsage{msg}
}

// gnuDuration parses a DURATION as GNU timeout does, which is not curfew's
// -t syntax (runner.ParseDuration): a number as C's strtod reads it
// (leading white space, a sign, a fraction, an exponent, hexadecimal,
// "inf"), then at most one suffix s, m, h or d. Go's "1m30s" is refused.
// Values too large for a timer saturate at about 292 years instead of
// failing, as GNU does; a positive value too small for a timer is 1ns, so
// that it still times out, as GNU's tests ask; a negative value is refused,
// but "-0" is 0. 0 disables the timeout.
func gnuDuration(s string) (time.Duration, error) {
	bad := &timeoutUsage{fmt.Sprintf("invalid time interval %s", gnuQuote(s))}
	n := strtodPrefix(s)
	if n == 0 {
		return 0, bad
	}
	unit := 1.0
	switch s[n:] {
	case "", "s":
	case "m":
		unit = 60
	case "h":
		unit = 60 * 60
	case "d":
		unit = 24 * 60 * 60
	default:
		return 0, bad
	}
	num := strings.TrimLeft(s[:n], " \t\n\v\f\r")
	negative := strings.HasPrefix(num, "-")
	text := strings.TrimLeft(num, "+-")
	lower := strings.ToLower(text)
	var v float64
	switch {
	case strings.HasPrefix(lower, "inf"):
		v = math.Inf(1)
	case strings.HasPrefix(lower, "nan"):
		return 0, bad // strtod reads it, but it is no interval
	default:
		if strings.HasPrefix(lower, "0x") && !strings.Contains(lower, "p") {
			text += "p0" // Go wants a binary exponent in a hexadecimal float
		}
		var err error
		v, err = strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, bad
		}
		if v == 0 && !negative && hasNonzeroDigit(text) {
			return 1, nil // below the smallest float: still a timeout
		}
	}
	if negative && v != 0 {
		return 0, bad
	}
	ns := math.Ceil(v * unit * 1e9) // GNU rounds up to the timer's resolution
	if ns >= float64(math.MaxInt64) {
		return forever, nil
	}
	return time.Duration(ns), nil
}

// hasNonzeroDigit says whether the mantissa of a number has a digit other
// than 0.
func hasNonzeroDigit(text string) bool {
	lower := strings.ToLower(text)
	digits := "123456789"
	if strings.HasPrefix(lower, "0x") {
		lower, digits = lower[2:], "123456789abcdef"
		lower, _, _ = strings.Cut(lower, "p")
	} else {
		lower, _, _ = strings.Cut(lower, "e")
	}
	return strings.ContainsAny(lower, digits)
}

// strtodPrefix returns the length of the longest prefix of s that C's
// strtod reads as a number, or 0 if it reads none.
func strtodPrefix(s string) int {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	rest := strings.ToLower(s[i:])
	for _, word := range []string{"infinity", "inf", "nan"} {
		if strings.HasPrefix(rest, word) {
			return i + len(word)
		}
	}
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	isHex := func(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }
	digits, exp := isDigit, byte('e')
	if strings.HasPrefix(rest, "0x") && len(rest) > 2 && (isHex(rest[2]) || rest[2] == '.' && len(rest) > 3 && isHex(rest[3])) {
		digits, exp = isHex, 'p'
		i += 2
	}
	seen := false
	for i < len(s) && digits(s[i]) {
		i, seen = i+1, true
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && digits(s[i]) {
			i, seen = i+1, true
		}
	}
	if !seen {
		return 0
	}
	if i < len(s) && s[i]|0x20 == exp {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	return i
}

// gnuSignal parses a SIGNAL as GNU timeout does (gnulib's operand2sig): a
// number, masked as a shell status is (143 is 15), or a name in any case
// with or without "SIG", also GNU's aliases IOT, CLD and POLL and signal 0
// as EXIT. A number without a name (Linux's 32 and 33) is refused.
func gnuSignal(s string) (syscall.Signal, error) {
	bad := &timeoutUsage{fmt.Sprintf("%s: invalid signal", gnuQuote(s))}
	sig := -1
	if s != "" && '0' <= s[0] && s[0] <= '9' {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return 0, bad
		}
		if n >= 0xff {
			sig = int(n & 0xff)
		} else {
			sig = int(n & 0x7f)
		}
	} else {
		upper := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, s)
		if sig = signalByName(upper); sig < 0 && strings.HasPrefix(upper, "SIG") {
			sig = signalByName(upper[3:])
		}
	}
	if sig < 0 || gnuSignalName(syscall.Signal(sig)) == "" {
		return 0, bad
	}
	return syscall.Signal(sig), nil
}

// signalByName looks up an upper-case name without "SIG" (or a number, as
// in "SIG15"); -1 when there is no such signal.
func signalByName(name string) int {
	if name == "" {
		return -1
	}
	if '0' <= name[0] && name[0] <= '9' {
		n, err := strconv.Atoi(name)
		if err != nil {
			return -1
		}
		return n
	}
	if alias, ok := signalAliases[name]; ok {
		return int(alias)
	}
	if name == "EXIT" {
		return 0
	}
	if strings.HasPrefix(name, "SIG") {
		return -1 // GNU strips one "SIG" only; runner.ParseSignal would strip it here
	}
	sig, err := runner.ParseSignal(name)
	if err != nil {
		return -1
	}
	return int(sig)
}

// gnuSignalName is GNU's name of sig, without "SIG" (sig2str): "EXIT" for
// 0, "RTMIN+2" for a real-time signal, "" for a number with no name.
func gnuSignalName(sig syscall.Signal) string {
	if sig == 0 {
		return "EXIT"
	}
	if name, ok := signalNames[sig]; ok {
		return name
	}
	name := strings.TrimPrefix(runner.SignalName(sig), "SIG")
	if _, err := strconv.Atoi(name); err != nil && name != "" {
		if back, err := runner.ParseSignal(name); err == nil && back == sig {
			return name
		}
	}
	return ""
}

// startFailure is GNU's status and reason for a command that could not be
// started, found the way execvp(3) searches: not found anywhere is 127 and
// "No such file or directory"; found but not runnable (a directory, no
// execute permission) is 126 and "Permission denied".
func startFailure(name string, se *runner.StartError) (int, string) {
	var errno syscall.Errno
	switch {
	case strings.ContainsRune(name, os.PathSeparator) || strings.Contains(name, "/"):
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return runner.StatusNotFound, strerror(syscall.ENOENT)
		}
	case !execvpFinds(name):
		return runner.StatusNotFound, strerror(syscall.ENOENT)
	}
	// execve(2) refuses a directory with EACCES, where Go says EISDIR.
	if errors.As(se.Err, &errno) && errno != syscall.ENOENT && errno != syscall.EISDIR {
		return runner.StatusCannotInvoke, strerror(errno)
	}
	return runner.StatusCannotInvoke, strerror(syscall.EACCES)
}

// execvpFinds says whether some file called name exists in a $PATH
// directory: execvp then fails with EACCES (126) rather than ENOENT (127).
func execvpFinds(name string) bool {
	if name == "" {
		return false // execvp("") fails with ENOENT; Join would find the directory
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// strerror words errno as the C library does: "No such file or directory".
func strerror(errno syscall.Errno) string {
	text := errno.Error()
	r, size := utf8.DecodeRuneInString(text)
	return string(unicode.ToUpper(r)) + text[size:]
}

// timeoutConfig maps GNU timeout's options onto a run. GNU sends -s's
// signal on a timeout and SIGKILL after -k; without -k (or with -k 0) it
// never sends SIGKILL, which here is a SIGKILL stage after a grace of
// forever. Signal 0 sends nothing, so the first stage is SIGCONT, which is
// all GNU sends then (it follows every signal with SIGCONT).
func timeoutConfig(o timeoutOptions) (runner.Config, error) {
	sig := o.signal
	if sig == 0 {
		sig = contSignal
		if sig == 0 {
			return runner.Config{}, errors.New("signal 0 is not supported on this system")
		}
	}
	grace := o.killAfter
	if grace == 0 {
		grace = forever
	}
	cfg := runner.Config{
		Argv:        o.argv,
		Timeout:     o.duration,
		Plan:        runner.DefaultPlan(sig, grace),
		Container:   "auto",
		SharedGroup: o.foreground,
		Init:        os.Getpid() == 1,
		ExitAfter:   true,
	}
	if o.killAfter == 0 {
		// GNU waits for its command forever without -k, but returns as soon
		// as it exits, leaving whatever it started. The personality stops
		// those leftovers too, and in bounded time: curfew's default grace.
		cfg.LeftoverPlan = runner.DefaultPlan(sig, 5*time.Second)
	}
	// GNU's timer is SIGALRM: a SIGALRM from outside (a cascaded timeout
	// -s ALRM) is its timeout, now: it sends its signal to the command and
	// exits 124.
	cfg.AlarmSignal = alarmSignal
	cfg.Unignore = handledLikeGNU(o.signal)
	// Not a GNU option: lets the same scripts run in each container mode.
	if m := os.Getenv("CURFEW_CONTAINER"); m != "" {
		switch m {
		case "auto", "cgroup", "subreaper":
			cfg.Container = m
		default:
			return cfg, fmt.Errorf("CURFEW_CONTAINER: unknown mode %s: want auto, cgroup or subreaper", gnuQuote(m))
		}
	}
	return cfg, nil
}

// timeoutStatus is GNU timeout's exit status for a finished run, or a signal
// to die of (as GNU does), from the command's own end (Result.CommandSignal
// and Report.ExitCode: Result.Status is already curfew's reading of it).
func timeoutStatus(res runner.Result, o timeoutOptions) (status int, die syscall.Signal) {
	timedOut := res.Outcome == runner.OutcomeTimedOut
	rep := res.Report
	killedBy := res.CommandSignal
	switch {
	case killedBy == 0 && rep != nil && rep.ExitCode != nil:
		status = *rep.ExitCode
	case killedBy == 0:
		status = res.Status // no report: curfew's own reading
	case !timedOut:
		return 128 + int(killedBy), killedBy // the command's own death
	case killedBy == syscall.SIGKILL:
		// The KILL stage was needed. Without --foreground GNU's KILL
		// reaches its own process group and GNU dies of it too; with it,
		// GNU exits 137.
		if !o.foreground {
			return 128 + int(killedBy), killedBy
		}
		return 128 + int(killedBy), 0
	default:
		status = 128 + int(killedBy)
	}
	if timedOut && !o.preserve {
		return runner.StatusTimedOut, 0
	}
	return status, 0
}

// timeoutRenderer shows a run's events as GNU timeout would: nothing, except
// with --verbose a line for each signal the shutdown of the command sends,
// and a warning when something went wrong.
type timeoutRenderer struct {
	w       io.Writer
	prog    string
	command string
	verbose bool
	signal  syscall.Signal // -s, for the name of signal 0
	exited  bool           // the command has exited: later stages stop its leftovers
}

func (r *timeoutRenderer) event(e runner.Event) {
	switch e.Level {
	case runner.Info:
		if e.Kind == runner.KindCommandExited {
			r.exited = true
		}
		if e.Sent == 0 || !r.verbose || r.exited {
			// GNU returns when the command exits: it never signals what the
			// command left behind, so neither does it say so.
			return
		}
		name := gnuSignalName(e.Sent)
		if r.signal == 0 && e.Sent == contSignal {
			name = gnuSignalName(0)
		}
		fmt.Fprintf(r.w, "%s: sending signal %s to command %s\n", r.prog, name, gnuQuote(r.command))
	case runner.Warning:
		if e.Kind == runner.KindSummary {
			return // GNU says nothing when a run ends as asked
		}
		fmt.Fprintf(r.w, "%s: warning: %s\n", r.prog, e.Text)
	}
}

// gnuQuote quotes s as GNU's quote() does: 'like this' in the C locale, with
// \' and \\ and C escapes for control characters and octal for other bytes
// that are not printable; ‘like this’ in a UTF-8 locale, where printable
// characters stay as they are. Message translations are not done.
func gnuQuote(s string) string {
	utf := utf8Locale()
	var b strings.Builder
	if utf {
		b.WriteString("\u2018")
	} else {
		b.WriteByte('\'')
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\a', '\b', '\f', '\n', '\r', '\t', '\v':
			b.WriteByte('\\')
			b.WriteByte("abfnrtv"[strings.IndexByte("\a\b\f\n\r\t\v", c)])
			i++
			continue
		case '\\':
			b.WriteString(`\\`)
			i++
			continue
		case '\'':
			if !utf {
				b.WriteString(`\'`)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		if utf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && unicode.IsPrint(r) {
				b.WriteString(s[i : i+size])
				i += size
				continue
			}
		}
		fmt.Fprintf(&b, "\\%03o", c)
		i++
	}
	if utf {
		b.WriteString("\u2019")
	} else {
		b.WriteByte('\'')
	}
	return b.String()
}

// utf8Locale says whether the locale's character set is UTF-8, from
// LC_ALL, then LC_CTYPE, then LANG, as setlocale reads them.
func utf8Locale() bool {
	for _, key := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		v := os.Getenv(key)
		if v == "" {
			continue
		}
		_, codeset, _ := strings.Cut(v, ".")
		codeset, _, _ = strings.Cut(codeset, "@")
		codeset = strings.ToLower(strings.ReplaceAll(codeset, "-", ""))
		return codeset == "utf8"
	}
	return false
}

// timeoutHelp is --help: GNU timeout's layout, every option it accepts, and
// the one difference that matters.
func timeoutHelp(prog string) string {
	return fmt.Sprintf(`Usage: %[1]s [OPTION] DURATION COMMAND [ARG]...
  or:  %[1]s [OPTION]
Start COMMAND, and kill it if still running after DURATION.
Unlike GNU timeout, every process COMMAND started is stopped too (kill container).

Mandatory arguments to long options are mandatory for short options too.
      --preserve-status
                 exit with COMMAND's status, also when it
                   timed out
      --foreground
                 keep COMMAND in timeout's process group, so that it
                   can read the terminal and get its signals when timeout
                   is not run from a shell prompt
  -k, --kill-after=DURATION
                 send KILL too if COMMAND still runs this long
                   after the first signal was sent
  -s, --signal=SIGNAL
                 the signal to send on timeout, a name like 'HUP'
                   or a number (see 'kill -l'); TERM if not given
  -v, --verbose  say on stderr each signal sent to COMMAND
      --help        display this help and exit
      --version     output version information and exit

DURATION is a number, a fraction allowed, with an optional unit: 's' seconds
(the default), 'm' minutes, 'h' hours or 'd' days. 0 disables that timeout.

On timeout SIGNAL goes to COMMAND and to every process it started, also those
in another session. Without -k a COMMAND that survives SIGNAL runs on; a second
INT, TERM, HUP or QUIT sent to timeout then sends KILL.

Exit status:
  124  COMMAND timed out (and no --preserve-status)
  125  timeout itself failed, or bad usage
  126  COMMAND was found but cannot run
  127  COMMAND was not found
  137  COMMAND timed out and needed the KILL (9) signal (128+9)
  -    COMMAND's own status otherwise

This is curfew's timeout personality; run curfew --help for curfew itself.
`, prog)
}

package platform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// SIGBREAK stands for CTRL_BREAK_EVENT, the console event curfew sends to the
// command's process group as the graceful stop on Windows. 21 is the number
// the C runtime's signal.h gives SIGBREAK.
const SIGBREAK syscall.Signal = 21

// windowsSignals are the signals curfew can deliver on Windows, by name
// without "SIG".
var windowsSignals = map[string]syscall.Signal{
	"INT":   syscall.SIGINT,
	"BREAK": SIGBREAK,
	"KILL":  syscall.SIGKILL,
	"TERM":  syscall.SIGTERM,
}

// unixOnlySignals are names that mean a signal on some unix system but have
// no Windows counterpart; they get a clearer error than an unknown name.
var unixOnlySignals = map[string]bool{
	"HUP": true, "QUIT": true, "ILL": true, "TRAP": true, "ABRT": true,
	"IOT": true, "BUS": true, "EMT": true, "FPE": true, "USR1": true,
	"SEGV": true, "USR2": true, "PIPE": true, "ALRM": true, "STKFLT": true,
	"CHLD": true, "CLD": true, "CONT": true, "STOP": true, "TSTP": true,
	"TTIN": true, "TTOU": true, "URG": true, "XCPU": true, "XFSZ": true,
	"VTALRM": true, "PROF": true, "WINCH": true, "IO": true, "POLL": true,
	"PWR": true, "INFO": true, "LOST": true, "SYS": true, "THR": true,
	"LIBRT": true, "RTMIN": true, "RTMAX": true,
}

// maxUnixSignal bounds the numbers that are rejected as unsupported rather
// than as out of range: it is Linux's highest.
const maxUnixSignal = 64

// ParseSignal parses a signal given by name or number: "TERM", "SIGTERM",
// "term", "sigterm" and "15" are all SIGTERM. Windows knows only INT (2),
// BREAK (21, see SIGBREAK), KILL (9) and TERM (15); another signal that
// exists on unix gives an error wrapping errors.ErrUnsupported.
func ParseSignal(s string) (syscall.Signal, error) {
	if s == "" {
		return 0, fmt.Errorf("invalid signal %q: empty", s)
	}
	if isDigits(s) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxUnixSignal {
			return 0, fmt.Errorf("invalid signal %q: number out of range 1-%d", s, maxUnixSignal)
		}
		for _, sig := range windowsSignals {
			if int(sig) == n {
				return sig, nil
			}
		}
		return 0, fmt.Errorf("signal %q is not supported on windows: %w", s, errors.ErrUnsupported)
	}
	name, ok := asciiUpper(s)
	if !ok {
		return 0, fmt.Errorf("unknown signal %q", s)
	}
	name = strings.TrimPrefix(name, "SIG")
	if sig, ok := windowsSignals[name]; ok {
		return sig, nil
	}
	if unixOnlySignals[name] || strings.HasPrefix(name, "RTMIN") || strings.HasPrefix(name, "RTMAX") {
		return 0, fmt.Errorf("signal %q is not supported on windows: %w", s, errors.ErrUnsupported)
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// SignalName returns the name of sig in the "SIGTERM" style: SIGINT,
// SIGBREAK, SIGKILL or SIGTERM; any other signal is "SIG" and its number.
func SignalName(sig syscall.Signal) string {
	for name, known := range windowsSignals {
		if sig == known {
			return "SIG" + name
		}
	}
	return "SIG" + strconv.Itoa(int(sig))
}

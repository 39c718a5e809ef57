//go:build unix

package platform

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Linux real-time signals as user space sees them: glibc and musl keep the
// kernel's 32 and 33 for themselves, so SIGRTMIN is 34 (signal(7)).
const (
	linuxRTMin = 34
	linuxRTMax = 64
)

// maxSignal is the highest signal number this system accepts. Linux has the
// real-time signals up to 64, which x/sys/unix does not name; elsewhere it is
// the highest signal x/sys/unix knows by name.
var maxSignal = func() syscall.Signal {
	if runtime.GOOS == "linux" || runtime.GOOS == "android" {
		return linuxRTMax
	}
	highest := syscall.Signal(0)
	for n := syscall.Signal(1); n < 256; n++ {
		if unix.SignalName(n) != "" {
			highest = n
		}
	}
	return highest
}()

// ParseSignal parses a signal given by name or number: "TERM", "SIGTERM",
// "term", "sigterm" and "15" are all SIGTERM. Names are the ones
// golang.org/x/sys/unix knows on this system; numbers go from 1 to the
// highest signal of the system (64 on Linux, where the real-time signals are
// also spelled RTMIN, RTMIN+3, RTMAX-2). Surrounding spaces, signs and 0 are
// rejected.
func ParseSignal(s string) (syscall.Signal, error) {
	if s == "" {
		return 0, fmt.Errorf("invalid signal %q: empty", s)
	}
	if isDigits(s) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > int(maxSignal) {
			return 0, fmt.Errorf("invalid signal %q: number out of range 1-%d", s, int(maxSignal))
		}
		return syscall.Signal(n), nil
	}
	name, ok := asciiUpper(s)
	if !ok {
		return 0, fmt.Errorf("unknown signal %q", s)
	}
	name = strings.TrimPrefix(name, "SIG")
	if sig := unix.SignalNum("SIG" + name); sig != 0 {
		return sig, nil
	}
	if sig, ok := parseRealtime(name); ok {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// parseRealtime parses Linux's RTMIN, RTMIN+n, RTMAX and RTMAX-n, with name
// already upper-case and without "SIG".
func parseRealtime(name string) (syscall.Signal, bool) {
	if runtime.GOOS != "linux" && runtime.GOOS != "android" {
		return 0, false
	}
	base, sign, offset := 0, 1, ""
	switch {
	case strings.HasPrefix(name, "RTMIN"):
		base, offset = linuxRTMin, strings.TrimPrefix(name, "RTMIN")
	case strings.HasPrefix(name, "RTMAX"):
		base, sign, offset = linuxRTMax, -1, strings.TrimPrefix(name, "RTMAX")
	default:
		return 0, false
	}
	if offset == "" {
		return syscall.Signal(base), true
	}
	if (sign > 0 && offset[0] != '+') || (sign < 0 && offset[0] != '-') || !isDigits(offset[1:]) {
		return 0, false
	}
	n, err := strconv.Atoi(offset[1:])
	if err != nil || n > linuxRTMax-linuxRTMin {
		return 0, false
	}
	return syscall.Signal(base + sign*n), true
}

// SignalName returns the name of sig in the "SIGTERM" style. Linux
// real-time signals are named as kill -l names them ("SIGRTMIN+2",
// "SIGRTMAX-3"); a signal without a name is "SIG" and its number ("SIG32").
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "android" {
		// Same split as glibc's strsignal and bash's kill -l: the lower half
		// counts up from RTMIN, the upper half down from RTMAX.
		const mid = (linuxRTMin + linuxRTMax) / 2
		switch {
		case sig == linuxRTMin:
			return "SIGRTMIN"
		case sig > linuxRTMin && sig <= mid:
			return "SIGRTMIN+" + strconv.Itoa(int(sig-linuxRTMin))
		case sig > mid && sig < linuxRTMax:
			return "SIGRTMAX-" + strconv.Itoa(int(linuxRTMax-sig))
		case sig == linuxRTMax:
			return "SIGRTMAX"
		}
	}
	return "SIG" + strconv.Itoa(int(sig))
}

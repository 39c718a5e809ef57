package platform

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

type signalCase struct {
	in      string
	want    syscall.Signal
	wantErr string // substring of the error; "" means success
}

// Cases that hold on every system.
var commonSignalCases = []signalCase{
	{in: "TERM", want: syscall.SIGTERM},
	{in: "SIGTERM", want: syscall.SIGTERM},
	{in: "term", want: syscall.SIGTERM},
	{in: "sigterm", want: syscall.SIGTERM},
	{in: "SigTerm", want: syscall.SIGTERM},
	{in: "15", want: syscall.SIGTERM},
	{in: "INT", want: syscall.SIGINT},
	{in: "2", want: syscall.SIGINT},
	{in: "KILL", want: syscall.SIGKILL},
	{in: "sigkill", want: syscall.SIGKILL},
	{in: "9", want: syscall.SIGKILL},
	{in: "09", want: syscall.SIGKILL},

	{in: "", wantErr: `invalid signal "": empty`},
	{in: "0", wantErr: `invalid signal "0": number out of range`},
	{in: "000", wantErr: `number out of range`},
	{in: "-1", wantErr: `unknown signal "-1"`},
	{in: "-15", wantErr: `unknown signal "-15"`},
	{in: "+15", wantErr: `unknown signal "+15"`},
	{in: "99999999999999999999999", wantErr: `number out of range`},
	{in: "FOO", wantErr: `unknown signal "FOO"`},
	{in: "SIG", wantErr: `unknown signal "SIG"`},
	{in: "SIGSIGTERM", wantErr: `unknown signal "SIGSIGTERM"`},
	{in: "SIG15", wantErr: `unknown signal "SIG15"`},
	{in: " TERM", wantErr: `unknown signal " TERM"`},
	{in: "TERM ", wantErr: `unknown signal "TERM "`},
	{in: "TE RM", wantErr: `unknown signal "TE RM"`},
	{in: "1 5", wantErr: `unknown signal "1 5"`},
	{in: "\t", wantErr: `unknown signal "\t"`},
	{in: "15.0", wantErr: `unknown signal "15.0"`},
	{in: "0x0f", wantErr: `unknown signal "0x0f"`},
	{in: "ſigterm", wantErr: `unknown signal "ſigterm"`}, // ToUpper would make it SIGTERM
	{in: "\u212Aill", wantErr: `unknown signal`},         // Kelvin sign, ToLower is k
	{in: "TERM\x00", wantErr: `unknown signal "TERM\x00"`},
}

var linuxSignalCases = []signalCase{
	{in: "HUP", want: 1},
	{in: "SIGQUIT", want: 3},
	{in: "usr1", want: 10},
	{in: "USR2", want: 12},
	{in: "CHLD", want: 17},
	{in: "CONT", want: 18},
	{in: "STOP", want: 19},
	{in: "WINCH", want: 28},
	{in: "SYS", want: 31},
	{in: "1", want: 1},
	{in: "31", want: 31},
	{in: "32", want: 32},
	{in: "34", want: 34},
	{in: "64", want: 64},
	{in: "RTMIN", want: 34},
	{in: "SIGRTMIN", want: 34},
	{in: "rtmin+3", want: 37},
	{in: "RTMIN+0", want: 34},
	{in: "RTMIN+30", want: 64},
	{in: "RTMAX", want: 64},
	{in: "SIGRTMAX-2", want: 62},
	{in: "RTMAX-30", want: 34},

	{in: "65", wantErr: `invalid signal "65": number out of range 1-64`},
	{in: "128", wantErr: `number out of range 1-64`},
	{in: "RTMIN+31", wantErr: `unknown signal "RTMIN+31"`},
	{in: "RTMAX-31", wantErr: `unknown signal "RTMAX-31"`},
	{in: "RTMIN-1", wantErr: `unknown signal "RTMIN-1"`},
	{in: "RTMAX+1", wantErr: `unknown signal "RTMAX+1"`},
	{in: "RTMIN+", wantErr: `unknown signal "RTMIN+"`},
	{in: "RTMIN++1", wantErr: `unknown signal "RTMIN++1"`},
	{in: "RTMIN+-1", wantErr: `unknown signal "RTMIN+-1"`},
	{in: "RTMIN3", wantErr: `unknown signal "RTMIN3"`},
	{in: "INFO", wantErr: `unknown signal "INFO"`}, // a BSD signal
	{in: "BREAK", wantErr: `unknown signal "BREAK"`},
}

var darwinSignalCases = []signalCase{
	{in: "INFO", want: 29},
	{in: "usr1", want: 30},
	{in: "31", want: 31},
	{in: "32", wantErr: `number out of range 1-31`},
	{in: "RTMIN", wantErr: `unknown signal "RTMIN"`},
}

var windowsSignalCases = []signalCase{
	{in: "BREAK", want: 21},
	{in: "SIGBREAK", want: 21},
	{in: "break", want: 21},
	{in: "21", want: 21},
	{in: "USR1", wantErr: `signal "USR1" is not supported on windows`},
	{in: "SIGHUP", wantErr: `signal "SIGHUP" is not supported on windows`},
	{in: "1", wantErr: `signal "1" is not supported on windows`},
	{in: "64", wantErr: `signal "64" is not supported on windows`},
	{in: "RTMIN+3", wantErr: `is not supported on windows`},
	{in: "65", wantErr: `number out of range 1-64`},
}

func TestParseSignal(t *testing.T) {
	cases := commonSignalCases
	switch runtime.GOOS {
	case "linux":
		cases = append(cases, linuxSignalCases...)
	case "darwin":
		cases = append(cases, darwinSignalCases...)
	case "windows":
		cases = append(cases, windowsSignalCases...)
	}
	for _, tc := range cases {
		got, err := ParseSignal(tc.in)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("ParseSignal(%q) = %d, want error containing %q", tc.in, got, tc.wantErr)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSignal(%q) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSignal(%q): unexpected error: %v", tc.in, err)
		} else if got != tc.want {
			t.Errorf("ParseSignal(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestParseSignalUnsupportedIsErrUnsupported(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("only Windows rejects known unix signals as unsupported")
	}
	for _, in := range []string{"USR1", "HUP", "3"} {
		_, err := ParseSignal(in)
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("ParseSignal(%q) error = %v, want errors.ErrUnsupported", in, err)
		}
	}
	if _, err := ParseSignal("FOO"); errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("ParseSignal(%q) error = %v, want an unknown-signal error, not ErrUnsupported", "FOO", err)
	}
}

func TestSignalName(t *testing.T) {
	cases := []struct {
		sig  syscall.Signal
		want string
	}{
		{syscall.SIGINT, "SIGINT"},
		{syscall.SIGKILL, "SIGKILL"},
		{syscall.SIGTERM, "SIGTERM"},
	}
	switch runtime.GOOS {
	case "linux":
		cases = append(cases, []struct {
			sig  syscall.Signal
			want string
		}{
			{1, "SIGHUP"},
			{10, "SIGUSR1"},
			{32, "SIG32"},
			{33, "SIG33"},
			{34, "SIGRTMIN"},
			{35, "SIGRTMIN+1"},
			{49, "SIGRTMIN+15"},
			{50, "SIGRTMAX-14"},
			{63, "SIGRTMAX-1"},
			{64, "SIGRTMAX"},
			{65, "SIG65"},
			{0, "SIG0"},
		}...)
	case "windows":
		cases = append(cases, []struct {
			sig  syscall.Signal
			want string
		}{
			{21, "SIGBREAK"},
			{1, "SIG1"},
		}...)
	}
	for _, tc := range cases {
		if got := SignalName(tc.sig); got != tc.want {
			t.Errorf("SignalName(%d) = %q, want %q", tc.sig, got, tc.want)
		}
	}
}

// Every number ParseSignal accepts has a name, and a real name (not the
// "SIG<n>" fallback) parses back to the same signal.
func TestSignalNameRoundTrip(t *testing.T) {
	accepted := 0
	for n := 1; n <= 256; n++ {
		sig, err := ParseSignal(strconv.Itoa(n))
		if err != nil {
			continue
		}
		accepted++
		name := SignalName(sig)
		if name == "SIG"+strconv.Itoa(n) {
			continue // unnamed, e.g. Linux 32 and 33
		}
		for _, spelling := range []string{name, strings.TrimPrefix(name, "SIG"), strings.ToLower(name)} {
			back, err := ParseSignal(spelling)
			if err != nil || back != sig {
				t.Errorf("ParseSignal(%q) = %d, %v; want %d (from SignalName(%d))", spelling, back, err, sig, n)
			}
		}
	}
	if accepted < 4 {
		t.Errorf("ParseSignal accepted only %d numbers in 1..256", accepted)
	}
}

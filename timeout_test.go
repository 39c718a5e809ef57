package main

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestIsTimeoutName(t *testing.T) {
	for name, want := range map[string]bool{
		"timeout": true, "/usr/local/bin/timeout": true, "timeout.exe": true, "TIMEOUT.EXE": true,
		"curfew": false, "timeout2": false, "gtimeout": false, "": false,
	} {
		if got := isTimeoutName(name); got != want {
			t.Errorf("isTimeoutName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGNUDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0": 0, "-0": 0, "00": 0, "1": time.Second, "+1": time.Second, " 1": time.Second,
		"1.5": 1500 * time.Millisecond, ".5": 500 * time.Millisecond, "1.": time.Second,
		"2m": 2 * time.Minute, "1h": time.Hour, "1d": 24 * time.Hour, "1E1": 10 * time.Second,
		"0x10": 16 * time.Second, "0x1p-1": 500 * time.Millisecond, "0x1d": 29 * time.Second,
		"9.999999999": 9999999999, "1e-5000": 1, "-1e-5000": 0,
		"inf": forever, "infs": forever, "Infinity": forever, "1e400": forever, "1e10d": forever,
	} {
		got, err := gnuDuration(in)
		if err != nil || got != want {
			t.Errorf("gnuDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "x", "42D", "1S", "1ss", "1 ", "nan", "-1", "-inf", ".", "1e", "1e+", "0x", "1,5", "1_0", "1m30s", "250ms"} {
		if _, err := gnuDuration(in); err == nil {
			t.Errorf("gnuDuration(%q): no error", in)
		}
	}
}

func TestGNUSignal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("GNU's signal names and numbers are Linux's here")
	}
	for in, want := range map[string]syscall.Signal{
		"TERM": 15, "term": 15, "SIGTERM": 15, "Sigterm": 15, "15": 15, "143": 15, "271": 15, "007": 7,
		"SIG15": 15, "0": 0, "EXIT": 0, "IOT": 6, "CLD": 17, "POLL": 29, "IO": 29, "RTMIN": 34,
		"RTMIN+30": 64, "RTMAX-30": 34, "64": 64,
	} {
		got, err := gnuSignal(in)
		if err != nil || got != want {
			t.Errorf("gnuSignal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "FOO", "32", "33", "65", "99", "255", "RTMIN+31", "SIGSIGTERM", "TERM ", " 15", "15x", "+15", "-15", "0x5"} {
		if _, err := gnuSignal(in); err == nil {
			t.Errorf("gnuSignal(%q): no error", in)
		}
	}
	for sig, want := range map[syscall.Signal]string{0: "EXIT", 6: "ABRT", 29: "POLL", 35: "RTMIN+1", 50: "RTMAX-14", 64: "RTMAX", 32: ""} {
		if got := gnuSignalName(sig); got != want {
			t.Errorf("gnuSignalName(%d) = %q, want %q", sig, got, want)
		}
	}
}

func TestGNUQuote(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	for in, want := range map[string]string{
		"sleep": "'sleep'", "a'b": `'a\'b'`, `a\b`: `'a\\b'`, "a\nb": `'a\nb'`, "é": `'\303\251'`, "": "''",
	} {
		if got := gnuQuote(in); got != want {
			t.Errorf("C: gnuQuote(%q) = %s, want %s", in, got, want)
		}
	}
	t.Setenv("LC_ALL", "C.UTF-8")
	for in, want := range map[string]string{
		"sleep": "‘sleep’", "a'b": "‘a'b’", "a\nb": `‘a\nb’`, "é": "‘é’", "\xff": `‘\377’`,
	} {
		if got := gnuQuote(in); got != want {
			t.Errorf("UTF-8: gnuQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	o, action, err := parseTimeout([]string{"timeout", "-vk1", "--sig=INT", "--fore", "--pre", "--", "2", "cmd", "-s", "x"})
	if err != nil || action != "" {
		t.Fatalf("parseTimeout: %v %q", err, action)
	}
	if !o.verbose || !o.foreground || !o.preserve || o.killAfter != time.Second || o.signal != syscall.SIGINT ||
		o.duration != 2*time.Second || len(o.argv) != 3 || o.argv[0] != "cmd" {
		t.Errorf("parseTimeout: got %+v", o)
	}
	o, _, _ = parseTimeout([]string{"timeout", "5", "cmd"})
	if o.signal != syscall.SIGTERM || o.killAfter != 0 {
		t.Errorf("defaults: got %+v", o)
	}
}

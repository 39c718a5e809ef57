package runner

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func FuzzParseDuration(f *testing.F) {
	for _, seed := range []string{
		"", "0", "-0", "90", "1.5", ".5", "5.", "0.25m", "2d", "1e3", "1E-3", "1e+3s",
		"1m30s", "250ms", "2us", "2µs", "2μs", "1h2m3s4ms5us6ns", "0.5ns", "1.5ns",
		"1x", "s", "5ss", "1.2.3", " 5", "5 ", "-1s", "-0.5", "+5", "NaN", "inf",
		"Infinity", "0x10", "1_000", "1e20", "300000000h", "106752d", "106751d",
		"9223372036.854775807", "9223372036.8547758075", "2562047h47m16.854775807s",
		"1e-99999999999999999999", "1e99999999999999999999", "0e99999999",
		"0.0000000001", "1.0000000005",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if d != 0 {
				t.Errorf("ParseDuration(%q) = %v with error %v, want 0", s, d, err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
		// A plain decimal number of seconds (no exponent, no unit) below
		// 1e6 must come out within 1ns of its float value in nanoseconds.
		if isPlainSeconds(s) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("ParseDuration(%q) accepted what ParseFloat rejects: %v", s, err)
			}
			if v < 1e6 {
				want := v * 1e9
				if diff := math.Abs(float64(d) - want); diff > 1 && !(want > 0 && want < 1 && d == 1) {
					t.Errorf("ParseDuration(%q) = %dns, want %vns (off by %v)", s, int64(d), want, diff)
				}
			}
		}
		// Zero only ever comes from a zero value, never from rounding.
		if d == 0 && strings.ContainsAny(s, "123456789") && !zeroMantissa(s) {
			t.Errorf("ParseDuration(%q) = 0 for a positive value", s)
		}
		// Whatever was accepted, its canonical Go spelling parses back.
		if back, err := ParseDuration(d.String()); err != nil || back != d {
			t.Errorf("ParseDuration(%q) = %v, but ParseDuration(%q) = %v, %v", s, d, d.String(), back, err)
		}
	})
}

// isPlainSeconds reports whether s is digits with at most one point.
func isPlainSeconds(s string) bool {
	points, digits := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '.':
			points++
		case isDigit(s[i]):
			digits++
		default:
			return false
		}
	}
	return points <= 1 && digits > 0
}

// zeroMantissa reports whether every digit of s outside an exponent is 0,
// as in "0e5", "0.0s" or "0h0m".
func zeroMantissa(s string) bool {
	inExponent := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'e' || c == 'E':
			inExponent = true
		case c >= '1' && c <= '9':
			if !inExponent {
				return false
			}
		case c != '0' && c != '.' && c != '+' && c != '-':
			inExponent = false // a unit ends the number
		}
	}
	return true
}

func FuzzParseSignal(f *testing.F) {
	for _, seed := range []string{
		"", "TERM", "SIGTERM", "term", "sigterm", "SigTerm", "15", "015", "0", "-1", "+15",
		"64", "65", "99999999999999999999", "KILL", "9", "INT", "USR1", "HUP", "BREAK",
		"RTMIN", "RTMIN+3", "RTMAX-2", "RTMIN+31", "RTMIN-1", "SIG", "SIGSIG", "SIG15",
		" TERM", "TERM ", "FOO", "\x00", "ſigterm", "İNT",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := ParseSignal(s)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Errorf("ParseSignal(%q) error %q does not quote the input", s, err)
			}
			return
		}
		if sig <= 0 {
			t.Fatalf("ParseSignal(%q) = %d, want a positive signal", s, sig)
		}
		// The way a plan writes the signal reads back as the same signal.
		tok := planSignal(sig)
		if back, err := ParseSignal(tok); err != nil || back != sig {
			t.Errorf("ParseSignal(%q) = %d, but its plan spelling %q parses to %d, %v", s, sig, tok, back, err)
		}
		if SignalName(sig) == "" {
			t.Errorf("SignalName(%d) is empty", sig)
		}
	})
}

func FuzzParsePlan(f *testing.F) {
	for _, seed := range []string{
		"", ",", "KILL", "SIGKILL", "9", "KILL/1s", "TERM", "TERM/5s", "TERM/5", "INT/7.5s,TERM/2.5s",
		"INT/7.5s,TERM/2.5s,KILL", "KILL,TERM/1s", "TERM/1s,,INT/1s", "TERM/1s,", "TERM/1s, INT/1s",
		"15/1m30s,2/0", "TERM/1e3,INT/.5", "TERM/1s/2s", "/1s", "TERM/", "USR1/1s,RTMIN+2/0",
		"TERM/0.5ns", "TERM/1e20", "TERM/-1s",
		strings.Repeat("TERM/1s,", 15) + "KILL", strings.Repeat("TERM/1s,", 16) + "KILL",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePlan(s)
		if err != nil {
			if p != nil {
				t.Errorf("ParsePlan(%q) = %v with error %v, want nil", s, p, err)
			}
			return
		}
		if len(p) == 0 || len(p) > MaxStages {
			t.Fatalf("ParsePlan(%q) has %d stages", s, len(p))
		}
		for i, st := range p {
			if st.Grace < 0 {
				t.Errorf("ParsePlan(%q) stage %d has negative grace %v", s, i+1, st.Grace)
			}
			if (st.Signal == syscall.SIGKILL) != (i == len(p)-1) {
				t.Errorf("ParsePlan(%q) = %v: SIGKILL must be exactly the last stage", s, p)
			}
		}
		if last := p[len(p)-1]; last != (Stage{Signal: syscall.SIGKILL}) {
			t.Errorf("ParsePlan(%q) ends with %v, want SIGKILL with no grace", s, last)
		}
		back, err := ParsePlan(p.String())
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("ParsePlan(%q) = %v; its String %q parses to %v, %v", s, p, p.String(), back, err)
		}
	})
}

package runner

import (
	"math"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	const maxDuration = time.Duration(math.MaxInt64)
	cases := []struct {
		in      string
		want    time.Duration
		wantErr string // substring of the error; "" means success
	}{
		// Go syntax.
		{in: "1m30s", want: 90 * time.Second},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "1h", want: time.Hour},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: "2us", want: 2 * time.Microsecond},
		{in: "2µs", want: 2 * time.Microsecond}, // micro sign
		{in: "2μs", want: 2 * time.Microsecond}, // Greek mu
		{in: "3ns", want: 3},
		{in: "1h2m3s4ms5us6ns", want: time.Hour + 2*time.Minute + 3*time.Second + 4*time.Millisecond + 5*time.Microsecond + 6},
		{in: "1.5h", want: 90 * time.Minute},
		{in: "1s1s", want: 2 * time.Second},
		{in: "5.s", want: 5 * time.Second},
		{in: ".5ms", want: 500 * time.Microsecond},
		{in: "0.5ns", want: 1},    // rounds up to 1ns, not down to never
		{in: "1.5ns", want: 2},    // half rounds away from zero
		{in: "1.49ns", want: 1},   // to nearest
		{in: "0.1ns", want: 1},    // positive never becomes 0
		{in: "1ns0.4ns", want: 1}, // rounding is on the sum, not per part
		{in: "0.6ns0.6ns", want: 1},
		{in: "2562047h47m16.854775807s", want: maxDuration},
		{in: "9223372036854775807ns", want: maxDuration},

		// GNU timeout syntax.
		{in: "90", want: 90 * time.Second},
		{in: "1.5", want: 1500 * time.Millisecond},
		{in: "0.25m", want: 15 * time.Second},
		{in: "2d", want: 48 * time.Hour},
		{in: "1e3", want: 1000 * time.Second},
		{in: "1E3", want: 1000 * time.Second},
		{in: "1e+3s", want: 1000 * time.Second},
		{in: "1e-3", want: time.Millisecond},
		{in: "2.5e-1m", want: 15 * time.Second},
		{in: ".5", want: 500 * time.Millisecond},
		{in: "5.", want: 5 * time.Second},
		{in: "007", want: 7 * time.Second},
		{in: "0.1", want: 100 * time.Millisecond},
		{in: "1.0000000005", want: time.Second + 1}, // exact decimal, half up
		{in: "1.0000000004999", want: time.Second},
		{in: "0.0000000001", want: 1}, // 0.1ns rounds up to 1ns
		{in: "1e-30", want: 1},
		{in: "1e-99999999999999999999", want: 1},
		{in: "0.00000000000000000000000000000000000000000000000000001d", want: 1},
		{in: "9223372036.854775807", want: maxDuration},
		{in: "106751d", want: 106751 * 24 * time.Hour},
		{in: "1.5d", want: 36 * time.Hour},

		// Zero in any spelling.
		{in: "0", want: 0},
		{in: "00", want: 0},
		{in: "0.0", want: 0},
		{in: ".0", want: 0},
		{in: "0s", want: 0},
		{in: "0d", want: 0},
		{in: "0e5", want: 0},
		{in: "0e99999999999999999999", want: 0},
		{in: "0ms", want: 0},
		{in: "0h0m0s", want: 0},

		// Rejected.
		{in: "", wantErr: `invalid duration "": empty`},
		{in: "-1s", wantErr: `invalid duration "-1s": negative`},
		{in: "-0.5", wantErr: `invalid duration "-0.5": negative`},
		{in: "-0", wantErr: `negative`},
		{in: "+5", wantErr: `invalid duration "+5": want a number`},
		{in: "+5s", wantErr: `want a number`},
		{in: "1x", wantErr: `invalid duration "1x": want a number with an optional unit (s, m, h, d) or Go syntax like 1m30s`},
		{in: "s", wantErr: `want a number`},
		{in: "5ss", wantErr: `want a number`},
		{in: "5sm", wantErr: `want a number`},
		{in: "1.2.3", wantErr: `want a number`},
		{in: ".", wantErr: `want a number`},
		{in: ".s", wantErr: `want a number`},
		{in: "e3", wantErr: `want a number`},
		{in: "1e", wantErr: `want a number`},
		{in: "1e+", wantErr: `want a number`},
		{in: "1e3.5", wantErr: `want a number`},
		{in: "1e3ms", wantErr: `want a number`}, // exponents are GNU syntax only
		{in: "1d12h", wantErr: `want a number`}, // d is GNU syntax only
		{in: "1.5m30s", want: 2 * time.Minute},
		{in: "1m30", wantErr: `want a number`}, // Go syntax needs a unit on every number
		{in: " 5", wantErr: `want a number`},
		{in: "5 ", wantErr: `want a number`},
		{in: "5 s", wantErr: `want a number`},
		{in: "\t5", wantErr: `want a number`},
		{in: "1_000", wantErr: `want a number`},
		{in: "0x10", wantErr: `want a number`},
		{in: "0x1p4", wantErr: `want a number`},
		{in: "NaN", wantErr: `want a number`},
		{in: "nan", wantErr: `want a number`},
		{in: "inf", wantErr: `want a number`},
		{in: "Inf", wantErr: `want a number`},
		{in: "infinity", wantErr: `want a number`},
		{in: "+Inf", wantErr: `want a number`},
		{in: "-inf", wantErr: `negative`},
		{in: "1e20", wantErr: `invalid duration "1e20": too large (max 2562047h47m16.854775807s)`},
		{in: "1e99999999999999999999", wantErr: `too large`},
		{in: "300000000h", wantErr: `too large`},
		{in: "106752d", wantErr: `too large`},
		{in: "9223372036.8547758075", wantErr: `too large`}, // rounds up past the max
		{in: "9223372036854775808ns", wantErr: `too large`},
		{in: "2562047h47m16.854775808s", wantErr: `too large`},
		{in: "99999999999999999999999999999999999999999999999999", wantErr: `too large`},
	}
	for _, tc := range cases {
		got, err := ParseDuration(tc.in)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("ParseDuration(%q) = %v, want error containing %q", tc.in, got, tc.wantErr)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseDuration(%q) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDuration(%q): unexpected error: %v", tc.in, err)
		} else if got != tc.want {
			t.Errorf("ParseDuration(%q) = %v (%d), want %v (%d)", tc.in, got, int64(got), tc.want, int64(tc.want))
		}
	}
}

// Whatever Duration.String writes, ParseDuration reads back exactly.
func TestParseDurationReadsDurationString(t *testing.T) {
	for _, d := range []time.Duration{
		0, 1, 999, time.Microsecond, 1500 * time.Microsecond, time.Second,
		90 * time.Second, 36 * time.Hour, 1234567890123, math.MaxInt64,
	} {
		got, err := ParseDuration(d.String())
		if err != nil || got != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", d.String(), got, err, d)
		}
	}
}

// Where time.ParseDuration accepts an unsigned input, both agree to within
// 1ns (time.ParseDuration truncates where ParseDuration rounds).
func TestParseDurationAgreesWithTime(t *testing.T) {
	for _, in := range []string{"1m30s", "250ms", "1.5s", "2us", "1h2m3.5s", "0.3333333333s", "7.77777ms"} {
		want, err := time.ParseDuration(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDuration(in)
		if err != nil {
			t.Errorf("ParseDuration(%q): %v", in, err)
			continue
		}
		if diff := got - want; diff < 0 || diff > 1 {
			t.Errorf("ParseDuration(%q) = %d, time.ParseDuration = %d", in, got, want)
		}
	}
}

func TestRunnerParseSignal(t *testing.T) {
	for _, in := range []string{"TERM", "SIGTERM", "term", "sigterm", "15"} {
		got, err := ParseSignal(in)
		if err != nil || got != syscall.SIGTERM {
			t.Errorf("ParseSignal(%q) = %v, %v; want SIGTERM", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-15", "FOO", " TERM"} {
		if got, err := ParseSignal(in); err == nil {
			t.Errorf("ParseSignal(%q) = %v, want an error", in, got)
		}
	}
	if got := SignalName(syscall.SIGTERM); got != "SIGTERM" {
		t.Errorf("SignalName(SIGTERM) = %q", got)
	}
}

func TestDefaultPlan(t *testing.T) {
	cases := []struct {
		sig       syscall.Signal
		killAfter time.Duration
		want      Plan
	}{
		{syscall.SIGTERM, 5 * time.Second, Plan{{syscall.SIGTERM, 5 * time.Second}, {syscall.SIGKILL, 0}}},
		{syscall.SIGINT, 0, Plan{{syscall.SIGINT, 0}, {syscall.SIGKILL, 0}}},
		{syscall.SIGKILL, 5 * time.Second, Plan{{syscall.SIGKILL, 0}}},
	}
	for _, tc := range cases {
		if got := DefaultPlan(tc.sig, tc.killAfter); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("DefaultPlan(%v, %v) = %v, want %v", tc.sig, tc.killAfter, got, tc.want)
		}
	}
}

func TestParsePlan(t *testing.T) {
	var (
		kill = Stage{syscall.SIGKILL, 0}
		sec  = time.Second
	)
	cases := []struct {
		in      string
		want    Plan
		wantErr string
	}{
		{in: "INT/7.5s,TERM/2.5s", want: Plan{{syscall.SIGINT, 7500 * time.Millisecond}, {syscall.SIGTERM, 2500 * time.Millisecond}, kill}},
		{in: "INT/7.5s,TERM/2.5s,KILL", want: Plan{{syscall.SIGINT, 7500 * time.Millisecond}, {syscall.SIGTERM, 2500 * time.Millisecond}, kill}},
		{in: "TERM/5s,SIGKILL", want: Plan{{syscall.SIGTERM, 5 * sec}, kill}},
		{in: "TERM/5s,9", want: Plan{{syscall.SIGTERM, 5 * sec}, kill}},
		{in: "TERM/5s,kill", want: Plan{{syscall.SIGTERM, 5 * sec}, kill}},
		{in: "TERM/5", want: Plan{{syscall.SIGTERM, 5 * sec}, kill}},
		{in: "15/1m30s", want: Plan{{syscall.SIGTERM, 90 * sec}, kill}},
		{in: "sigint/0,term/0", want: Plan{{syscall.SIGINT, 0}, {syscall.SIGTERM, 0}, kill}},
		{in: "TERM/1s,TERM/1s", want: Plan{{syscall.SIGTERM, sec}, {syscall.SIGTERM, sec}, kill}},
		{in: "KILL", want: Plan{kill}},
		{in: "SIGKILL", want: Plan{kill}},
		{in: strings.Repeat("TERM/1s,", 15) + "KILL", want: append(repeatStage(Stage{syscall.SIGTERM, sec}, 15), kill)},
		{in: strings.Repeat("TERM/1s,", 14) + "TERM/1s", want: append(repeatStage(Stage{syscall.SIGTERM, sec}, 15), kill)},

		{in: "", wantErr: `invalid plan "": empty`},
		{in: ",", wantErr: `stage 1: empty stage`},
		{in: "TERM/1s,,INT/1s", wantErr: `invalid plan "TERM/1s,,INT/1s": stage 2: empty stage`},
		{in: "TERM/1s,", wantErr: `stage 2: empty stage`},
		{in: ",TERM/1s", wantErr: `stage 1: empty stage`},
		{in: "TERM", wantErr: `stage 1: "TERM": missing grace period, like TERM/5s`},
		{in: "INT/1s,TERM", wantErr: `stage 2: "TERM": missing grace period`},
		{in: "TERM/", wantErr: `stage 1: invalid duration "": empty`},
		{in: "/1s", wantErr: `stage 1: invalid signal "": empty`},
		{in: "FOO/1s", wantErr: `stage 1: unknown signal "FOO"`},
		{in: "TERM/1s,0/1s", wantErr: `stage 2: invalid signal "0"`},
		{in: "TERM/1x", wantErr: `stage 1: invalid duration "1x"`},
		{in: "TERM/-1s", wantErr: `stage 1: invalid duration "-1s": negative`},
		{in: "TERM/1e20", wantErr: `stage 1: invalid duration "1e20": too large`},
		{in: "TERM/1s/2s", wantErr: `stage 1: invalid duration "1s/2s"`},
		{in: "KILL/1s", wantErr: `stage 1: "KILL/1s": KILL is the last stage and takes no grace`},
		{in: "TERM/1s,KILL/0", wantErr: `stage 2: "KILL/0": KILL is the last stage and takes no grace`},
		{in: "KILL,TERM/1s", wantErr: `stage 1: "KILL": KILL must be the last stage`},
		{in: "TERM/1s,KILL,KILL", wantErr: `stage 2: "KILL": KILL must be the last stage`},
		{in: "TERM/1s, INT/1s", wantErr: `stage 2: " INT/1s": no spaces allowed around a stage`},
		{in: "TERM/1s ,INT/1s", wantErr: `stage 1: "TERM/1s ": no spaces allowed`},
		{in: " KILL", wantErr: `no spaces allowed`},
		{in: "TERM /1s", wantErr: `stage 1: unknown signal "TERM "`},
		{in: "TERM/ 1s", wantErr: `stage 1: invalid duration " 1s"`},
		{in: "TERM;1s", wantErr: `stage 1: unknown signal "TERM;1s"`},
		{in: strings.Repeat("TERM/1s,", 16) + "KILL", wantErr: `more than 16 stages`},
		{in: strings.Repeat("TERM/1s,", 15) + "TERM/1s", wantErr: `more than 16 stages (SIGKILL, added at the end, counts)`},
		{in: strings.Repeat(",", 100000), wantErr: `more than 16 stages`},
	}
	for _, tc := range cases {
		got, err := ParsePlan(tc.in)
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("ParsePlan(%q) = %v, want error containing %q", tc.in, got, tc.wantErr)
			} else if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParsePlan(%q) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePlan(%q): unexpected error: %v", tc.in, err)
		} else if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParsePlan(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParsePlanUnixSignals(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("signal numbers below are Linux's")
	}
	got, err := ParsePlan("USR1/1s,HUP/2s,RTMIN+2/0,32/1ms")
	want := Plan{{10, time.Second}, {1, 2 * time.Second}, {36, 0}, {32, time.Millisecond}, {syscall.SIGKILL, 0}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParsePlan = %v, %v; want %v", got, err, want)
	}
	if s, want := got.String(), "USR1/1s,HUP/2s,RTMIN+2/0s,32/1ms,KILL"; s != want {
		t.Errorf("String() = %q, want %q", s, want)
	}
}

func TestPlanString(t *testing.T) {
	cases := []struct {
		plan Plan
		want string
	}{
		{Plan{{syscall.SIGINT, 7500 * time.Millisecond}, {syscall.SIGTERM, 2500 * time.Millisecond}, {syscall.SIGKILL, 0}}, "INT/7.5s,TERM/2.5s,KILL"},
		{Plan{{syscall.SIGKILL, 0}}, "KILL"},
		{Plan{{syscall.SIGKILL, time.Second}}, "KILL"}, // a final KILL's grace is not written
		{Plan{{syscall.SIGTERM, 90 * time.Second}, {syscall.SIGKILL, 0}}, "TERM/1m30s,KILL"},
		{Plan{{syscall.SIGTERM, 0}, {syscall.SIGKILL, 0}}, "TERM/0s,KILL"},
		{Plan{{syscall.SIGTERM, 1500 * time.Microsecond}, {syscall.SIGKILL, 0}}, "TERM/1.5ms,KILL"},
		{Plan{{syscall.SIGTERM, 2 * time.Microsecond}, {syscall.SIGKILL, 0}}, "TERM/2µs,KILL"},
		{DefaultPlan(syscall.SIGTERM, 5*time.Second), "TERM/5s,KILL"},
		// Not valid plans, but String still says what they are.
		{nil, ""},
		{Plan{{syscall.SIGTERM, time.Second}}, "TERM/1s"},
		{Plan{{syscall.SIGKILL, 0}, {syscall.SIGTERM, time.Second}}, "KILL/0s,TERM/1s"},
	}
	for _, tc := range cases {
		if got := tc.plan.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.plan, got, tc.want)
		}
	}
}

func TestPlanStringRoundTrip(t *testing.T) {
	for _, in := range []string{
		"INT/7.5s,TERM/2.5s",
		"KILL",
		"TERM/0,KILL",
		"TERM/1e3",
		"INT/1ns,TERM/0.5ns,INT/2562047h47m16.854775807s",
		"TERM/1.5d",
		"2/1us,15/250ms",
		strings.Repeat("INT/1s,", 15) + "KILL",
	} {
		p, err := ParsePlan(in)
		if err != nil {
			t.Fatalf("ParsePlan(%q): %v", in, err)
		}
		s := p.String()
		back, err := ParsePlan(s)
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("ParsePlan(%q) = %v; its String %q parses to %v, %v", in, p, s, back, err)
		}
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		p := DefaultPlan(sig, 5*time.Second)
		back, err := ParsePlan(p.String())
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("DefaultPlan(%v).String() = %q parses to %v, %v", sig, p.String(), back, err)
		}
	}
}

func repeatStage(st Stage, n int) Plan {
	p := make(Plan, n)
	for i := range p {
		p[i] = st
	}
	return p
}

func TestParseRewrite(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no signals to rewrite")
	}
	for _, c := range []struct {
		in       string
		from, to syscall.Signal
	}{
		{"TERM:QUIT", syscall.SIGTERM, syscall.SIGQUIT},
		{"15:3", syscall.SIGTERM, syscall.SIGQUIT},
		{"sigint:term", syscall.SIGINT, syscall.SIGTERM},
		{"INT:0", syscall.SIGINT, 0},
	} {
		from, to, err := ParseRewrite(c.in)
		if err != nil || from != c.from || to != c.to {
			t.Errorf("ParseRewrite(%q) = %v, %v, %v; want %v, %v", c.in, from, to, err, c.from, c.to)
		}
	}
	for _, bad := range []string{"", "TERM", "TERM:", ":QUIT", "BOGUS:TERM", "TERM:BOGUS", "KILL:TERM", "9:15", "TERM:QUIT:HUP"} {
		if _, _, err := ParseRewrite(bad); err == nil {
			t.Errorf("ParseRewrite(%q) succeeded, want an error", bad)
		}
	}
}

package runner

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/curfew/curfew/platform"
)

// MaxStages is the most stages a plan may have, the final SIGKILL included.
const MaxStages = 16

// ParseSignal parses a signal given by name or number: "TERM", "SIGTERM",
// "term", "sigterm" and "15" are all SIGTERM. Which signals exist depends on
// the system; on Windows an existing unix signal gives an error that wraps
// errors.ErrUnsupported.
func ParseSignal(s string) (syscall.Signal, error) { return platform.ParseSignal(s) }

// SignalName returns the name of sig in the "SIGTERM" style.
func SignalName(sig syscall.Signal) string { return platform.SignalName(sig) }

// durationSyntax is the tail of every malformed-duration error.
const durationSyntax = "want a number with an optional unit (s, m, h, d) or Go syntax like 1m30s"

// ParseDuration parses a timeout or grace period. It accepts GNU timeout's
// syntax, a decimal floating-point number of seconds with at most one suffix
// s, m, h or d ("90", "1.5", "0.25m", "2d", "1e3", ".5"), and Go's syntax
// ("1m30s", "250ms", "2us", "1.5h"). Zero in any spelling is 0, which the
// caller reads as "never". Signs, spaces, NaN, infinities and values beyond
// time.Duration's range are errors. The value is rounded to the nearest
// nanosecond, except that a positive value below 1ns becomes 1ns: a tiny
// timeout must never turn into "never".
func ParseDuration(s string) (time.Duration, error) {
	switch {
	case s == "":
		return 0, fmt.Errorf("invalid duration %q: empty", s)
	case s[0] == '-':
		return 0, fmt.Errorf("invalid duration %q: negative", s)
	}
	ns, ok := parseGNUDuration(s)
	if !ok {
		ns, ok = parseGoDuration(s)
	}
	if !ok {
		return 0, fmt.Errorf("invalid duration %q: %s", s, durationSyntax)
	}
	d, ok := roundNanoseconds(ns)
	if !ok {
		return 0, fmt.Errorf("invalid duration %q: too large (max %v)", s, time.Duration(math.MaxInt64))
	}
	return d, nil
}

// gnuUnits are the suffixes of GNU timeout's syntax, in nanoseconds.
var gnuUnits = map[byte]int64{
	's': int64(time.Second),
	'm': int64(time.Minute),
	'h': int64(time.Hour),
	'd': 24 * int64(time.Hour),
}

// parseGNUDuration parses a decimal number of seconds with an optional
// exponent and an optional unit s, m, h or d, into an exact number of
// nanoseconds.
func parseGNUDuration(s string) (*big.Rat, bool) {
	unit := int64(time.Second)
	if u, ok := gnuUnits[s[len(s)-1]]; ok {
		unit, s = u, s[:len(s)-1]
	}
	digits, exp, rest, ok := scanDecimal(s, true)
	if !ok || rest != "" {
		return nil, false
	}
	// The exponent is the one part of the input that can ask for a number
	// far larger than the input itself ("1e99999999"). digits has
	// len(digits) significant digits, so the value in seconds lies in
	// [10^(len+exp-1), 10^(len+exp)), and a unit is at most 86400s: outside
	// these bounds the value is certainly too large, or certainly positive
	// and below 1ns, and a stand-in with the same outcome saves the work.
	digits = strings.TrimLeft(digits, "0")
	switch {
	case digits == "":
		return new(big.Rat), true
	case exp > 40:
		return new(big.Rat).SetInt(pow10(40)), true
	case len(digits)+exp < -40:
		return new(big.Rat).SetFrac(big.NewInt(1), pow10(40)), true
	}
	return decimalNanoseconds(digits, exp, unit), true
}

// goUnits are the units of Go's duration syntax, in nanoseconds. Longer
// units come first so that "ms" is not read as "m".
var goUnits = []struct {
	name string
	ns   int64
}{
	{"ns", int64(time.Nanosecond)},
	{"us", int64(time.Microsecond)},
	{"µs", int64(time.Microsecond)}, // U+00B5 micro sign, what Duration.String writes
	{"μs", int64(time.Microsecond)}, // U+03BC Greek small letter mu
	{"ms", int64(time.Millisecond)},
	{"s", int64(time.Second)},
	{"m", int64(time.Minute)},
	{"h", int64(time.Hour)},
}

// parseGoDuration parses Go's duration syntax without a sign: one or more
// decimal numbers, each followed by a unit, into an exact number of
// nanoseconds. Unlike time.ParseDuration it tells "too large" from
// "malformed" and rounds instead of truncating.
func parseGoDuration(s string) (*big.Rat, bool) {
	total := new(big.Rat)
	for s != "" {
		digits, exp, rest, ok := scanDecimal(s, false)
		if !ok {
			return nil, false
		}
		unit := int64(0)
		for _, u := range goUnits {
			if strings.HasPrefix(rest, u.name) {
				unit, rest = u.ns, rest[len(u.name):]
				break
			}
		}
		if unit == 0 {
			return nil, false
		}
		total.Add(total, decimalNanoseconds(digits, exp, unit))
		s = rest
	}
	return total, true
}

// maxExponent bounds the exponent scanDecimal reports, so that adding the
// fraction's length cannot overflow an int; parseGNUDuration handles far
// smaller exponents without arithmetic anyway.
const maxExponent = 100_000_000

// scanDecimal reads an unsigned decimal number from the start of s: digits,
// an optional fraction, and with allowExp an optional exponent. It returns
// the significant digits without the point, the power of ten they are scaled
// by, and the rest of s. There must be at least one digit before or after
// the point.
func scanDecimal(s string, allowExp bool) (digits string, exp int, rest string, ok bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		fracPart, i = s[i+1:j], j
	}
	if intPart == "" && fracPart == "" {
		return "", 0, s, false
	}
	if allowExp && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		sign := 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			if s[j] == '-' {
				sign = -1
			}
			j++
		}
		start := j
		for j < len(s) && isDigit(s[j]) {
			if exp < maxExponent {
				exp = exp*10 + int(s[j]-'0')
			}
			j++
		}
		if j == start {
			return "", 0, s, false
		}
		exp, i = sign*min(exp, maxExponent), j
	}
	return intPart + fracPart, exp - len(fracPart), s[i:], true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// decimalNanoseconds returns digits × 10^exp × unit exactly.
func decimalNanoseconds(digits string, exp int, unit int64) *big.Rat {
	num, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return new(big.Rat) // digits is empty: the number is zero
	}
	num.Mul(num, big.NewInt(unit))
	if exp >= 0 {
		return new(big.Rat).SetInt(num.Mul(num, pow10(exp)))
	}
	return new(big.Rat).SetFrac(num, pow10(-exp))
}

// pow10 returns 10^n.
func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// roundNanoseconds rounds a non-negative exact number of nanoseconds to the
// nearest one, half away from zero, but a positive value to at least 1ns. It
// reports false when the result does not fit in a time.Duration.
func roundNanoseconds(ns *big.Rat) (time.Duration, bool) {
	if ns.Sign() == 0 {
		return 0, true
	}
	q, r := new(big.Int).QuoRem(ns.Num(), ns.Denom(), new(big.Int))
	if r.Lsh(r, 1).Cmp(ns.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, false
	}
	return time.Duration(max(q.Int64(), 1)), true
}

// DefaultPlan is the plan of GNU timeout's options: send sig, wait
// killAfter, then SIGKILL. If sig is SIGKILL the plan is that one stage.
// A killAfter of 0 sends SIGKILL right after sig; a caller that wants GNU's
// "-k 0 means no SIGKILL" must decide that itself.
func DefaultPlan(sig syscall.Signal, killAfter time.Duration) Plan {
	if sig == syscall.SIGKILL {
		return Plan{{Signal: syscall.SIGKILL}}
	}
	return Plan{{Signal: sig, Grace: killAfter}, {Signal: syscall.SIGKILL}}
}

// ParsePlan parses a plan written as comma-separated stages SIGNAL/GRACE,
// for example "INT/7.5s,TERM/2.5s". Signals are read by ParseSignal and
// grace periods by ParseDuration (0 is allowed and means "go on at once").
// SIGKILL is always the last stage: it is added when missing, and may be
// written only last and only bare ("INT/5s,KILL"). The syntax is strict:
// no spaces, no empty stages, at most MaxStages stages counting SIGKILL.
func ParsePlan(s string) (Plan, error) {
	fail := func(format string, args ...any) (Plan, error) {
		return nil, fmt.Errorf("invalid plan %q: %s", s, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return fail("empty")
	}
	// Count before splitting: the input may be arbitrarily long.
	if strings.Count(s, ",") >= MaxStages {
		return fail("more than %d stages", MaxStages)
	}
	items := strings.Split(s, ",")
	plan := make(Plan, 0, len(items)+1)
	for i, item := range items {
		stage, err := parseStage(item, i == len(items)-1)
		if err != nil {
			return nil, fmt.Errorf("invalid plan %q: stage %d: %w", s, i+1, err)
		}
		plan = append(plan, stage)
	}
	if plan[len(plan)-1].Signal != syscall.SIGKILL {
		plan = append(plan, Stage{Signal: syscall.SIGKILL})
	}
	if len(plan) > MaxStages {
		return fail("more than %d stages (SIGKILL, added at the end, counts)", MaxStages)
	}
	return plan, nil
}

// parseStage parses one SIGNAL/GRACE item of a plan; last says whether it
// is the final item, the only place SIGKILL may appear.
func parseStage(item string, last bool) (Stage, error) {
	if item == "" {
		return Stage{}, fmt.Errorf("empty stage")
	}
	if strings.TrimSpace(item) != item {
		return Stage{}, fmt.Errorf("%q: no spaces allowed around a stage", item)
	}
	sigText, graceText, hasGrace := strings.Cut(item, "/")
	sig, err := ParseSignal(sigText)
	if err != nil {
		return Stage{}, err
	}
	if sig == syscall.SIGKILL {
		switch {
		case !last:
			return Stage{}, fmt.Errorf("%q: KILL must be the last stage", item)
		case hasGrace:
			return Stage{}, fmt.Errorf("%q: KILL is the last stage and takes no grace", item)
		}
		return Stage{Signal: sig}, nil
	}
	if !hasGrace {
		return Stage{}, fmt.Errorf("%q: missing grace period, like %s/5s", item, sigText)
	}
	grace, err := ParseDuration(graceText)
	if err != nil {
		return Stage{}, err
	}
	return Stage{Signal: sig, Grace: grace}, nil
}

// String renders p in the syntax ParsePlan reads, for example
// "INT/7.5s,TERM/2.5s,KILL", so that ParsePlan(p.String()) equals p for
// every plan ParsePlan returns. A final SIGKILL is written bare, without
// its grace.
func (p Plan) String() string {
	var b strings.Builder
	for i, st := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(planSignal(st.Signal))
		if st.Signal != syscall.SIGKILL || i != len(p)-1 {
			b.WriteByte('/')
			b.WriteString(st.Grace.String())
		}
	}
	return b.String()
}

// planSignal writes sig as a plan does: its name without "SIG" when that
// name parses back to sig, else its number (Linux's unnamed 32 and 33).
func planSignal(sig syscall.Signal) string {
	name := strings.TrimPrefix(SignalName(sig), "SIG")
	if back, err := ParseSignal(name); err == nil && back == sig {
		return name
	}
	return strconv.Itoa(int(sig))
}

// ParseRewrite parses one --rewrite rule, FROM:TO with signals by name or
// number (TERM:QUIT, 15:3); TO may be 0, which drops FROM. FROM must be a
// signal curfew catches and passes on: not KILL or STOP (they cannot be
// caught) and not CHLD or URG (they belong to curfew and the Go runtime).
func ParseRewrite(s string) (from, to syscall.Signal, err error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, fmt.Errorf("invalid rewrite %q: want FROM:TO, e.g. TERM:QUIT", s)
	}
	if from, err = ParseSignal(a); err != nil {
		return 0, 0, fmt.Errorf("invalid rewrite %q: %w", s, err)
	}
	if !slices.Contains(platform.CatchableSignals(), from) {
		return 0, 0, fmt.Errorf("invalid rewrite %q: %s never reaches the command through curfew", s, SignalName(from))
	}
	if strings.TrimSpace(b) == "0" {
		return from, 0, nil
	}
	if to, err = ParseSignal(b); err != nil {
		return 0, 0, fmt.Errorf("invalid rewrite %q: %w", s, err)
	}
	return from, to, nil
}

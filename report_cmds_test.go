package main

// Testscript commands that read a --report file.
//
//	report FILE CHECK...      each CHECK holds for the JSON document in FILE:
//	                          key=VALUE  the value at key is VALUE
//	                          key~REGEXP the value at key matches REGEXP
//	                          len:key=N  the array at key has N elements
//	                          key is a dotted path: stages.0.signal
//	reportpids FILE PIDSFILE  every pid in PIDSFILE is in the report's stopped list

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptCmds["report"] = cmdReport
	scriptCmds["reportpids"] = cmdReportpids
}

func readReport(ts *testscript.TestScript, file string) any {
	var doc any
	if err := json.Unmarshal([]byte(ts.ReadFile(file)), &doc); err != nil {
		ts.Fatalf("%s is not JSON: %v", file, err)
	}
	return doc
}

// lookupJSON follows a dotted path through objects and arrays.
func lookupJSON(doc any, path string) (any, error) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, fmt.Errorf("no field %q", part)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, fmt.Errorf("no element %q in an array of %d", part, len(v))
			}
			cur = v[i]
		default:
			return nil, fmt.Errorf("%q: not an object or array", part)
		}
	}
	return cur, nil
}

// scalar renders a JSON value the way a script writes it: strings bare,
// numbers in their shortest form, null as null.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

func cmdReport(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "report")
	if len(args) < 2 {
		ts.Fatalf("usage: report FILE CHECK...")
	}
	doc := readReport(ts, args[0])
	for _, check := range args[1:] {
		if key, want, ok := strings.Cut(check, "="); ok && strings.HasPrefix(key, "len:") {
			key = strings.TrimPrefix(key, "len:")
			v, err := lookupJSON(doc, key)
			if err != nil {
				ts.Fatalf("%s: %v", check, err)
			}
			arr, isArr := v.([]any)
			if !isArr {
				ts.Fatalf("%s: %s is not an array", check, key)
			}
			if strconv.Itoa(len(arr)) != want {
				ts.Fatalf("%s: has %d elements", check, len(arr))
			}
			continue
		}
		i := strings.IndexAny(check, "=~")
		if i <= 0 {
			ts.Fatalf("bad check %q: want key=VALUE, key~REGEXP or len:key=N", check)
		}
		key, op, want := check[:i], check[i], check[i+1:]
		v, err := lookupJSON(doc, key)
		if err != nil {
			ts.Fatalf("%s: %v", check, err)
		}
		got := scalar(v)
		if op == '=' && got != want {
			ts.Fatalf("%s: got %q", check, got)
		}
		if op == '~' && !regexp.MustCompile(want).MatchString(got) {
			ts.Fatalf("%s: got %q", check, got)
		}
	}
}

func cmdReportpids(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "reportpids")
	if len(args) != 2 {
		ts.Fatalf("usage: reportpids FILE PIDSFILE")
	}
	doc := readReport(ts, args[0])
	stopped, err := lookupJSON(doc, "stopped")
	if err != nil {
		ts.Fatalf("%v", err)
	}
	list, _ := stopped.([]any)
	var got []int
	for _, p := range list {
		if pid, err := lookupJSON(p, "pid"); err == nil {
			if f, ok := pid.(float64); ok {
				got = append(got, int(f))
			}
		}
	}
	for _, pid := range readPids(ts, []string{args[1]}) {
		if !slices.Contains(got, pid) {
			ts.Fatalf("pid %d of %s is not in the report's stopped list %v", pid, args[1], got)
		}
	}
}

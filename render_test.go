package main

import (
	"strings"
	"testing"
	"time"

	"github.com/curfew/curfew/runner"
)

func progress(stage int, text string) runner.Event {
	return runner.Event{Level: runner.Progress, Stage: stage, Text: text, At: time.Second}
}

// On a terminal the live status is one line rewritten in place, erased
// before any other line and at the end.
func TestRendererUpdatesOneLineOnATerminal(t *testing.T) {
	var b strings.Builder
	r := &renderer{w: &b, tty: true, lastStage: -1}
	r.event(progress(0, "stopping: 2 processes left (make), SIGKILL in 2s"))
	r.event(progress(0, "stopping: 2 processes left (make), SIGKILL in 1s"))
	r.event(runner.Event{Level: runner.Warning, Text: "timed out after 1s; stopped 2 processes"})
	r.clear()
	want := "\r\033[Kcurfew: stopping: 2 processes left (make), SIGKILL in 2s" +
		"\r\033[Kcurfew: stopping: 2 processes left (make), SIGKILL in 1s" +
		"\r\033[Kcurfew: warning: timed out after 1s; stopped 2 processes\n"
	if b.String() != want {
		t.Errorf("terminal output:\n%q\nwant\n%q", b.String(), want)
	}
}

// Off a terminal there is one plain line per stage, and nothing to erase.
func TestRendererPrintsAPlainLinePerStageElsewhere(t *testing.T) {
	var b strings.Builder
	r := &renderer{w: &b, lastStage: -1}
	r.event(progress(0, "stopping: 2 left, SIGKILL in 2s"))
	r.event(progress(0, "stopping: 2 left, SIGKILL in 1s"))
	r.event(progress(1, "stopping: 1 left, waiting for them to exit"))
	r.clear()
	want := "curfew: stopping: 2 left, SIGKILL in 2s\ncurfew: stopping: 1 left, waiting for them to exit\n"
	if b.String() != want {
		t.Errorf("log output:\n%q\nwant\n%q", b.String(), want)
	}
}

func TestRendererQuietSaysNothing(t *testing.T) {
	var b strings.Builder
	r := &renderer{w: &b, tty: true, quiet: true, lastStage: -1}
	r.event(progress(0, "stopping"))
	r.event(runner.Event{Level: runner.Warning, Text: "timed out"})
	r.clear()
	if b.String() != "" {
		t.Errorf("--quiet printed %q", b.String())
	}
}

package runner

import (
	"fmt"
	"syscall"
	"time"
)

// Level tells how an Event should be shown.
type Level int

// Event levels.
const (
	Info     Level = iota // shown with --verbose
	Warning               // shown unless --quiet
	Progress              // what a slow shutdown waits for: one updating line on a terminal
)

// Event is one thing that happened during a run, for main to render.
type Event struct {
	Level Level
	At    time.Duration // since the run started
	Text  string        // one lower-case line, no trailing period
	Stage int           // for Progress: the shutdown stage it is about
	// Sent is the signal a shutdown stage just sent, on the Info event that
	// says so; 0 on every other event.
	Sent syscall.Signal
	// Kind marks the events a front end may want to recognise without
	// reading their text.
	Kind Kind
}

// Kind tells a few events apart.
type Kind int

// The kinds of event.
const (
	KindOther         Kind = iota
	KindCommandExited      // Info: the command has exited (its status is in the text)
	KindSummary            // Warning: the one line that says how a shutdown ended
)

// logger stamps events with the time since the run started.
type logger struct {
	emit  func(Event)
	start time.Time
}

func (l *logger) info(format string, args ...any) { l.send(Info, format, args...) }

func (l *logger) warn(format string, args ...any) { l.send(Warning, format, args...) }

func (l *logger) progress(stage int, format string, args ...any) {
	l.emit(Event{Level: Progress, At: time.Since(l.start), Text: fmt.Sprintf(format, args...), Stage: stage})
}

// sent is an Info event that a stage sent sig.
func (l *logger) sent(sig syscall.Signal, format string, args ...any) {
	l.emit(Event{Level: Info, At: time.Since(l.start), Text: fmt.Sprintf(format, args...), Sent: sig})
}

// kind emits an event of a given kind.
func (l *logger) kind(level Level, k Kind, format string, args ...any) {
	l.emit(Event{Level: level, At: time.Since(l.start), Text: fmt.Sprintf(format, args...), Kind: k})
}

func (l *logger) send(level Level, format string, args ...any) {
	l.emit(Event{Level: level, At: time.Since(l.start), Text: fmt.Sprintf(format, args...)})
}

package runner

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/curfew/curfew/platform"
)

// ReportVersion is the version of the report's schema. Fields are only ever
// added; a change to the meaning of one bumps the version.
const ReportVersion = 1

// Report is what --report writes: one JSON document per run, on every path
// (exit, timeout, interrupt, escalation, leftovers, spawn failure). The
// README documents each field.
type Report struct {
	Version  int       `json:"version"`
	Command  string    `json:"command"`
	Argv     []string  `json:"argv"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Wall     float64   `json:"wall_seconds"`
	Outcome  Outcome   `json:"outcome"`
	ExitCode *int      `json:"exit_code"`        // the command's exit code; null when it did not exit
	Signal   string    `json:"signal,omitempty"` // the signal that killed the command
	Status   int       `json:"status"`           // curfew's own exit status, as a shell sees it
	Error    string    `json:"error,omitempty"`  // why the run failed (failed_to_start)

	Container ReportContainer `json:"container"`
	Timeout   float64         `json:"timeout_seconds"` // 0: none
	Plan      []ReportStage   `json:"plan"`

	Trigger       string         `json:"trigger"`                  // what started the shutdown: "", "timeout", "signal", "leftovers"
	TriggerSignal string         `json:"trigger_signal,omitempty"` // the stop signal received, for "signal"
	Stages        []StageRun     `json:"stages"`
	Stopped       []StoppedProc  `json:"stopped"`
	Leftovers     int            `json:"leftovers"` // processes stopped after the command exited
	Peak          int            `json:"peak_processes"`
	PeakFrom      string         `json:"peak_processes_source"` // "cgroup" (pids.peak) or "sampled"
	Resources     ReportUsage    `json:"resources"`
	Cleanup       []CleanupEntry `json:"cleanup"`
	Swept         []SweptEntry   `json:"swept"`
}

// ReportContainer is the container the run used.
type ReportContainer struct {
	Mode string `json:"mode"`
	Why  string `json:"why"`
}

// ReportStage is one stage of the plan.
type ReportStage struct {
	Signal string  `json:"signal"`
	Grace  float64 `json:"grace_seconds"`
}

// StageRun is one stage that was run.
type StageRun struct {
	Signal  string  `json:"signal"`
	At      float64 `json:"at_seconds"` // since the start of the run
	Reached int     `json:"reached"`    // processes it was sent to
}

// StoppedProc is a process that was still alive when the shutdown reached it.
type StoppedProc struct {
	Pid     int      `json:"pid"`
	Name    string   `json:"name"`
	Argv    []string `json:"argv"`
	EndedBy string   `json:"ended_by"` // the last stage's signal it received
	Command bool     `json:"command"`  // it is the command itself
}

// ReportUsage is what the run's processes cost.
type ReportUsage struct {
	User       float64 `json:"cpu_user_seconds"`
	System     float64 `json:"cpu_system_seconds"`
	CPUFrom    string  `json:"cpu_source"` // "cgroup", "rusage" or "" (unknown)
	MemoryPeak int64   `json:"memory_peak_bytes"`
	MemoryFrom string  `json:"memory_source"` // "cgroup" (whole run), "rusage" (largest process) or ""
}

// CleanupEntry is the removal of one path.
type CleanupEntry struct {
	Path    string `json:"path"`
	Removed bool   `json:"removed"`
	Error   string `json:"error,omitempty"`
}

// SweptEntry is one leftover of a dead run that this run removed.
type SweptEntry struct {
	Kind   string `json:"kind"` // "tempdir" or "cgroup"
	Path   string `json:"path"`
	Killed int    `json:"processes_killed,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Encode writes the report as indented JSON.
func (r *Report) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // command lines are full of & < >
	return enc.Encode(r)
}

// WriteFile writes the report to path atomically: to a temp file in the
// same directory, then renamed over path, so a reader never sees half of it.
// A path that is not a regular file (a symlink such as /dev/stderr, a FIFO
// a reader waits on, a device) is written through instead: renaming over
// it would replace it.
func (r *Report) WriteFile(path string) error {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return fmt.Errorf("cannot write report: %w", err)
		}
		err = r.Encode(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("cannot write report: %w", err)
		}
		return nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	if err := r.Encode(f); err != nil {
		f.Close()
		return fmt.Errorf("cannot write report: %w", err)
	}
	// CreateTemp makes the file 0600; a report is no secret.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("cannot write report: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("cannot write report: %w", err)
	}
	return nil
}

func seconds(d time.Duration) float64 { return d.Seconds() }

// newReport starts the report of a run: what was asked.
func newReport(cfg Config, start time.Time) *Report {
	r := &Report{
		Version: ReportVersion,
		Command: cfg.Argv[0],
		Argv:    cfg.Argv,
		Start:   start,
		Timeout: seconds(cfg.Timeout),
		Plan:    []ReportStage{},
		Stages:  []StageRun{},
		Stopped: []StoppedProc{},
		Cleanup: []CleanupEntry{},
		Swept:   []SweptEntry{},
	}
	for _, st := range cfg.Plan {
		r.Plan = append(r.Plan, ReportStage{Signal: SignalName(st.Signal), Grace: seconds(st.Grace)})
	}
	return r
}

// finish fills in how the run ended, once everything is removed.
func (r *Report) finish(res Result, err error) {
	r.End = time.Now()
	r.Wall = seconds(r.End.Sub(r.Start))
	r.Outcome = res.Outcome
	r.Status = res.Status
	if res.Signal != 0 {
		r.Status = signalStatus(res.Signal)
	}
	if err != nil {
		r.Outcome = OutcomeFailedToStart
		r.Error = err.Error()
	}
}

// fill adds what the watcher saw: the command's status, the stages, the
// processes they reached, the peak, and what the run cost.
func (w *watcher) fill(r *Report, u platform.Usage) {
	if w.exited {
		if w.status.Exited() {
			code := w.status.Code
			r.ExitCode = &code
		} else {
			r.Signal = SignalName(w.status.Signal)
		}
	}
	switch w.cause {
	case causeTimeout:
		r.Trigger = "timeout"
	case causeSignal:
		r.Trigger, r.TriggerSignal = "signal", SignalName(w.stopSig)
	case causeLeftovers:
		r.Trigger = "leftovers"
		r.Leftovers = w.reached
	}
	r.Stages = append(r.Stages, w.stages...)
	for _, pid := range w.order {
		r.Stopped = append(r.Stopped, *w.stopped[pid])
	}
	r.Peak, r.PeakFrom = w.peak, "sampled"
	if u.PidsPeak > 0 {
		r.Peak, r.PeakFrom = u.PidsPeak, platform.UsageCgroup
	}
	r.Resources = ReportUsage{
		User: seconds(u.User), System: seconds(u.System), CPUFrom: u.CPUFrom,
		MemoryPeak: u.MemoryPeak, MemoryFrom: u.MemoryFrom,
	}
}

package platform

import "time"

// Usage is what the processes of a run cost, and where each figure came
// from: UsageCgroup (the cgroup's own counters, covering every process of
// the run) or UsageRusage (the processes curfew reaped; memory is then the
// peak of the largest single process, not of the whole run). An empty From
// means the figure is unknown.
type Usage struct {
	User, System time.Duration
	CPUFrom      string
	MemoryPeak   int64 // bytes
	MemoryFrom   string
	PidsPeak     int // most processes at once, from the pids controller; 0 when unknown
}

// Sources of a Usage figure.
const (
	UsageCgroup = "cgroup"
	UsageRusage = "rusage"
)

package runner

import (
	"syscall"
	"time"
)

// Stage is one step of a shutdown: send Signal to every process in the
// container, then wait Grace before the next stage.
type Stage struct {
	Signal syscall.Signal
	Grace  time.Duration
}

// Plan is the ordered list of stages a shutdown walks through. A valid plan
// is never empty and always ends with a SIGKILL stage.
type Plan []Stage

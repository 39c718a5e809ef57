//go:build !linux

package platform

import "errors"

// Dir is the container's directory in the system, or "" when it has none.
func (c *Container) Dir() string { return "" }

// Usage says what the processes of the run cost; on this system nothing is
// measured yet.
func (c *Container) Usage() Usage { return Usage{} }

// Argv is the command line of a live process; not read on this system.
func Argv(pid int) []string { return nil }

// RemoveStaleCgroup removes a stale curfew cgroup leaf; there are none on
// this system.
func RemoveStaleCgroup(dir string) (int, error) { return 0, errors.ErrUnsupported }

//go:build !linux

package platform

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
)

// Container is the kill container of one run. On this system it is not
// implemented yet: NewContainer fails, and the methods exist so that the
// runner builds everywhere.
type Container struct{}

// NewContainer fails on this system with an error that wraps
// errors.ErrUnsupported.
func NewContainer(mode string) (*Container, error) {
	return nil, fmt.Errorf("kill containers are not implemented on %s yet: %w", runtime.GOOS, errors.ErrUnsupported)
}

// Mode is the container mode in use.
func (c *Container) Mode() string { return "" }

// Why says which container was chosen and why.
func (c *Container) Why() string { return "" }

// Spawn starts the command inside the container.
func (c *Container) Spawn(Command) (int, error) { return 0, errors.ErrUnsupported }

// SignalCommand sends sig to the command's process group.
func (c *Container) SignalCommand(syscall.Signal) error { return errors.ErrUnsupported }

// Members lists the live processes of the run.
func (c *Container) Members() ([]Process, error) { return nil, errors.ErrUnsupported }

// Signal sends sig to every process of the run.
func (c *Container) Signal(syscall.Signal) (int, error) { return 0, errors.ErrUnsupported }

// Kill ends every process of the run.
func (c *Container) Kill() (int, error) { return 0, errors.ErrUnsupported }

// Empty reports whether no process of the run is alive.
func (c *Container) Empty() (bool, error) { return true, errors.ErrUnsupported }

// Reap collects every child that has exited.
func (c *Container) Reap() ([]Exit, bool) { return nil, true }

// Close removes the container.
func (c *Container) Close() error { return nil }

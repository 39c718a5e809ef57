//go:build unix && !linux && !darwin

package platform

import (
	"errors"
	"fmt"
	"runtime"
)

// groupMembers cannot list a process group on this system.
func groupMembers(pgid int) ([]Process, error) {
	return nil, fmt.Errorf("cannot list process group %d on %s: %w", pgid, runtime.GOOS, errors.ErrUnsupported)
}

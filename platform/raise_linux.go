package platform

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Raise makes curfew die of sig, so that its parent sees the same death as
// the command's (a shell then stops the calling script on SIGINT, as it would
// without curfew). It returns only when the signal did not kill curfew: as
// PID 1 the kernel drops default-fatal signals a process sends itself, and
// the caller then exits with 128+sig.
func Raise(sig unix.Signal) {
	// A core dump of curfew itself would be noise (GNU timeout does the same).
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	// Restore the default action with a raw rt_sigaction: os/signal's Reset
	// would hand the signal back to the Go runtime, which answers SIGQUIT
	// with a goroutine dump instead of dying quietly. An all-zero kernel
	// sigaction is SIG_DFL with no flags and an empty mask (rt_sigaction(2)).
	var act [4]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	var set unix.Sigset_t
	set.Val[(int(sig)-1)/64] |= 1 << ((uint(sig) - 1) % 64)
	_ = unix.PthreadSigmask(unix.SIG_UNBLOCK, &set, nil)
	_ = unix.Kill(unix.Getpid(), sig)
	time.Sleep(50 * time.Millisecond) // delivery to another thread may lag
}

package platform

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// TrimMemory gives back what curfew needed to start but does not need to
// supervise: the garbage of start-up, and the pages of its own binary that
// the kernel mapped in around the code that ran (fault-around maps whole
// 64 KiB blocks of a file already in the page cache). The pages stay in the
// page cache; a page touched again is mapped again with a minor fault. Call
// it once the command runs.
//
// Only mappings of the binary that are read-only and hold no page of their
// own ("Anonymous: 0 kB" in /proc/self/smaps) are dropped: such a mapping is
// exactly the file, so dropping it loses nothing. A written page of a
// private mapping is a private copy (anonymous): a relocated read-only
// segment (RELRO in a PIE build) or a page patched by a debugger. Those
// mappings are left alone: MADV_DONTNEED would throw the copy away and the
// file's unpatched page would come back.
func TrimMemory() {
	debug.FreeOSMemory()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return
	}
	defer f.Close()
	var ranges [][2]uint64
	var start, end uint64
	candidate, clean := false, false
	flush := func() {
		if candidate && clean {
			ranges = append(ranges, [2]uint64{start, end})
		}
		candidate = false
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") {
			// A mapping's header: start-end perms offset dev inode [path]
			flush()
			lo, hi, ok := strings.Cut(fields[0], "-")
			if !ok || len(fields) < 6 || fields[5] != exe || strings.Contains(fields[1], "w") {
				continue
			}
			var err1, err2 error
			start, err1 = strconv.ParseUint(lo, 16, 64)
			end, err2 = strconv.ParseUint(hi, 16, 64)
			candidate, clean = err1 == nil && err2 == nil && end > start, true
			continue
		}
		if candidate && fields[0] == "Anonymous:" && len(fields) > 1 && fields[1] != "0" {
			clean = false
		}
	}
	flush()
	if sc.Err() != nil {
		return
	}
	for _, r := range ranges {
		// A raw call: the range is ours but not a Go slice.
		unix.Syscall(unix.SYS_MADVISE, uintptr(r[0]), uintptr(r[1]-r[0]), unix.MADV_DONTNEED)
	}
}

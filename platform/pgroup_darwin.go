package platform

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// sZomb is p_stat of a zombie (SZOMB in XNU's sys/proc.h).
const sZomb = 5

// groupMembers lists the live processes of process group pgid through the
// kern.proc.pgrp sysctl, which is what ps uses on macOS. Zombies are left
// out.
func groupMembers(pgid int) ([]Process, error) {
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.pgrp", pgid)
	if err != nil {
		return nil, fmt.Errorf("cannot list process group %d: %w", pgid, err)
	}
	out := make([]Process, 0, len(kps))
	for _, kp := range kps {
		if kp.Proc.P_stat == sZomb || int(kp.Eproc.Pgid) != pgid {
			continue
		}
		out = append(out, Process{Pid: int(kp.Proc.P_pid), Name: unix.ByteSliceToString(kp.Proc.P_comm[:])})
	}
	return out, nil
}

package platform

// groupMembers lists the live processes of process group pgid from /proc.
func groupMembers(pgid int) ([]Process, error) {
	all, err := allProcs()
	if err != nil {
		return nil, err
	}
	var out []Process
	for _, p := range all {
		if p.pgrp == pgid {
			out = append(out, Process{Pid: p.pid, Name: p.name})
		}
	}
	return out, nil
}

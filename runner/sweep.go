package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/curfew/curfew/cleanup"
	"github.com/curfew/curfew/platform"
)

// sweep removes what runs that died without cleaning up (SIGKILLed, or cut
// off by a power loss) left behind: their temp dirs and cgroup leaves, and
// what still runs in those leaves. Only marks whose lock is free are swept,
// so only runs that are provably over; a mark whose items cannot all be
// removed stays for a later run.
func sweep(stateDir string) []SweptEntry {
	out := []SweptEntry{}
	stale, err := cleanup.FindStale(stateDir)
	if err != nil {
		// Marks that could not be checked stay for a later run; say why.
		out = append(out, SweptEntry{Kind: "marks", Path: stateDir, Error: err.Error()})
	}
	for _, s := range stale {
		ok := true
		for _, it := range s.Items {
			e := SweptEntry{Kind: it.Kind, Path: it.Path}
			existed := exists(it.Path)
			var err error
			switch it.Kind {
			case "tempdir":
				err = removeStaleTempDir(it.Path)
			case "cgroup":
				e.Killed, err = platform.RemoveStaleCgroup(it.Path)
			default:
				err = fmt.Errorf("unknown kind of item %q", it.Kind)
			}
			if err != nil {
				e.Error, ok = err.Error(), false
			}
			if err != nil || existed {
				out = append(out, e)
			}
		}
		if ok {
			s.Forget()
		} else {
			s.Keep()
		}
	}
	return out
}

// removeStaleTempDir removes a temp dir of a dead run; only a "curfew-*"
// directory of this user is ever touched (a temp cleaner may have removed
// the original and somebody else made one of that name since).
func removeStaleTempDir(path string) error {
	if !strings.HasPrefix(filepath.Base(path), "curfew-") {
		return fmt.Errorf("not a curfew temp dir: %s", path)
	}
	if !exists(path) {
		return nil
	}
	if !cleanup.OwnDir(path) {
		return fmt.Errorf("not a directory of this user any more: %s", path)
	}
	return cleanup.Remove(path)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

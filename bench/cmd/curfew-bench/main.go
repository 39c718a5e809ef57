//go:build linux

// Command curfew-bench measures curfew against the tools it replaces (tini,
// dumb-init, catatonit, GNU timeout) and prints the results as markdown
// tables. It is also every helper program the benchmarks and the
// reliability suite (bench/soak) run under a wrapper: a process tree, a
// signal trap, an orphan generator, and so on. bench/README.md explains
// each measurement.
//
//	curfew-bench report -curfew PATH [-runs-scale F]   measure and print the tables
//	curfew-bench ROLE [flags]                          one helper role (see roles)
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// roles are the helper programs, each run as "curfew-bench ROLE ...".
var roles = map[string]func(args []string) int{
	"report":  reportMain,
	"tree":    treeMain,
	"trap":    trapMain,
	"wait":    waitMain,
	"reapgen": reapgenMain,
	"spawn":   spawnMain,
	"hang":    hangMain,
	"exit":    exitMain,
	"daemon":  daemonMain,
	"churn":   churnMain,
	"storm":   stormMain,
	"forks":   forksMain,
}

func main() {
	if len(os.Args) < 2 || roles[os.Args[1]] == nil {
		names := make([]string, 0, len(roles))
		for n := range roles {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: curfew-bench ROLE [flags]; ROLE is one of %s\n", strings.Join(names, ", "))
		os.Exit(2)
	}
	os.Exit(roles[os.Args[1]](os.Args[2:]))
}

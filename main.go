// Command curfew runs a command inside a kill container.
package main

import (
	"io"
	"os"
)

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

// run is main without os.Exit, so that deferred cleanup always happens and
// testscript can drive it in-process.
func run(args []string, stdout, stderr io.Writer) int {
	_, _, _ = args, stdout, stderr
	return 125
}

package platform

import (
	"os"
	"slices"
	"sync"
)

// childChans are the channels NotifyChild registered.
var (
	childMu    sync.Mutex
	childChans []chan<- os.Signal
)

// NotifyChild makes ch receive a value whenever a child of curfew may have
// exited. Windows has no SIGCHLD: a Container sends ChildSignal itself when
// the command's process ends. A full channel is skipped, as os/signal does.
func NotifyChild(ch chan<- os.Signal) {
	childMu.Lock()
	defer childMu.Unlock()
	childChans = append(childChans, ch)
}

// StopChild undoes NotifyChild.
func StopChild(ch chan<- os.Signal) {
	childMu.Lock()
	defer childMu.Unlock()
	childChans = slices.DeleteFunc(childChans, func(c chan<- os.Signal) bool { return c == ch })
}

// childChanged tells every registered channel that a child ended.
func childChanged() {
	childMu.Lock()
	defer childMu.Unlock()
	for _, ch := range childChans {
		select {
		case ch <- ChildSignal:
		default:
		}
	}
}

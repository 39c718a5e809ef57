// Package platform holds the operating-system side of curfew: kill
// containers, spawning a command inside one, signals and reaping.
//
// What each container guarantees:
//
//   - Linux, cgroup: the command is born inside a fresh cgroup v2 leaf
//     (clone3 with CLONE_INTO_CGROUP), so no process of the run can leave it;
//     SIGKILL goes through cgroup.kill, which the kernel applies atomically to
//     the whole subtree.
//   - Linux, subreaper: curfew becomes a child subreaper, so every orphan of
//     the run re-parents to it and the run is exactly curfew's descendants,
//     found through /proc. SIGKILL is stop-the-world: stop every member,
//     re-scan until no new member appears, then kill them all.
//   - Other systems: not implemented yet; NewContainer returns an error that
//     wraps errors.ErrUnsupported.
//
// The package never prints and never reads flags; it returns errors.
package platform

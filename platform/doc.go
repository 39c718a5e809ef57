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
//   - Windows, job: the command is created suspended, assigned to a fresh
//     kill-on-close job object without breakaway, then resumed, so it runs no
//     code outside the job; TerminateJobObject ends the whole tree.
//   - macOS and the other unix systems, process group: the command leads a
//     new process group, which stages signal as a whole. A descendant that
//     calls setsid or setpgid leaves it and escapes; Why says so.
//
// The package never prints and never reads flags; it returns errors.
package platform

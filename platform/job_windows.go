package platform

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// What golang.org/x/sys/windows does not have (shared/notes/windows.md,
// section 2.3).
var (
	ntdll               = windows.NewLazySystemDLL("ntdll.dll")
	procNtResumeProcess = ntdll.NewProc("NtResumeProcess")
	procWineGetVersion  = ntdll.NewProc("wine_get_version")
)

// jobAccounting is JOBOBJECT_BASIC_ACCOUNTING_INFORMATION.
type jobAccounting struct {
	TotalUserTime             int64
	TotalKernelTime           int64
	ThisPeriodTotalUserTime   int64
	ThisPeriodTotalKernelTime int64
	TotalPageFaultCount       uint32
	TotalProcesses            uint32
	ActiveProcesses           uint32
	TotalTerminatedProcesses  uint32
}

// newJob creates an unnamed job object whose processes all die when its
// last handle closes, so that curfew dying in any way (Task Manager, a
// crash) takes the whole run with it. No BREAKAWAY_OK: a child that asks for
// CREATE_BREAKAWAY_FROM_JOB is refused. DIE_ON_UNHANDLED_EXCEPTION keeps a
// crash dialog from holding the run open. The handle is not inheritable, so
// no process of the run can keep the job alive.
func newJob() (windows.Handle, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, fmt.Errorf("cannot create a job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{
			LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | windows.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION,
		},
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return 0, fmt.Errorf("cannot set the limits of the job object: %w", err)
	}
	return job, nil
}

// activeProcesses is the number of live processes in job.
func activeProcesses(job windows.Handle) (int, error) {
	var info jobAccounting
	if err := windows.QueryInformationJobObject(job, windows.JobObjectBasicAccountingInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)), nil); err != nil {
		return 0, fmt.Errorf("cannot query the job object: %w", err)
	}
	return int(info.ActiveProcesses), nil
}

// jobPids lists the pids of the processes in job. The list is a snapshot:
// it grows the buffer while the job reports more processes than fit.
func jobPids(job windows.Handle) ([]int, error) {
	n := 64
	for {
		// JOBOBJECT_BASIC_PROCESS_ID_LIST: two uint32 counts, then
		// ULONG_PTR pids; a []uintptr keeps the alignment right.
		buf := make([]uintptr, 1+n)
		err := windows.QueryInformationJobObject(job, windows.JobObjectBasicProcessIdList,
			uintptr(unsafe.Pointer(&buf[0])), uint32(len(buf))*uint32(unsafe.Sizeof(buf[0])), nil)
		assigned := int(*(*uint32)(unsafe.Pointer(&buf[0])))
		listed := int(*(*uint32)(unsafe.Add(unsafe.Pointer(&buf[0]), 4)))
		if errors.Is(err, windows.ERROR_MORE_DATA) || (err == nil && listed < assigned) {
			n = assigned + 16
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cannot list the processes of the job object: %w", err)
		}
		pids := make([]int, listed)
		for i := range pids {
			pids[i] = int(buf[1+i])
		}
		return pids, nil
	}
}

// processNames maps the pid of every process on the system to its
// executable's name, from one Toolhelp32 snapshot.
func processNames() map[int]string {
	names := make(map[int]string)
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return names
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err := windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		names[int(e.ProcessID)] = windows.UTF16ToString(e.ExeFile[:])
	}
	return names
}

// resumeProcess resumes every thread of a suspended process: NtResumeProcess
// (undocumented, but exported by ntdll since XP), else the documented
// thread walk. A variable so that the tests can force the fallback.
var resumeProcess = func(pid int, process windows.Handle) error {
	if err := procNtResumeProcess.Find(); err == nil {
		if status, _, _ := procNtResumeProcess.Call(uintptr(process)); status == 0 {
			return nil
		}
	}
	return resumeThreads(pid)
}

// resumeThreads resumes the threads of process pid found in a Toolhelp32
// snapshot. The snapshot holds every thread of the system (the pid argument
// is ignored for threads), so it filters on the owner, and it looks at the
// entry Thread32First returns too.
func resumeThreads(pid int) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return fmt.Errorf("cannot list threads: %w", err)
	}
	defer windows.CloseHandle(snap)
	var e windows.ThreadEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	resumed := 0
	for err := windows.Thread32First(snap, &e); err == nil; err = windows.Thread32Next(snap, &e) {
		if int(e.OwnerProcessID) != pid {
			continue
		}
		th, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, e.ThreadID)
		if err != nil {
			return fmt.Errorf("cannot open thread %d: %w", e.ThreadID, err)
		}
		_, err = windows.ResumeThread(th)
		windows.CloseHandle(th)
		if err != nil {
			return fmt.Errorf("cannot resume thread %d: %w", e.ThreadID, err)
		}
		resumed++
	}
	if resumed == 0 {
		return fmt.Errorf("cannot resume process %d: no thread found", pid)
	}
	return nil
}

// underWine reports whether this is Wine rather than Windows: ntdll then
// exports wine_get_version.
func underWine() bool { return procWineGetVersion.Find() == nil }

package exec

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func startSh(t *testing.T, script string, hold bool) *Process {
	t.Helper()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	p, err := Start(&Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", script}, Env: os.Environ(),
		Files: []*os.File{devnull, devnull, devnull}, Pgid: -1, HoldReap: hold})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestJobWaitDirect checks the foreground wait (Job.Wait without stops,
// which waits for each process itself) against the reaper's bookkeeping:
// statuses in order whatever order the processes end in, deaths by
// signal, held and already reaped processes, and nothing left behind.
func TestJobWaitDirect(t *testing.T) {
	slow := startSh(t, "sleep 0.2; exit 3", false)
	fast := startSh(t, "exit 4", false)
	killed := startSh(t, "kill -TERM $$", false)
	held := startSh(t, "exit 5", true)
	time.Sleep(50 * time.Millisecond) // fast has exited: the reaper may take it
	held.Release()
	j := NewJob("", 0, []*Process{slow, fast, killed, held})
	if st := j.Wait(false); st != Exited {
		t.Fatalf("state %v", st)
	}
	ws := j.Statuses()
	if ExitCode(ws[0]) != 3 || ExitCode(ws[1]) != 4 || ExitCode(ws[3]) != 5 {
		t.Errorf("statuses %v %v %v", ExitCode(ws[0]), ExitCode(ws[1]), ExitCode(ws[3]))
	}
	if !ws[2].Signaled() || ws[2].Signal() != syscall.SIGTERM {
		t.Errorf("killed: %v", ws[2])
	}
	for _, p := range j.Procs {
		select {
		case <-p.Done():
		default:
			t.Errorf("pid %d not done", p.Pid)
		}
		if p.State() != Exited {
			t.Errorf("pid %d state %v", p.Pid, p.State())
		}
	}
	if n := Children(); n != 0 {
		t.Errorf("%d children left", n)
	}
}

// TestJobWaitDuringBeforeReap: while the reaper runs a process's
// BeforeReap hook (unlocked), a foreground wait must not claim and reap
// the process too.
func TestJobWaitDuringBeforeReap(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	inHook, hookDone := make(chan struct{}), make(chan struct{})
	p, err := Start(&Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "exit 6"}, Env: os.Environ(),
		Files: []*os.File{devnull, devnull, devnull}, Pgid: -1,
		BeforeReap: func(*Process) {
			close(inHook)
			time.Sleep(100 * time.Millisecond)
			close(hookDone)
		}})
	if err != nil {
		t.Fatal(err)
	}
	p.Done() // starts the reaper
	<-inHook
	j := NewJob("", 0, []*Process{p})
	j.Wait(false)
	<-hookDone
	time.Sleep(50 * time.Millisecond) // the reaper finishes its poll
	if st := ExitCode(p.Status()); st != 6 {
		t.Errorf("status %d", st)
	}
}

// TestBeforeReapAlwaysRuns: the hook sees every traced process as a
// zombie, whenever it exits relative to the reaper's polls (a process
// exiting between the reaper's peek and its wait used to be reaped
// without the hook), and stops and continues of such a process are still
// reported.
func TestBeforeReapAlwaysRuns(t *testing.T) {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	const n = 200
	ran := make(chan int, n)
	var procs []*Process
	for i := range n {
		p, err := Start(&Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "exit 0"}, Env: os.Environ(),
			Files: []*os.File{devnull, devnull, devnull}, Pgid: -1,
			BeforeReap: func(p *Process) {
				if _, err := os.Stat("/proc/" + itoa(p.Pid)); err == nil {
					ran <- i
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	for _, p := range procs {
		<-p.Done()
	}
	if len(ran) != n {
		t.Errorf("hook saw %d of %d zombies", len(ran), n)
	}

	stopped := make(chan struct{}, 1)
	p, err := Start(&Cmd{Path: "/bin/sh", Args: []string{"sh", "-c", "kill -STOP $$; exit 7"}, Env: os.Environ(),
		Files: []*os.File{devnull, devnull, devnull}, Pgid: -1,
		BeforeReap: func(*Process) { stopped <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.State() != Stopped {
		if time.Now().After(deadline) {
			t.Fatalf("state %v, want stopped", p.State())
		}
		time.Sleep(5 * time.Millisecond)
	}
	syscall.Kill(p.Pid, syscall.SIGCONT)
	<-p.Done()
	if ExitCode(p.Status()) != 7 || len(stopped) != 1 {
		t.Errorf("status %d, hook ran %d times", ExitCode(p.Status()), len(stopped))
	}
}

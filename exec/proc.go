package exec

import (
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A Cmd describes one child process before it starts.
type Cmd struct {
	Path string   // resolved path of the program
	Args []string // argv, Args[0] included
	Env  []string // complete environment
	Dir  string   // working directory; "" means the shell's

	// Files is the child's fd table: Files[i] becomes fd i. A nil entry
	// leaves that fd closed in the child. The caller keeps ownership.
	Files []*os.File

	// Pgid chooses the process group: -1 stays in the shell's group,
	// 0 makes the child the leader of a new group, >0 joins that group.
	Pgid int
	// Foreground hands the terminal Ctty to the child's group before exec.
	Foreground bool
	Ctty       int

	// HoldReap keeps the reaper from reaping this process until Release is
	// called: a pipeline's group leader must outlive the start of its last
	// stage, or joining its group fails with EPERM.
	HoldReap bool

	// BeforeReap, if set, is called by the reaper once the process has
	// exited but before it is reaped, while /proc/PID still exists.
	BeforeReap func(p *Process)
}

// State is where a process is in its life.
type State int

const (
	Running State = iota
	Stopped
	Exited
)

// A Process is a started child. Its fields below the line change under the
// reaper's lock; read them through the methods.
type Process struct {
	Pid  int
	Args []string

	done       chan struct{} // closed when the process has been reaped
	beforeReap func(*Process)
	hold       bool
	claimed    bool // a waiter blocks in wait4 for it; the reaper skips it
	inHook     bool // the reaper runs its BeforeReap, unlocked: not claimable
	state      State
	status     syscall.WaitStatus
	rusage     syscall.Rusage
	started    time.Time
	ended      time.Time
	listeners  []chan<- struct{}
}

// Done returns a channel closed once the process has exited and been reaped.
func (p *Process) Done() <-chan struct{} {
	reaper.init()
	return p.done
}

// Wait blocks until the process has exited and returns its wait status.
func (p *Process) Wait() syscall.WaitStatus {
	reaper.init()
	<-p.done
	return p.Status()
}

// Status returns the last wait status the reaper recorded.
func (p *Process) Status() syscall.WaitStatus {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return p.status
}

// State returns whether the process runs, is stopped or has exited.
func (p *Process) State() State {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return p.state
}

// Rusage returns the resources the process used; valid once it exited.
func (p *Process) Rusage() syscall.Rusage {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return p.rusage
}

// Times returns when the process started and, once exited, when it ended.
func (p *Process) Times() (start, end time.Time) {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return p.started, p.ended
}

// Notify asks the reaper to send on c (without blocking) whenever this
// process changes state. c should have a buffer of one.
func (p *Process) Notify(c chan<- struct{}) {
	reaper.mu.Lock()
	p.listeners = append(p.listeners, c)
	reaper.mu.Unlock()
}

// Release lets the reaper reap a process started with HoldReap.
func (p *Process) Release() {
	reaper.mu.Lock()
	p.hold = false
	reaper.mu.Unlock()
	reaper.poke()
}

// ExitCode converts a wait status into a shell status: the exit code, or
// 128+n for a process killed by signal n, or 128+n for a stopped one.
func ExitCode(ws syscall.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	case ws.Stopped():
		return 128 + int(ws.StopSignal())
	}
	return 0
}

// reaperState is the single owner of all children started by Start.
//
// It starts listening for SIGCHLD only once something waits for a child
// asynchronously (Done, Wait, a job added to a Table, Job.Changed, or a
// job wait that must report stops): a script that only runs foreground
// commands reaps each one directly (Job.Wait) and never pays for the
// signal's trip through os/signal and the reaper goroutine. Children that
// exited before it started are found by its first poll.
type reaperState struct {
	mu    sync.Mutex
	procs map[int]*Process
	once  sync.Once
	wake  chan os.Signal
	// ordered receives the other signals the reaper's goroutine handles,
	// in arrival order with the SIGCHLDs (see NotifyOrdered).
	orderedMu sync.Mutex
	ordered   func(syscall.Signal)
}

var reaper = reaperState{procs: make(map[int]*Process)}

func (r *reaperState) init() {
	r.once.Do(func() {
		// Room for a few other signals besides SIGCHLD: os/signal drops
		// what does not fit.
		r.wake = make(chan os.Signal, 16)
		// Catch, never ignore: a caught signal is reset to default in
		// children, an ignored one would be inherited.
		signal.Notify(r.wake, syscall.SIGCHLD)
		go r.loop()
		r.poke() // children that exited before the signal was caught
	})
}

func (r *reaperState) poke() {
	select {
	case r.wake <- syscall.SIGCHLD:
	default:
	}
}

func (r *reaperState) loop() {
	for sig := range r.wake {
		if sig != syscall.SIGCHLD {
			r.orderedMu.Lock()
			f := r.ordered
			r.orderedMu.Unlock()
			if f != nil {
				f(sig.(syscall.Signal))
			}
			continue
		}
		r.poll()
	}
}

// NotifyOrdered has f called, on the reaper's goroutine, for each of sigs
// that arrives, before the reaper records any exit that happened after
// it. A shell learns this way that a SIGINT from the terminal reached it
// before it sees its child die: the kernel sent both at once, but
// separate goroutines could handle them in either order. Signals are
// caught with signal.Notify. A later call replaces f and adds sigs; it
// can also re-register signals that signal.Reset dropped.
func NotifyOrdered(f func(syscall.Signal), sigs ...syscall.Signal) {
	reaper.init()
	reaper.orderedMu.Lock()
	reaper.ordered = f
	reaper.orderedMu.Unlock()
	for _, sig := range sigs {
		signal.Notify(reaper.wake, sig)
	}
}

// poll collects every state change of every known process.
func (r *reaperState) poll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for pid, p := range r.procs {
		if p.hold || p.claimed {
			continue
		}
		for {
			if p.beforeReap != nil {
				// Peek first: the tracer reads /proc/PID of the zombie.
				var info unix.Siginfo
				err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
				if err == nil && info.Signo != 0 {
					f := p.beforeReap
					p.beforeReap = nil
					p.inHook = true
					r.mu.Unlock()
					f(p)
					r.mu.Lock()
					p.inHook = false
				} else if err == nil {
					// Not exited at the peek. A wait4 now would reap an
					// exit that came in between without the hook, so
					// only stops and continues are taken, by a waitid
					// that cannot reap.
					ws, ok, err := waitStopCont(pid)
					if err == syscall.EINTR {
						continue
					}
					if !ok {
						break
					}
					p.status = ws
					p.state = Stopped
					if ws.Continued() {
						p.state = Running
					}
					p.notify()
					continue
				}
			}
			var ws syscall.WaitStatus
			var ru syscall.Rusage
			got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG|syscall.WUNTRACED|syscall.WCONTINUED, &ru)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				// ECHILD: someone else reaped it; treat as gone.
				p.state = Exited
				p.ended = time.Now()
				delete(r.procs, pid)
				close(p.done)
				p.notify()
				break
			}
			if got == 0 {
				break
			}
			p.status = ws
			switch {
			case ws.Stopped():
				p.state = Stopped
			case ws.Continued():
				p.state = Running
			default:
				p.state = Exited
				p.rusage = ru
				p.ended = time.Now()
				delete(r.procs, pid)
				close(p.done)
			}
			p.notify()
			if p.state == Exited {
				break
			}
		}
	}
}

// claim takes p from the reaper for a direct wait, unless the reaper must
// handle it (held, traced, already reaped or claimed).
func (p *Process) claim() bool {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if p.state == Exited || p.hold || p.claimed || p.inHook || p.beforeReap != nil {
		return false
	}
	p.claimed = true
	return true
}

// waitClaimed blocks in wait4 until the claimed p exits, then records it
// as the reaper would. Waiting in the waiter's own thread saves the
// SIGCHLD -> reaper goroutine -> channel hand-off on every foreground
// command; stops are not reported (only Job.Wait without stops claims).
func (p *Process) waitClaimed() {
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	var err error
	for {
		_, err = syscall.Wait4(p.Pid, &ws, 0, &ru)
		if err != syscall.EINTR {
			break
		}
	}
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if err == nil {
		p.status = ws
		p.rusage = ru
	}
	p.state = Exited
	p.ended = time.Now()
	delete(reaper.procs, p.Pid)
	close(p.done)
	p.notify()
}

func (p *Process) notify() {
	for _, c := range p.listeners {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// ErrNoFile is returned for a Cmd whose program could not be found.
var ErrNoFile = errors.New("no such file")

// Start forks and execs c. On success the reaper owns the new process.
func Start(c *Cmd) (*Process, error) {
	files := make([]uintptr, len(c.Files))
	for i, f := range c.Files {
		if f == nil {
			files[i] = ^uintptr(0) // closed in the child
		} else {
			files[i] = f.Fd()
		}
	}
	sys := &syscall.SysProcAttr{}
	if c.Pgid >= 0 {
		sys.Setpgid = true
		sys.Pgid = c.Pgid
		if c.Foreground {
			sys.Foreground = true
			sys.Ctty = c.Ctty
		}
	}
	attr := &syscall.ProcAttr{Dir: c.Dir, Env: c.Env, Files: files, Sys: sys}
	reaper.mu.Lock()
	var pid int
	var err error
	if c.Pgid >= 0 {
		pid, err = forkExecUnstuck(c.Path, c.Args, attr)
	} else {
		pid, err = syscall.ForkExec(c.Path, c.Args, attr)
	}
	if err != nil {
		reaper.mu.Unlock()
		return nil, err
	}
	p := &Process{Pid: pid, Args: c.Args, done: make(chan struct{}), hold: c.HoldReap,
		beforeReap: c.BeforeReap, started: time.Now()}
	reaper.procs[pid] = p
	reaper.mu.Unlock()
	return p, nil
}

// Signal sends sig to the process if it has not been reaped yet.
func (p *Process) Signal(sig syscall.Signal) error {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	if p.state == Exited {
		return os.ErrProcessDone
	}
	return syscall.Kill(p.Pid, sig)
}

// Children returns how many started processes have not been reaped yet.
func Children() int {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return len(reaper.procs)
}

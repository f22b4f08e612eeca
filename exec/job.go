package exec

import (
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
)

// A Job is one pipeline's processes, started together, in one process
// group when job control is on (Pgid > 0).
type Job struct {
	ID    int    // number in the Table, 0 until added
	Pgid  int    // process group, 0 when the job shares the shell's
	Text  string // the command line, for notices
	Procs []*Process

	changed chan struct{} // one wake-up per state change of any process

	// Leader is the group leader held unreaped while the pipeline starts.
	Leader *Process

	// Rest, if set, waits for the parts of the job that run inside the
	// shell (pipeline stages on goroutines); the shell calls it once the
	// processes are done.
	Rest func()

	// Reported is set by the shell once a Done/Stopped notice is printed.
	Reported State
	Notified bool
	// NoHangup (disown -h) keeps the job out of the shell's hangup.
	NoHangup atomic.Bool
}

// NewJob makes a job of started processes.
func NewJob(text string, pgid int, procs []*Process) *Job {
	j := &Job{Text: text, Pgid: pgid, Procs: procs, changed: make(chan struct{}, 1), Reported: Running}
	for _, p := range procs {
		p.Notify(j.changed)
	}
	return j
}

// State is Exited when every process exited, Stopped when none runs and
// some are stopped, else Running.
func (j *Job) State() State {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	return j.stateLocked()
}

func (j *Job) stateLocked() State {
	stopped, running := false, false
	for _, p := range j.Procs {
		switch p.state {
		case Running:
			running = true
		case Stopped:
			stopped = true
		}
	}
	switch {
	case running:
		return Running
	case stopped:
		return Stopped
	}
	return Exited
}

// Wait blocks until every process exited, or, with stops true, until the
// job stopped. It returns the job's state then.
func (j *Job) Wait(stops bool) State {
	if !stops {
		// Nothing to report before every process exited: wait for each
		// directly, in order; the reaper still takes those it holds or
		// traces, and any that exit while we wait for an earlier one.
		for _, p := range j.Procs {
			if p.claim() {
				p.waitClaimed()
			}
		}
	}
	if j.State() == Exited {
		return Exited
	}
	reaper.init()
	for {
		st := j.State()
		if st == Exited || (stops && st == Stopped) {
			return st
		}
		<-j.changed
	}
}

// Notify asks for a send on c (without blocking) at each state change of
// any of the job's processes, until StopNotify(c). c should have a buffer.
func (j *Job) Notify(c chan<- struct{}) {
	for _, p := range j.Procs {
		p.Notify(c)
	}
}

// StopNotify undoes Notify(c).
func (j *Job) StopNotify(c chan<- struct{}) {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	for _, p := range j.Procs {
		for i, l := range p.listeners {
			if l == c {
				p.listeners = append(p.listeners[:i:i], p.listeners[i+1:]...)
				break
			}
		}
	}
}

// Changed returns a channel that receives after each state change.
func (j *Job) Changed() <-chan struct{} {
	reaper.init()
	return j.changed
}

// Statuses returns every process's wait status, in pipeline order.
func (j *Job) Statuses() []syscall.WaitStatus {
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	ws := make([]syscall.WaitStatus, len(j.Procs))
	for i, p := range j.Procs {
		ws[i] = p.status
	}
	return ws
}

// Signal sends sig to the job's process group, or to each of its
// processes when it has no group of its own.
func (j *Job) Signal(sig syscall.Signal) error {
	if j.Pgid > 0 {
		return syscall.Kill(-j.Pgid, sig)
	}
	var first error
	for _, p := range j.Procs {
		if err := p.Signal(sig); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Continue sends SIGCONT to the job and counts its stopped processes as
// running from now on, so that the shell, which reports the change at
// once, does not see a stale Stopped before the reaper hears of it.
func (j *Job) Continue() error {
	// Under the reaper's lock, so a stop that follows the continue is
	// recorded after it.
	reaper.mu.Lock()
	defer reaper.mu.Unlock()
	var err error
	if j.Pgid > 0 {
		err = syscall.Kill(-j.Pgid, syscall.SIGCONT)
	} else {
		for _, p := range j.Procs {
			if p.state != Exited {
				if e := syscall.Kill(p.Pid, syscall.SIGCONT); e != nil && err == nil {
					err = e
				}
			}
		}
	}
	if err != nil {
		return err
	}
	for _, p := range j.Procs {
		if p.state == Stopped {
			p.state = Running
		}
	}
	return nil
}

// A Table numbers the shell's jobs and tracks the current (%+) and
// previous (%-) one. It is safe for concurrent use.
type Table struct {
	mu   sync.Mutex
	jobs map[int]*Job
	// order of use, most recent last: its last is %+, the one before %-.
	order []int
}

// Clone returns a copy of the table holding the same jobs: a subshell
// lists its parent's jobs (jobs -p | ..., $(jobs)) without changing them.
func (t *Table) Clone() *Table {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := &Table{jobs: make(map[int]*Job, len(t.jobs)), order: append([]int(nil), t.order...)}
	for id, j := range t.jobs {
		c.jobs[id] = j
	}
	return c
}

// NewTable returns an empty job table.
func NewTable() *Table { return &Table{jobs: make(map[int]*Job)} }

// Add numbers j with the lowest free id above all used ones and makes it
// the current job.
func (t *Table) Add(j *Job) int {
	reaper.init() // a job in the table is watched asynchronously
	t.mu.Lock()
	defer t.mu.Unlock()
	id := 1
	for k := range t.jobs {
		if k >= id {
			id = k + 1
		}
	}
	j.ID = id
	t.jobs[id] = j
	t.order = append(t.order, id)
	return id
}

// MakeCurrent makes j the current job (%+).
func (t *Table) MakeCurrent(j *Job) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.touch(j.ID)
}

func (t *Table) touch(id int) {
	for i, k := range t.order {
		if k == id {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
	t.order = append(t.order, id)
}

// Remove drops j from the table.
func (t *Table) Remove(j *Job) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.jobs, j.ID)
	for i, k := range t.order {
		if k == j.ID {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
}

// Jobs returns the jobs sorted by id.
func (t *Table) Jobs() []*Job {
	t.mu.Lock()
	defer t.mu.Unlock()
	js := make([]*Job, 0, len(t.jobs))
	for _, j := range t.jobs {
		js = append(js, j)
	}
	sort.Slice(js, func(a, b int) bool { return js[a].ID < js[b].ID })
	return js
}

// Current returns the %+ and %- jobs (either may be nil).
func (t *Table) Current() (cur, prev *Job) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// A stopped job is preferred as current, as in bash.
	n := len(t.order)
	if n > 0 {
		cur = t.jobs[t.order[n-1]]
	}
	if n > 1 {
		prev = t.jobs[t.order[n-2]]
	}
	return cur, prev
}

// Get returns the job with id, or nil.
func (t *Table) Get(id int) *Job {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.jobs[id]
}

// ByPid returns the job that has a process with pid, or nil.
func (t *Table) ByPid(pid int) *Job {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, j := range t.jobs {
		for _, p := range j.Procs {
			if p.Pid == pid {
				return j
			}
		}
	}
	return nil
}

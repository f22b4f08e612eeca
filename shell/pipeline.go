package shell

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"syscall"
	"time"

	"gosh/exec"

	"mvdan.cc/sh/v3/expand"

	"mvdan.cc/sh/v3/syntax"
)

// flatten turns the left-nested ((a | b) | c) into stages [a b c];
// errToo[i] is set when stage i is joined to the next by |&.
func flatten(c syntax.Command) (stages []*syntax.Stmt, errToo []bool) {
	var walk func(st *syntax.Stmt)
	walk = func(st *syntax.Stmt) {
		if b, ok := st.Cmd.(*syntax.BinaryCmd); ok && len(st.Redirs) == 0 && !st.Negated && !st.Background &&
			(b.Op == syntax.Pipe || b.Op == syntax.PipeAll) {
			walk(b.X)
			errToo[len(errToo)-1] = b.Op == syntax.PipeAll
			walk(b.Y)
			return
		}
		stages = append(stages, st)
		errToo = append(errToo, false)
	}
	b := c.(*syntax.BinaryCmd)
	walk(b.X)
	errToo[len(errToo)-1] = b.Op == syntax.PipeAll
	walk(b.Y)
	return stages, errToo
}

// A stage is one pipeline element being set up: its subshell runner and,
// once started, its process or its goroutine's result.
type stage struct {
	st     *syntax.Stmt
	sub    *Runner
	args   []string // expanded argv when the stage is a simple command
	ready  bool     // args expanded and redirections applied
	proc   *exec.Process
	done   chan int // status of an in-process stage
	fail   int      // status when the stage failed before starting
	failed bool

	// inline, if set, runs the in-process stage on the caller's goroutine
	// (finishPipeline does, before waiting for any stage).
	inline func()
}

// jobControl reports whether this runner manages its children as jobs:
// `set -m` in the gosh process that owns the terminal.
func (r *Runner) jobControl() bool {
	return r.opts.Monitor && r.sh.term != nil
}

// monitorJobs reports whether a new foreground pipeline gets a process
// group of its own: under job control, unless this runner is a stage
// inside another pipeline's group.
func (r *Runner) monitorJobs() bool {
	return r.jobControl() && r.pgroup == -1 && r.fg
}

// childPgroup is the process group for a foreground child started by
// this runner (see Cmd.Pgid).
func (r *Runner) childPgroup() int {
	if r.monitorJobs() {
		return 0
	}
	return r.pgroup
}

// pipeline runs a | b | c: every stage a subshell, external stages real
// processes joined by kernel pipes made here, builtins and compound
// commands on goroutines that stream through the same pipes.
func (r *Runner) pipeline(bc *syntax.BinaryCmd, bg bool) int {
	stmts, errToo := flatten(bc)
	stmts, tc, status := r.traceRequest(stmts)
	if status != 0 {
		return status
	} else if tc != nil && !bg {
		return r.tracePipeline(tc, stmts, errToo, "")
	}
	stages, job := r.startPipeline(stmts, errToo, bg)
	if bg {
		r.addBackground(job, bc)
		return 0
	}
	return r.finishPipeline(stages, job)
}

// startPipeline makes the pipes and starts every stage. job is nil when
// no stage is an external process.
func (r *Runner) startPipeline(stmts []*syntax.Stmt, errToo []bool, bg bool) ([]*stage, *exec.Job) {
	n := len(stmts)
	stages := make([]*stage, n)
	var prevRead *fdRef
	// shopt -s lastpipe without job control: the last stage runs in this
	// shell (its sub only carries the fd table), while the others run
	// beside it and so must not share the maps it writes in place.
	lastInShell := n > 1 && !bg && r.opts.LastPipe && !r.opts.Monitor
	for i, st := range stmts {
		sub := r.subshellCopy()
		if lastInShell && i < n-1 {
			sub.hash = maps.Clone(r.hash)
			r.funcsShared = true
		}
		if i > 0 {
			sub.fds.set(0, prevRead)
			prevRead = nil
		} else if bg && !r.opts.Monitor {
			// POSIX: a background job's stdin is /dev/null without job control.
			if f, err := exec.Open(os.DevNull, syscall.O_RDONLY, 0); err == nil {
				sub.fds.set(0, newFdRef(f))
			}
		}
		if i < n-1 {
			pr, pw, err := r.stagePipe(st)
			if err != nil {
				r.errf("pipe: %v", unwrapSyscall(err))
				sub.fds.release()
				for _, s := range stages[:i] {
					if s != nil && s.sub != nil {
						s.sub.fds.release()
					}
				}
				return nil, nil
			}
			r.sh.hooks.newPipe(pr, pw)
			pr = r.tracer.Relay(i, pr, pw)
			w := newFdRef(pw)
			if errToo[i] {
				sub.fds.set(2, w.ref())
			}
			sub.fds.set(1, w)
			prevRead = newFdRef(pr)
		}
		stages[i] = &stage{st: st, sub: sub}
	}

	// Pass 1: start the external stages, in order, so the first becomes
	// the group leader and the terminal's owner.
	pgid := r.childPgroup()
	if bg {
		pgid = -1
		if r.opts.Monitor && r.subshell == 0 {
			pgid = 0
		}
	}
	var procs []*exec.Process
	var leader *exec.Process
	for i, s := range stages {
		s.sub.pgroup = pgid
		s.sub.fg = !bg && r.fg
		s.sub.hold = pgid == 0 && leader == nil
		if lastInShell && i == n-1 || !r.prepareStage(s) {
			continue
		}
		s.sub.startHook = r.tracer.Hook(i)
		p, status := s.sub.startExternal(s.args, pgid, !bg && r.fg)
		s.sub.hold, s.sub.startHook = false, nil
		r.tracer.Started(i, p)
		s.sub.fds.release()
		if p == nil {
			s.failed, s.fail = true, status
			continue
		}
		s.proc = p
		s.sub.vars.release() // the stage runs no shell code
		procs = append(procs, p)
		if pgid == 0 {
			pgid = p.Pid
			leader = p
		}
	}
	// Pass 2: in-process stages on goroutines, joining the group. In the
	// foreground the last of them is left to finishPipeline, on this
	// goroutine: one goroutine start and hand-off fewer per pipeline.
	// Not under job control, where a stopped job must give the terminal
	// back while its in-shell stages still run.
	last := -1
	for i, s := range stages {
		if !bg && !r.jobControl() && s.proc == nil && !s.failed {
			last = i
		}
	}
	for i, s := range stages {
		if s.proc != nil || s.failed {
			continue
		}
		tr := r.tracer
		tr.InProcess(i)
		if hook := tr.ChildHook(i); hook != nil {
			s.sub.childHook = hook
		}
		s.sub.pgroup = pgid
		if pgid == 0 {
			s.sub.pgroup = -1
		}
		s.sub.fg = false
		s.done = make(chan int, 1)
		run := func(s *stage) {
			sub := s.sub
			sub.guard(func() {
				if s.ready {
					sub.lastStatus = sub.run(s.args)
				} else {
					sub.lastStatus = sub.stmtSync(s.st)
				}
			})
			status := sub.finishSubshell()
			tr.Ended(i)
			s.done <- status
		}
		if lastInShell && i == n-1 {
			s.inline = func() { s.done <- r.lastPipeStage(s); tr.Ended(i) }
			continue
		}
		if i == last {
			s.inline = func() { run(s) }
			continue
		}
		go run(s)
	}
	if len(procs) == 0 {
		return stages, nil
	}
	text := ""
	if bg || r.opts.Monitor {
		text = stmtsText(stmts)
	}
	job := exec.NewJob(text, max(pgid, 0), procs)
	job.Leader = leader
	return stages, job
}

// lastPipeStage runs the last stage of a pipeline in r itself (shopt -s
// lastpipe), reading the pipe its subshell copy's fd table holds.
func (r *Runner) lastPipeStage(s *stage) int {
	s.sub.vars.release()
	saved := r.fds
	r.fds = s.sub.fds
	status := r.stmtSync(s.st)
	r.fds.release()
	r.fds = saved
	return status
}

// prepareStage expands a simple-command stage in its subshell and applies
// its redirections; it reports whether the stage names an external
// program that can be started directly.
func (r *Runner) prepareStage(s *stage) bool {
	ce, ok := s.st.Cmd.(*syntax.CallExpr)
	if !ok || s.st.Negated || len(ce.Args) == 0 || s.sub.aliasApplies(ce) {
		return false
	}
	sub := s.sub
	args, err := sub.fields(ce.Args...) // words before redirections, as in sh
	if err != nil {
		s.failed, s.fail = true, sub.expandError(err)
		sub.fds.release()
		return false
	}
	if sub.opts.Xtrace && len(args) > 0 {
		sub.trace(quoteArgs(args)) // before the redirections, as in bash
	}
	if len(s.st.Redirs) > 0 {
		if status := sub.redirect(&sub.fds, s.st.Redirs, false); status != 0 {
			s.failed, s.fail = true, status
			sub.fds.release()
			return false
		}
	}
	for _, as := range ce.Assigns {
		if err := sub.assignTraced(as, false); err != nil {
			s.failed, s.fail = true, sub.assignError(err)
			sub.fds.release()
			return false
		}
		sub.vars.set(as.Name.Value, exportedCopy(sub.vars.get(as.Name.Value)))
	}
	if len(args) == 0 {
		s.args, s.ready = nil, false
		return false
	}
	s.args, s.ready = args, true
	name := args[0]
	if sub.funcs[name] != nil || builtins[name] != nil {
		return false
	}
	return true
}

// finishPipeline waits for every stage and sets $? and PIPESTATUS. Under
// job control the job may stop instead (Ctrl-Z): it then stays in the job
// table with its in-shell stages still running, $? is 148, and fg or wait
// collects the rest.
func (r *Runner) finishPipeline(stages []*stage, job *exec.Job) int {
	if stages == nil {
		return 1
	}
	for _, s := range stages {
		if s.inline != nil {
			s.inline() // before anything waits (see startPipeline)
		}
	}
	if job == nil {
		return r.pipelineStatus(stages, nil)
	}
	if job.Leader != nil {
		job.Leader.Release()
	}
	// Every stage that runs in the shell must be done before the job
	// counts as finished; a stopped job leaves them running.
	inShell := make(chan int, len(stages))
	pending := 0
	for _, s := range stages {
		if s.done != nil {
			pending++
			go func(s *stage) {
				st := <-s.done
				s.done <- st // keep it for pipelineStatus
				inShell <- 0
			}(s)
		}
	}
	job.Rest = func() {
		for ; pending > 0; pending-- {
			<-inShell
		}
	}
	if r.waitJob(job) {
		return stopStatus(job)
	}
	job.Rest()
	return r.pipelineStatus(stages, job)
}

// pipelineStatus collects the stages' statuses into PIPESTATUS and
// returns the pipeline's: the last stage's, or under pipefail the
// rightmost failure.
func (r *Runner) pipelineStatus(stages []*stage, job *exec.Job) int {
	statuses := make([]int, len(stages))
	for i, s := range stages {
		switch {
		case s.failed:
			statuses[i] = s.fail
		case s.done != nil:
			statuses[i] = <-s.done
		case s.proc != nil:
			statuses[i] = exec.ExitCode(s.proc.Wait())
			s.sub.waitProcSubsts()
		}
	}
	r.pipeStatus = statuses
	status := statuses[len(statuses)-1]
	if r.opts.Pipefail {
		for _, st := range statuses {
			if st != 0 {
				status = st
			}
		}
	}
	return status
}

// waitForeground waits for processes started as one foreground job in
// process group pgid (0: the first process leads a new group, -1: the
// shell's group).
func (r *Runner) waitForeground(procs []*exec.Process, args []string, pgid int) int {
	switch {
	case pgid == 0:
		pgid = procs[0].Pid
	case pgid < 0:
		pgid = 0
	}
	text := ""
	if r.opts.Monitor {
		text = quoteArgs(args)
	}
	job := exec.NewJob(text, pgid, procs)
	if r.waitJob(job) {
		return stopStatus(job)
	}
	return exec.ExitCode(procs[len(procs)-1].Status())
}

// waitJob waits for a foreground job to exit or, when this runner made its
// process group under job control, to stop; then the shell takes the
// terminal back. A stopped job goes into the job table with a notice, and
// waitJob reports true.
func (r *Runner) waitJob(job *exec.Job) (stopped bool) {
	owner := r.monitorJobs() && job.Pgid > 0
	st := r.waitState(job, owner)
	if owner {
		if st == exec.Exited && !jobSignaled(job) {
			// A program that exits normally may change the settings
			// on purpose (stty); keep them, as bash does.
			r.sh.term.SaveModes()
		}
		r.sh.term.TakeBack()
	}
	if st == exec.Stopped {
		if job.ID == 0 {
			r.sh.jobs.Add(job)
		} else {
			r.sh.jobs.MakeCurrent(job)
		}
		job.Reported = exec.Stopped
		fmt.Fprintf(r.fds.writer(2), "\n[%d]+  %-22s  %s\n", job.ID, r.jobStateText(job), job.Text)
		return true
	}
	r.noteSignals(job)
	r.afterForegroundWait(job)
	return false
}

// waitState waits until the job exited or, with stops, stopped. A watched
// terminating signal other than SIGINT ends the shell meanwhile (its
// EXIT trap runs first); trap handlers wait until the job is done.
func (r *Runner) waitState(job *exec.Job, stops bool) exec.State {
	s := &r.sh.sigs
	s.fgWait.Add(1)
	defer func() {
		s.fgEndedByInt.Store(jobSignaledBy(job, syscall.SIGINT))
		s.fgEnded.Store(time.Now().UnixNano())
		s.fgWait.Add(-1)
	}()
	if !stops && s.trapped.Load() == 0 && !s.exitTrap.Load() {
		// Nothing can need this goroutine before the job ends (with no
		// trap and no EXIT trap, a watched signal ends the shell from
		// the reaper, see mustDieNow): reap the children directly,
		// saving the reaper -> channel hand-off per command.
		return job.Wait(false)
	}
	for {
		st := job.State()
		if st == exec.Exited || (stops && st == exec.Stopped) {
			return st
		}
		// A signal may have arrived before this wait began (while the
		// job was starting): its wake-up is gone, so look first.
		if sig := r.pendingDeath(); sig != 0 {
			r.dieOfSignal(sig)
		}
		select {
		case <-job.Changed():
		case <-s.wake():
			if sig := r.pendingDeath(); sig != 0 {
				r.dieOfSignal(sig)
			}
		}
	}
}

// stopStatus is the status of a stopped job: 128 plus the signal that
// stopped it (148 for Ctrl-Z).
func stopStatus(job *exec.Job) int {
	for _, ws := range job.Statuses() {
		if ws.Stopped() {
			return exec.ExitCode(ws)
		}
	}
	return 128 + int(syscall.SIGTSTP)
}

// jobSignaledBy reports whether a process of job was killed by sig.
func jobSignaledBy(job *exec.Job, sig syscall.Signal) bool {
	for _, ws := range job.Statuses() {
		if ws.Signaled() && ws.Signal() == sig {
			return true
		}
	}
	return false
}

func jobSignaled(job *exec.Job) bool {
	for _, ws := range job.Statuses() {
		if ws.Signaled() {
			return true
		}
	}
	return false
}

// noteSignals reacts to a finished foreground job's deaths by signal: a
// child killed by SIGINT interrupts the shell's own loops, as in sh, and
// an interactive shell names other fatal signals as bash does.
func (r *Runner) noteSignals(job *exec.Job) {
	ws := job.Statuses()
	for i, w := range ws {
		if !w.Signaled() {
			continue
		}
		switch w.Signal() {
		case syscall.SIGINT:
			if r.opts.Interactive || r.subshell > 0 {
				r.sh.interrupt()
			}
			if r.opts.Interactive && r.subshell == 0 && i == len(ws)-1 {
				// The terminal echoed ^C; start the prompt on a new line.
				fmt.Fprintln(r.fds.writer(2))
			}
		case syscall.SIGPIPE:
		default:
			if r.opts.Interactive && i == len(ws)-1 {
				msg := signalText(w.Signal())
				if w.CoreDump() {
					msg += " (core dumped)"
				}
				fmt.Fprintln(r.fds.writer(2), msg)
			}
		}
	}
}

// stmtsText prints stages back as the job's command text.
func stmtsText(stmts []*syntax.Stmt) string {
	var parts []string
	for _, st := range stmts {
		parts = append(parts, nodeText(st))
	}
	return strings.Join(parts, " | ")
}

func nodeText(n syntax.Node) string {
	var b strings.Builder
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, n)
	return strings.TrimSpace(b.String())
}

// exportedCopy marks v exported (prefix assignments of a command).
func exportedCopy(v expand.Variable) expand.Variable {
	v.Exported = true
	return v
}

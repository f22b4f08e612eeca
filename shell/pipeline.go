package shell

import (
	"fmt"
	"os"
	"strings"
	"syscall"

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
}

// monitorJobs reports whether new pipelines get their own process group.
func (r *Runner) monitorJobs() bool {
	return r.opts.Monitor && r.subshell == 0 && r.sh.term != nil
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
	for i, st := range stmts {
		sub := r.subshellCopy()
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
	pgid := -1
	if r.monitorJobs() || (bg && r.opts.Monitor && r.subshell == 0) {
		pgid = 0
	} else if r.subshell > 0 {
		pgid = r.pgroup
	}
	var procs []*exec.Process
	var leader *exec.Process
	for i, s := range stages {
		s.sub.pgroup = pgid
		s.sub.fg = !bg && r.fg
		s.sub.hold = pgid == 0 && leader == nil
		if !r.prepareStage(s) {
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
		procs = append(procs, p)
		if pgid == 0 {
			pgid = p.Pid
			leader = p
		}
	}
	// Pass 2: in-process stages on goroutines, joining the group.
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
		go func(s *stage) {
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
		}(s)
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
	if len(s.st.Redirs) > 0 {
		if status := sub.redirect(&sub.fds, s.st.Redirs, false); status != 0 {
			s.failed, s.fail = true, status
			sub.fds.release()
			return false
		}
	}
	for _, as := range ce.Assigns {
		if err := sub.assign(as, false); err != nil {
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
	if sub.opts.Xtrace {
		sub.trace(quoteArgs(args))
	}
	s.args, s.ready = args, true
	name := args[0]
	if sub.funcs[name] != nil || builtins[name] != nil {
		return false
	}
	return true
}

// finishPipeline waits for every stage and sets $? and PIPESTATUS.
func (r *Runner) finishPipeline(stages []*stage, job *exec.Job) int {
	if stages == nil {
		return 1
	}
	statuses := make([]int, len(stages))
	// In-process stages first: they may feed external ones.
	for i, s := range stages {
		switch {
		case s.failed:
			statuses[i] = s.fail
		case s.done != nil:
			statuses[i] = <-s.done
		}
	}
	if job != nil {
		if job.Leader != nil {
			job.Leader.Release()
		}
		r.waitJob(job)
		for i, s := range stages {
			if s.proc != nil {
				statuses[i] = exec.ExitCode(s.proc.Status())
				s.sub.waitProcSubsts()
			}
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

// waitForeground waits for processes started as one foreground job.
func (r *Runner) waitForeground(procs []*exec.Process, args []string) int {
	pgid := 0
	if r.pgroup == 0 && len(procs) > 0 {
		pgid = procs[0].Pid
	} else if r.pgroup > 0 {
		pgid = r.pgroup
	}
	text := ""
	if r.opts.Monitor {
		text = quoteArgs(args)
	}
	job := exec.NewJob(text, pgid, procs)
	r.waitJob(job)
	st := exec.ExitCode(procs[len(procs)-1].Status())
	if job.State() == exec.Stopped {
		return st
	}
	return st
}

// waitJob waits for a foreground job to exit or, under job control, stop;
// then the shell takes the terminal back.
func (r *Runner) waitJob(job *exec.Job) {
	stops := r.monitorJobs()
	st := job.Wait(stops)
	if r.sh.term != nil && job.Pgid > 0 && r.subshell == 0 {
		r.sh.term.TakeBack()
	}
	if st == exec.Stopped {
		r.jobs.Add(job)
		job.Reported = exec.Stopped
		fmt.Fprintf(r.fds.writer(2), "\n[%d]+  Stopped                 %s\n", job.ID, job.Text)
		return
	}
	// A child killed by SIGINT interrupts the shell's own loops, as in sh.
	for _, ws := range job.Statuses() {
		if ws.Signaled() {
			switch ws.Signal() {
			case syscall.SIGINT:
				if r.opts.Interactive || r.subshell > 0 {
					r.sh.interrupt()
				}
			case syscall.SIGPIPE:
			default:
				if r.opts.Interactive {
					msg := signalText(ws.Signal())
					if ws.CoreDump() {
						msg += " (core dumped)"
					}
					fmt.Fprintln(r.fds.writer(2), msg)
				}
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

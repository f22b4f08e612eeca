package shell

import (
	"os"
	"strconv"

	"gosh/exec"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// startCoproc starts st in the background, as bash's coproc, with its
// stdin and stdout on two new pipes whose other ends stay in the shell:
// NAME[0] reads the coprocess's output, NAME[1] writes its input, and
// NAME_PID is its pid. A simple command naming a program is started
// directly (NAME_PID is that program); anything else runs in a re-executed
// gosh. As in bash, the shell's two ends are not inherited by other
// children, except where a redirection such as >&${NAME[1]} puts them.
func (r *Runner) startCoproc(name string, st *syntax.Stmt) int {
	inR, inW, err := r.newPipe() // shell writes inW, coproc reads inR
	if err != nil {
		r.errf("coproc: %v", unwrapSyscall(err))
		return 1
	}
	outR, outW, err := r.newPipe() // coproc writes outW, shell reads outR
	if err != nil {
		inR.Close()
		inW.Close()
		r.errf("coproc: %v", unwrapSyscall(err))
		return 1
	}
	saved := r.fds
	r.fds = saved.clone()
	r.fds.set(1, newFdRef(outW))
	// A background job without job control gets /dev/null as stdin unless
	// it redirects stdin itself, so the coprocess's stdin goes in with an
	// explicit redirection: a move from a spare fd, <&K-, for a program
	// started here; for a re-executed gosh, which only inherits fds it is
	// told of through redirections in its statement, the pipe goes at fd 0
	// and the statement gets a no-op <&0.
	cst := *st
	cst.Background = false
	redirect := func(word string) {
		cst.Redirs = append(cst.Redirs[:len(cst.Redirs):len(cst.Redirs)], &syntax.Redirect{Op: syntax.DplIn,
			Word: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: word}}}})
	}
	text := "coproc " + name + " " + nodeText(st)
	var job *exec.Job
	if k := r.freeFd(procSubstFd - 1); !isPipe(st.Cmd) && r.canStartDirect(st) {
		r.fds.set(k, newFdRef(inR))
		redirect(strconv.Itoa(k) + "-")
		stages, j := r.startPipeline([]*syntax.Stmt{&cst}, []bool{false}, true)
		if j == nil {
			if stages != nil {
				r.finishPipeline(stages, nil)
			}
		} else {
			if j.Leader != nil {
				j.Leader.Release()
			}
			j.Text = text
			job = j
		}
	} else {
		r.fds.set(0, newFdRef(inR))
		redirect("0")
		cst.Background = true
		p, err := r.startSubshellProcess(&cst)
		if err != nil {
			r.errf("coproc: %v", err)
		} else {
			pgid := 0
			if r.opts.Monitor && r.subshell == 0 {
				pgid = p.Pid
			}
			job = exec.NewJob(text, pgid, []*exec.Process{p})
		}
	}
	r.fds.release()
	r.fds = saved
	if job == nil {
		inW.Close()
		outR.Close()
		return 1
	}
	readFd := r.freeFd(procSubstFd)
	r.fds.set(readFd, newPrivateFdRef(outR, readFd))
	writeFd := r.freeFd(procSubstFd)
	r.fds.set(writeFd, newPrivateFdRef(inW, writeFd))
	r.setVar(name, expand.Variable{Set: true, Kind: expand.Indexed,
		List: []string{strconv.Itoa(readFd), strconv.Itoa(writeFd)}})
	r.setVarString(name+"_PID", strconv.Itoa(job.Procs[len(job.Procs)-1].Pid))
	r.addBackground(job, st)
	return 0
}

// newPrivateFdRef returns a reference to f that children do not inherit
// at fd (a coprocess's end, close-on-exec in bash).
func newPrivateFdRef(f *os.File, fd int) *fdRef {
	d := newFdRef(f)
	d.private = fd
	return d
}

// freeFd returns the highest free fd from start down to 10, or else the
// lowest free fd above start.
func (r *Runner) freeFd(start int) int {
	for fd := start; fd >= 10; fd-- {
		if r.fds.get(fd) == nil {
			return fd
		}
	}
	fd := start + 1
	for r.fds.get(fd) != nil {
		fd++
	}
	return fd
}

package shell

import (
	"os"
	"strconv"

	"gosh/exec"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// startCoproc starts st in the background with its stdin and stdout on
// two new pipes whose other ends stay in the shell at fresh fds.
func (r *Runner) startCoproc(name string, st *syntax.Stmt) int {
	inR, inW, err := exec.Pipe() // shell writes inW, coproc reads inR
	if err != nil {
		r.errf("coproc: %v", unwrapSyscall(err))
		return 1
	}
	outR, outW, err := exec.Pipe() // coproc writes outW, shell reads outR
	if err != nil {
		inR.Close()
		inW.Close()
		r.errf("coproc: %v", unwrapSyscall(err))
		return 1
	}
	saved := r.fds
	r.fds = saved.clone()
	r.fds.set(0, newFdRef(inR))
	r.fds.set(1, newFdRef(outW))
	bg := *st
	bg.Background = true
	p, err := r.startSubshellProcess(&bg)
	r.fds.release()
	r.fds = saved
	if err != nil {
		inW.Close()
		outR.Close()
		r.errf("coproc: %v", err)
		return 1
	}
	readFd := r.freeFd(60)
	r.fds.set(readFd, newFdRef(outR))
	writeFd := r.freeFd(60)
	r.fds.set(writeFd, newFdRef(inW))
	r.setVar(name, expand.Variable{Set: true, Kind: expand.Indexed,
		List: []string{strconv.Itoa(readFd), strconv.Itoa(writeFd)}})
	r.setVarString(name+"_PID", strconv.Itoa(p.Pid))
	job := exec.NewJob("coproc "+name+" "+nodeText(st), 0, []*exec.Process{p})
	r.addBackground(job, st)
	return 0
}

// freeFd returns the highest free fd at or below start.
func (r *Runner) freeFd(start int) int {
	fd := start
	for fd > 10 && r.fds.get(fd) != nil {
		fd--
	}
	return fd
}

var _ = os.DevNull

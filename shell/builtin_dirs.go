package shell

import (
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// The directory stack lives in the DIRSTACK array, as in bash: element 0
// is the current directory (refreshed whenever pushd, popd or dirs run,
// since a plain cd replaces it), the rest are the saved directories, top
// first. Keeping it in a variable means subshells copy it with the rest of
// their variables.

func init() {
	builtins["dirs"] = builtinDirs
	builtins["pushd"] = builtinPushd
	builtins["popd"] = builtinPopd
}

// dirStack returns the stack with the current directory first.
func (r *Runner) dirStack() []string {
	v := r.vars.get("DIRSTACK")
	var st []string
	if v.Kind == expand.Indexed && len(v.List) > 0 {
		st = append(st, v.List...)
		st[0] = r.dir
	} else {
		st = []string{r.dir}
	}
	return st
}

func (r *Runner) setDirStack(st []string) {
	r.vars.set("DIRSTACK", expand.Variable{Set: true, Kind: expand.Indexed, List: st})
}

// tildeDir abbreviates $HOME to ~ as dirs does without -l.
func (r *Runner) tildeDir(d string) string {
	home := r.vars.get("HOME").String()
	if home != "" && home != "/" && (d == home || strings.HasPrefix(d, home+"/")) {
		return "~" + d[len(home):]
	}
	return d
}

// stackIndex turns +N (from the top) or -N (from the bottom) into an index
// of st; ok is false when the argument is not of that form.
func stackIndex(arg string, n int) (idx int, ok bool, inRange bool) {
	if len(arg) < 2 || (arg[0] != '+' && arg[0] != '-') {
		return 0, false, false
	}
	k, err := strconv.Atoi(arg[1:])
	if err != nil || k < 0 {
		return 0, false, false
	}
	if arg[0] == '-' {
		k = n - 1 - k
	}
	return k, true, k >= 0 && k < n
}

func builtinDirs(r *Runner, args []string) int {
	st := r.dirStack()
	long, perLine, verbose := false, false, false
	sel := -1
	for _, a := range args[1:] {
		switch a {
		case "-c":
			r.setDirStack(st[:1])
			return 0
		case "-l":
			long = true
		case "-p":
			perLine = true
		case "-v":
			perLine, verbose = true, true
		default:
			idx, ok, in := stackIndex(a, len(st))
			if !ok {
				r.errf("dirs: %s: invalid option", a)
				fmt.Fprintln(r.fds.writer(2), "dirs: usage: dirs [-clpv] [+N] [-N]")
				return 2
			}
			if !in {
				r.errf("dirs: %s: directory stack index out of range", a[1:])
				return 1
			}
			sel = idx
		}
	}
	r.setDirStack(st)
	show := func(d string) string {
		if long {
			return d
		}
		return r.tildeDir(d)
	}
	if sel >= 0 {
		fmt.Fprintln(r.out(), show(st[sel]))
		return 0
	}
	var b strings.Builder
	for i, d := range st {
		switch {
		case verbose:
			fmt.Fprintf(&b, "%2d  %s\n", i, show(d))
		case perLine:
			b.WriteString(show(d) + "\n")
		default:
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(show(d))
		}
	}
	if !perLine {
		b.WriteByte('\n')
	}
	fmt.Fprint(r.out(), b.String())
	return 0
}

// chdirKeep changes directory as cd does but leaves the stack to the
// caller; status as cd's.
func (r *Runner) chdirKeep(dir string) int {
	return builtinCd(r, []string{"cd", "--", dir})
}

func builtinPushd(r *Runner, args []string) int {
	st := r.dirStack()
	noChange := false
	var operands []string
	for i, a := range args[1:] {
		if a == "--" {
			operands = append(operands, args[i+2:]...)
			break
		}
		if a == "-n" {
			noChange = true
			continue
		}
		if _, isIdx, _ := stackIndex(a, len(st)); !isIdx && len(a) > 1 && a[0] == '-' {
			r.errf("pushd: %s: invalid option", a)
			fmt.Fprintln(r.fds.writer(2), "pushd: usage: pushd [-n] [+N | -N | dir]")
			return 2
		}
		operands = append(operands, a)
	}
	if len(operands) > 1 {
		r.errf("pushd: too many arguments")
		return 1
	}
	operand := ""
	if len(operands) == 1 {
		operand = operands[0]
	}
	switch {
	case operand == "":
		if len(st) < 2 {
			r.errf("pushd: no other directory")
			return 1
		}
		st[0], st[1] = st[1], st[0]
		if !noChange {
			if s := r.chdirKeep(st[0]); s != 0 {
				return s
			}
		}
	default:
		if idx, ok, in := stackIndex(operand, len(st)); ok {
			if !in {
				r.errf("pushd: %s: directory stack index out of range", operand[1:])
				return 1
			}
			st = append(st[idx:], st[:idx]...)
			if !noChange {
				if s := r.chdirKeep(st[0]); s != 0 {
					return s
				}
			}
			break
		}
		if noChange {
			st = append([]string{st[0], operand}, st[1:]...)
			break
		}
		if s := r.chdirKeep(operand); s != 0 {
			return s
		}
		st = append([]string{r.dir}, st...)
	}
	st[0] = r.dir
	r.setDirStack(st)
	return builtinDirs(r, []string{"dirs"})
}

func builtinPopd(r *Runner, args []string) int {
	st := r.dirStack()
	noChange := false
	idx := 0
	for _, a := range args[1:] {
		if a == "-n" {
			noChange = true
			continue
		}
		if a == "--" {
			continue
		}
		i, ok, in := stackIndex(a, len(st))
		if !ok {
			r.errf("popd: %s: invalid argument", a)
			fmt.Fprintln(r.fds.writer(2), "popd: usage: popd [-n] [+N | -N]")
			return 2
		}
		if !in {
			r.errf("popd: %s: directory stack index out of range", a[1:])
			return 1
		}
		idx = i
	}
	if len(st) < 2 {
		r.errf("popd: directory stack empty")
		return 1
	}
	if idx == 0 && noChange {
		idx = 1
	}
	st = append(st[:idx:idx], st[idx+1:]...)
	if idx == 0 {
		if s := r.chdirKeep(st[0]); s != 0 {
			return s
		}
		st[0] = r.dir
	}
	r.setDirStack(st)
	return builtinDirs(r, []string{"dirs"})
}

package shell

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["getopts"] = builtinGetopts
}

var nowFunc = time.Now

// cpuTimes returns the user and system CPU used by the shell and its
// reaped children.
func cpuTimes() (user, sys time.Duration) {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration {
		return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
	}
	return tv(self.Utime) + tv(kids.Utime), tv(self.Stime) + tv(kids.Stime)
}

func fmtDur(d time.Duration) string {
	m := int(d.Minutes())
	return fmt.Sprintf("%dm%.3fs", m, d.Seconds()-float64(m*60))
}

// trace prints an xtrace line with PS4.
func (r *Runner) trace(line string) {
	ps4 := r.vars.get("PS4").Str
	// Commands run to expand PS4 are not traced themselves, as in bash;
	// otherwise PS4='$(cmd)' would trace forever.
	r.opts.Xtrace = false
	if s, err := r.expandPrompt(ps4); err == nil {
		ps4 = s
	}
	r.opts.Xtrace = true
	// As in bash, the first character of PS4 is repeated once for each
	// level of eval, source and command substitution.
	if n := r.evalDepth + r.sourceDepth + r.substDepth; n > 0 && ps4 != "" {
		_, size := utf8.DecodeRuneInString(ps4)
		ps4 = strings.Repeat(ps4[:size], n) + ps4
	}
	r.sh.stderrMu.Lock()
	fmt.Fprintf(r.fds.writer(2), "%s%s\n", ps4, line)
	r.sh.stderrMu.Unlock()
}

// expandPrompt expands parameters, arithmetic and command substitutions
// in a prompt string (PS1-style backslash escapes are the REPL's job).
func (r *Runner) expandPrompt(s string) (string, error) {
	if !strings.ContainsAny(s, "$`") {
		return s, nil
	}
	w, err := syntax.NewParser().Document(strings.NewReader(s))
	if err != nil {
		return s, err
	}
	return r.document(w)
}

// ExpandPrompt expands $-expressions in a prompt string.
func (r *Runner) ExpandPrompt(s string) string {
	out, err := r.expandPrompt(s)
	if err != nil {
		return s
	}
	return out
}

// assignTraceText is how set -x shows the assignment as of value val:
// name=val, name+=val or name[subscript]=val, the value quoted.
func assignTraceText(as *syntax.Assign, val string) string {
	name := as.Name.Value
	if as.Index != nil {
		name += "[" + nodeText(as.Index) + "]"
	}
	if as.Append {
		name += "+"
	}
	return name + "=" + shellQuote(val)
}

// builtinExec replaces the shell with a program, or with no program
// changes the shell's own fds (handled by the statement's redirections).
func builtinExec(r *Runner, args []string) int {
	args = args[1:]
	argv0, clearEnv, login := "", false, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for i := 1; i < len(a); i++ {
			switch a[i] {
			case 'c':
				clearEnv = true
			case 'l':
				login = true
			case 'a':
				switch {
				case i+1 < len(a):
					argv0 = a[i+1:]
				case len(args) > 0:
					argv0, args = args[0], args[1:]
				default:
					r.errf("exec: -a: option requires an argument")
					return 2
				}
				i = len(a)
			default:
				r.errf("exec: -%c: invalid option", a[i])
				fmt.Fprintln(r.fds.writer(2), "exec: usage: exec [-cl] [-a name] [command [argument ...]] [redirection ...]")
				return 2
			}
		}
	}
	if len(args) == 0 {
		return 0
	}
	if r.subshell > 0 && r.sh.pid == os.Getpid() {
		// An in-process subshell cannot replace the process: run the
		// program and end the subshell with its status.
		status := r.run(args)
		r.exit(status)
		return status
	}
	path, err := r.lookPath(args[0])
	if err != nil {
		r.errf("exec: %s: not found", args[0])
		r.exit(127)
		return 127
	}
	argv := append([]string(nil), args...)
	if argv0 != "" {
		argv[0] = argv0
	}
	if login {
		argv[0] = "-" + argv[0]
	}
	env := r.vars.environ()
	if clearEnv {
		env = nil
	}
	err = r.execReplace(path, argv, env)
	if errors.Is(err, syscall.ENOEXEC) && !isBinary(path) && r.sh.exe != "" {
		// A file without #!: sh runs it as a script in a new shell.
		err = r.execReplace(r.sh.exe, append([]string{"gosh", path}, args[1:]...), env)
	}
	if err != nil {
		status := 126
		if os.IsNotExist(err) {
			status = 127
		}
		r.errf("exec: %s: %v", args[0], unwrapSyscall(err))
		if !r.opts.Interactive {
			r.exit(status)
		}
		return status
	}
	return 0 // not reached
}

// execReplace puts the fd table on the real fds 0..n and calls execve.
func (r *Runner) execReplace(path string, args, env []string) error {
	files := r.fds.files()
	// Move every source out of the way first: a source may sit on a
	// target number.
	tmp := make([]int, len(files))
	for i, f := range files {
		tmp[i] = -1
		if f == nil {
			continue
		}
		nfd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 100)
		if err != nil {
			return err
		}
		tmp[i] = nfd
	}
	for i, t := range tmp {
		if t < 0 {
			unix.Close(i)
			continue
		}
		if err := unix.Dup3(t, i, 0); err != nil {
			return err
		}
	}
	if h := r.sh.beforeExec; h != nil {
		h()
	}
	return syscall.Exec(path, args, env)
}

func builtinGetopts(r *Runner, args []string) int {
	args = args[1:]
	if len(args) < 2 {
		r.errf("getopts: usage: getopts optstring name [arg ...]")
		return 2
	}
	optstring, name := args[0], args[1]
	params := r.params
	if len(args) > 2 {
		params = args[2:]
	}
	silent := strings.HasPrefix(optstring, ":")
	if silent {
		optstring = optstring[1:]
	}
	optind, _ := strconv.Atoi(r.vars.get("OPTIND").Str)
	if optind < 1 {
		optind = 1
	}
	// r.optPos is the position inside a clustered option word.
	if optind != r.optIndSeen {
		r.optPos = 0
	}
	if optind > len(params) {
		// Past the end: OPTIND names the first operand, OPTARG is cleared.
		optind = len(params) + 1
		r.setVarString("OPTIND", strconv.Itoa(optind))
		r.vars.unset("OPTARG")
		r.setVarString(name, "?")
		r.optIndSeen = optind
		return 1
	}
	word := params[optind-1]
	if r.optPos == 0 {
		if len(word) < 2 || word[0] != '-' {
			r.setVarString(name, "?")
			return 1
		}
		if word == "--" {
			r.setVarString("OPTIND", strconv.Itoa(optind+1))
			r.optIndSeen = optind + 1
			r.setVarString(name, "?")
			return 1
		}
		r.optPos = 1
	}
	c := word[r.optPos]
	r.optPos++
	advance := func() {
		if r.optPos >= len(word) {
			optind++
			r.optPos = 0
		}
	}
	idx := strings.IndexByte(optstring, c)
	if idx < 0 || c == ':' {
		advance()
		r.setVarString("OPTIND", strconv.Itoa(optind))
		r.optIndSeen = optind
		r.setVarString(name, "?")
		if silent {
			r.setVarString("OPTARG", string(c))
		} else {
			r.vars.unset("OPTARG")
			r.errf("illegal option -- %c", c)
		}
		return 0
	}
	if idx+1 < len(optstring) && optstring[idx+1] == ':' {
		var arg string
		if r.optPos < len(word) {
			arg = word[r.optPos:]
			optind++
			r.optPos = 0
		} else if optind < len(params) {
			arg = params[optind]
			optind += 2
			r.optPos = 0
		} else {
			optind++
			r.optPos = 0
			r.setVarString("OPTIND", strconv.Itoa(optind))
			r.optIndSeen = optind
			if silent {
				r.setVarString(name, ":")
				r.setVarString("OPTARG", string(c))
			} else {
				r.setVarString(name, "?")
				r.vars.unset("OPTARG")
				r.errf("option requires an argument -- %c", c)
			}
			return 0
		}
		r.setVarString("OPTARG", arg)
	} else {
		r.vars.unset("OPTARG")
		advance()
	}
	r.setVarString("OPTIND", strconv.Itoa(optind))
	r.optIndSeen = optind
	if err := r.setVarString(name, string(c)); err != nil || !validName(name) {
		r.errf("getopts: `%s': not a valid identifier", name)
		return 1
	}
	return 0
}

// coproc starts a command with two pipes to the shell, as bash's coproc:
// NAME[0] reads its output, NAME[1] writes its input, NAME_PID is its pid.
func (r *Runner) coproc(c *syntax.CoprocClause) int {
	name := "COPROC"
	if c.Name != nil {
		name = c.Name.Lit()
	}
	return r.startCoproc(name, c.Stmt)
}

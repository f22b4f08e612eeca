package shell

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"gosh/exec"
)

func init() { builtins["mkfifo"] = builtinMkfifo }

const mkfifoHelp = `Usage: mkfifo [OPTION]... NAME...
Create named pipes (FIFOs) with the given NAMEs.

  -m, --mode=MODE    set file permission bits to MODE, not a=rw - umask
  -Z                 set the SELinux security context to default type
      --context[=CTX]  like -Z, or if CTX is specified then set the SELinux
                         or SMACK security context to CTX
      --help        display this help and exit
      --version     output version information and exit
`

// builtinMkfifo is coreutils' mkfifo as a builtin: the same options
// (GNU-style, options and names in any order), modes (octal or symbolic,
// exact: with -m the umask does not apply), messages after the "gosh: "
// prefix, and statuses (1 for any failure; the other names are still
// tried). gosh has no SELinux support: -Z is accepted and does nothing,
// --context=CTX warns, as coreutils does on a kernel without SELinux.
func builtinMkfifo(r *Runner, args []string) int {
	try := func() int {
		fmt.Fprintln(r.errOut(), "Try 'mkfifo --help' for more information.")
		return 1
	}
	var names []string
	modeArg, hasMode := "", false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			names = append(names, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "--"):
			opt, val, hasVal := strings.Cut(a[2:], "=")
			long := ""
			for _, l := range []string{"mode", "context", "help", "version"} {
				if strings.HasPrefix(l, opt) {
					if long != "" {
						r.errf("mkfifo: option '%s' is ambiguous", a)
						return try()
					}
					long = l
				}
			}
			if opt == "" || long == "" {
				r.errf("mkfifo: unrecognized option '%s'", a)
				return try()
			}
			switch long {
			case "mode":
				if !hasVal {
					if i+1 >= len(args) {
						r.errf("mkfifo: option '--mode' requires an argument")
						return try()
					}
					i++
					val = args[i]
				}
				modeArg, hasMode = val, true
			case "context":
				if hasVal {
					r.errf("mkfifo: warning: ignoring --context; it requires an SELinux/SMACK-enabled kernel")
				}
			case "help", "version":
				if hasVal {
					r.errf("mkfifo: option '--%s' doesn't allow an argument", long)
					return try()
				}
				if long == "help" {
					fmt.Fprint(r.out(), mkfifoHelp)
				} else {
					fmt.Fprintf(r.out(), "mkfifo (gosh) %s\n", Version)
				}
				return 0
			}
		case len(a) > 1 && a[0] == '-':
			for k := 1; k < len(a); k++ {
				switch a[k] {
				case 'Z':
				case 'm':
					if k+1 < len(a) {
						modeArg = a[k+1:]
					} else if i+1 < len(args) {
						i++
						modeArg = args[i]
					} else {
						r.errf("mkfifo: option requires an argument -- 'm'")
						return try()
					}
					hasMode, k = true, len(a)
				default:
					r.errf("mkfifo: invalid option -- '%c'", a[k])
					return try()
				}
			}
		default:
			names = append(names, a)
		}
	}
	umask := currentUmask()
	mode := uint32(0o666)
	if hasMode {
		m, err := parseMode(modeArg, 0o666, umask)
		if err != nil {
			r.errf("mkfifo: invalid mode")
			return 1
		}
		if m&^0o777 != 0 {
			r.errf("mkfifo: mode must specify only file permission bits")
			return 1
		}
		mode = m
	}
	if len(names) == 0 {
		r.errf("mkfifo: missing operand")
		return try()
	}
	status := 0
	for _, name := range names {
		path := r.path(name)
		err := exec.Mkfifo(path, mode)
		if err == nil && hasMode && mode&^umask != mode {
			// -m is exact: coreutils clears its umask for the call; a
			// shell cannot (other goroutines create files), so it sets
			// the bits the umask took.
			err = os.Chmod(path, os.FileMode(mode))
			if err != nil {
				r.errf("mkfifo: cannot set permissions of %s: %v", quoteName(name), unwrapSyscall(pathErr(err)))
				status = 1
				continue
			}
		}
		if err != nil {
			r.errf("mkfifo: cannot create fifo %s: %v", quoteName(name), unwrapSyscall(pathErr(err)))
			status = 1
		}
	}
	return status
}

func pathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// currentUmask reads the process's umask without changing it (umask(2)
// can only read by setting, which would race with other goroutines).
func currentUmask() uint32 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return uint32(n)
				}
			}
		}
	}
	old := syscall.Umask(0o022)
	syscall.Umask(old)
	return uint32(old)
}

// quoteName quotes a file name as coreutils does in messages: in single
// quotes; in double quotes when it holds a single quote; else in single
// quotes with each single quote written as quote, backslash, quote, quote.
func quoteName(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	if !strings.ContainsAny(s, "\"$`\\!") {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var errBadMode = errors.New("invalid mode")

// parseMode applies a chmod-style mode, octal or symbolic
// ([ugoa]*([-+=]([rwxXst]*|[ugo]))+, comma-separated), to mode. A clause
// without [ugoa] does not set bits that are set in umask.
func parseMode(s string, mode, umask uint32) (uint32, error) {
	if s == "" {
		return 0, errBadMode
	}
	if s[0] >= '0' && s[0] <= '7' {
		n, err := strconv.ParseUint(s, 8, 32)
		if err != nil || n > 0o7777 {
			return 0, errBadMode
		}
		return uint32(n), nil
	}
	for _, clause := range strings.Split(s, ",") {
		who := uint32(0)
		i := 0
	whoLoop:
		for ; i < len(clause); i++ {
			switch clause[i] {
			case 'u':
				who |= 0o4700
			case 'g':
				who |= 0o2070
			case 'o':
				who |= 0o1007
			case 'a':
				who |= 0o7777
			default:
				break whoLoop
			}
		}
		affected := who
		if who == 0 {
			affected = 0o7777 &^ umask
		}
		if i == len(clause) {
			return 0, errBadMode
		}
		for i < len(clause) {
			op := clause[i]
			if op != '+' && op != '-' && op != '=' {
				return 0, errBadMode
			}
			i++
			value := uint32(0)
			if i < len(clause) && strings.IndexByte("ugo", clause[i]) >= 0 {
				// Copy another class's bits: g=u.
				var bits uint32
				switch clause[i] {
				case 'u':
					bits = (mode >> 6) & 7
				case 'g':
					bits = (mode >> 3) & 7
				case 'o':
					bits = mode & 7
				}
				value = bits<<6 | bits<<3 | bits
				i++
			} else {
				for ; i < len(clause) && strings.IndexByte("rwxXst", clause[i]) >= 0; i++ {
					switch clause[i] {
					case 'r':
						value |= 0o444
					case 'w':
						value |= 0o222
					case 'x':
						value |= 0o111
					case 'X':
						if mode&0o111 != 0 {
							value |= 0o111
						}
					case 's':
						value |= 0o6000
					case 't':
						value |= 0o1000
					}
				}
			}
			switch op {
			case '+':
				mode |= value & affected
			case '-':
				mode &^= value & affected
			case '=':
				// Without [ugoa], = still clears every bit; the umask
				// only limits what it sets.
				cleared := who
				if who == 0 {
					cleared = 0o7777
				}
				mode = mode&^cleared | value&affected
			}
		}
	}
	return mode, nil
}

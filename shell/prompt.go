package shell

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// promptNow is the clock of \t, \T, \@, \A, \d and \D (a variable for
// tests).
var promptNow = time.Now

// PromptString expands a prompt string as bash does for PS1 with
// promptvars on, and for ${x@P}: first the backslash escapes, then
// parameter expansion, command and arithmetic substitution. The text an
// escape produces is not expanded again (a directory named $HOME stays as
// it is). histNum is what \! shows; \# is the number of the command to
// be read next.
func (r *Runner) PromptString(ps string, histNum int) string {
	return r.expandPromptString(ps, histNum, r.sh.commands.Load()+1)
}

// expandPromptString is PromptString with cmdNum for \#.
func (r *Runner) expandPromptString(ps string, histNum int, cmdNum int64) string {
	var plain, quoted strings.Builder
	needExpand := false
	lit := func(s string) {
		plain.WriteString(s)
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '$' || c == '`' || c == '\\' {
				quoted.WriteByte('\\')
			}
			quoted.WriteByte(s[i])
		}
	}
	for i := 0; i < len(ps); i++ {
		c := ps[i]
		if c != '\\' || i+1 == len(ps) {
			if c == '$' || c == '`' {
				needExpand = true
			}
			plain.WriteByte(c)
			quoted.WriteByte(c)
			continue
		}
		i++
		switch e := ps[i]; e {
		case 'u':
			lit(promptUser(r))
		case 'h', 'H':
			h := r.Var("HOSTNAME")
			if h == "" {
				h, _ = os.Hostname()
			}
			if e == 'h' {
				h, _, _ = strings.Cut(h, ".")
			}
			lit(h)
		case 'w':
			lit(r.promptDir())
		case 'W':
			d := r.promptDir()
			if d != "~" && d != "/" {
				d = filepath.Base(d)
			}
			lit(d)
		case '$':
			if os.Geteuid() == 0 {
				lit("#")
			} else {
				lit("$")
			}
		case 't':
			lit(promptNow().Format("15:04:05"))
		case 'T':
			lit(promptNow().Format("03:04:05"))
		case '@':
			lit(promptNow().Format("03:04 PM"))
		case 'A':
			lit(promptNow().Format("15:04"))
		case 'd':
			lit(promptNow().Format("Mon Jan 02"))
		case 'D':
			// \D{format}: strftime; an empty format is the locale's time.
			end := strings.IndexByte(ps[i:], '}')
			if i+1 >= len(ps) || ps[i+1] != '{' || end < 0 {
				lit(`\D`)
				break
			}
			format := ps[i+2 : i+end]
			if format == "" {
				format = "%X"
			}
			lit(cStrftime(format, promptNow()))
			i += end
		case 'j':
			lit(strconv.Itoa(r.JobCount()))
		case '?':
			lit(strconv.Itoa(r.Status()))
		case 's':
			lit("gosh")
		case 'v':
			v := Version
			if parts := strings.SplitN(v, ".", 3); len(parts) == 3 {
				v = parts[0] + "." + parts[1]
			}
			lit(v)
		case 'V':
			lit(Version)
		case '!':
			lit(strconv.Itoa(histNum))
		case '#':
			lit(strconv.FormatInt(cmdNum, 10))
		case 'l':
			lit(ttyBase(r))
		case 'n':
			lit("\n")
		case 'r':
			lit("\r")
		case 'a':
			lit("\a")
		case 'e':
			lit("\x1b")
		case '\\':
			lit(`\`)
		case '[', ']':
			// Non-printing markers: the editor measures escape
			// sequences itself.
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n, j := 0, i
			for ; j < len(ps) && j < i+3 && ps[j] >= '0' && ps[j] <= '7'; j++ {
				n = n*8 + int(ps[j]-'0')
			}
			lit(string([]byte{byte(n)})) // \555 wraps to one byte, as in bash
			i = j - 1
		default:
			lit(`\` + string(e))
		}
	}
	if !needExpand {
		return plain.String()
	}
	return r.ExpandPrompt(quoted.String())
}

// promptHistNum is what \! shows in ${x@P}: the history number of the
// command running (the last one recorded), or 1 with no history.
func (r *Runner) promptHistNum() int {
	first, entries := historySnapshot(r.history())
	return max(first+len(entries)-1, 1)
}

// promptString is ${x@P}: \# is the number of the command running.
func (r *Runner) promptString(s string) string {
	return r.expandPromptString(s, r.promptHistNum(), r.sh.commands.Load())
}

// promptDir is \w: $PWD with $HOME shown as ~.
func (r *Runner) promptDir() string {
	d := r.Var("PWD")
	if d == "" {
		d = r.Dir()
	}
	return r.tildeDir(d)
}

// ttyBase is \l: the base name of the terminal on stdin, or "tty".
func ttyBase(r *Runner) string {
	f := r.fds.get(0)
	if f == nil {
		return "tty"
	}
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err != nil {
		return "tty"
	}
	if name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd()))); err == nil {
		return filepath.Base(name)
	}
	return "tty"
}

// promptUser is the name of the effective user, looked up once: $USER when
// it names the same uid (a lookup by id can fail in containers).
func promptUser(r *Runner) string {
	userOnce.Do(func() {
		uid := strconv.Itoa(os.Geteuid())
		userCached = "uid" + uid
		if name := r.Var("USER"); name != "" {
			if u, err := user.Lookup(name); err == nil && u.Uid == uid {
				userCached = name
				return
			}
		}
		if u, err := user.LookupId(uid); err == nil {
			userCached = u.Username
		}
	})
	return userCached
}

var (
	userOnce   sync.Once
	userCached string
)

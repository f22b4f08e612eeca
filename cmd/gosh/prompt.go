package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gosh/shell"
)

// defaultPS1 is the prompt of an interactive shell whose environment has
// no PS1: user@host:dir$ , as most distributions' bashrc set it.
const defaultPS1 = `\u@\h:\w\$ `

// promptNow is the clock of \t, \T, \@, \A and \d (a variable for tests).
var promptNow = time.Now

// expandPrompt expands a prompt string as bash does with promptvars on:
// first the backslash escapes, then parameter expansion, command and
// arithmetic substitution. The text an escape produces is not expanded
// again (a directory named $HOME stays as it is).
func expandPrompt(r *shell.Runner, ps string, histNum int) string {
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
			lit(userName(r))
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
			lit(tildeDir(r))
		case 'W':
			d := tildeDir(r)
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
		case 'j':
			lit(strconv.Itoa(r.JobCount()))
		case '?':
			lit(strconv.Itoa(r.Status()))
		case 's':
			lit("gosh")
		case 'v':
			v := shell.Version
			if parts := strings.SplitN(v, ".", 3); len(parts) == 3 {
				v = parts[0] + "." + parts[1]
			}
			lit(v)
		case 'V':
			lit(shell.Version)
		case '!':
			lit(strconv.Itoa(histNum))
		case '#':
			lit(strconv.Itoa(histNum))
		case 'l':
			if name, err := os.Readlink("/proc/self/fd/0"); err == nil {
				lit(filepath.Base(name))
			} else {
				lit("tty")
			}
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
			j := i
			for j < len(ps) && j < i+3 && ps[j] >= '0' && ps[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(ps[i:j], 8, 8)
			lit(string(rune(byte(n))))
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

// tildeDir is $PWD with $HOME shown as ~.
func tildeDir(r *shell.Runner) string {
	d := r.Var("PWD")
	if d == "" {
		d = r.Dir()
	}
	home := strings.TrimSuffix(r.Var("HOME"), "/")
	if home != "" && (d == home || strings.HasPrefix(d, home+"/")) {
		return "~" + d[len(home):]
	}
	return d
}

// userName is the name of the effective user, looked up once: $USER when
// it names the same uid (a lookup by id can fail in containers).
func userName(r *shell.Runner) string {
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

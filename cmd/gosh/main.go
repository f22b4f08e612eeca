package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"gosh/shell"

	"golang.org/x/sys/unix"
)

func main() {
	stop := startProfile()
	status := run(os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(status)
}

const usageText = `usage: gosh [option ...] [-c command [name [arg ...]] | script [arg ...] | -s [arg ...]]

Options:
  -c command   run command, then exit; name sets $0, args set $1...
  -s           read commands from standard input
  -i           interactive shell
  -e -u -x -v -n -f -C -a -m
               as set -e, set -u, ... (also via set)
  -o option    set -o option (pipefail, noclobber, errexit, ...)
  -O option    shopt -s option (+O: shopt -u)
  --norc       do not read ~/.goshrc in an interactive shell
  --rcfile F   read F instead of ~/.goshrc
  --trace      trace every pipeline (set -o trace; see TRACING.md)
  --help       show this help
  --version    print the version
`

// invocation is what the command line asks for.
type invocation struct {
	command     string
	hasCommand  bool
	stdin       bool
	interactive bool
	forceInter  bool
	norc        bool
	rcfile      string
	sets        []setOpt
	operands    []string
}

type setOpt struct {
	name  string
	on    bool
	shopt bool // -O/+O: a shopt option
}

// parseArgs parses sh's invocation syntax. It returns a status >= 0 when
// the shell should exit at once with it.
func parseArgs(args []string, stdout, stderr io.Writer) (invocation, int) {
	var inv invocation
	i := 1
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" {
			i++
			break
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		switch a {
		case "--help":
			io.WriteString(stdout, usageText)
			return inv, 0
		case "--version":
			fmt.Fprintf(stdout, "gosh %s\n", shell.Version)
			return inv, 0
		case "--trace":
			inv.sets = append(inv.sets, setOpt{"trace", true, false})
			continue
		case "--norc", "--noprofile":
			inv.norc = true
			continue
		case "--rcfile", "--init-file":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "gosh: %s: option requires an argument\n", a)
				return inv, 2
			}
			i++
			inv.rcfile = args[i]
			continue
		case "--posix", "--login", "-l":
			continue
		}
		if strings.HasPrefix(a, "--") {
			fmt.Fprintf(stderr, "gosh: %s: invalid option\n%s", a, usageText)
			return inv, 2
		}
		on := a[0] == '-'
		for k := 1; k < len(a); k++ {
			c := a[k]
			switch c {
			case 'c':
				inv.hasCommand = true
			case 's':
				inv.stdin = true
			case 'i':
				inv.forceInter = on
			case 'o', 'O': // -O/+O: shopt options
				if i+1 >= len(args) {
					fmt.Fprintf(stderr, "gosh: -%c: option requires an argument\n", c)
					return inv, 2
				}
				i++
				inv.sets = append(inv.sets, setOpt{args[i], on, c == 'O'})
			case 'e', 'u', 'x', 'v', 'n', 'f', 'C', 'a', 'm', 'b', 'h', 'k', 'p', 't', 'B', 'E', 'H', 'P', 'T':
				inv.sets = append(inv.sets, setOpt{string(c), on, false})
			default:
				fmt.Fprintf(stderr, "gosh: %c%c: invalid option\n%s", a[0], c, usageText)
				return inv, 2
			}
		}
	}
	rest := args[i:]
	if inv.hasCommand {
		if len(rest) == 0 {
			fmt.Fprintf(stderr, "gosh: -c: option requires an argument\n")
			return inv, 2
		}
		inv.command, rest = rest[0], rest[1:]
	}
	inv.operands = rest
	return inv, -1
}

// goroutinesEnv, when set in gosh's environment, makes gosh print
// "goroutines: N" on stderr as it exits: the leak test compares N after a
// trivial run and after thousands of commands.
const goroutinesEnv = "GOSH_DEBUG_GOROUTINES"

// run is gosh's main: it returns the exit status.
func run(args []string, stdin, stdout, stderr *os.File) int {
	status := runShell(args, stdin, stdout, stderr)
	if os.Getenv(goroutinesEnv) != "" {
		fmt.Fprintf(stderr, "goroutines: %d\n", runtime.NumGoroutine())
	}
	return status
}

func runShell(args []string, stdin, stdout, stderr *os.File) int {
	if fdStr := os.Getenv(shell.StateFdEnv); fdStr != "" {
		fd, err := strconv.Atoi(fdStr)
		if err == nil {
			return shell.RunSubshellState(fd, shell.WithExe(selfExe()))
		}
	}
	inv, status := parseArgs(args, stdout, stderr)
	if status >= 0 {
		return status
	}
	r := shell.New(shell.WithStdio(stdin, stdout, stderr), shell.WithExe(selfExe()))
	for _, s := range inv.sets {
		set := r.SetOption
		if s.shopt {
			set = r.SetShopt
		}
		if err := set(s.name, s.on); err != nil {
			fmt.Fprintf(stderr, "gosh: %v\n", err)
			return 2
		}
	}
	installSignals(r)
	if inv.hasCommand || (len(inv.operands) > 0 && !inv.stdin) {
		r.WatchFatalSignals()
	}
	switch {
	case inv.hasCommand:
		name := "gosh"
		params := inv.operands
		if len(params) > 0 {
			name, params = params[0], params[1:]
		}
		r.SetParams(name, params)
		if inv.forceInter {
			r.SetInteractive(true) // gosh -i -c: $- has i, emacs mode is on
			setHistFile(r)
		}
		if os.Getenv(goroutinesEnv) != "" {
			r.RunCommand(inv.command) // gosh must live to print the count
		} else {
			r.RunCommandExec(inv.command)
		}
		return r.Exit()
	case len(inv.operands) > 0 && !inv.stdin:
		path := inv.operands[0]
		r.SetParams(path, inv.operands[1:])
		src, err := os.ReadFile(path)
		if err != nil {
			msg := err.Error()
			if pe, ok := err.(*os.PathError); ok {
				msg = capitalize(pe.Err.Error())
			}
			fmt.Fprintf(stderr, "gosh: %s: %s\n", path, msg)
			if os.IsNotExist(err) {
				return 127
			}
			return 126
		}
		if looksBinary(src) {
			fmt.Fprintf(stderr, "gosh: %s: cannot execute binary file\n", path)
			return 126
		}
		r.RunSource(src, path)
		return r.Exit()
	}
	r.SetParams(args[0], inv.operands)
	interactive := inv.forceInter || (!inv.stdin && isTTY(stdin) && isTTY(stderr))
	if inv.stdin && len(inv.operands) == 0 {
		interactive = inv.forceInter || (isTTY(stdin) && isTTY(stderr))
	}
	if interactive {
		return interact(r, inv, stdin, stdout, stderr)
	}
	r.WatchFatalSignals()
	r.RunReader(shell.NewScriptReader(stdin), "gosh")
	return r.Exit()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// looksBinary reports a NUL byte in the first line, as sh refuses to run
// a binary file as a script.
func looksBinary(src []byte) bool {
	head := src
	if len(head) > 512 {
		head = head[:512]
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	return bytes.IndexByte(head, 0) >= 0
}

func isTTY(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func selfExe() string {
	p, err := os.Executable()
	if err != nil {
		return "/proc/self/exe"
	}
	return p
}

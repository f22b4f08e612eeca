package shell

import (
	"bytes"
	"context"
	"os"
	osexec "os/exec"
	"strconv"
	"testing"
	"time"
)

// asGoshEnv makes the test binary act as a minimal gosh (gosh -c script
// [name args...], or gosh file args...) so the table below runs the
// shell as a real process, the way users and scripts see it: its own pid,
// fds and exit status. The ENOEXEC fallback and background subshells
// re-execute the same binary, which keeps the variable.
const asGoshEnv = "GOSH_SHELL_TEST_AS_GOSH"

func TestMain(m *testing.M) {
	if os.Getenv(asGoshEnv) != "" {
		os.Exit(actAsGosh(os.Args))
	}
	os.Exit(m.Run())
}

func actAsGosh(args []string) int {
	self, _ := os.Executable()
	if fdStr := os.Getenv(StateFdEnv); fdStr != "" {
		if fd, err := strconv.Atoi(fdStr); err == nil {
			return RunSubshellState(fd, WithExe(self))
		}
	}
	r := New(WithStdio(os.Stdin, os.Stdout, os.Stderr), WithExe(self))
	switch {
	case len(args) >= 3 && args[1] == "-c":
		name, params := "gosh", []string(nil)
		if len(args) > 3 {
			name, params = args[3], args[4:]
		}
		r.SetParams(name, params)
		r.RunCommand(args[2])
	case len(args) >= 2:
		src, err := os.ReadFile(args[1])
		if err != nil {
			os.Stderr.WriteString("gosh: " + err.Error() + "\n")
			return 127
		}
		r.SetParams(args[1], args[2:])
		r.RunSource(src, args[1])
	default:
		r.RunReader(NewScriptReader(os.Stdin), "gosh")
	}
	return r.Exit()
}

// A coreCase is one script with the stdout and status every shell must
// give. skip names shells (bash, dash) whose answer differs on purpose,
// with the reason in why; bashOnly rows use bash syntax dash lacks.
type coreCase struct {
	name     string
	script   string
	stdout   string
	status   int
	skip     []string
	bashOnly bool
	why      string
}

var coreCases = []coreCase{
	// Simple commands, statuses, lists.
	{name: "echo", script: `echo hello world`, stdout: "hello world\n"},
	{name: "status-false", script: `false`, status: 1},
	{name: "status-exit", script: `exit 7`, status: 7},
	{name: "status-exit-wrap", script: `exit 257`, status: 1},
	{name: "status-last", script: `true; false`, status: 1},
	{name: "and-or", script: `false && echo a || echo b; true || echo c && echo d`, stdout: "b\nd\n"},
	{name: "not-found", script: `nosuch_cmd_zz 2>/dev/null; echo $?`, stdout: "127\n"},
	{name: "not-executable", script: `echo x > f; ./f 2>/dev/null; echo $?`, stdout: "126\n"},
	{name: "directory", script: `mkdir d; ./d 2>/dev/null; echo $?`, stdout: "126\n"},
	{name: "enoexec-script", script: `printf 'echo "in script $1"\nexit 3\n' > s; chmod +x s; ./s arg; echo $?`,
		stdout: "in script arg\n3\n"},
	{name: "prefix-assign-env", script: `A=1 sh -c 'echo $A'; echo "[$A]"`, stdout: "1\n[]\n"},
	{name: "prefix-assign-func", script: `f() { echo "$A"; }; A=2 f; echo "[$A]"`, stdout: "2\n[]\n"},
	{name: "prefix-assign-special", script: `A=3 :; echo "[$A]"`, stdout: "[3]\n",
		skip: []string{"bash"}, why: "bash outside POSIX mode drops assignments before special builtins; gosh keeps them as POSIX and dash do"},
	{name: "negation", script: `! false; echo $?; ! true; echo $?`, stdout: "0\n1\n"},

	// Pipelines.
	{name: "pipe", script: `printf 'b\na\n' | sort`, stdout: "a\nb\n"},
	{name: "pipe-status-last", script: `false | true`, status: 0},
	{name: "pipe-status-fail", script: `true | false`, status: 1},
	{name: "pipefail", script: `set -o pipefail; (exit 3) | (exit 4) | true; echo $?`, stdout: "4\n", skip: []string{"dash"},
		why: "dash before 0.5.13 has no pipefail"},
	{name: "pipestatus", script: `(exit 2) | true | (exit 5); echo "${PIPESTATUS[*]}"`, stdout: "2 0 5\n", bashOnly: true},
	{name: "sigpipe-external", script: `yes | head -n 2; echo "${PIPESTATUS[*]}"`, stdout: "y\ny\n141 0\n", bashOnly: true},
	{name: "sigpipe-builtin-loop", script: `while :; do echo x; done | head -n 1`, stdout: "x\n"},
	{name: "stage-subshell-var", script: `x=1; echo 2 | read x; echo $x`, stdout: "1\n"},
	{name: "stage-exit", script: `true | exit 3; echo "still $?"`, stdout: "still 3\n"},
	{name: "stage-stream", script: `yes | while read l; do echo $l; break; done`, stdout: "y\n"},
	{name: "pipe-stderr", script: `{ echo e >&2; } |& cat`, stdout: "e\n", bashOnly: true},
	{name: "pipe-long", script: `seq 1 1000 | cat | cat | cat | cat | cat | cat | cat | wc -l`, stdout: "1000\n"},
	{name: "pipe-group", script: `{ echo a; echo b; } | { read x; read y; echo "$y$x"; }`, stdout: "ba\n"},

	// Subshells, groups, background.
	{name: "subshell-isolation", script: `x=1; (x=2; cd /; exit 4); echo "$? $x $([ "$PWD" != / ] && echo kept)"`, stdout: "4 1 kept\n"},
	{name: "group-shares", script: `{ x=2; }; echo $x`, stdout: "2\n"},
	{name: "group-exit", script: `{ exit 5; }; echo no`, status: 5},
	{name: "background-wait", script: `(exit 6) & wait $!; echo $?`, stdout: "6\n"},
	{name: "background-pid", script: `sleep 0.1 & p=$!; [ -d /proc/$p ] && echo alive; wait`, stdout: "alive\n"},
	{name: "wait-all", script: `sh -c 'exit 3' & wait; echo $?`, stdout: "0\n"},

	// Redirections.
	{name: "redir-out-in", script: `echo a > f; cat < f`, stdout: "a\n"},
	{name: "redir-append", script: `echo a > f; echo b >> f; cat f`, stdout: "a\nb\n"},
	{name: "redir-dup", script: `{ echo err >&2; } 2>&1`, stdout: "err\n"},
	{name: "redir-order", script: `{ echo e >&2; } 2>&1 >/dev/null`, stdout: "e\n"},
	{name: "redir-close", script: `{ echo x >&3; } 3>&- 2>/dev/null || echo closed`, stdout: "closed\n"},
	{name: "redir-rw", script: `echo data > f; cat 0<> f`, stdout: "data\n"},
	{name: "redir-clobber", script: `set -C; echo a > f; echo b > f 2>/dev/null || echo refused; echo c >| f; cat f`, stdout: "refused\nc\n"},
	{name: "redir-all", script: `{ echo o; echo e >&2; } &> f; sort f`, stdout: "e\no\n", bashOnly: true},
	{name: "exec-fd", script: `exec 3> f; echo via3 >&3; exec 3>&-; cat f`, stdout: "via3\n"},
	{name: "exec-replace-pid", script: `echo $$ > a; exec sh -c 'echo $$ > b; cmp -s a b && echo same'`, stdout: "same\n"},
	{name: "redir-missing", script: `cat < nope 2>/dev/null; echo $?`, stdout: "1\n", skip: []string{"dash"},
		why: "a failed redirection is status 2 in dash, 1 in bash"},
	{name: "redir-badfd", script: `echo x >&9; echo $?`, stdout: "1\n", skip: []string{"dash"},
		why: "a failed redirection is status 2 in dash, 1 in bash"},
	{name: "heredoc", script: "x=1\ncat <<EOF\nv=$x\nEOF", stdout: "v=1\n"},
	{name: "heredoc-quoted", script: "cat <<'EOF'\n$x \\$y\nEOF", stdout: "$x \\$y\n"},
	{name: "heredoc-dash", script: "cat <<-EOF\n\tindented\n\tEOF", stdout: "indented\n"},
	{name: "heredoc-large", script: "x=$(seq 1 30000)\ncat <<EOF | wc -l\n$x\nEOF", stdout: "30000\n"},
	{name: "herestring", script: `cat <<< "a b"`, stdout: "a b\n", bashOnly: true},

	// Expansions.
	{name: "param-default", script: `unset u; echo "${u:-d} ${u-e} ${u:+x}"`, stdout: "d e \n"},
	{name: "param-assign", script: `echo "${v:=set}" $v`, stdout: "set set\n"},
	{name: "param-trim", script: `p=/a/b.c.d; echo ${p##*/} ${p%.*} ${p%%.*} ${p#/}`, stdout: "b.c.d /a/b.c /a/b a/b.c.d\n"},
	{name: "param-quoted-pattern", script: `x='a*b'; p='*'; echo "${x#"a*"} ${x%"$p"b} ${x#a*}"`, stdout: "b a *b\n"},
	{name: "param-anchored-repl", script: `s=abcabc; echo ${s/#abc/-} ${s/%abc/-} ${s/#b/-}`, stdout: "-abc abc- abcabc\n", bashOnly: true},
	{name: "params-default", script: `f() { for a in "${@:-.}"; do echo "[$a]"; done; }; f; f "a b" c`, stdout: "[.]\n[a b]\n[c]\n"},
	{name: "params-alternate", script: `set -- x y; set -- "${@:+set}" ${*:-unset}; echo "$# $*"`, stdout: "3 set x y\n"},
	{name: "param-length", script: `s=hello; echo ${#s}`, stdout: "5\n"},
	{name: "param-error", script: `: ${nope?}; echo not`, status: 1, skip: []string{"bash", "dash"},
		why: "the shell exits; with status 1 as bash does for a script file (bash -c exits 127, dash 2)"},
	{name: "param-bash-subst", script: `s=aXbX; echo ${s/X/-} ${s//X/-} ${s:1:2} ${s^^}`, stdout: "a-bX a-b- Xb AXBX\n", bashOnly: true},
	{name: "positional-10", script: `set -- 1 2 3 4 5 6 7 8 9 ten; echo ${10} $10`, stdout: "ten 10\n"},
	{name: "at-empty", script: `set --; for a in "$@"; do echo x; done; echo "$#"`, stdout: "0\n"},
	{name: "at-quoted", script: `set -- "a b" c; for a in "$@"; do echo "[$a]"; done`, stdout: "[a b]\n[c]\n"},
	{name: "star-ifs", script: `set -- a b; IFS=,; echo "$*"`, stdout: "a,b\n"},
	{name: "ifs-split", script: `IFS=:; v=a::b:; set -- $v; echo $#`, stdout: "3\n"},
	{name: "ifs-empty", script: `IFS=; v="a b"; set -- $v; echo $#`, stdout: "1\n"},
	{name: "ifs-default", script: `v="  a   b  "; set -- $v; echo $#`, stdout: "2\n"},
	{name: "cmdsubst-newlines", script: `x=$(printf 'a\n\n'); echo "[$x]"`, stdout: "[a]\n"},
	{name: "cmdsubst-status", script: `x=$(exit 4); echo $?`, stdout: "4\n"},
	{name: "cmdsubst-nested", script: "echo $(echo $(echo in) `echo bq`)", stdout: "in bq\n"},
	{name: "arith", script: `i=3; echo $((i*2+1)) $((i<<1)) $((7/2)) $((7%3)) $((i>2?1:0))`, stdout: "7 6 3 1 1\n"},
	{name: "arith-assign", script: `: $((n=4)); echo $n`, stdout: "4\n"},
	{name: "tilde", script: `HOME=/h; echo ~ ~/x "~"`, stdout: "/h /h/x ~\n"},
	{name: "tilde-assign-colon", script: `HOME=/h; p=~/a:~/b; echo $p`, stdout: "/h/a:/h/b\n"},
	{name: "glob", script: `touch b a c; echo *; echo "*"`, stdout: "a b c\n*\n"},
	{name: "glob-nomatch", script: `echo no*match`, stdout: "no*match\n"},
	{name: "noglob", script: `touch a; set -f; echo *`, stdout: "*\n"},
	{name: "quotes", script: `x=v; echo '$x' "$x" \$x "a\"b"`, stdout: "$x v $x a\"b\n"},
	{name: "special-dollar", script: `[ "$$" = "$(echo $$)" ] && echo same`, stdout: "same\n"},
	{name: "special-ppid", script: `[ "$PPID" -gt 0 ] && echo ok`, stdout: "ok\n"},
	{name: "lineno", script: "echo $LINENO\n\necho $LINENO", stdout: "1\n3\n", skip: []string{"dash"},
		why: "dash leaves LINENO empty"},
	{name: "dollar-minus", script: `set -u; case $- in *u*) echo u;; esac`, stdout: "u\n"},

	// Options.
	{name: "errexit", script: `set -e; false; echo no`, status: 1},
	{name: "errexit-cond", script: `set -e; if false; then :; fi; false || true; ! true; echo yes`, stdout: "yes\n"},
	{name: "errexit-andlist", script: `set -e; false && true; echo yes`, stdout: "yes\n"},
	{name: "nounset", script: `set -u; echo $nope; echo no`, status: 1, skip: []string{"bash", "dash"},
		why: "the shell exits; with status 1 as bash does for a script file (bash -c exits 127, dash 2)"},
	{name: "noexec", script: `set -n; echo no`},
	{name: "xtrace", script: `set -x; echo t 2>/dev/null`, stdout: "t\n"},

	// Builtins.
	{name: "cd-pwd", script: `mkdir -p d/e; cd d/e; basename "$(pwd)"; cd ..; basename "$PWD"`, stdout: "e\nd\n"},
	{name: "cd-missing", script: `cd /nonexistent_q 2>/dev/null; echo $?`, stdout: "1\n", skip: []string{"dash"},
		why: "dash's cd fails with status 2"},
	{name: "export", script: `export X=1; sh -c 'echo $X'`, stdout: "1\n"},
	{name: "unset", script: `x=1; unset x; echo "[${x-u}]"`, stdout: "[u]\n"},
	{name: "readonly", script: `readonly r=1; (r=2) 2>/dev/null || echo ro`, stdout: "ro\n"},
	{name: "shift", script: `set -- a b c; shift 2; echo $1 $#`, stdout: "c 1\n"},
	{name: "eval", script: `eval 'x=1; echo $x'`, stdout: "1\n"},
	{name: "source", script: `echo 'y=2' > lib; . ./lib; echo $y`, stdout: "2\n"},
	{name: "read", script: `echo 'a b c' | { read x y; echo "$y"; }`, stdout: "b c\n"},
	{name: "read-r", script: `printf 'a\\b\n' | { read -r x; printf '%s\n' "$x"; }`, stdout: "a\\b\n"},
	{name: "test", script: `[ 2 -gt 1 ] && test -n x && [ ! -e nope ] && echo ok`, stdout: "ok\n"},
	{name: "command-v", script: `command -v echo`, stdout: "echo\n"},
	{name: "type-builtin", script: `type cd`, stdout: "cd is a shell builtin\n"},
	{name: "return", script: `f() { return 3; }; f; echo $?`, stdout: "3\n"},
	{name: "break-continue", script: `for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done`, stdout: "1\n3\n"},
	{name: "local", script: `f() { local x=in; echo $x; }; x=out; f; echo $x`, stdout: "in\nout\n"},
	{name: "printf", script: `printf '%s-%d-%x\n' a 10 255`, stdout: "a-10-ff\n"},
	{name: "exec-cmd-status", script: `exec sh -c 'exit 9'; echo no`, status: 9},
	{name: "wait-status", script: `sh -c 'exit 5' & p=$!; wait $p; echo $?`, stdout: "5\n"},
}

// shells returns the shells a row runs under: gosh (this test binary)
// and bash and dash when installed.
func coreShells(t *testing.T) map[string][]string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	shells := map[string][]string{"gosh": {self}}
	for _, sh := range []string{"bash", "dash"} {
		if p, err := osexec.LookPath(sh); err == nil {
			shells[sh] = []string{p}
		}
	}
	return shells
}

func TestCoreTable(t *testing.T) {
	shells := coreShells(t)
	for _, c := range coreCases {
		for _, shName := range []string{"gosh", "bash", "dash"} {
			argv, ok := shells[shName]
			if !ok {
				continue
			}
			if c.bashOnly && shName == "dash" {
				continue
			}
			skipped := false
			for _, s := range c.skip {
				skipped = skipped || s == shName
			}
			if skipped {
				continue
			}
			t.Run(c.name+"/"+shName, func(t *testing.T) {
				t.Parallel()
				runCoreCase(t, c, shName, argv)
			})
		}
	}
}

func runCoreCase(t *testing.T, c coreCase, shName string, argv []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := osexec.CommandContext(ctx, argv[0], "-c", c.script)
	if shName == "gosh" {
		cmd.Args[0] = "gosh"
		cmd.Env = append(os.Environ(), asGoshEnv+"=1")
	} else {
		cmd.Args[0] = shName // as "sh", bash would run in POSIX mode
	}
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		t.Fatalf("%s timed out; stdout so far %q, stderr %q", shName, stdout.String(), stderr.String())
	}
	status := 0
	if ee, ok := err.(*osexec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != c.stdout || status != c.status {
		t.Errorf("%s -c %q:\nstdout %q, want %q\nstatus %d, want %d\nstderr: %s",
			shName, c.script, stdout.String(), c.stdout, status, c.status, stderr.String())
	}
}

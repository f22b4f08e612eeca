package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// garbageTokens are the pieces random input is made of: shell syntax in
// every state of disrepair, with only harmless builtins to run. PATH is
// empty when the input runs, so no program can be started.
var garbageTokens = []string{
	"echo", ":", "true", "false", "x=1", "$x", "${x", "${x:-", "}", "$(", ")", "`",
	"$((", "))", "((", "[[", "]]", "[", "]", "{", "}", "(", ")", "|", "||", "&&",
	";", ";;", "&", "!", "<", ">", ">>", "<<", "<<<", "<<-", ">&", "<&", "2>&1",
	"&>", "9>&-", "'", "\"", "\\", "*", "?", "~", "#", "if", "then", "fi", "else",
	"case", "in", "esac", "for", "do", "done", "f()", "function", "local",
	"return", "break", "continue", "shift", "set", "-e", "-u", "--", "$@", "$*",
	"$#", "$?", "${#x}", "${x#*}", "${x/a/b}", "${x:1:2}", "${a[", "a=(", "$[",
	"\t", "\n", " ", "EOF", "=", "+=", "%", "-", "@", "0", "-1", "99999999999999999999",
	"${!x}", "$'\\x", "<(", ">(", "read", "printf", "%s", "test", "-z", "declare", "-A",
}

// TestGarbageNoPanic feeds random token soup to gosh -n and to gosh
// itself: whatever the input, gosh must answer with a status and gosh:
// messages, never a Go panic trace (nor a recovered "internal error")
// and never hang.
func TestGarbageNoPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	empty := t.TempDir()
	rnd := rand.New(rand.NewPCG(2, 3))
	const inputs = 300
	for i := 0; i < inputs; i++ {
		var b strings.Builder
		n := 1 + rnd.IntN(30)
		for k := 0; k < n; k++ {
			b.WriteString(garbageTokens[rnd.IntN(len(garbageTokens))])
			if rnd.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		src := b.String()
		for _, mode := range [][]string{{"-n", "-c", src}, {"-c", src}} {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			cmd := exec.CommandContext(ctx, self, mode...)
			cmd.Args[0] = "gosh" // testscript.Main runs the test binary as gosh
			cmd.Env = append(os.Environ(), "PATH="+empty, "HOME="+empty)
			cmd.Dir = empty
			cmd.Stdin = strings.NewReader("")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			hung := ctx.Err() == context.DeadlineExceeded
			cancel()
			if hung {
				t.Fatalf("gosh %q hung; output so far:\n%s", mode, out.String())
			}
			text := out.String()
			if strings.Contains(text, "panic:") || strings.Contains(text, "goroutine ") ||
				strings.Contains(text, "internal error") {
				t.Fatalf("gosh %q panicked:\n%s", mode, text)
			}
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() < 0 {
				t.Fatalf("gosh %q died by a signal: %v\n%s", mode, err, text)
			}
		}
	}
}

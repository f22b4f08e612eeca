package shell

import (
	"os"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// The benchmarks time the interpreter's hot paths in-process; bench/
// compares whole shells against dash and bash.

const benchScript = `f() { n=$((n+1)); }
i=0; while [ $i -lt 100 ]; do x=$(echo hi); f; case $x in h*) ;; esac; i=$((i+1)); done
for w in a b c; do echo "$w" > /dev/null; done`

func BenchmarkParse(b *testing.B) {
	src := []byte(strings.Repeat(benchScript+"\n", 20))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := parseAll(src, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRunner(b *testing.B) *Runner {
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { devnull.Close() })
	return New(WithEnv([]string{"PATH=/usr/bin:/bin"}), WithStdio(devnull, devnull, devnull))
}

func benchWords(b *testing.B, src string) []*syntax.Word {
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "")
	if err != nil {
		b.Fatal(err)
	}
	return f.Stmts[0].Cmd.(*syntax.CallExpr).Args
}

// BenchmarkExpandQuick expands the words of a loop test, which take the
// quick path.
func BenchmarkExpandQuick(b *testing.B) {
	r := benchRunner(b)
	r.setVarString("i", "12345")
	words := benchWords(b, `[ $i -lt 200000 ] "$i" x$((i+1))`)
	for b.Loop() {
		if _, err := r.fields(words...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExpandGeneral expands words that need the general expander.
func BenchmarkExpandGeneral(b *testing.B) {
	r := benchRunner(b)
	r.setVarString("s", "a b c")
	words := benchWords(b, `${s#a} $s ${s:-x} a{b,c}`)
	for b.Loop() {
		if _, err := r.fields(words...); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRun(b *testing.B, src string) {
	r := benchRunner(b)
	f, err := parseAll([]byte(src), "bench")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		r.stmts(f.Stmts)
		if r.lastStatus != 0 {
			b.Fatalf("status %d", r.lastStatus)
		}
	}
}

// BenchmarkWhileLoop: 100 iterations of the bench/ while loop per op.
func BenchmarkWhileLoop(b *testing.B) {
	benchRun(b, `i=0; while [ $i -lt 100 ]; do i=$((i+1)); done`)
}

// BenchmarkFuncCall: 100 function calls per op.
func BenchmarkFuncCall(b *testing.B) {
	benchRun(b, `f() { n=$((n+1)); }; n=0; i=0; while [ $i -lt 100 ]; do f; i=$((i+1)); done`)
}

// BenchmarkCmdSubst: one in-process $(echo hi) per op.
func BenchmarkCmdSubst(b *testing.B) {
	benchRun(b, `x=$(echo hi)`)
}

// BenchmarkBuiltinPipeline: a two-stage pipeline of builtins per op.
func BenchmarkBuiltinPipeline(b *testing.B) {
	benchRun(b, `echo x | read y`)
}

// BenchmarkExternal: one fork/exec/wait of /bin/true per op.
func BenchmarkExternal(b *testing.B) {
	benchRun(b, `/bin/true`)
}

// BenchmarkExternalPipeline: echo x | cat | cat per op.
func BenchmarkExternalPipeline(b *testing.B) {
	benchRun(b, `echo x | cat | cat`)
}

package shell

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func init() {
	builtins["test"] = builtinTest
	builtins["["] = builtinTest
}

func builtinTest(r *Runner, args []string) int {
	if args[0] == "[" {
		if len(args) < 2 || args[len(args)-1] != "]" {
			r.errf("[: missing `]'")
			return 2
		}
		args = args[:len(args)-1]
	}
	t := &testParser{r: r, args: args[1:]}
	ok, err := t.run()
	if err != nil {
		r.errf("%s: %v", args[0], err)
		return 2
	}
	if ok {
		return 0
	}
	return 1
}

// testParser evaluates test's arguments with the POSIX rules for up to
// four arguments and a recursive-descent grammar beyond.
type testParser struct {
	r    *Runner
	args []string
	pos  int
}

func (t *testParser) run() (bool, error) {
	a := t.args
	switch len(a) {
	case 0:
		return false, nil
	case 1:
		return a[0] != "", nil
	case 2:
		if a[0] == "!" {
			return a[1] == "", nil
		}
		if isUnaryTestOp(a[0]) {
			return t.r.unaryTest(a[0], a[1])
		}
		return false, fmt.Errorf("%s: unary operator expected", a[0])
	case 3:
		if isBinaryTestOp(a[1]) {
			return t.r.binaryTest(a[1], a[0], a[2], false)
		}
		// POSIX: with three arguments, -a and -o join two one-argument
		// tests, so [ -z -a -z ] tests two strings.
		switch a[1] {
		case "-a":
			return a[0] != "" && a[2] != "", nil
		case "-o":
			return a[0] != "" || a[2] != "", nil
		}
		if a[0] == "!" {
			sub := &testParser{r: t.r, args: a[1:]}
			ok, err := sub.run()
			return !ok, err
		}
		if a[0] == "(" && a[2] == ")" {
			return a[1] != "", nil
		}
	case 4:
		if a[0] == "!" {
			sub := &testParser{r: t.r, args: a[1:]}
			ok, err := sub.run()
			return !ok, err
		}
		if a[0] == "(" && a[3] == ")" {
			sub := &testParser{r: t.r, args: a[1:3]}
			return sub.run()
		}
	}
	ok, err := t.or()
	if err != nil {
		return false, err
	}
	if t.pos < len(t.args) {
		return false, fmt.Errorf("%s: unexpected argument", t.args[t.pos])
	}
	return ok, nil
}

func (t *testParser) peek() (string, bool) {
	if t.pos < len(t.args) {
		return t.args[t.pos], true
	}
	return "", false
}

func (t *testParser) or() (bool, error) {
	ok, err := t.and()
	for err == nil {
		if s, _ := t.peek(); s != "-o" {
			break
		}
		t.pos++
		var ok2 bool
		ok2, err = t.and()
		ok = ok || ok2
	}
	return ok, err
}

func (t *testParser) and() (bool, error) {
	ok, err := t.not()
	for err == nil {
		if s, _ := t.peek(); s != "-a" {
			break
		}
		t.pos++
		var ok2 bool
		ok2, err = t.not()
		ok = ok && ok2
	}
	return ok, err
}

func (t *testParser) not() (bool, error) {
	if s, _ := t.peek(); s == "!" {
		t.pos++
		ok, err := t.not()
		return !ok, err
	}
	return t.primary()
}

func (t *testParser) primary() (bool, error) {
	s, ok := t.peek()
	if !ok {
		return false, fmt.Errorf("argument expected")
	}
	if s == "(" {
		t.pos++
		v, err := t.or()
		if err != nil {
			return false, err
		}
		if c, _ := t.peek(); c != ")" {
			return false, fmt.Errorf("`)' expected")
		}
		t.pos++
		return v, nil
	}
	if t.pos+2 < len(t.args)+0 && isBinaryTestOp(t.args[t.pos+1]) {
		l, op, rr := t.args[t.pos], t.args[t.pos+1], t.args[t.pos+2]
		t.pos += 3
		return t.r.binaryTest(op, l, rr, false)
	}
	if isUnaryTestOp(s) && t.pos+1 < len(t.args) {
		t.pos += 2
		return t.r.unaryTest(s, t.args[t.pos-1])
	}
	t.pos++
	return s != "", nil
}

func isUnaryTestOp(s string) bool {
	switch s {
	case "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-n", "-p", "-r", "-s", "-t", "-u",
		"-w", "-x", "-z", "-G", "-L", "-N", "-O", "-S", "-v", "-o":
		return true
	}
	return false
}

func isBinaryTestOp(s string) bool {
	switch s {
	case "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef":
		return true
	}
	return false
}

func (r *Runner) unaryTest(op, x string) (bool, error) {
	switch op {
	case "-n":
		return x != "", nil
	case "-z":
		return x == "", nil
	case "-v":
		return r.varIsSet(x)
	case "-o":
		if o := r.setOption(x); o != nil {
			return o.get(r), nil
		}
		return false, nil
	case "-t":
		n, err := strconv.Atoi(x)
		if err != nil {
			return false, nil
		}
		f := r.fds.get(n)
		return f != nil && isTerminal(f), nil
	}
	path := r.path(x)
	if x == "" {
		return false, nil
	}
	var st os.FileInfo
	var err error
	if op == "-h" || op == "-L" {
		st, err = os.Lstat(path)
		return err == nil && st.Mode()&os.ModeSymlink != 0, nil
	}
	st, err = os.Stat(path)
	if err != nil {
		return false, nil
	}
	m := st.Mode()
	sys, _ := st.Sys().(*syscall.Stat_t)
	switch op {
	case "-a", "-e":
		return true, nil
	case "-b":
		return m&os.ModeDevice != 0 && m&os.ModeCharDevice == 0, nil
	case "-c":
		return m&os.ModeCharDevice != 0, nil
	case "-d":
		return m.IsDir(), nil
	case "-f":
		return m.IsRegular(), nil
	case "-g":
		return m&os.ModeSetgid != 0, nil
	case "-k":
		return m&os.ModeSticky != 0, nil
	case "-p":
		return m&os.ModeNamedPipe != 0, nil
	case "-S":
		return m&os.ModeSocket != 0, nil
	case "-s":
		return st.Size() > 0, nil
	case "-u":
		return m&os.ModeSetuid != 0, nil
	case "-r":
		return syscall.Access(path, 4) == nil, nil
	case "-w":
		return syscall.Access(path, 2) == nil, nil
	case "-x":
		return syscall.Access(path, 1) == nil, nil
	case "-O":
		return sys != nil && int(sys.Uid) == os.Geteuid(), nil
	case "-G":
		return sys != nil && int(sys.Gid) == os.Getegid(), nil
	case "-N":
		return sys != nil && (sys.Mtim.Sec > sys.Atim.Sec || (sys.Mtim.Sec == sys.Atim.Sec && sys.Mtim.Nsec > sys.Atim.Nsec)), nil
	}
	return false, fmt.Errorf("%s: unary operator expected", op)
}

func (r *Runner) binaryTest(op, x, y string, inDbl bool) (bool, error) {
	switch op {
	case "=", "==":
		return x == y, nil
	case "!=":
		return x != y, nil
	case "<":
		return x < y, nil
	case ">":
		return x > y, nil
	case "-nt", "-ot":
		a, errA := os.Stat(r.path(x))
		b, errB := os.Stat(r.path(y))
		if op == "-nt" {
			if errA != nil {
				return false, nil
			}
			return errB != nil || a.ModTime().After(b.ModTime()), nil
		}
		if errB != nil {
			return false, nil
		}
		return errA != nil || a.ModTime().Before(b.ModTime()), nil
	case "-ef":
		a, errA := os.Stat(r.path(x))
		b, errB := os.Stat(r.path(y))
		return errA == nil && errB == nil && os.SameFile(a, b), nil
	}
	var a, b int
	if inDbl {
		var err error
		if a, err = r.arithString(x); err != nil {
			return false, err
		}
		if b, err = r.arithString(y); err != nil {
			return false, err
		}
	} else {
		var err error
		if a, err = testInt(x); err != nil {
			return false, err
		}
		if b, err = testInt(y); err != nil {
			return false, err
		}
	}
	switch op {
	case "-eq":
		return a == b, nil
	case "-ne":
		return a != b, nil
	case "-lt":
		return a < b, nil
	case "-le":
		return a <= b, nil
	case "-gt":
		return a > b, nil
	case "-ge":
		return a >= b, nil
	}
	return false, fmt.Errorf("%s: binary operator expected", op)
}

func testInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%s: integer expression expected", s)
	}
	return n, nil
}

// testExpr evaluates a [[ ]] expression.
func (r *Runner) testExpr(x syntax.TestExpr) (bool, error) {
	switch x := x.(type) {
	case *syntax.Word:
		if neg := r.negatedTest(x); neg != nil {
			ok, err := r.testExpr(neg)
			return !ok, err
		}
		s, err := r.literal(x)
		return s != "", err
	case *syntax.ParenTest:
		return r.testExpr(x.X)
	case *syntax.UnaryTest:
		if x.Op == syntax.TsNot {
			ok, err := r.testExpr(x.X)
			return !ok, err
		}
		s, err := r.literal(x.X.(*syntax.Word))
		if err != nil {
			return false, err
		}
		return r.unaryTest(x.Op.String(), s)
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.AndTest:
			ok, err := r.testExpr(x.X)
			if err != nil || !ok {
				return false, err
			}
			return r.testExpr(x.Y)
		case syntax.OrTest:
			ok, err := r.testExpr(x.X)
			if err != nil || ok {
				return ok, err
			}
			return r.testExpr(x.Y)
		}
		left, err := r.literal(x.X.(*syntax.Word))
		if err != nil {
			return false, err
		}
		yw := x.Y.(*syntax.Word)
		switch x.Op {
		case syntax.TsMatchShort, syntax.TsMatch, syntax.TsNoMatch:
			old := r.opts.ExtGlob
			r.opts.ExtGlob = true // bash: extglob is on inside [[ ]] patterns
			pat, err := r.condPattern(yw)
			if err != nil {
				r.opts.ExtGlob = old
				return false, err
			}
			m := r.match(pat, left)
			r.opts.ExtGlob = old
			if x.Op == syntax.TsNoMatch {
				return !m, nil
			}
			return m, nil
		case syntax.TsReMatch:
			rx, err := r.regexWord(yw)
			if err != nil {
				return false, err
			}
			flags := ""
			if r.opts.NoCaseMatch {
				flags = "(?i)"
			}
			re, err := regexp.Compile(flags + rx)
			if err != nil {
				return false, &statusError{status: 2, msg: fmt.Sprintf("%s: invalid regular expression", rx)}
			}
			m := re.FindStringSubmatch(left)
			if m == nil {
				r.setVar("BASH_REMATCH", expand.Variable{Set: true, Kind: expand.Indexed})
				return false, nil
			}
			r.setVar("BASH_REMATCH", expand.Variable{Set: true, Kind: expand.Indexed, List: m})
			return true, nil
		}
		right, err := r.literal(yw)
		if err != nil {
			return false, err
		}
		return r.binaryTest(x.Op.String(), left, right, true)
	}
	return false, fmt.Errorf("unsupported test expression")
}

// hasExtGlob reports an extended pattern operator such as @( or !( in an
// expanded pattern (pattern.HasMeta looks only for * ? and [).
func hasExtGlob(pat string) bool {
	for i := 0; i+1 < len(pat); i++ {
		if pat[i] == '\\' {
			i++
			continue
		}
		if pat[i+1] == '(' && strings.IndexByte("@!+*?", pat[i]) >= 0 {
			return true
		}
	}
	return false
}

// condPattern expands the right side of [[ x == pat ]]. Quoted parts
// match literally, including characters that only extglob makes special
// ('@(cc)' is not a pattern), which expand.Pattern does not escape.
func (r *Runner) condPattern(w *syntax.Word) (string, error) {
	quoted := false
	for _, p := range w.Parts {
		switch p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			quoted = true
		}
	}
	if !quoted {
		return r.pattern(w)
	}
	var b strings.Builder
	for i, p := range w.Parts {
		part := &syntax.Word{Parts: []syntax.WordPart{p}}
		switch p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			s, err := r.literal(part)
			if err != nil {
				return "", err
			}
			for i := 0; i < len(s); i++ {
				if strings.IndexByte(`*?[]\\@!+()|`, s[i]) >= 0 {
					b.WriteByte('\\')
				}
				b.WriteByte(s[i])
			}
		default:
			if i > 0 {
				// Only a word's first part gets tilde expansion.
				if lit, ok := p.(*syntax.Lit); ok && strings.HasPrefix(lit.Value, "~") {
					b.WriteString(`\~`)
					part = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: lit.Value[1:]}}}
				}
			}
			s, err := r.pattern(part)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	}
	return b.String(), nil
}

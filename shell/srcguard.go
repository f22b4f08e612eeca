package shell

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// Source text reaches the parser through a guard that does two things the
// parser cannot:
//
//   - Bytes that are not valid UTF-8 are data in a shell script (LC_ALL=C
//     scripts carry Latin-1 text, binary patterns and so on), but the
//     parser rejects them. The guard hands each such byte b to the parser
//     as the rune escapeBase+b, from the last private-use plane, and
//     restoreBytes turns those runes back into the raw bytes in the parsed
//     tree, so words, here-documents and patterns hold the original bytes.
//   - The parser and the interpreter recurse once per nesting level of
//     ( { $( and friends. Go stops a goroutine whose stack passes 1 GB with
//     a fatal error that no recover catches, which about 100,000 levels
//     reach. The guard counts the nesting as it streams the text and fails
//     the parse with errTooDeep past maxNesting levels.
//
// The nesting count is a conservative lexical estimate: it skips single
// quotes, backslash escapes and comments, and counts every other opening
// bracket or brace. Real scripts stay far below the limit; only input
// that nests thousands of levels deep can reach it.

// maxNesting is the deepest nesting of brackets and braces a program may
// have. bash and dash have no such limit and crash on deep enough input
// instead; 10,000 levels run in about 150 MB.
const maxNesting = 10000

// escapeBase+b stands for the invalid byte b (0x80..0xff) while parsing,
// and escapeBase+'\r' for a carriage return, which the parser would drop
// but which sh takes as an ordinary character (echo\rx is one word).
const escapeBase = 0x10ff00

func isByteEscape(r rune) bool {
	return r >= escapeBase+0x80 && r <= escapeBase+0xff || r == escapeBase+'\r'
}

var errTooDeep = fmt.Errorf("nesting too deep (more than %d levels)", maxNesting)

// guardReader feeds source to the parser: invalid bytes escaped, nesting
// bounded. It never reads further ahead in src than the parser asks for,
// except to complete a multi-byte character, so a script on a pipe can
// still share its input with the commands it runs.
type guardReader struct {
	src  io.Reader
	pend []byte // read but not yet decided: an incomplete UTF-8 prefix
	out  []byte // decided, not yet returned
	err  error  // error from src, returned once pend and out are empty
	buf  [4096]byte

	// lexical state for the nesting estimate
	depth          int
	single, double bool
	escaped        bool
	comment        bool
	prev           byte
}

func newGuardReader(src io.Reader) *guardReader { return &guardReader{src: src, prev: '\n'} }

func (g *guardReader) Read(p []byte) (int, error) {
	for len(g.out) == 0 {
		if g.err != nil {
			if len(g.pend) > 0 {
				// Input ended inside a character: escape what is left.
				g.emit(g.pend, true)
				g.pend = nil
				continue
			}
			return 0, g.err
		}
		n, err := g.src.Read(g.buf[:min(len(p), len(g.buf))])
		if err != nil {
			g.err = err
		}
		g.pend = append(g.pend, g.buf[:n]...)
		g.decode()
		if g.depth > maxNesting {
			g.out, g.pend = nil, nil
			g.err = errTooDeep
			return 0, errTooDeep
		}
	}
	n := copy(p, g.out)
	g.out = g.out[n:]
	return n, nil
}

// decode moves every decided byte of pend to out.
func (g *guardReader) decode() {
	i := 0
	for i < len(g.pend) {
		b := g.pend[i]
		if b < utf8.RuneSelf {
			g.emit(g.pend[i:i+1], b == '\r')
			i++
			continue
		}
		if !utf8.FullRune(g.pend[i:]) && g.err == nil {
			break // wait for the rest of the character
		}
		r, w := utf8.DecodeRune(g.pend[i:])
		if r == utf8.RuneError && w == 1 {
			g.emit(g.pend[i:i+1], true)
		} else if isByteEscape(r) {
			// Already the escape of a byte: pass the bytes on as invalid
			// bytes would be, so the round trip keeps them as they were.
			for _, c := range g.pend[i : i+w] {
				g.emit([]byte{c}, true)
			}
		} else {
			g.emit(g.pend[i:i+w], false)
		}
		i += w
	}
	g.pend = append(g.pend[:0], g.pend[i:]...)
}

// emit appends one character to out (escaping each byte when esc is set)
// and updates the nesting estimate.
func (g *guardReader) emit(c []byte, esc bool) {
	if esc {
		for _, b := range c {
			g.out = utf8.AppendRune(g.out, escapeBase+rune(b))
		}
		g.prev = 0x80
		return
	}
	g.out = append(g.out, c...)
	if len(c) == 1 {
		g.track(c[0])
	} else {
		g.prev = 0x80
	}
}

func (g *guardReader) track(b byte) {
	prev := g.prev
	g.prev = b
	switch {
	case g.comment:
		g.comment = b != '\n'
		return
	case g.escaped:
		g.escaped = false
		return
	case g.single:
		g.single = b != '\''
		return
	}
	switch b {
	case '\\':
		g.escaped = true
	case '\'':
		g.single = !g.double
	case '"':
		g.double = !g.double
	case '#':
		g.comment = !g.double && (prev == ' ' || prev == '\t' || prev == '\n' || prev == ';')
	case '(', '{':
		g.depth++
	case ')', '}':
		if g.depth > 0 {
			g.depth--
		}
	}
}

// restoreBytes turns the escape runes the guard put in node's words back
// into the raw bytes they stand for.
func restoreBytes(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Lit:
			n.Value = unescapeBytes(n.Value)
		case *syntax.SglQuoted:
			n.Value = unescapeBytes(n.Value)
		case *syntax.Comment:
			n.Text = unescapeBytes(n.Text)
		}
		return true
	})
}

// unescapeBytes replaces each escape rune in s by its byte.
func unescapeBytes(s string) string {
	// The escape runes all start with the 4-byte lead 0xf4 0x8f.
	if !strings.Contains(s, "\xf4\x8f") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if isByteEscape(r) {
			b.WriteByte(byte(r - escapeBase))
		} else {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

// isTooDeep reports a parse that the guard stopped.
func isTooDeep(err error) bool { return errors.Is(err, errTooDeep) }

// tooDeep reports eval or . nested past maxFuncDepth, as a function
// nested too deep is reported: each level is a Go call, and without a
// bound a recursive eval or a script sourcing itself ends in a fatal
// stack overflow (bash and dash crash there too).
func (r *Runner) tooDeep(what string) int {
	r.errf("%s: maximum nesting level exceeded (%d)", what, maxFuncDepth)
	r.exit(1)
	return 1
}

// eachStmt parses rd (through the guard) one statement at a time and
// calls fn with each statement or error until fn returns false.
//
// It calls the parser's StmtsSeq iterator directly rather than ranging
// over it: after its statement loop stops, StmtsSeq may yield once more
// (a here-document left unclosed at the end of the input is reported
// after the statement that opened it), and a range loop that already
// broke turns that into a fatal "continued iteration" panic. Here the
// extra yield is simply refused.
func eachStmt(p *syntax.Parser, rd io.Reader, fn func(*syntax.Stmt, error) bool) {
	stopped := false
	p.StmtsSeq(newGuardReader(rd))(func(st *syntax.Stmt, err error) bool {
		if stopped {
			return false
		}
		if err == nil && st != nil {
			restoreBytes(st)
			if err = checkFuncNames(st); err != nil {
				st = nil
			}
		}
		stopped = !fn(st, err)
		return !stopped
	})
}

// checkFuncNames rejects a function declaration without a name, which
// the parser accepts for `() cmd` (a zsh anonymous function); sh and bash
// reject it as a syntax error, and the interpreter needs a name.
//
// It first mends how the parser reads `f() { ...; } && g` and
// `f() { ...; } | g`: as a function whose body is the whole list or
// pipeline, where sh defines f by the first part alone.
func checkFuncNames(node syntax.Node) error {
	var err error
	syntax.Walk(node, func(n syntax.Node) bool {
		if st, ok := n.(*syntax.Stmt); ok {
			liftFuncBody(st)
		}
		if fd, ok := n.(*syntax.FuncDecl); ok && err == nil {
			if fd.Name == nil {
				err = syntax.ParseError{Pos: fd.Pos(), Text: "syntax error near unexpected token `)'"}
			} else if fd.Body != nil && !isCompound(fd.Body.Cmd) {
				// f() echo, f() g() {...}: sh and bash want a compound command.
				err = syntax.ParseError{Pos: fd.Body.Pos(), Text: "a function body must be a compound command"}
			}
		}
		return err == nil
	})
	return err
}

// liftFuncBody turns st, a function declaration whose body the parser
// took to be a list or pipeline (f() { a; } && b), into that list or
// pipeline with the declaration, its body the first command, as its
// first element: (f() { a; }) && b.
func liftFuncBody(st *syntax.Stmt) {
	fd, ok := st.Cmd.(*syntax.FuncDecl)
	if !ok || fd.Body == nil {
		return
	}
	list, ok := fd.Body.Cmd.(*syntax.BinaryCmd)
	if !ok || fd.Body.Negated || fd.Body.Background || fd.Body.Coprocess || len(fd.Body.Redirs) > 0 {
		return
	}
	first := &list.X
	for {
		b, ok := (*first).Cmd.(*syntax.BinaryCmd)
		if !ok || (*first).Negated || len((*first).Redirs) > 0 {
			break
		}
		first = &b.X
	}
	fd.Body = *first
	*first = &syntax.Stmt{Position: st.Position, Cmd: fd}
	st.Cmd = list
}

// isCompound reports the compound commands, which may be function bodies.
func isCompound(c syntax.Command) bool {
	switch c.(type) {
	case *syntax.Block, *syntax.Subshell, *syntax.IfClause, *syntax.WhileClause, *syntax.ForClause,
		*syntax.CaseClause, *syntax.ArithmCmd, *syntax.TestClause:
		return true
	}
	return false
}

// hasSubst reports a command or process substitution in node. Strings
// evaluated as arithmetic after expansion ([[ $x -eq 1 ]], declare -i
// values, let) are data, and data is never run as code except by eval:
// bash rejects `$(...)` there as a syntax error, and so does gosh.
func hasSubst(node syntax.Node) bool {
	found := false
	syntax.Walk(node, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			found = true
		}
		return !found
	})
	return found
}

// escapeInvalid replaces each byte of s that is not part of valid UTF-8,
// and each byte of an escape rune already in s, by its escape rune.
func escapeInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && w == 1) || (r >= escapeBase+0x80 && r <= escapeBase+0xff) {
			for _, c := range []byte(s[i : i+w]) {
				b.WriteRune(escapeBase + rune(c))
			}
		} else {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	return b.String()
}

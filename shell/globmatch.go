package shell

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"mvdan.cc/sh/v3/pattern"
)

// A globMatcher matches whole strings against one shell pattern, with
// bash's extended operators ?( *( +( @( !( when globExt is set. It is a
// backtracking matcher over the parsed pattern rather than a translation
// to a regular expression, because !(list) (any string the list does not
// match, anywhere in the pattern) has no regular-expression equivalent.
// Results of matching a sub-pattern against a span of the subject are
// memoised, so nested * and groups stay polynomial.
type globMatcher struct {
	root  []globNode
	flags globFlags
	seqs  int // number of sequences, for memo keys
}

type globFlags uint8

const (
	globExt    globFlags = 1 << iota // extended operators
	globNoCase                       // letters match either case
	// globPeriod: a leading '.' of the subject is matched only by a
	// literal '.' (pathname expansion without dotglob).
	globPeriod
	// globPath: wildcards and brackets do not match '/' (GLOBIGNORE).
	globPath
)

type globKind uint8

const (
	globLit   globKind = iota // one rune
	globAny                   // ?
	globStar                  // *
	globClass                 // [...]
	globGroup                 // op(alt|alt)
)

type globNode struct {
	kind  globKind
	r     rune
	class *globBracket
	op    byte         // group operator: ? * + @ !
	alts  [][]globNode // group alternatives
	ids   []int        // group: the memo id of each alternative
}

// A globBracket is a parsed bracket expression.
type globBracket struct {
	negate bool
	runes  []rune
	ranges [][2]rune
	class  []string // names of [:class:]
}

func (b *globBracket) matches(c rune, nocase bool) bool {
	in := b.has(c)
	if !in && nocase {
		if l := unicode.ToLower(c); l != c {
			in = b.has(l)
		} else if u := unicode.ToUpper(c); u != c {
			in = b.has(u)
		}
	}
	return in != b.negate
}

func (b *globBracket) has(c rune) bool {
	for _, r := range b.runes {
		if r == c {
			return true
		}
	}
	for _, rg := range b.ranges {
		if rg[0] <= c && c <= rg[1] {
			return true
		}
	}
	for _, name := range b.class {
		if inCharClass(name, c) {
			return true
		}
	}
	return false
}

func inCharClass(name string, c rune) bool {
	switch name {
	case "alnum":
		return unicode.IsLetter(c) || unicode.IsDigit(c)
	case "alpha":
		return unicode.IsLetter(c)
	case "ascii":
		return c < 0x80
	case "blank":
		return c == ' ' || c == '\t'
	case "cntrl":
		return unicode.IsControl(c)
	case "digit":
		return '0' <= c && c <= '9'
	case "graph":
		return unicode.IsGraphic(c) && !unicode.IsSpace(c)
	case "lower":
		return unicode.IsLower(c)
	case "print":
		return unicode.IsPrint(c)
	case "punct":
		return unicode.IsPunct(c) || unicode.IsSymbol(c) && c < 0x80
	case "space":
		return unicode.IsSpace(c)
	case "upper":
		return unicode.IsUpper(c)
	case "word":
		return c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c)
	case "xdigit":
		return strings.ContainsRune("0123456789abcdefABCDEF", c)
	}
	return false
}

// matchFunc returns a function that reports whether a whole string matches
// pat with extended operators: a cached regular expression when pat has no
// !(list), which the regexp engine matches in linear time, else a
// globMatcher.
func matchFunc(pat string) func(string) bool {
	rx, err := pattern.Regexp(pat, pattern.EntireString|pattern.ExtendedOperators)
	if err == nil {
		if re, err := compileCached(rx); err == nil {
			return re.MatchString
		}
	}
	return compileGlob(pat, globExt).match
}

// compileGlob parses pat. It never fails: as in bash, a [ without its ]
// and an operator without its ) are literal characters.
func compileGlob(pat string, flags globFlags) *globMatcher {
	m := &globMatcher{flags: flags}
	m.root, _ = m.parseSeq(pat, 0, false)
	return m
}

// parseSeq parses pat from i up to the end or, inside a group, up to an
// unescaped | or ). It returns the nodes and where it stopped.
func (m *globMatcher) parseSeq(pat string, i int, inGroup bool) ([]globNode, int) {
	var seq []globNode
	for i < len(pat) {
		c := pat[i]
		if inGroup && (c == '|' || c == ')') {
			return seq, i
		}
		switch c {
		case '\\':
			if i+1 < len(pat) {
				r, n := utf8.DecodeRuneInString(pat[i+1:])
				seq = append(seq, globNode{kind: globLit, r: r})
				i += 1 + n
				continue
			}
		case '*':
			if m.flags&globExt != 0 && i+1 < len(pat) && pat[i+1] == '(' {
				break
			}
			if len(seq) == 0 || seq[len(seq)-1].kind != globStar {
				seq = append(seq, globNode{kind: globStar})
			}
			i++
			continue
		case '?':
			if m.flags&globExt != 0 && i+1 < len(pat) && pat[i+1] == '(' {
				break
			}
			seq = append(seq, globNode{kind: globAny})
			i++
			continue
		case '[':
			if b, n := parseBracket(pat[i:]); b != nil {
				seq = append(seq, globNode{kind: globClass, class: b})
				i += n
				continue
			}
		}
		if m.flags&globExt != 0 && strings.IndexByte("?*+@!", c) >= 0 && i+1 < len(pat) && pat[i+1] == '(' {
			if g, n, ok := m.parseGroup(pat, i); ok {
				seq = append(seq, g)
				i = n
				continue
			}
			// Not closed: * and ? are wildcards, the rest literal.
			switch c {
			case '*':
				seq = append(seq, globNode{kind: globStar})
				i++
				continue
			case '?':
				seq = append(seq, globNode{kind: globAny})
				i++
				continue
			}
		}
		r, n := utf8.DecodeRuneInString(pat[i:])
		seq = append(seq, globNode{kind: globLit, r: r})
		i += n
	}
	return seq, i
}

// parseGroup parses op(alt|...) at pat[i]; ok is false when it is not
// closed.
func (m *globMatcher) parseGroup(pat string, i int) (globNode, int, bool) {
	g := globNode{kind: globGroup, op: pat[i]}
	j := i + 2
	for {
		alt, k := m.parseSeq(pat, j, true)
		if k >= len(pat) {
			return globNode{}, 0, false
		}
		g.alts = append(g.alts, alt)
		g.ids = append(g.ids, m.seqs)
		m.seqs++
		if pat[k] == ')' {
			return g, k + 1, true
		}
		j = k + 1 // past |
	}
}

// parseBracket parses the bracket expression at the start of s ("[...]")
// and returns it with its length, or nil if it is not closed.
func parseBracket(s string) (*globBracket, int) {
	b := &globBracket{}
	i := 1
	if i < len(s) && (s[i] == '!' || s[i] == '^') {
		b.negate = true
		i++
	}
	first := true
	for i < len(s) {
		c := s[i]
		if c == ']' && !first {
			return b, i + 1
		}
		first = false
		if c == '[' && i+1 < len(s) && (s[i+1] == ':' || s[i+1] == '.' || s[i+1] == '=') {
			delim := s[i+1]
			if end := strings.Index(s[i+2:], string(delim)+"]"); end >= 0 {
				name := s[i+2 : i+2+end]
				i += 2 + end + 2
				if delim == ':' {
					b.class = append(b.class, name)
				} else {
					b.runes = append(b.runes, []rune(name)...)
				}
				continue
			}
		}
		var lo rune
		var n int
		if c == '\\' && i+1 < len(s) {
			lo, n = utf8.DecodeRuneInString(s[i+1:])
			n++
		} else {
			lo, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if i+1 < len(s) && s[i] == '-' && s[i+1] != ']' {
			hi, m := utf8.DecodeRuneInString(s[i+1:])
			if s[i+1] == '\\' && i+2 < len(s) {
				hi, m = utf8.DecodeRuneInString(s[i+2:])
				m++
			}
			i += 1 + m
			b.ranges = append(b.ranges, [2]rune{lo, hi})
			continue
		}
		b.runes = append(b.runes, lo)
	}
	return nil, 0
}

// globState is one match of a globMatcher against a subject.
type globState struct {
	m    *globMatcher
	s    string
	memo map[globKey]bool
}

type globKey struct{ seq, k, from, to int }

// match reports whether the whole of s matches.
func (m *globMatcher) match(s string) bool {
	st := globState{m: m, s: s}
	return st.seq(m.root, -1, 0, 0, len(s))
}

// seq reports whether nodes[k:] match s[from:to]; id names nodes for the
// memo (-1 for the root).
func (st *globState) seq(nodes []globNode, id, k, from, to int) bool {
	for ; k < len(nodes); k++ {
		nd := &nodes[k]
		switch nd.kind {
		case globLit:
			if from >= to {
				return false
			}
			r, n := utf8.DecodeRuneInString(st.s[from:to])
			if r != nd.r && !(st.m.flags&globNoCase != 0 && equalFold(r, nd.r)) {
				return false
			}
			from += n
		case globAny, globClass:
			if from >= to || st.hidden(from) {
				return false
			}
			r, n := utf8.DecodeRuneInString(st.s[from:to])
			if r == '/' && st.m.flags&globPath != 0 {
				return false
			}
			if nd.kind == globClass && !nd.class.matches(r, st.m.flags&globNoCase != 0) {
				return false
			}
			from += n
		case globStar:
			if st.hidden(from) {
				continue // only the empty string
			}
			if k == len(nodes)-1 && st.m.flags&globPath == 0 {
				return true
			}
			return st.memoised(globKey{id, 2 * k, from, to}, func() bool {
				for j := from; j <= to; j++ {
					if st.seq(nodes, id, k+1, j, to) {
						return true
					}
					if j < to && st.s[j] == '/' && st.m.flags&globPath != 0 {
						return false
					}
				}
				return false
			})
		case globGroup:
			if nd.op == '*' || nd.op == '+' {
				return st.repeat(nodes, id, k, from, to, nd.op == '+')
			}
			return st.memoised(globKey{id, 2 * k, from, to}, func() bool {
				for j := from; j <= to; j++ {
					if st.group(nd, from, j) && st.seq(nodes, id, k+1, j, to) {
						return true
					}
				}
				return false
			})
		}
	}
	return from == to
}

func equalFold(a, b rune) bool {
	return unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

// hidden reports a leading dot that only a literal '.' may match.
func (st *globState) hidden(at int) bool {
	return at == 0 && st.m.flags&globPeriod != 0 && st.s != "" && st.s[0] == '.'
}

func (st *globState) memoised(key globKey, f func() bool) bool {
	if v, ok := st.memo[key]; ok {
		return v
	}
	if st.memo == nil {
		st.memo = make(map[globKey]bool)
	}
	v := f()
	st.memo[key] = v
	return v
}

// repeat reports whether the * or + group nodes[k] followed by the rest
// of nodes matches s[from:to]: as a loop (no, or one more, non-empty
// match of an alternative), so that the memo holds one entry per start
// rather than one per span. min1 asks for at least one match.
func (st *globState) repeat(nodes []globNode, id, k, from, to int, min1 bool) bool {
	key := globKey{id, 2*k + 1, from, to}
	if min1 {
		key.k = -key.k
	}
	return st.memoised(key, func() bool {
		g := &nodes[k]
		if min1 && st.anyAlt(g, from, from) || !min1 {
			// an alternative that matches the empty string ends the loop
			if st.seq(nodes, id, k+1, from, to) {
				return true
			}
		}
		for j := from + 1; j <= to; j++ {
			if st.anyAlt(g, from, j) && st.repeat(nodes, id, k, j, to, false) {
				return true
			}
		}
		return false
	})
}

// group reports whether the ?, @ or ! group g matches exactly s[from:to].
func (st *globState) group(g *globNode, from, to int) bool {
	switch g.op {
	case '@':
		return st.anyAlt(g, from, to)
	case '?':
		return from == to || st.anyAlt(g, from, to)
	case '!':
		if st.hidden(from) {
			return false
		}
		return !st.anyAlt(g, from, to)
	}
	return false
}

func (st *globState) anyAlt(g *globNode, from, to int) bool {
	for i, alt := range g.alts {
		if st.seq(alt, g.ids[i], 0, from, to) {
			return true
		}
	}
	return false
}

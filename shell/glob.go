package shell

import (
	"os"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// Pathname expansion. mvdan's expand globs a field only when an unquoted
// part holds * ? or [, it knows !(list) only between fixed text, lets ?
// and [...] match a leading dot, and has no GLOBIGNORE or failglob. gosh
// therefore expands the words that carry a pattern (an unquoted * ? or
// [...], an extended glob group, or any unquoted expansion while
// GLOBIGNORE or failglob is in force) itself: each field is built as two
// strings, the text after quote removal and the pattern in which every
// quoted character is escaped, and the pattern is matched against
// directory entries one path component at a time with globMatcher. Other
// words keep going to expand.Fields unchanged.

// A globNeed tells which words go through gosh's pathname expansion.
type globNeed struct {
	r *Runner
	// exp: unquoted expansions do (GLOBIGNORE or failglob is in force);
	// 0 not looked up yet, 1 yes, -1 no.
	exp int8
}

func (g *globNeed) expansions() bool {
	if g.exp == 0 {
		g.exp = -1
		if g.r.opts.FailGlob || g.r.globIgnore() != "" {
			g.exp = 1
		}
	}
	return g.exp > 0
}

// word reports whether w goes through gosh's pathname expansion.
func (g *globNeed) word(w *syntax.Word) bool {
	opts := &g.r.opts
	bracket := false
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.ExtGlob:
			return opts.ExtGlob
		case *syntax.Lit:
			if opts.Noglob {
				continue
			}
			if strings.ContainsAny(p.Value, "*?") {
				return true
			}
			if strings.IndexByte(p.Value, '[') >= 0 {
				bracket = true
			}
			if bracket && strings.IndexByte(p.Value, ']') >= 0 {
				return true
			}
		case *syntax.ParamExp:
			if !opts.Noglob && (opts.ExtGlob && extGlobDefault(p) || g.expansions()) {
				return true
			}
		case *syntax.CmdSubst, *syntax.ArithmExp:
			if !opts.Noglob && g.expansions() {
				return true
			}
		}
	}
	return false
}

// fieldsGlob is fields for a word list in which some word needs gosh's
// pathname expansion.
func (r *Runner) fieldsGlob(words []*syntax.Word) ([]string, error) {
	var out []string
	need := globNeed{r: r}
	for _, w := range words {
		var err error
		if need.word(w) {
			out, err = r.globFields(w, out)
		} else {
			out, err = r.fieldsExpand(out, w)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// extGlobDefault reports ${x:-word} and the like whose word holds an
// extended glob operator, which expand would not see in its value.
func extGlobDefault(pe *syntax.ParamExp) bool {
	if pe.Exp == nil || pe.Exp.Word == nil {
		return false
	}
	for _, p := range pe.Exp.Word.Parts {
		if lit, ok := p.(*syntax.Lit); ok && hasExtGlob(lit.Value) {
			return true
		}
	}
	return false
}

// globIgnore returns $GLOBIGNORE.
func (r *Runner) globIgnore() string { return r.vars.get("GLOBIGNORE").Str }

// globFields expands w into fields, doing pathname expansion itself (see
// globNeed). Forms it does not model ("$@" next to a pattern) go to
// expand.Fields.
func (r *Runner) globFields(w *syntax.Word, out []string) ([]string, error) {
	words := []*syntax.Word{w}
	if cp := *w; syntax.SplitBraces(&cp) {
		words = expand.Braces(&cp)
	}
	ifs := " \t\n"
	if v := r.vars.get("IFS"); v.IsSet() {
		ifs = v.Str
	}
	for _, bw := range words {
		fws := []*syntax.Word{bw}
		if hasUnquotedExpansion(bw) {
			b := fieldBuilder{glob: true}
			ok, err := r.splitWord(bw, ifs, &b)
			if err != nil {
				return nil, err
			}
			fws = b.words
			if !ok {
				fws = nil
				if out, err = r.fieldsExpand(out, bw); err != nil {
					return nil, err
				}
			}
		}
		for _, fw := range fws {
			lit, pat, ok, err := r.globText(fw)
			if err != nil {
				return nil, err
			}
			if !ok {
				if out, err = r.fieldsExpand(out, fw); err != nil {
					return nil, err
				}
				continue
			}
			if r.opts.Noglob || !hasGlobMeta(pat, r.opts.ExtGlob) {
				out = append(out, lit)
				continue
			}
			matches := r.globPath(pat)
			switch {
			case len(matches) > 0:
				out = append(out, matches...)
			case r.opts.FailGlob:
				return nil, &failGlobError{lit}
			case !r.opts.NullGlob:
				out = append(out, lit)
			}
		}
	}
	return out, nil
}

// A failGlobError is a pattern that matched nothing under failglob.
type failGlobError struct{ word string }

func (e *failGlobError) Error() string { return "no match: " + e.word }

// failGlob reports a failglob error: status 1, and as in bash the rest of
// the top-level command is abandoned; a subshell, or a shell under set -e,
// exits.
func (r *Runner) failGlob(err *failGlobError) int {
	r.errf("%v", err)
	r.lastStatus = 1
	if r.opts.Errexit || r.subshell > 0 {
		r.exit(1)
	} else {
		r.discard = true
	}
	return 1
}

// globText returns a field's text after quote removal and as a pattern
// (quoted characters escaped). The field's parts are literal text, quoted
// text and extended glob groups (expansions were split off by splitWord);
// ok is false for any other part.
func (r *Runner) globText(w *syntax.Word) (lit, pat string, ok bool, err error) {
	var lb, pb strings.Builder
	quoted := func(s string) {
		lb.WriteString(s)
		escapeGlob(&pb, s)
	}
	for i, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			s := p.Value
			if i == 0 && strings.HasPrefix(s, "~") {
				name, rest, slash := strings.Cut(s[1:], "/")
				if slash || len(w.Parts) == 1 {
					if home, found := r.homeDir(name); found {
						quoted(home)
						s = rest
						if slash {
							s = "/" + rest
						}
					}
				}
			}
			for j := 0; j < len(s); j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					lb.WriteByte(s[j])
					pb.WriteByte('\\')
				} else {
					lb.WriteByte(s[j])
				}
				pb.WriteByte(s[j])
			}
		case *syntax.SglQuoted:
			s := p.Value
			if p.Dollar {
				if s, err = expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{p}}); err != nil {
					return "", "", false, err
				}
			}
			quoted(s)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if pe, isPE := q.(*syntax.ParamExp); isPE && (pe.Index != nil || pe.Param != nil && pe.Param.Value == "@") {
					return "", "", false, nil // may make several fields
				}
			}
			s, err := expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{p}})
			if err != nil {
				return "", "", false, err
			}
			quoted(s)
		case *syntax.ExtGlob:
			if !r.opts.ExtGlob {
				return "", "", false, nil // expand reports it
			}
			l, pt, err := r.extGlobText(p)
			if err != nil {
				return "", "", false, err
			}
			lb.WriteString(l)
			pb.WriteString(pt)
		default:
			return "", "", false, nil
		}
	}
	return lb.String(), pb.String(), true, nil
}

// escapeGlob writes s to b with every ASCII punctuation character but the
// path separator escaped, so that the pattern matches s literally.
func escapeGlob(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && c != '/' && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
}

// extGlobText expands the text of an extended glob group, which the parser
// keeps as written: quotes make their characters literal, and parameter,
// command and arithmetic expansions are expanded (unquoted, so what they
// produce is part of the pattern). It returns the group's text after quote
// removal and as a pattern.
func (r *Runner) extGlobText(eg *syntax.ExtGlob) (lit, pat string, err error) {
	var lb, pb strings.Builder
	op := eg.Op.String()
	lb.WriteString(op)
	pb.WriteString(op)
	src := eg.Pattern.Value
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			lb.WriteByte(src[i+1])
			pb.WriteString(src[i : i+2])
			i += 2
			continue
		case c == '\'' || c == '"' || c == '$' || c == '`':
			n, s, isQuoted, err := r.extGlobPart(src[i:])
			if err != nil {
				return "", "", err
			}
			if n > 0 {
				lb.WriteString(s)
				if isQuoted {
					escapeGlob(&pb, s)
				} else {
					pb.WriteString(s)
				}
				i += n
				continue
			}
		}
		lb.WriteByte(c)
		pb.WriteByte(c)
		i++
	}
	lb.WriteByte(')')
	pb.WriteByte(')')
	return lb.String(), pb.String(), nil
}

// extGlobPart expands the quoted string or expansion at the start of s,
// returning its length in s (0 if it is not one) and its value.
func (r *Runner) extGlobPart(s string) (n int, val string, quoted bool, err error) {
	if s[0] == '\'' {
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return 0, "", false, nil
		}
		return end + 2, s[1 : end+1], true, nil
	}
	// Let the parser find where the quoted string or expansion ends: as
	// the text of a here-document, only $ and ` forms are special, and
	// the first part is the one at the start of s.
	src := s
	if s[0] == '"' {
		end := dblQuoteEnd(s)
		if end < 0 {
			return 0, "", false, nil
		}
		src = s[1:end]
	}
	doc, perr := newParser(false).Document(strings.NewReader(src))
	if perr != nil || len(doc.Parts) == 0 {
		return 0, "", false, nil
	}
	if s[0] == '"' {
		val, err = expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{&syntax.DblQuoted{Parts: doc.Parts}}})
		return len(src) + 2, val, true, err
	}
	first := doc.Parts[0]
	if _, isLit := first.(*syntax.Lit); isLit {
		return 0, "", false, nil
	}
	val, err = expand.Literal(r.cfg(), &syntax.Word{Parts: []syntax.WordPart{first}})
	return int(first.End().Offset()), val, false, err
}

// dblQuoteEnd returns the index of the " that closes the one at s[0], or
// -1.
func dblQuoteEnd(s string) int {
	depth := 0
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			if i > 0 && s[i-1] == '$' || depth > 0 {
				depth++
			}
		case ')':
			if depth > 0 {
				depth--
			}
		case '"':
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// hasGlobMeta reports an unescaped * or ?, a closed [...], or with ext an
// extended group operator in pat.
func hasGlobMeta(pat string, ext bool) bool {
	return pattern.HasMeta(pat, 0) || ext && hasExtGlob(pat)
}

// globPath returns the sorted paths that pattern pat matches, less those
// GLOBIGNORE names.
func (r *Runner) globPath(pat string) []string {
	ignore := r.globIgnore()
	var flags globFlags
	if r.opts.ExtGlob {
		flags |= globExt
	}
	if r.opts.NoCaseGlob {
		flags |= globNoCase
	}
	dotglob := r.opts.DotGlob || ignore != ""
	if !dotglob {
		flags |= globPeriod
	}
	skipDots := ignore != "" || findOption(shoptOptions, "globskipdots").get(r)
	comps := splitGlobPath(pat)
	cur := []string{""}
	if len(comps) > 1 && comps[0] == "" {
		cur[0] = "/"
		comps = comps[1:]
	}
	for i := 0; i < len(comps); i++ {
		c := comps[i]
		last := i == len(comps)-1
		var next []string
		switch {
		case c == "":
			for _, d := range cur {
				if d != "" { // "" is ** matching nothing
					next = append(next, d+"/")
				}
			}
		case !hasGlobMeta(c, r.opts.ExtGlob):
			name := unescapeLit(c)
			for _, d := range cur {
				p := globJoin(d, name)
				if last {
					if _, err := os.Lstat(r.path(p)); err != nil {
						continue
					}
				}
				next = append(next, p)
			}
		case c == "**" && r.opts.GlobStar:
			for i+1 < len(comps) && comps[i+1] == "**" {
				i++
				last = i == len(comps)-1
			}
			for _, d := range cur {
				if last && d != "" {
					next = append(next, globJoin(d, ""))
				} else if !last {
					next = append(next, d)
				}
				next = r.globTree(d, dotglob, !last, next)
			}
		default:
			m := compileGlob(c, flags)
			for _, d := range cur {
				ents, _ := os.ReadDir(r.path(orDot(d)))
				names := make([]string, 0, len(ents))
				if !skipDots && (c[0] == '.' || strings.HasPrefix(c, `\.`)) {
					names = append(names, ".", "..")
				}
				for _, e := range ents {
					names = append(names, e.Name())
				}
				for _, name := range names {
					if !m.match(name) {
						continue
					}
					p := globJoin(d, name)
					if !last && !r.isDir(p) {
						continue
					}
					next = append(next, p)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	slices.Sort(cur)
	return r.globFilter(cur, ignore)
}

// globTree appends the files (or with dirsOnly the directories) below d,
// depth first, not descending into symbolic links.
func (r *Runner) globTree(d string, dotglob, dirsOnly bool, out []string) []string {
	ents, _ := os.ReadDir(r.path(orDot(d)))
	for _, e := range ents {
		name := e.Name()
		if !dotglob && name[0] == '.' {
			continue
		}
		p := globJoin(d, name)
		isDir := e.IsDir()
		if isDir || !dirsOnly {
			out = append(out, p)
		}
		if isDir {
			out = r.globTree(p, dotglob, dirsOnly, out)
		}
	}
	return out
}

// globFilter drops the paths GLOBIGNORE names, and with it set . and ..
func (r *Runner) globFilter(paths []string, ignore string) []string {
	if ignore == "" {
		return paths
	}
	flags := globPath
	if r.opts.ExtGlob {
		flags |= globExt
	}
	var ms []*globMatcher
	for ignore != "" {
		i := 0
		for i < len(ignore) && ignore[i] != ':' {
			if ignore[i] == '[' {
				if _, n := parseBracket(ignore[i:]); n > 0 {
					i += n
					continue
				}
			}
			if ignore[i] == '\\' {
				i++
			}
			i++
		}
		if i > len(ignore) {
			i = len(ignore)
		}
		if i > 0 {
			ms = append(ms, compileGlob(ignore[:i], flags))
		}
		ignore = ignore[min(i+1, len(ignore)):]
	}
	out := paths[:0]
next:
	for _, p := range paths {
		base := p[strings.LastIndexByte(p, '/')+1:]
		if base == "." || base == ".." {
			continue
		}
		for _, m := range ms {
			if m.match(p) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

func (r *Runner) isDir(p string) bool {
	st, err := os.Stat(r.path(p))
	return err == nil && st.IsDir()
}

func orDot(d string) string {
	if d == "" {
		return "."
	}
	return d
}

func globJoin(dir, name string) string {
	if dir == "" {
		return name
	}
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// splitGlobPath splits pat at the slashes outside groups.
func splitGlobPath(pat string) []string {
	var comps []string
	depth, start := 0, 0
	for i := 0; i < len(pat); i++ {
		switch pat[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case '/':
			if depth == 0 {
				comps = append(comps, pat[start:i])
				start = i + 1
			}
		}
	}
	return append(comps, pat[start:])
}

// extGlobWord returns w with its extended glob groups expanded (see
// extGlobText) into literal pattern text, for expand.Pattern.
func (r *Runner) extGlobWord(w *syntax.Word) (*syntax.Word, error) {
	var out *syntax.Word
	for i, p := range w.Parts {
		eg, ok := p.(*syntax.ExtGlob)
		if !ok {
			continue
		}
		if out == nil {
			out = &syntax.Word{Parts: slices.Clone(w.Parts)}
		}
		_, pat, err := r.extGlobText(eg)
		if err != nil {
			return nil, err
		}
		out.Parts[i] = &syntax.Lit{ValuePos: eg.OpPos, ValueEnd: eg.End(), Value: pat}
	}
	if out == nil {
		return w, nil
	}
	return out, nil
}

// matchFlags are the globFlags of case and [[ == ]] matching.
func (r *Runner) matchFlags() globFlags {
	flags := globExt
	if r.opts.NoCaseMatch {
		flags |= globNoCase
	}
	return flags
}

// negatedTest returns the expression of [[ !(expr) ]] when extglob is off:
// the parser always reads !( as an extended glob, but bash then reads it
// as ! and a parenthesised test.
func (r *Runner) negatedTest(w *syntax.Word) syntax.TestExpr {
	if r.opts.ExtGlob || len(w.Parts) != 1 {
		return nil
	}
	eg, ok := w.Parts[0].(*syntax.ExtGlob)
	if !ok || eg.Op != syntax.GlobExcept {
		return nil
	}
	f, err := newParser(false).Parse(strings.NewReader("[[ "+eg.Pattern.Value+" ]]"), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil
	}
	tc, ok := f.Stmts[0].Cmd.(*syntax.TestClause)
	if !ok {
		return nil
	}
	return tc.X
}

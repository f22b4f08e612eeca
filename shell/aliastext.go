package shell

import "strings"

// Textual alias substitution.
//
// Bash replaces an alias in the token stream before parsing, so an alias
// may hold part of a compound command (alias LEFT='{', a for loop opened
// in one alias and closed by the text after it). mvdan's parser cannot
// see aliases, so such a script fails to parse. When it does, and aliases
// are on, RunSource runs what parsed and then hands the rest of the
// program to substituteAliases, which does what bash's reader does: it
// scans the source, and each word at a command-word position that names
// an alias is replaced by the alias value, which is scanned in turn
// (reserved words in it take effect, and a value ending in a blank makes
// the next word eligible too). An alias is not expanded again inside its
// own value: such a word is escaped with a backslash, which keeps its
// meaning as a command name and stops the runtime expansion in
// aliasCall from expanding it again. The scan knows quoting, comments,
// here-document bodies, case patterns, [[ ]] and (( )). When a line of
// the result changes the aliases, runAliased substitutes the rest again
// from the next line, so that an alias applies from the line after its
// definition, as in bash. A newline inside an alias value counts as a
// line in LINENO, which bash does not count.

// aliasRegion is the part of the text that an alias value replaced.
type aliasRegion struct {
	name  string
	end   int
	blank bool // the value ends in a blank
}

type aliasScanner struct {
	r       *Runner
	s       string
	i       int
	line    uint           // line of the program at i
	cmdPos  bool           // the next word is a command word
	again   bool           // the next word starts an alias value: it may be an alias
	regions []*aliasRegion // values being scanned, innermost last
	heredoc []string       // delimiters of here-documents whose body follows the line
	caseSt  []int          // open case commands: 0 header, 1 pattern, 2 body
	delta   int            // how much longer the text is than the original
	starts  map[int]int    // offset of a line start in the text -> in the original
}

// substituteAliases returns text with aliases at command-word positions
// replaced as bash's reader replaces them, and where each line of text
// that starts a line of the original starts (offsets in the result to
// offsets in text). line is the line number of text's first line.
func (r *Runner) substituteAliases(text string, line uint) (string, map[int]int) {
	sc := &aliasScanner{r: r, s: text, cmdPos: true, line: line, starts: map[int]int{}}
	sc.run()
	return sc.s, sc.starts
}

// newline notes the line start at i, just after a newline of the text.
func (sc *aliasScanner) newline() {
	sc.line++
	for _, reg := range sc.regions {
		if reg.end >= sc.i {
			return // the newline is in an alias value
		}
	}
	sc.starts[sc.i] = sc.i - sc.delta
}

func (sc *aliasScanner) run() {
	for sc.i < len(sc.s) {
		c := sc.s[sc.i]
		switch {
		case c == ' ' || c == '\t':
			sc.i++
		case c == '\\' && sc.i+1 < len(sc.s) && sc.s[sc.i+1] == '\n':
			sc.i += 2
		case c == '\n':
			sc.i++
			sc.newline()
			sc.skipHeredocs()
			sc.setCmd()
		case c == '#':
			for sc.i < len(sc.s) && sc.s[sc.i] != '\n' {
				sc.i++
			}
		case strings.IndexByte(";&|()<>", c) >= 0:
			sc.operator()
		default:
			sc.word()
		}
	}
}

// setCmd marks a command-word position.
func (sc *aliasScanner) setCmd() { sc.cmdPos = true }

func (sc *aliasScanner) inCase(st int) bool {
	return len(sc.caseSt) > 0 && sc.caseSt[len(sc.caseSt)-1] == st
}

func (sc *aliasScanner) operator() {
	sc.again = false
	s, i := sc.s, sc.i
	for _, op := range []string{";;&", ";;", ";&", "&&", "||", "|&", "&>>", "&>", "<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|"} {
		if strings.HasPrefix(s[i:], op) {
			sc.i += len(op)
			switch op {
			case ";;&", ";;", ";&":
				if sc.inCase(2) {
					sc.caseSt[len(sc.caseSt)-1] = 1
				}
				sc.setCmd()
			case "&&", "||", "|&":
				sc.setCmd()
			case "<<-", "<<":
				sc.redirTarget(op)
			default:
				sc.redirTarget("")
			}
			return
		}
	}
	sc.i++
	switch s[i] {
	case '<', '>':
		sc.redirTarget("")
	case ')':
		if sc.inCase(1) {
			sc.caseSt[len(sc.caseSt)-1] = 2
		}
		sc.setCmd()
	case '(':
		if sc.cmdPos && strings.HasPrefix(s[sc.i:], "(") {
			sc.i++
			sc.skipArith()
			sc.cmdPos = false
			return
		}
		if !sc.inCase(1) {
			sc.setCmd()
		}
	default: // ; & |
		sc.setCmd()
	}
}

// skipArith skips the body of (( )) up to the closing parentheses.
func (sc *aliasScanner) skipArith() {
	depth := 0
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case '(':
			depth++
		case ')':
			if depth == 0 && strings.HasPrefix(sc.s[sc.i:], "))") {
				sc.i += 2
				return
			}
			depth--
		case '\'', '"', '`', '$', '\\':
			sc.skipQuoted()
			continue
		}
		sc.i++
	}
}

// redirTarget reads the word after a redirection operator, which is not a
// command word; for a here-document it records the delimiter.
func (sc *aliasScanner) redirTarget(heredoc string) {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
	start := sc.i
	keep := sc.cmdPos
	sc.readWord()
	if heredoc != "" {
		w := sc.s[start:sc.i]
		w = strings.NewReplacer(`'`, "", `"`, "", `\`, "").Replace(w)
		if heredoc == "<<-" {
			w = "\t" + w
		}
		sc.heredoc = append(sc.heredoc, w)
	}
	sc.cmdPos = keep
}

// skipHeredocs skips the bodies of the here-documents opened on the line
// just ended.
func (sc *aliasScanner) skipHeredocs() {
	for _, d := range sc.heredoc {
		strip := strings.HasPrefix(d, "\t")
		d = strings.TrimPrefix(d, "\t")
		for sc.i < len(sc.s) {
			end := strings.IndexByte(sc.s[sc.i:], '\n')
			var line string
			if end < 0 {
				line, sc.i = sc.s[sc.i:], len(sc.s)
			} else {
				line, sc.i = sc.s[sc.i:sc.i+end], sc.i+end+1
				sc.newline()
			}
			if strip {
				line = strings.TrimLeft(line, "\t")
			}
			if line == d {
				break
			}
		}
	}
	sc.heredoc = sc.heredoc[:0]
}

// skipQuoted skips one quoted or expanded part of a word starting at i.
func (sc *aliasScanner) skipQuoted() {
	s := sc.s
	switch s[sc.i] {
	case '\\':
		sc.i += 2
	case '\'':
		if j := strings.IndexByte(s[sc.i+1:], '\''); j >= 0 {
			sc.i += j + 2
		} else {
			sc.i = len(s)
		}
	case '`':
		sc.i++
		for sc.i < len(s) && s[sc.i] != '`' {
			if s[sc.i] == '\\' {
				sc.i++
			}
			sc.i++
		}
		sc.i++
	case '"':
		sc.i++
		for sc.i < len(s) && s[sc.i] != '"' {
			if strings.IndexByte("\\`$", s[sc.i]) >= 0 {
				sc.skipQuoted()
				continue
			}
			sc.i++
		}
		sc.i++
	case '$':
		sc.i++
		if sc.i < len(s) && (s[sc.i] == '(' || s[sc.i] == '{') {
			sc.skipNested(s[sc.i])
		}
	default:
		sc.i++
	}
	sc.i = min(sc.i, len(s))
}

// skipNested skips a $( ) or ${ } group, open at i.
func (sc *aliasScanner) skipNested(open byte) {
	closer := byte(')')
	if open == '{' {
		closer = '}'
	}
	depth := 0
	for sc.i < len(sc.s) {
		switch c := sc.s[sc.i]; c {
		case open:
			depth++
		case closer:
			depth--
			if depth == 0 {
				sc.i++
				return
			}
		case '\'', '"', '`', '\\', '$':
			if c == '\'' && open == '{' {
				sc.i++
				continue
			}
			sc.skipQuoted()
			continue
		}
		sc.i++
	}
}

// readWord moves i past one shell word.
func (sc *aliasScanner) readWord() {
	s := sc.s
	for sc.i < len(s) {
		c := s[sc.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || strings.IndexByte(";&|<>)", c) >= 0:
			return
		case c == '(':
			// name=( ... ) and extended globs hold parentheses.
			if sc.i > 0 && strings.IndexByte("=@?*+!", s[sc.i-1]) >= 0 {
				sc.skipNested('(')
				continue
			}
			return
		case strings.IndexByte("'\"`$\\", c) >= 0:
			sc.skipQuoted()
		default:
			sc.i++
		}
	}
}

func (sc *aliasScanner) word() {
	start := sc.i
	eligible := sc.cmdPos || sc.again
	sc.again = false
	// The first word after a value ending in a blank may be an alias too.
	for len(sc.regions) > 0 && sc.regions[len(sc.regions)-1].end <= start {
		if sc.regions[len(sc.regions)-1].blank {
			eligible = true
		}
		sc.regions = sc.regions[:len(sc.regions)-1]
	}
	sc.readWord()
	w := sc.s[start:sc.i]
	if sc.inCase(1) {
		if w == "esac" {
			sc.caseSt = sc.caseSt[:len(sc.caseSt)-1]
			sc.cmdPos = false
		}
		return
	}
	if sc.i < len(sc.s) && (sc.s[sc.i] == '<' || sc.s[sc.i] == '>') && isRedirFd(w) {
		return
	}
	if eligible && sc.substitute(start, w) {
		return
	}
	if !sc.cmdPos {
		if w == "in" && sc.inCase(0) {
			sc.caseSt[len(sc.caseSt)-1] = 1
		}
		return
	}
	switch w {
	case "if", "then", "else", "elif", "do", "while", "until", "{", "!", "time":
	case "case":
		sc.caseSt = append(sc.caseSt, 0)
		sc.cmdPos = false
	case "for":
		sc.cmdPos = false
		if rest := strings.TrimLeft(sc.s[sc.i:], " \t"); strings.HasPrefix(rest, "((") {
			sc.i = len(sc.s) - len(rest) + 2
			sc.skipArith() // for (( ; ; )): no command words inside
		}
	case "esac":
		if len(sc.caseSt) > 0 {
			sc.caseSt = sc.caseSt[:len(sc.caseSt)-1]
		}
		sc.cmdPos = false
	case "[[":
		for sc.i < len(sc.s) {
			for sc.i < len(sc.s) && strings.IndexByte(" \t\n", sc.s[sc.i]) >= 0 {
				sc.i++
			}
			ws := sc.i
			sc.readWord()
			if sc.i == ws {
				sc.i++ // an operator character inside [[ ]]
			}
			if sc.s[ws:sc.i] == "]]" {
				break
			}
		}
		sc.cmdPos = false
	default:
		if !isAssignWord(w) {
			sc.cmdPos = false
		}
	}
}

// substitute replaces word w at start by its alias value, if it names one
// not being expanded already, and reports whether it did.
func (sc *aliasScanner) substitute(start int, w string) bool {
	if strings.ContainsAny(w, "'\"`$\\=/") {
		return false
	}
	val, ok := sc.r.aliasUsableAt(w, sc.line)
	if !ok {
		return false
	}
	for _, reg := range sc.regions {
		if reg.name == w {
			// An alias inside its own value: the word stays, escaped.
			sc.s = sc.s[:start] + `\` + sc.s[start:]
			sc.i++
			sc.delta++
			sc.shift(start, 1)
			sc.cmdPos = false
			return true
		}
	}
	delta := len(val) - len(w)
	sc.s = sc.s[:start] + val + sc.s[sc.i:]
	sc.delta += delta
	sc.shift(start, delta)
	blank := strings.HasSuffix(val, " ") || strings.HasSuffix(val, "\t")
	sc.regions = append(sc.regions, &aliasRegion{name: w, end: start + len(val), blank: blank})
	sc.i = start
	sc.again = true
	return true
}

// shift moves the ends of the regions enclosing offset at by delta.
func (sc *aliasScanner) shift(at, delta int) {
	for _, reg := range sc.regions {
		if reg.end > at {
			reg.end += delta
		}
	}
}

func isRedirFd(w string) bool {
	if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
		return true
	}
	return w != "" && strings.Trim(w, "0123456789") == ""
}

// isAssignWord reports a word of the form name=..., name+=... or
// name[i]=..., which leaves the command word still to come.
func isAssignWord(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	name := strings.TrimSuffix(w[:eq], "+")
	if b := strings.IndexByte(name, '['); b > 0 && strings.HasSuffix(name, "]") {
		name = name[:b]
	}
	return validName(name)
}

package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"gosh/shell"
)

// Tab completion. The word before the cursor is read with the shell's
// quoting rules; by its place and shape it completes as a command name
// (builtins, functions, aliases, executables on PATH), a $variable, a
// ~user or a file path. Each candidate is returned as the text to insert
// at the cursor, quoted the way the word is quoted there; a directory
// gets "/", a complete word a closing quote and a space.

// quoting is the quote state at the cursor.
type quoting byte

const (
	unquoted quoting = iota
	inSingle
	inDouble
)

// completeWord is the word being completed.
type completeWord struct {
	start int     // byte offset of the word in the line
	value string  // its text with quotes removed
	quote quoting // the quote open at the cursor
	// command: the word is in command position.
	command bool
	// words are the words of its command before it, and line the text
	// of that command up to the cursor (for a completion spec).
	words []string
	line  string
}

// completer returns the Tab completion function for r.
func completer(r *shell.Runner) completeFunc {
	return func(line []rune, pos int) ([][]rune, int) {
		if pos > len(line) {
			pos = len(line)
		}
		w := wordAt(string(line[:pos]))
		inserts, shown := complete(r, w)
		if len(inserts) == 0 {
			return nil, 0
		}
		if len(inserts) > maxListed {
			// Too many to list under the line: insert only what they
			// share (bash asks whether to display them all).
			p := commonPrefix(inserts)
			if p == "" {
				return nil, 0
			}
			inserts = []string{p}
		}
		out := make([][]rune, len(inserts))
		for i, s := range inserts {
			out[i] = []rune(s)
		}
		return out, shown
	}
}

// maxListed is the most candidates listed under the line.
const maxListed = 200

// commonPrefix returns the longest prefix of all of ss (whole runes).
func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			_, size := utf8.DecodeLastRuneInString(p)
			p = p[:len(p)-size]
		}
	}
	return p
}

// complete returns the insertions for w and how many runes before the
// cursor to show with each when they are listed.
func complete(r *shell.Runner, w completeWord) ([]string, int) {
	v := w.value
	words, cword := append(append([]string(nil), w.words...), v), len(w.words)
	if w.command {
		words, cword = []string{v}, 0
	}
	if c, ok := r.Complete(words, cword, w.line, len(w.line)); ok {
		return specInserts(r, c, w), len([]rune(v))
	}
	if w.command && v == "" && w.quote == unquoted {
		return nil, 0 // as bash's no_empty_cmd_completion
	}
	switch {
	case w.quote != inSingle && strings.HasPrefix(v, "${") && !strings.ContainsAny(v[2:], "}/"):
		return completeNames(r.VarNames(), v[2:], "} ", unquoted), len([]rune(v[2:]))
	case w.quote != inSingle && strings.HasPrefix(v, "$") && !strings.ContainsAny(v[1:], "/"):
		return completeNames(r.VarNames(), v[1:], " ", unquoted), len([]rune(v[1:]))
	case w.quote == unquoted && strings.HasPrefix(v, "~") && !strings.Contains(v, "/"):
		return completeNames(userNames(), v[1:], "/", unquoted), len([]rune(v[1:]))
	case w.command && !strings.Contains(v, "/"):
		return completeNames(commandNames(r, v), v, closing(w.quote)+" ", w.quote), len([]rune(v))
	}
	return completeFiles(r, w)
}

// specInserts turns the matches of a completion spec into insertions:
// those that extend the word, quoted for it unless the spec says
// noquote, each followed by a space unless nospace (a directory by "/"
// under filenames).
func specInserts(r *shell.Runner, c shell.Completion, w completeWord) []string {
	seen := make(map[string]bool)
	var out []string
	for _, m := range c.Matches {
		if !strings.HasPrefix(m, w.value) || seen[m] {
			continue
		}
		seen[m] = true
		rest := m[len(w.value):]
		if !c.Options["noquote"] {
			rest = quoteFor(rest, w.quote)
		}
		end := closing(w.quote) + " "
		if c.Options["filenames"] || c.Options["default"] || c.Options["dirnames"] || c.Options["plusdirs"] {
			path := m
			if !filepath.IsAbs(path) {
				path = filepath.Join(r.Dir(), path)
			}
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				end = "/"
			}
		}
		if c.Options["nospace"] && end != "/" {
			end = ""
		}
		out = append(out, rest+end)
	}
	if !c.Options["nosort"] {
		sort.Strings(out)
	}
	return out
}

// completeNames returns the rest of each name that starts with prefix,
// quoted for q, followed by end.
func completeNames(names []string, prefix, end string, q quoting) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, quoteFor(n[len(prefix):], q)+end)
		}
	}
	return out
}

// completeFiles completes a path: the entries of the word's directory
// that start with its last component.
func completeFiles(r *shell.Runner, w completeWord) ([]string, int) {
	dirPart, base := "", w.value
	if i := strings.LastIndexByte(w.value, '/'); i >= 0 {
		dirPart, base = w.value[:i+1], w.value[i+1:]
	}
	dir := dirPart
	if strings.HasPrefix(dir, "~") && w.quote == unquoted {
		dir = expandTilde(r, dir)
	}
	dir, ents := readDirAt(r, dir)
	if ents == nil {
		return nil, 0
	}
	var out []string
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		end := closing(w.quote) + " "
		if isDir(filepath.Join(dir, name), e) {
			end = "/"
		}
		out = append(out, quoteFor(name[len(base):], w.quote)+end)
	}
	sort.Strings(out)
	return out, len([]rune(base))
}

// readDirAt reads the directory dir, relative to the shell's working
// directory ("" is that directory). It returns dir made absolute, and nil
// entries when it cannot be read.
func readDirAt(r *shell.Runner, dir string) (string, []os.DirEntry) {
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.Dir(), dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return dir, nil
	}
	return dir, ents
}

// isDir reports a directory or a symbolic link to one.
func isDir(path string, e os.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink != 0 {
		fi, err := os.Stat(path)
		return err == nil && fi.IsDir()
	}
	return false
}

// commandNames returns the sorted names of builtins, functions, aliases
// and executables on PATH that start with prefix.
func commandNames(r *shell.Runner, prefix string) []string {
	seen := make(map[string]bool)
	for _, n := range r.CommandNames() {
		if strings.HasPrefix(n, prefix) {
			seen[n] = true
		}
	}
	for _, n := range []string{"if", "then", "else", "elif", "fi", "case", "esac", "for", "while", "until", "do", "done", "function", "select", "time", "in"} {
		if strings.HasPrefix(n, prefix) {
			seen[n] = true
		}
	}
	for _, dir := range filepath.SplitList(r.Var("PATH")) {
		dir, ents := readDirAt(r, dir)
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, prefix) || seen[n] {
				continue
			}
			fi, err := os.Stat(filepath.Join(dir, n))
			if err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				seen[n] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// userNames returns the user names in /etc/passwd.
func userNames() []string {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if name, _, ok := strings.Cut(l, ":"); ok && name != "" && !strings.HasPrefix(name, "#") {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// expandTilde replaces a leading ~ or ~user in a directory prefix.
func expandTilde(r *shell.Runner, dir string) string {
	name, rest, _ := strings.Cut(dir[1:], "/")
	home := ""
	if name == "" {
		home = r.Var("HOME")
	} else if data, err := os.ReadFile("/etc/passwd"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			f := strings.Split(l, ":")
			if len(f) >= 6 && f[0] == name {
				home = f[5]
			}
		}
	}
	if home == "" {
		return dir
	}
	return strings.TrimSuffix(home, "/") + "/" + rest
}

// closing is the quote that ends a word quoted with q.
func closing(q quoting) string {
	switch q {
	case inSingle:
		return "'"
	case inDouble:
		return `"`
	}
	return ""
}

// quoteFor quotes s for insertion where the quote q is open.
func quoteFor(s string, q quoting) string {
	var b strings.Builder
	for _, c := range s {
		switch q {
		case inSingle:
			if c == '\'' {
				b.WriteString(`'\''`)
				continue
			}
		case inDouble:
			if strings.ContainsRune("$`\"\\", c) {
				b.WriteByte('\\')
			}
		default:
			if strings.ContainsRune(" \t\n\"'\\$`&|;<>()*?[]{}!#~=,", c) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(c)
	}
	return b.String()
}

// wordAt splits the text before the cursor with the shell's quoting and
// returns the last word (empty after a blank) and whether it is in
// command position.
func wordAt(s string) completeWord {
	var (
		w      completeWord
		val    strings.Builder
		q      = unquoted
		inWord bool
		prev   []string // earlier words and operators of the command line
		words  []string // earlier words of the current command
		start  int      // where the current command starts
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q == inSingle:
			if c == '\'' {
				q = unquoted
			} else {
				val.WriteByte(c)
			}
			continue
		case q == inDouble:
			switch {
			case c == '"':
				q = unquoted
			case c == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\", s[i+1]) >= 0:
				i++
				val.WriteByte(s[i])
			default:
				val.WriteByte(c)
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '|', '&', ';', '(', ')', '<', '>':
			if inWord {
				prev = append(prev, w.value)
				words = append(words, w.value)
			}
			if strings.IndexByte("\n|&;()", c) >= 0 {
				words, start = nil, i+1
			}
			inWord = false
			w.value = ""
			val.Reset()
			if c != ' ' && c != '\t' {
				prev = append(prev, string(c))
			}
			continue
		}
		if !inWord {
			inWord = true
			w.start = i
		}
		switch c {
		case '\'':
			q = inSingle
		case '"':
			q = inDouble
		case '\\':
			if i+1 < len(s) {
				i++
				val.WriteByte(s[i])
			}
		default:
			val.WriteByte(c)
		}
		w.value = val.String()
	}
	w.value = val.String()
	if !inWord {
		w.start = len(s)
	}
	w.quote = q
	w.command = commandPosition(prev)
	w.words = words
	w.line = strings.TrimLeft(s[start:], " \t")
	return w
}

// commandPosition reports whether a word after the tokens prev starts a
// command.
func commandPosition(prev []string) bool {
	for i := len(prev) - 1; i >= 0; i-- {
		t := prev[i]
		switch t {
		case "|", "&", ";", "(", "!", "{", "then", "do", "else", "elif", "if", "while", "until", "time":
			return true
		}
		if name, _, ok := strings.Cut(t, "="); ok && isName(name) {
			continue // an assignment before the command
		}
		return false
	}
	return true
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

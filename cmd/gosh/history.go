package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"gosh/shell"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/syntax"
)

// defaultHistSize is HISTSIZE and HISTFILESIZE when unset (bash's 500).
const defaultHistSize = 500 // as shell.Runner.HistSize

// A History is the interactive shell's command history: the entries in
// memory (at most HISTSIZE) and the file HISTFILE they are appended to.
//
// Every command is appended to the file as soon as it is entered, under
// an exclusive flock(2) and in one write, so several shells sharing the
// file lose nothing and never interleave, and a shell that is killed or
// hung up has already saved everything. When the file grows past
// HISTFILESIZE lines the shell holding the lock rewrites it (a new file
// renamed over the old one); the others notice the new inode when they
// next take the lock.
//
// A History is safe for concurrent use (the history builtin may run on a
// pipeline goroutine).
type History struct {
	mu      sync.Mutex
	entries []string
	first   int  // history number of entries[0]
	warned  bool // a failure to write the file was reported
}

// histSize is HISTSIZE or HISTFILESIZE (negative: no limit).
func histSize(r *shell.Runner, name string) int { return r.HistSize(name) }

// histFile is the history file, "" for none.
func histFile(r *shell.Runner) string { return r.HistFile() }

// setHistFile gives an interactive shell's HISTFILE its default value
// when it is not set, as bash does (so scripts and the user can see it).
func setHistFile(r *shell.Runner) {
	if r.IsSet("HISTFILE") {
		return
	}
	if path := histFile(r); path != "" {
		r.SetVar("HISTFILE", path)
	}
}

// loadHistory reads the history file (the last HISTSIZE entries).
func loadHistory(r *shell.Runner) *History {
	h := &History{first: 1}
	if path := histFile(r); path != "" {
		h.entries, _ = shell.ReadHistFile(path)
	}
	h.trim(histSize(r, "HISTSIZE"))
	return h
}

// trim keeps the last max entries (all when max < 0).
func (h *History) trim(max int) {
	if max < 0 || len(h.entries) <= max {
		return
	}
	drop := len(h.entries) - max
	h.entries = append([]string(nil), h.entries[drop:]...)
	h.first += drop
}

// Entries returns a copy of the entries, oldest first.
func (h *History) Entries() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.entries...)
}

// Next is the history number the next entry will get (the prompt's \!).
func (h *History) Next() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.first + len(h.entries)
}

// Add records a command typed at the prompt, following HISTCONTROL
// (ignorespace, ignoredups, ignoreboth), and appends it to the history
// file. It reports whether the command was recorded. A command of several
// lines is stored on one line when that keeps its meaning, as bash's
// cmdhist does.
func (h *History) Add(r *shell.Runner, cmd string) bool {
	cmd = strings.TrimRight(cmd, "\n")
	if strings.TrimSpace(cmd) == "" {
		return false
	}
	ctl := r.Var("HISTCONTROL")
	has := func(opt string) bool {
		for _, o := range strings.Split(ctl, ":") {
			if o == opt || o == "ignoreboth" && (opt == "ignorespace" || opt == "ignoredups") {
				return true
			}
		}
		return false
	}
	if has("ignorespace") && (cmd[0] == ' ' || cmd[0] == '\t') {
		return false
	}
	cmd = oneLine(cmd)
	h.mu.Lock()
	if has("ignoredups") && len(h.entries) > 0 && h.entries[len(h.entries)-1] == cmd {
		h.mu.Unlock()
		return false
	}
	h.entries = append(h.entries, cmd)
	h.trim(histSize(r, "HISTSIZE"))
	h.mu.Unlock()
	if path := histFile(r); path != "" {
		if err := appendHistory(path, cmd, histSize(r, "HISTFILESIZE")); err != nil {
			h.mu.Lock()
			warn := !h.warned
			h.warned = true
			h.mu.Unlock()
			if warn { // once a session, not at every prompt
				fmt.Fprintf(r.Stderr(), "gosh: history: %s: %v\n", path, unwrapPathError(err))
			}
		}
	}
	return true
}

// oneLine joins the lines of a multi-line command with "; " or " " when
// the result parses to the same program; otherwise (a here-document, a
// newline inside quotes) it returns cmd unchanged.
func oneLine(cmd string) string {
	if !strings.Contains(cmd, "\n") {
		return cmd
	}
	lines := strings.Split(cmd, "\n")
	var b strings.Builder
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			prev := b.String()
			if joinsWithSpace(prev) {
				b.WriteByte(' ')
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(l)
	}
	joined := b.String()
	if printed(cmd) != printed(joined) || printed(cmd) == "" {
		return cmd
	}
	return joined
}

// joinsWithSpace reports whether a line ends where a newline may not be
// replaced by a semicolon (after an operator or a keyword that opens a
// list).
func joinsWithSpace(s string) bool {
	for _, suf := range []string{"|", "&&", "||", "(", "{", ";", "&"} {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	f := strings.Fields(s)
	switch f[len(f)-1] {
	case "then", "do", "else", "in", "elif", "!":
		return true
	}
	return false
}

// printed is the canonical form of a program, "" if it does not parse.
func printed(src string) string {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		return ""
	}
	var b bytes.Buffer
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, f)
	return b.String()
}

// appendHistory appends entry to the history file at path under an
// exclusive lock, then cuts the file to its last max lines when it is
// longer (max < 0: no limit).
func appendHistory(path, entry string, max int) error {
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		if err := flock(f, unix.LOCK_EX); err != nil {
			f.Close()
			return err
		}
		// Another shell may have renamed a trimmed copy over the file
		// while we waited for the lock: write to the file now at path.
		if !samePath(f, path) && attempt < 10 {
			f.Close()
			continue
		}
		_, err = f.Write([]byte(entry + "\n"))
		if err == nil && max >= 0 {
			err = trimHistoryFile(path, max)
		}
		f.Close() // releases the lock
		return err
	}
}

// trimHistoryFile rewrites path with its last max lines if it has more;
// the caller holds the lock on path.
func trimHistoryFile(path string, max int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	n := bytes.Count(data, []byte("\n"))
	if n <= max {
		return nil
	}
	cut := 0
	for i := 0; i < n-max; i++ {
		cut += bytes.IndexByte(data[cut:], '\n') + 1
	}
	return writeFileAtomic(path, data[cut:])
}

// writeFileAtomic replaces path with data by writing a temporary file in
// the same directory and renaming it over path (mode 0600).
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Edit lets the history and fc builtins change the list (it makes
// History a shell.HistoryList).
func (h *History) Edit(f func(first int, entries []string) (int, []string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.first, h.entries = f(h.first, append([]string(nil), h.entries...))
}

// SavesEntries marks History as a shell.HistorySaver: Add has written
// every entry to the file already.
func (*History) SavesEntries() {}

// errEventNotFound reports a history reference that matches nothing.
type errEventNotFound string

func (e errEventNotFound) Error() string { return string(e) + ": event not found" }

// Expand performs bash's history expansion on a line typed at the
// prompt: !! (the last command), !n, !-n, !prefix, !?text?, each
// optionally followed by a word designator (:n, :^, :$, :*, :x-y), and the
// shorthands !$, !^, !*. A ! is left alone inside single quotes, after a
// backslash, before a blank, =, ( or the end of the line, and before the
// closing quote of a double-quoted string. It reports whether the line
// changed; a reference that matches nothing is an errEventNotFound.
func (h *History) Expand(line string) (string, bool, error) {
	if !strings.Contains(line, "!") {
		return line, false, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	changed := false
	inSingle, inDouble := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && !inSingle && i+1 < len(line):
			b.WriteByte(c)
			i++
			b.WriteByte(line[i])
			continue
		case c == '\'' && !inDouble:
			inSingle = !inSingle
		case c == '"' && !inSingle:
			inDouble = !inDouble
		}
		if c != '!' || inSingle || i+1 == len(line) || strings.IndexByte(" \t\n=(", line[i+1]) >= 0 ||
			(inDouble && line[i+1] == '"') {
			b.WriteByte(c)
			continue
		}
		text, n, err := h.reference(line[i:])
		if err != nil {
			return line, false, err
		}
		b.WriteString(text)
		i += n - 1
		changed = true
	}
	return b.String(), changed, nil
}

// reference expands the history reference at the start of s (which
// begins with !) and returns its text and length. h.mu is held.
func (h *History) reference(s string) (string, int, error) {
	i := 1
	event := -1 // index into h.entries
	last := len(h.entries) - 1
	switch c := s[1]; {
	case c == '!':
		event, i = last, 2
	case c == '$' || c == '^' || c == '*' || c == ':':
		event = last // !$ is !!:$
	case c >= '0' && c <= '9' || c == '-':
		j := 2
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[1:j])
		if err != nil {
			return "", 0, errEventNotFound(s[:j])
		}
		if n < 0 {
			event = len(h.entries) + n
		} else {
			event = n - h.first
		}
		i = j
		if event < 0 || event > last {
			return "", 0, errEventNotFound(s[:j])
		}
	case c == '?':
		j := strings.IndexByte(s[2:], '?')
		end := len(s)
		if j >= 0 {
			end = 2 + j + 1
		}
		text := strings.TrimSuffix(s[2:end], "?")
		for k := last; k >= 0 && event < 0; k-- {
			if strings.Contains(h.entries[k], text) {
				event = k
			}
		}
		i = end
		if event < 0 || text == "" {
			return "", 0, errEventNotFound(s[:end])
		}
	default:
		j := 1
		for j < len(s) && strings.IndexByte(" \t\n:;&|<>()\"'`", s[j]) < 0 {
			j++
		}
		prefix := s[1:j]
		for k := last; k >= 0 && event < 0; k-- {
			if strings.HasPrefix(h.entries[k], prefix) {
				event = k
			}
		}
		i = j
		if event < 0 {
			return "", 0, errEventNotFound(s[:j])
		}
	}
	if event < 0 || event > last {
		return "", 0, errEventNotFound(s[:max(i, 2)])
	}
	text := h.entries[event]
	// A word designator: :x, or right after ! for $ ^ *.
	d := ""
	if i < len(s) && s[i] == ':' && i+1 < len(s) && strings.IndexByte("0123456789^$*-", s[i+1]) >= 0 {
		j := i + 1
		for j < len(s) && strings.IndexByte("0123456789^$*-", s[j]) >= 0 {
			j++
		}
		d, i = s[i+1:j], j
	} else if i == 1 && strings.IndexByte("$^*", s[1]) >= 0 {
		d, i = s[1:2], 2
	}
	if d == "" {
		return text, i, nil
	}
	words := histWords(text)
	pick := func(x string, dflt int) (int, bool) {
		switch x {
		case "":
			return dflt, true
		case "^":
			return 1, true
		case "$":
			return len(words) - 1, true
		}
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	from, to := 0, 0
	ok := true
	switch {
	case d == "*":
		from, to = 1, len(words)-1
		if len(words) < 2 {
			return "", i, nil
		}
	case strings.Contains(d[1:], "-") || strings.HasPrefix(d, "-"):
		a, bnd, _ := strings.Cut(d, "-")
		var ok2 bool
		from, ok = pick(a, 0)
		to, ok2 = pick(bnd, len(words)-2)
		ok = ok && ok2
	default:
		from, ok = pick(d, 0)
		to = from
	}
	if !ok || from < 0 || to >= len(words) || from > to {
		return "", 0, errEventNotFound(s[:i])
	}
	return strings.Join(words[from:to+1], " "), i, nil
}

// histWords splits a command line into words as history expansion sees
// them: quoted strings stay whole, operators are words of their own.
func histWords(s string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			cur.WriteByte(c)
			if c == q {
				q = 0
			} else if c == '\\' && q == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		case c == '\'' || c == '"':
			q = c
			cur.WriteByte(c)
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			i++
			cur.WriteByte(s[i])
		case c == ' ' || c == '\t' || c == '\n':
			flush()
		case strings.IndexByte(";&|<>()", c) >= 0:
			flush()
			op := string(c)
			if i+1 < len(s) && (s[i+1] == c && c != '(' && c != ')' || c == '>' && s[i+1] == '&') {
				op += string(s[i+1])
				i++
			}
			words = append(words, op)
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return words
}

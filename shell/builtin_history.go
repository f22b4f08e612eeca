package shell

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// The history and fc builtins work on a HistoryList: the interactive
// shell's (cmd/gosh keeps it and saves each command as it is entered), or
// else a list in memory that history -r, -n and -s fill, as in a
// non-interactive bash. Assigning HISTSIZE trims the list and assigning
// HISTFILESIZE trims the history file, as in bash.

func init() {
	builtins["history"] = builtinHistory
	builtins["fc"] = builtinFc
}

// A HistoryList is a numbered list of commands. Edit calls f with the
// number of the first entry and the entries, oldest first, and replaces
// them with what f returns; f may keep neither slice. Edit must be safe
// for concurrent use.
type HistoryList interface {
	Edit(f func(first int, entries []string) (int, []string))
}

// A HistorySaver is a HistoryList that writes every entry to the history
// file as it is added, leaving history -a nothing to do.
type HistorySaver interface {
	HistoryList
	SavesEntries()
}

// memHistory is the HistoryList of a shell without one of its own.
type memHistory struct {
	mu      sync.Mutex
	first   int
	entries []string
}

func (h *memHistory) Edit(f func(int, []string) (int, []string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.first == 0 {
		h.first = 1
	}
	h.first, h.entries = f(h.first, append([]string(nil), h.entries...))
}

// histState is the shell's history: the list and what history -a and -n
// need to know of the file. Shared by subshells.
type histState struct {
	mu        sync.Mutex
	list      HistoryList
	saved     int // entries numbered below saved are in the file
	fileLines int // lines of the file read or written so far
}

// SetHistory makes list the history the history and fc builtins use.
func (r *Runner) SetHistory(list HistoryList) {
	r.sh.hist.mu.Lock()
	r.sh.hist.list = list
	r.sh.hist.mu.Unlock()
}

func (r *Runner) history() HistoryList {
	h := &r.sh.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.list == nil {
		h.list = &memHistory{first: 1}
	}
	return h.list
}

// historySnapshot returns the first number and a copy of the entries.
func historySnapshot(l HistoryList) (int, []string) {
	var first int
	var entries []string
	l.Edit(func(f int, e []string) (int, []string) {
		first, entries = f, append([]string(nil), e...)
		return f, e
	})
	return first, entries
}

// historyOption is set -o history.
var historyOption = findOption(setOptions, "history")

// recordScriptHistory adds the text of a command a script read to the
// history under set -o history, as bash does for a script (not for -c;
// the interactive shell records what it reads itself).
func (r *Runner) recordScriptHistory(text []byte) {
	if r.opts.Interactive || r.script == "-c" || r.sourceDepth > 0 || !historyOption.get(r) {
		return
	}
	entry := strings.TrimSpace(string(text))
	if entry == "" {
		return
	}
	max := r.HistSize("HISTSIZE")
	r.history().Edit(func(first int, e []string) (int, []string) {
		return trimEntries(first, append(e, entry), max)
	})
}

// defaultHistSize is HISTSIZE and HISTFILESIZE when unset (bash's 500).
const defaultHistSize = 500

// HistSize reads HISTSIZE or HISTFILESIZE: a negative value means no
// limit, an unset or non-numeric one the default.
func (r *Runner) HistSize(name string) int {
	if !r.IsSet(name) {
		if name == "HISTFILESIZE" && r.IsSet("HISTSIZE") {
			return r.HistSize("HISTSIZE")
		}
		return defaultHistSize
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.Var(name)))
	if err != nil {
		return defaultHistSize
	}
	return n
}

// HistFile returns HISTFILE, or ~/.gosh_history when it is unset; ""
// (HISTFILE set to nothing, or no usable home) means no file.
func (r *Runner) HistFile() string {
	if r.IsSet("HISTFILE") {
		return r.Var("HISTFILE")
	}
	home := r.Var("HOME")
	if !filepath.IsAbs(home) {
		return ""
	}
	return filepath.Join(home, ".gosh_history")
}

// trimEntries keeps the last max entries (all when max < 0).
func trimEntries(first int, entries []string, max int) (int, []string) {
	if max < 0 || len(entries) <= max {
		return first, entries
	}
	drop := len(entries) - max
	return first + drop, entries[drop:]
}

// histSizeChanged applies an assignment to HISTSIZE (trim the list) or
// HISTFILESIZE (trim the file), as bash does.
func (r *Runner) histSizeChanged(name string) {
	n, err := strconv.Atoi(strings.TrimSpace(r.Var(name)))
	if err != nil || n < 0 {
		return
	}
	if name == "HISTSIZE" {
		r.history().Edit(func(first int, e []string) (int, []string) {
			if len(e) <= n {
				return first, e
			}
			// bash's stifle_history numbers the kept entries from the
			// count it dropped, whatever the old numbering was.
			drop := len(e) - n
			return drop, e[drop:]
		})
		return
	}
	path := r.HistFile()
	if path == "" {
		return
	}
	data, err := os.ReadFile(r.path(path))
	if err != nil {
		return
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > n {
		os.WriteFile(r.path(path), []byte(strings.Join(lines[len(lines)-n:], "")), 0o600)
	}
}

// ReadHistFile returns the entries of a history file: its lines, without
// blank ones and bash's timestamp lines.
func ReadHistFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && !isHistTimestamp(l) {
			out = append(out, l)
		}
	}
	return out, nil
}

// isHistTimestamp reports a line bash writes with HISTTIMEFORMAT set.
func isHistTimestamp(line string) bool {
	if len(line) < 2 || line[0] != '#' {
		return false
	}
	_, err := strconv.ParseUint(line[1:], 10, 64)
	return err == nil
}

const historyUsage = "history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]"

// builtinHistory is bash's history: with no options it lists the entries
// numbered (N: the last N); -c clears the list, -d N deletes entry N (a
// negative N counts from the end, M-N deletes a range); -a appends the
// new entries to the file, -w writes the list to it, -r appends the file
// to the list and -n its lines not read yet; -s adds its arguments as one
// entry and -p prints them.
func builtinHistory(r *Runner, args []string) int {
	args = args[1:]
	var opts string
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		args = args[1:]
		for _, c := range a[1:] {
			if !strings.ContainsRune("cdanrwps", c) {
				r.errf("history: -%c: invalid option", c)
				fmt.Fprintln(r.errOut(), historyUsage)
				return 2
			}
			opts += string(c)
			if c == 'd' {
				if len(args) == 0 {
					r.errf("history: -d: option requires an argument")
					fmt.Fprintln(r.errOut(), historyUsage)
					return 2
				}
				return r.historyDelete(args[0])
			}
		}
	}
	list := r.history()
	has := func(c string) bool { return strings.Contains(opts, c) }
	switch {
	case has("c"):
		// As in bash, numbering starts again at 1, and every entry
		// added from now on is one history -a has yet to write.
		list.Edit(func(int, []string) (int, []string) { return 1, nil })
		r.sh.hist.mu.Lock()
		r.sh.hist.saved = 0
		r.sh.hist.mu.Unlock()
		return 0
	case has("s"):
		entry := strings.Join(args, " ")
		max := r.HistSize("HISTSIZE")
		list.Edit(func(first int, e []string) (int, []string) {
			return trimEntries(first, append(e, entry), max)
		})
		return 0
	case has("p"):
		for _, a := range args {
			fmt.Fprintln(r.out(), a)
		}
		return 0
	case has("a"), has("w"), has("r"), has("n"):
		path := r.HistFile()
		if len(args) > 0 {
			path = args[0]
		}
		if path == "" {
			return 0
		}
		if err := r.historyFile(list, opts, r.path(path)); err != nil {
			r.errf("history: %s: %v", path, unwrapPath(err))
			return 1
		}
		return 0
	}
	if len(args) > 1 {
		r.errf("history: too many arguments")
		return 1
	}
	first, entries := historySnapshot(list)
	from := 0
	if len(args) > 0 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			r.errf("history: %s: numeric argument required", args[0])
			return 1
		}
		from = max(len(entries)-n, 0)
	}
	var b bytes.Buffer
	for i := from; i < len(entries); i++ {
		fmt.Fprintf(&b, "%5d  %s\n", first+i, entries[i])
	}
	if _, err := r.out().Write(b.Bytes()); err != nil {
		return 1
	}
	return 0
}

// historyDelete is history -d: N, -N (from the end) or M-N.
func (r *Runner) historyDelete(spec string) int {
	status := 0
	r.history().Edit(func(first int, e []string) (int, []string) {
		pos := func(s string) (int, bool) {
			n, err := strconv.Atoi(s)
			if err != nil {
				return 0, false
			}
			if n < 0 {
				n = first + len(e) + n
			}
			return n - first, n >= first && n-first < len(e)
		}
		lo, hi := spec, spec
		if i := strings.IndexByte(spec[1:], '-'); i >= 0 {
			lo, hi = spec[:i+1], spec[i+2:]
		}
		a, ok1 := pos(lo)
		b, ok2 := pos(hi)
		if !ok1 || !ok2 || a > b {
			r.errf("history: %s: history position out of range", spec)
			status = 1
			return first, e
		}
		return first, append(e[:a:a], e[b+1:]...)
	})
	return status
}

// historyFile does history -a, -w, -r or -n on the file at path.
func (r *Runner) historyFile(list HistoryList, opts, path string) error {
	h := &r.sh.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case strings.Contains(opts, "a"):
		if _, ok := list.(HistorySaver); ok {
			return nil
		}
		first, entries := historySnapshot(list)
		from := max(h.saved-first, 0)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, e := range entries[min(from, len(entries)):] {
			b.WriteString(e + "\n")
		}
		_, err = f.WriteString(b.String())
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		h.saved = first + len(entries)
		h.fileLines += len(entries) - min(from, len(entries))
		return err
	case strings.Contains(opts, "w"):
		first, entries := historySnapshot(list)
		if max := r.HistSize("HISTFILESIZE"); max >= 0 && len(entries) > max {
			entries = entries[len(entries)-max:]
		}
		var b strings.Builder
		for _, e := range entries {
			b.WriteString(e + "\n")
		}
		h.saved = first + len(entries)
		h.fileLines = len(entries)
		return os.WriteFile(path, []byte(b.String()), 0o600)
	}
	lines, err := ReadHistFile(path)
	if err != nil {
		return err
	}
	if strings.Contains(opts, "n") {
		lines = lines[min(h.fileLines, len(lines)):]
		h.fileLines += len(lines)
	} else {
		h.fileLines = len(lines)
	}
	max := r.HistSize("HISTSIZE")
	list.Edit(func(first int, e []string) (int, []string) {
		return trimEntries(first, append(e, lines...), max)
	})
	return nil
}

// builtinFc is fc: -l lists entries (-n without numbers, -r newest
// first), -s [old=new] [cmd] runs an entry again, and without either the
// entries go to an editor (-e, FCEDIT, EDITOR or vi) and what it leaves
// is run. first and last are numbers, negative offsets from the current
// command or the prefix of one.
func builtinFc(r *Runner, args []string) int {
	args = args[1:]
	var list, noNum, rev, redo bool
	editor := ""
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		if _, err := strconv.Atoi(a); err == nil {
			break // a negative offset
		}
		args = args[1:]
		if a == "--" {
			break
		}
		for k := 1; k < len(a); k++ {
			switch a[k] {
			case 'l':
				list = true
			case 'n':
				noNum = true
			case 'r':
				rev = true
			case 's':
				redo = true
			case 'e':
				v, ok := optArg(a, &k, &args)
				if !ok {
					r.errf("fc: -e: option requires an argument")
					return 2
				}
				editor = v
			default:
				r.errf("fc: -%c: invalid option", a[k])
				fmt.Fprintln(r.errOut(), "fc: usage: fc [-e ename] [-lnr] [first] [last] or fc -s [pat=rep] [command]")
				return 2
			}
		}
	}
	first, entries := historySnapshot(r.history())
	// The interactive shell has already added this fc command; it is
	// not one of the commands fc works on.
	cur := first + len(entries)
	if r.opts.Interactive && len(entries) > 0 {
		cur--
		entries = entries[:len(entries)-1]
	}
	if redo || editor == "-" {
		return r.fcRedo(args, first, entries, cur)
	}
	if len(entries) == 0 {
		if list {
			return 0
		}
		r.errf("fc: no command found")
		return 1
	}
	find := func(s string) (int, bool) {
		if n, err := strconv.Atoi(s); err == nil {
			if n < 0 {
				n += cur
			}
			return min(max(n, first), cur-1), true
		}
		for i := len(entries) - 1; i >= 0; i-- {
			if strings.HasPrefix(entries[i], s) {
				return first + i, true
			}
		}
		r.errf("fc: %s: no command found", s)
		return 0, false
	}
	lo, hi := cur-1, cur-1
	if list {
		lo = cur - 16
	}
	var ok bool
	if len(args) > 0 {
		if lo, ok = find(args[0]); !ok {
			return 1
		}
		hi = lo
		if list {
			hi = cur - 1
		}
	}
	if len(args) > 1 {
		if hi, ok = find(args[1]); !ok {
			return 1
		}
	}
	lo, hi = max(lo, first), max(hi, first)
	if lo > hi {
		lo, hi, rev = hi, lo, !rev
	}
	var nums []int
	for n := lo; n <= hi; n++ {
		nums = append(nums, n)
	}
	if rev {
		for i, j := 0, len(nums)-1; i < j; i, j = i+1, j-1 {
			nums[i], nums[j] = nums[j], nums[i]
		}
	}
	if list {
		var b bytes.Buffer
		for _, n := range nums {
			if !noNum {
				b.WriteString(strconv.Itoa(n))
			}
			b.WriteString("\t " + entries[n-first] + "\n")
		}
		if _, err := r.out().Write(b.Bytes()); err != nil {
			return 1
		}
		return 0
	}
	return r.fcEdit(editor, nums, first, entries)
}

// fcRedo is fc -s [old=new] [command]: the newest entry (or the newest
// starting with command) with old replaced by new is printed and run.
func (r *Runner) fcRedo(args []string, first int, entries []string, cur int) int {
	var old, repl string
	if len(args) > 0 && strings.Contains(args[0], "=") {
		old, repl, _ = strings.Cut(args[0], "=")
		args = args[1:]
	}
	i := len(entries) - 1
	if len(args) > 0 {
		i = -1
		if n, err := strconv.Atoi(args[0]); err == nil {
			if n < 0 {
				n += cur
			}
			if n >= first && n-first < len(entries) {
				i = n - first
			}
		} else {
			for k := len(entries) - 1; k >= 0 && i < 0; k-- {
				if strings.HasPrefix(entries[k], args[0]) {
					i = k
				}
			}
		}
	}
	if i < 0 {
		r.errf("fc: no command found")
		return 1
	}
	cmd := entries[i]
	if old != "" {
		cmd = strings.Replace(cmd, old, repl, 1)
	}
	return r.fcRun(cmd)
}

// fcRun prints cmd, records it in place of the fc command and runs it.
func (r *Runner) fcRun(cmd string) int {
	fmt.Fprintln(r.errOut(), cmd)
	interactive := r.opts.Interactive
	r.history().Edit(func(first int, e []string) (int, []string) {
		if interactive && len(e) > 0 {
			e = e[:len(e)-1]
		}
		return first, append(e, strings.TrimRight(cmd, "\n"))
	})
	return builtinEval(r, []string{"eval", cmd})
}

// fcEdit writes the entries numbered nums to a file, runs the editor on
// it and runs what it leaves there.
func (r *Runner) fcEdit(editor string, nums []int, first int, entries []string) int {
	if editor == "" {
		editor = r.Var("FCEDIT")
	}
	if editor == "" {
		editor = r.Var("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	f, err := os.CreateTemp("", "gosh-fc*")
	if err != nil {
		r.errf("fc: %v", err)
		return 1
	}
	defer os.Remove(f.Name())
	for _, n := range nums {
		fmt.Fprintln(f, entries[n-first])
	}
	f.Close()
	if st := builtinEval(r, []string{"eval", editor + " " + shellQuote(f.Name())}); st != 0 {
		return st
	}
	data, err := os.ReadFile(f.Name())
	if err != nil {
		r.errf("fc: %v", unwrapPath(err))
		return 1
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return 0
	}
	return r.fcRun(string(data))
}

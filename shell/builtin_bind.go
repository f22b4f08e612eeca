package shell

import (
	_ "embed"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The bind builtin keeps readline's tables as bash shows them: the
// function names, the key bindings of each keymap (readline functions,
// macros and bind -x shell commands) and the readline variables. gosh's
// line editor has its own fixed keys, so bind only records and lists
// them; like bash without line editing it warns that they are unused.

func init() { builtins["bind"] = builtinBind }

// readlineEmacs is readline's default emacs keymap in bind -p's form;
// readlineVars its variables in bind -v's form.
var (
	//go:embed readline_emacs.txt
	readlineEmacs string
	//go:embed readline_vars.txt
	readlineVars string
)

// readlineDefaults parses the embedded tables once.
var readlineDefaults = sync.OnceValue(func() *keyBindings {
	kb := &keyBindings{maps: map[string]keymap{"emacs": {}}, vars: map[string]string{}}
	var names []string
	for _, l := range strings.Split(readlineEmacs, "\n") {
		if strings.HasPrefix(l, "# ") && strings.HasSuffix(l, " (not bound)") {
			names = append(names, strings.TrimSuffix(l[2:], " (not bound)"))
			continue
		}
		if seq, fn, ok := parseBindLine(l); ok {
			kb.maps["emacs"][seq] = keyBinding{text: fn}
			names = append(names, fn)
		}
	}
	for _, l := range strings.Split(readlineVars, "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "set" {
			kb.vars[f[1]] = f[2]
			kb.varOrder = append(kb.varOrder, f[1])
		}
	}
	sort.Strings(names)
	kb.functions = slicesCompact(names)
	return kb
})

func slicesCompact(s []string) []string {
	var out []string
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// readlineFunctionNames returns the sorted readline function names
// (bind -l, compgen -A binding).
func readlineFunctionNames() []string { return readlineDefaults().functions }

// keyBindings are readline's tables as bind changed them. Copied on
// write, like compSpecs.
type keyBindings struct {
	maps      map[string]keymap // keymap -> key bytes -> binding
	vars      map[string]string
	varOrder  []string
	functions []string
}

// A keyBinding is what a key sequence runs: a readline function, a macro
// (text typed for the user) or a shell command (bind -x).
type keyBinding struct {
	text         string
	macro, shell bool
}

// keymapName maps bind -m names to a table and the prefix of key bytes
// the name stands for.
func keymapName(name string) (table, prefix string, ok bool) {
	switch name {
	case "emacs", "emacs-standard":
		return "emacs", "", true
	case "emacs-meta":
		return "emacs", "\x1b", true
	case "emacs-ctlx":
		return "emacs", "\x18", true
	case "vi", "vi-move", "vi-command":
		return "vi", "", true
	case "vi-insert":
		return "vi-insert", "", true
	}
	return "", "", false
}

// clone returns a writable copy of t.
func (t *keyBindings) clone() *keyBindings {
	c := &keyBindings{maps: map[string]keymap{}, vars: map[string]string{},
		varOrder: t.varOrder, functions: t.functions}
	for k, m := range t.maps {
		cm := make(keymap, len(m))
		for s, b := range m {
			cm[s] = b
		}
		c.maps[k] = cm
	}
	for k, v := range t.vars {
		c.vars[k] = v
	}
	return c
}

const bindUsage = "bind: usage: bind [-lpsvPSVX] [-m keymap] [-f filename] [-q name] [-u name] [-r keyseq] [-x keyseq:shell-command] [keyseq:readline-function or readline-command]"

func builtinBind(r *Runner, args []string) int {
	if !r.opts.Interactive {
		r.errf("bind: warning: line editing not enabled")
	}
	kb := r.bindings
	if kb == nil {
		kb = readlineDefaults()
	}
	var (
		lists                                       string // the listing letters given, in order
		mapName                                     = "emacs"
		files, queries, unbinds, removes, shellCmds []string
	)
	args = args[1:]
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for k := 1; k < len(a); k++ {
			c := a[k]
			if strings.IndexByte("lpsvPSVX", c) >= 0 {
				lists += string(c)
				continue
			}
			if strings.IndexByte("mfqurx", c) < 0 {
				r.errf("bind: -%c: invalid option", c)
				fmt.Fprintln(r.errOut(), bindUsage)
				return 2
			}
			v, ok := optArg(a, &k, &args)
			if !ok {
				r.errf("bind: -%c: option requires an argument", c)
				fmt.Fprintln(r.errOut(), bindUsage)
				return 2
			}
			switch c {
			case 'm':
				mapName = v
			case 'f':
				files = append(files, v)
			case 'q':
				queries = append(queries, v)
			case 'u':
				unbinds = append(unbinds, v)
			case 'r':
				removes = append(removes, v)
			case 'x':
				shellCmds = append(shellCmds, v)
			}
		}
	}
	table, prefix, ok := keymapName(mapName)
	if !ok {
		r.errf("bind: `%s': invalid keymap name", mapName)
		return 1
	}
	changed := len(files)+len(unbinds)+len(removes)+len(shellCmds)+len(args) > 0
	if changed {
		kb = kb.clone()
		defer func() { r.bindings = kb }()
	}
	km := kb.maps[table]
	if km == nil {
		km = keymap{}
		kb.maps[table] = km
	}
	var out strings.Builder
	status := 0
	for _, f := range files {
		data, err := os.ReadFile(r.path(f))
		if err != nil {
			r.errf("bind: %s: cannot read: %v", f, unwrapPath(err))
			status = 1
			continue
		}
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
				if !r.bindLine(kb, km, prefix, l) {
					status = 1
				}
			}
		}
	}
	for _, fn := range unbinds {
		if !kb.isFunction(fn) {
			r.errf("bind: `%s': unknown function name", fn)
			return 1
		}
		for s, b := range km {
			if !b.macro && !b.shell && b.text == fn && strings.HasPrefix(s, prefix) {
				delete(km, s)
			}
		}
	}
	for _, s := range removes {
		delete(km, prefix+decodeKeyseq(s))
	}
	for _, x := range shellCmds {
		seq, cmd, ok := splitBindX(x)
		if !ok {
			r.errf("bind: %s: missing colon separator", x)
			status = 1
			continue
		}
		km[prefix+seq] = keyBinding{text: cmd, shell: true}
	}
	for _, l := range args {
		if !r.bindLine(kb, km, prefix, l) {
			status = 1
		}
	}
	for _, c := range lists {
		switch c {
		case 'l':
			for _, fn := range kb.functions {
				out.WriteString(fn + "\n")
			}
		case 'p', 'P':
			out.WriteString("\n")
			for _, fn := range kb.functions {
				seqs := km.seqsFor(prefix, fn)
				switch {
				case c == 'P' && len(seqs) == 0:
					fmt.Fprintf(&out, "%s is not bound to any keys\n", fn)
				case c == 'P':
					fmt.Fprintf(&out, "%s can be found on %s.\n", fn, quotedSeqs(seqs))
				case len(seqs) == 0:
					fmt.Fprintf(&out, "# %s (not bound)\n", fn)
				default:
					for _, s := range seqs {
						fmt.Fprintf(&out, "\"%s\": %s\n", s, fn)
					}
				}
			}
		case 's', 'S', 'X':
			for _, s := range km.sortedSeqs(prefix) {
				b := km[s]
				if c == 'X' && !b.shell || c != 'X' && !b.macro {
					continue
				}
				seq := encodeKeyseq(s[len(prefix):])
				switch c {
				case 'S':
					fmt.Fprintf(&out, "%s outputs %s\n", seq, b.text)
				case 's':
					fmt.Fprintf(&out, "\"%s\": \"%s\"\n", seq, b.text)
				default:
					fmt.Fprintf(&out, "\"%s\": \"%s\"\n", seq, escapeMacro(b.text))
				}
			}
		case 'v', 'V':
			for _, name := range kb.varOrder {
				if c == 'v' {
					fmt.Fprintf(&out, "set %s %s\n", name, kb.vars[name])
				} else {
					fmt.Fprintf(&out, "%s is set to `%s'\n", name, kb.vars[name])
				}
			}
		}
	}
	for _, fn := range queries {
		if !kb.isFunction(fn) {
			r.errf("bind: `%s': unknown function name", fn)
			status = 1
			continue
		}
		seqs := km.seqsFor(prefix, fn)
		if len(seqs) == 0 {
			fmt.Fprintf(&out, "%s is not bound to any keys.\n", fn)
			status = 1
			continue
		}
		fmt.Fprintf(&out, "%s can be invoked via %s.\n", fn, quotedSeqs(seqs))
	}
	if _, err := r.out().Write([]byte(out.String())); err != nil {
		return 1
	}
	return status
}

type keymap map[string]keyBinding

// seqsFor returns the key sequences (readline notation, after prefix)
// bound to the function fn, in key order.
func (km keymap) seqsFor(prefix, fn string) []string {
	var out []string
	for _, s := range km.sortedSeqs(prefix) {
		if b := km[s]; !b.macro && !b.shell && b.text == fn {
			out = append(out, encodeKeyseq(s[len(prefix):]))
		}
	}
	return out
}

// sortedSeqs returns the key byte strings under prefix, sorted.
func (km keymap) sortedSeqs(prefix string) []string {
	var out []string
	for s := range km {
		if strings.HasPrefix(s, prefix) && len(s) > len(prefix) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func quotedSeqs(seqs []string) string {
	q := make([]string, len(seqs))
	for i, s := range seqs {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ", ")
}

func (t *keyBindings) isFunction(name string) bool {
	i := sort.SearchStrings(t.functions, name)
	return i < len(t.functions) && t.functions[i] == name
}

// bindLine applies one line of inputrc syntax: "keyseq": function,
// "keyseq": "macro", keyname: function, or set variable value.
func (r *Runner) bindLine(kb *keyBindings, km keymap, prefix, l string) bool {
	if f := strings.Fields(l); len(f) >= 2 && f[0] == "set" {
		val := ""
		if len(f) > 2 {
			val = f[2]
		}
		if _, ok := kb.vars[f[1]]; !ok {
			kb.varOrder = append(append([]string(nil), kb.varOrder...), f[1])
			sort.Strings(kb.varOrder)
		}
		kb.vars[f[1]] = val
		return true
	}
	if strings.HasPrefix(l, "$") {
		return true // $if, $else, $endif, $include: conditionals of inputrc
	}
	seq, fn, ok := parseBindLine(l)
	if !ok {
		name, rest, found := strings.Cut(l, ":")
		if !found || strings.HasPrefix(l, `"`) {
			r.errf("bind: %s: first non-whitespace character is not `\"'", l)
			return false
		}
		s, ok := keyName(strings.TrimSpace(name))
		if !ok {
			r.errf("bind: %s: unknown key name", strings.TrimSpace(name))
			return false
		}
		seq, fn = s, strings.TrimSpace(rest)
	}
	if strings.HasPrefix(fn, `"`) {
		km[prefix+seq] = keyBinding{text: strings.Trim(fn, `"`), macro: true}
		return true
	}
	// An unknown function name unbinds the key, as in readline.
	if !kb.isFunction(fn) {
		delete(km, prefix+seq)
		return true
	}
	km[prefix+seq] = keyBinding{text: fn}
	return true
}

// parseBindLine parses `"keyseq": rest` and returns the key bytes and
// rest.
func parseBindLine(l string) (string, string, bool) {
	l = strings.TrimSpace(l)
	if !strings.HasPrefix(l, `"`) {
		return "", "", false
	}
	end := -1
	for i := 1; i < len(l); i++ {
		if l[i] == '\\' {
			i++
		} else if l[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return "", "", false
	}
	rest := strings.TrimSpace(l[end+1:])
	if !strings.HasPrefix(rest, ":") {
		return "", "", false
	}
	return decodeKeyseq(l[1:end]), strings.TrimSpace(rest[1:]), true
}

// splitBindX splits bind -x's argument, "keyseq": command or
// keyseq: command.
func splitBindX(x string) (string, string, bool) {
	if seq, cmd, ok := parseBindLine(x); ok {
		if len(cmd) >= 2 && (cmd[0] == '"' || cmd[0] == '\'') && cmd[len(cmd)-1] == cmd[0] {
			cmd = cmd[1 : len(cmd)-1]
		}
		return seq, cmd, true
	}
	name, cmd, ok := strings.Cut(x, ":")
	if !ok {
		return "", "", false
	}
	return decodeKeyseq(strings.TrimSpace(name)), strings.TrimSpace(cmd), true
}

// keyName translates an inputrc key name (Control-u, Meta-x, RET, ...).
func keyName(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, p := range []struct {
		pre string
		f   func(byte) byte
	}{{"control-", func(c byte) byte { return c & 0x1f }}, {"c-", func(c byte) byte { return c & 0x1f }}} {
		if strings.HasPrefix(lower, p.pre) && len(name) == len(p.pre)+1 {
			return string(p.f(name[len(name)-1])), true
		}
	}
	for _, p := range []string{"meta-", "m-"} {
		if strings.HasPrefix(lower, p) {
			if s, ok := keyName(name[len(p):]); ok {
				return "\x1b" + s, true
			}
		}
	}
	named := map[string]string{"rubout": "\x7f", "del": "\x7f", "esc": "\x1b", "escape": "\x1b",
		"lfd": "\n", "newline": "\n", "ret": "\r", "return": "\r", "spc": " ", "space": " ", "tab": "\t"}
	if s, ok := named[lower]; ok {
		return s, true
	}
	if len(name) == 1 {
		return name, true
	}
	return "", false
}

// decodeKeyseq turns readline's notation (\C-x, \M-x, \e, \\, \", octal
// \nnn) into key bytes.
func decodeKeyseq(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch c = s[i]; {
		case (c == 'C' || c == 'M') && i+2 < len(s) && s[i+1] == '-':
			var k byte
			i += 2
			if s[i] == '\\' && i+1 < len(s) && (s[i+1] == 'M' || s[i+1] == 'C') && c == 'C' {
				// \C-\M-x
				inner := decodeKeyseq(s[i:])
				b.WriteString(inner)
				return b.String()
			}
			k = s[i]
			if k == '\\' && i+1 < len(s) {
				i++
				k = s[i]
				if k == 'e' {
					k = 0x1b
				}
			}
			if c == 'C' {
				if k == '?' {
					k = 0x7f
				} else {
					k = toUpper(k) & 0x1f
				}
				b.WriteByte(k)
			} else {
				b.WriteString("\x1b" + string(k))
			}
		case c == 'e':
			b.WriteByte(0x1b)
		case c >= '0' && c <= '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(s[i:j], 8, 8)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			if x, ok := map[byte]byte{'a': 7, 'b': 8, 'd': 0x7f, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}[c]; ok {
				c = x
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

func toUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

// encodeKeyseq is decodeKeyseq's inverse, in the form bind prints.
func encodeKeyseq(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			b.WriteString(`\e`)
		case c == 0x7f:
			b.WriteString(`\C-?`)
		case c < 0x20:
			k := c | 0x40
			if k >= 'A' && k <= 'Z' {
				k += 32
			}
			b.WriteString(`\C-`)
			if k == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(k)
		case c >= 0x80:
			fmt.Fprintf(&b, `\%03o`, c)
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unwrapPath returns the reason of a failed file operation.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// escapeMacro quotes a macro or command for bind -s and -X.
func escapeMacro(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

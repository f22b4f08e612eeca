package shell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
)

func init() {
	builtins["echo"] = builtinEcho
	builtins["printf"] = builtinPrintf
	builtins["read"] = builtinRead
}

// builtinEcho is bash's echo: -n, -e, -E; options end at the first word
// that is not one.
func builtinEcho(r *Runner, args []string) int {
	args = args[1:]
	newline, escapes := true, false
opts:
	for len(args) > 0 {
		a := args[0]
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for _, c := range a[1:] {
			if c != 'n' && c != 'e' && c != 'E' {
				break opts
			}
		}
		for _, c := range a[1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	var buf []byte
	for i, a := range args {
		if i > 0 {
			buf = append(buf, ' ')
		}
		if escapes {
			s, stop := echoEscapes(a)
			buf = append(buf, s...)
			if stop {
				newline = false
				break
			}
		} else {
			buf = append(buf, a...)
		}
	}
	if newline {
		buf = append(buf, '\n')
	}
	if _, err := r.out().Write(buf); err != nil {
		if !r.sigpipe {
			r.errf("echo: write error: %v", unwrapSyscall(err))
		}
		return 1
	}
	return 0
}

// echoEscapes expands echo -e escapes; stop is set by \c.
func echoEscapes(s string) (string, bool) { return expandEscapes(s, false) }

// expandEscapes expands echo -e escapes, or with printfB those of
// printf's %b, which also takes \NNN octal without a leading 0.
func expandEscapes(s string, printfB bool) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'c':
			return b.String(), true
		case 'e', 'E':
			b.WriteByte(0x1b)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\':
			b.WriteByte('\\')
		case '0':
			n, j := 0, i+1
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		case '1', '2', '3', '4', '5', '6', '7':
			if !printfB {
				b.WriteByte('\\')
				b.WriteByte(s[i])
				continue
			}
			n, j := 0, i
			for ; j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		case 'x':
			n, j := 0, i+1
			for ; j < len(s) && j < i+3 && isHex(s[j]); j++ {
				n = n*16 + hexVal(s[j])
			}
			if j == i+1 {
				b.WriteString(`\x`)
			} else {
				b.WriteByte(byte(n))
			}
			i = j - 1
		case 'u', 'U':
			e, adv, _ := printfEscape(s[i-1:])
			b.WriteString(e)
			i += adv - 2
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

func builtinPrintf(r *Runner, args []string) int {
	args = args[1:]
	varName := ""
	if len(args) > 1 && args[0] == "-v" {
		varName = args[1]
		args = args[2:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		r.errf("printf: usage: printf [-v var] format [arguments]")
		return 2
	}
	format, args := args[0], args[1:]
	var out strings.Builder
	status := 0
	for {
		s, n, err := r.printfOnce(format, args)
		out.WriteString(s)
		if err != nil {
			r.errf("printf: %v", err)
			status = 1
		}
		if n >= len(args) || n == 0 {
			break
		}
		args = args[n:]
	}
	if varName != "" {
		if err := r.assignNamed(varName, out.String()); err != nil {
			r.errf("printf: %v", err)
			if _, bad := err.(badIdentError); bad {
				return 2
			}
			return 1
		}
		return status
	}
	if _, err := io.WriteString(r.out(), out.String()); err != nil {
		if !r.sigpipe {
			r.errf("printf: write error: %v", unwrapSyscall(err))
		}
		return 1
	}
	return status
}

// printfOnce formats once through format; it returns the text and how
// many arguments it used.
func (r *Runner) printfOnce(format string, args []string) (string, int, error) {
	var b strings.Builder
	used := 0
	var firstErr error
	next := func() (string, bool) {
		if used < len(args) {
			used++
			return args[used-1], true
		}
		return "", false
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '\\' {
			s, adv, stop := printfEscape(format[i:])
			b.WriteString(s)
			if stop {
				return b.String(), len(args), nil
			}
			i += adv - 1
			continue
		}
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		// Parse %[flags][width][.prec]verb
		j := i + 1
		for j < len(format) && strings.IndexByte("-+ #0", format[j]) >= 0 {
			j++
		}
		spec := format[i:j]
		readNum := func() string {
			if j < len(format) && format[j] == '*' {
				j++
				a, _ := next()
				n, _ := strconv.Atoi(a)
				return strconv.Itoa(n)
			}
			k := j
			for j < len(format) && format[j] >= '0' && format[j] <= '9' {
				j++
			}
			return format[k:j]
		}
		spec += readNum()
		if j < len(format) && format[j] == '.' {
			j++
			spec += "." + readNum()
		}
		if j >= len(format) {
			return b.String(), used, fmt.Errorf("`%s': missing format character", format[i:])
		}
		verb := format[j]
		var timeFmt string
		if verb == '(' {
			end := strings.Index(format[j:], ")T")
			if end < 0 {
				return b.String(), used, fmt.Errorf("`%s': missing format character", format[i:])
			}
			timeFmt = format[j+1 : j+end]
			j += end + 1
			verb = 'T'
		}
		i = j
		arg, _ := next()
		sspec := strings.ReplaceAll(spec, "0", "")
		if k := strings.IndexAny(spec, "123456789."); k >= 0 {
			// keep zeros that are digits of the width or precision
			sspec = strings.ReplaceAll(spec[:k], "0", "") + spec[k:]
		}
		switch verb {
		case 's':
			fmt.Fprintf(&b, sspec+"s", arg)
		case 'b':
			s, stop := expandEscapes(arg, true)
			fmt.Fprintf(&b, sspec+"s", s)
			if stop {
				return b.String(), len(args), nil
			}
		case 'q':
			fmt.Fprintf(&b, sspec+"s", shellQuoteBash(arg))
		case 'c':
			if arg != "" {
				fmt.Fprintf(&b, sspec+"s", arg[:1])
			}
		case 'T':
			fmt.Fprintf(&b, sspec+"s", r.strftime(timeFmt, arg))
		case 'd', 'i':
			n, err := printfInt(arg)
			if err = r.printfRange(arg, err); err != nil && firstErr == nil {
				firstErr = err
			}
			fmt.Fprintf(&b, spec+"d", n)
		case 'u':
			n, err := printfUint(arg)
			if err = r.printfRange(arg, err); err != nil && firstErr == nil {
				firstErr = err
			}
			fmt.Fprintf(&b, spec+"d", n)
		case 'o', 'x', 'X':
			n, err := printfUint(arg)
			if err = r.printfRange(arg, err); err != nil && firstErr == nil {
				firstErr = err
			}
			if n == 0 {
				spec = strings.ReplaceAll(spec, "#", "") // C prints a bare 0
			}
			fmt.Fprintf(&b, spec+string(verb), uint64(n))
		case 'e', 'E', 'f', 'F', 'g', 'G', 'a', 'A':
			f := 0.0
			if arg != "" {
				var err error
				f, err = strconv.ParseFloat(strings.TrimSpace(arg), 64)
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: invalid number", arg)
				}
			}
			v := verb
			if v == 'F' {
				v = 'f'
			}
			fmt.Fprintf(&b, spec+string(v), f)
		default:
			return b.String(), used, fmt.Errorf("%%%c: invalid format character", verb)
		}
	}
	return b.String(), used, firstErr
}

// printfInt converts a printf integer argument as C's strtol does: a
// leading quote gives the character's code; on trailing garbage the
// number read so far is used and an error is reported.
func printfInt(s string) (int64, error) {
	t := strings.TrimLeft(s, " \t\n")
	if strings.TrimSpace(t) == "" {
		return 0, nil
	}
	if t[0] == '\'' || t[0] == '"' {
		if len(t) == 1 {
			return 0, nil
		}
		return int64([]rune(t[1:])[0]), nil
	}
	n, err := strconv.ParseInt(t, 0, 64)
	if err == nil || errors.Is(err, strconv.ErrRange) {
		return n, err // clamped on overflow, as strtoimax does
	}
	// Longest prefix that is a number (trailing blanks are an error too).
	if u := strings.TrimRight(t, " \t\n"); u != t {
		if n, err := strconv.ParseInt(u, 0, 64); err == nil {
			return n, fmt.Errorf("%s: invalid number", s)
		}
	}
	k := 0
	if k < len(t) && (t[k] == '-' || t[k] == '+') {
		k++
	}
	for k < len(t) && t[k] >= '0' && t[k] <= '9' {
		k++
	}
	n, _ = strconv.ParseInt(strings.TrimPrefix(t[:k], "+"), 10, 64)
	return n, fmt.Errorf("%s: invalid number", s)
}

// printfUint converts an argument of %u, %o, %x as C's strtoumax does: a
// negative number wraps around, one too large becomes the largest value
// with strconv.ErrRange.
func printfUint(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	if u, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(t, "-"), "+"), 0, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if neg && err == nil {
			u = -u
		}
		return u, err
	}
	n, err := printfInt(s)
	return uint64(n), err
}

// printfRange reports an argument out of range as bash does, a warning
// that leaves the status alone, and passes on any other error.
func (r *Runner) printfRange(arg string, err error) error {
	if !errors.Is(err, strconv.ErrRange) {
		return err
	}
	r.errf("printf: warning: %s: Numerical result out of range", arg)
	return nil
}

// printfEscape expands one backslash escape of a printf format.
func printfEscape(s string) (string, int, bool) {
	if len(s) < 2 {
		return s, len(s), false
	}
	switch s[1] {
	case 'c':
		return "", 2, true
	case '0', '1', '2', '3', '4', '5', '6', '7':
		n, j := 0, 1
		for ; j < len(s) && j < 4 && s[j] >= '0' && s[j] <= '7'; j++ {
			n = n*8 + int(s[j]-'0')
		}
		return string([]byte{byte(n)}), j, false
	case 'x':
		n, j := 0, 2
		for ; j < len(s) && j < 4 && isHex(s[j]); j++ {
			n = n*16 + hexVal(s[j])
		}
		if j == 2 {
			return s[:2], 2, false
		}
		return string([]byte{byte(n)}), j, false
	case 'u', 'U':
		max := 4
		if s[1] == 'U' {
			max = 8
		}
		n, j := 0, 2
		for ; j < len(s) && j < 2+max && isHex(s[j]); j++ {
			n = n*16 + hexVal(s[j])
		}
		if j == 2 {
			return s[:2], 2, false
		}
		return string(rune(n)), j, false
	}
	e, stop := echoEscapes(s[:2])
	return e, 2, stop
}

// shellQuoteBash quotes like bash's printf %q.
func shellQuoteBash(s string) string {
	if hasControl(s) || !utf8.ValidString(s) {
		return ansiQuoteBytes(s)
	}
	if s == "" {
		return "''"
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '_' || c == '-' || c == '.' || c == '/' || c == ',' || c == ':' || c == '+' || c == '=' || c == '@' || c == '%' ||
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c > 127:
			b.WriteRune(c)
		default:
			b.WriteByte('\\')
			b.WriteRune(c)
		}
	}
	return b.String()
}

// ansiQuoteBytes is ansiQuote that also writes each byte of s that is not
// part of valid UTF-8 as an octal escape, as bash's printf %q does.
func ansiQuoteBytes(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for len(s) > 0 {
		i := 0
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		if i > 0 {
			q := ansiQuote(s[:i])
			b.WriteString(q[2 : len(q)-1])
		}
		if i < len(s) {
			fmt.Fprintf(&b, "\\%03o", s[i])
			i++
		}
		s = s[i:]
	}
	b.WriteString("'")
	return b.String()
}

// builtinRead reads a line (or up to a delimiter, or n characters) from
// an fd, without reading past it: one byte at a time from pipes and
// terminals, seeking back on regular files.
func builtinRead(r *Runner, args []string) int {
	args = args[1:]
	raw, silent := false, false
	delim := byte('\n')
	nchars, exact := -1, false
	prompt := ""
	arrayName := ""
	fd := 0
	timeout := -1.0
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		for k := 1; k < len(a); k++ {
			optArg := func() (string, bool) {
				if k+1 < len(a) {
					v := a[k+1:]
					k = len(a)
					return v, true
				}
				if len(args) == 0 {
					return "", false
				}
				v := args[0]
				args = args[1:]
				return v, true
			}
			switch c := a[k]; c {
			case 'r':
				raw = true
			case 's':
				silent = true
			case 'e':
			case 'a', 'd', 'n', 'N', 'p', 't', 'u':
				v, ok := optArg()
				if !ok {
					return r.usage("read", "-%c: option requires an argument", c)
				}
				switch c {
				case 'a':
					arrayName = v
				case 'd':
					if v == "" {
						delim = 0
					} else {
						delim = v[0]
					}
				case 'n', 'N':
					n, err := strconv.Atoi(v)
					if err != nil || n < 0 {
						r.errf("read: %s: invalid number", v)
						return 1
					}
					nchars, exact = n, c == 'N'
				case 'p':
					prompt = v
				case 't':
					f, err := strconv.ParseFloat(v, 64)
					if err != nil || f < 0 {
						r.errf("read: %s: invalid timeout specification", v)
						return 1
					}
					timeout = f
				case 'u':
					n, err := strconv.Atoi(v)
					if err != nil || n < 0 {
						r.errf("read: %s: invalid file descriptor specification", v)
						return 1
					}
					fd = n
				}
			default:
				return r.usage("read", "-%c: invalid option", c)
			}
		}
	}
	_ = silent
	f := r.fds.get(fd)
	if f == nil {
		r.errf("read: %d: invalid file descriptor: Bad file descriptor", fd)
		return 1
	}
	if prompt != "" && isTerminal(f) {
		io.WriteString(r.errOut(), prompt)
	}
	if timeout == 0 {
		// Only report whether input is available.
		if pollReadable(f, 0) {
			return 0
		}
		return 1
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(time.Duration(timeout * float64(time.Second)))
	}
	line, eof, timedOut, err := readUntil(r, f, delim, nchars, raw, exact, deadline)
	if err != nil {
		r.errf("read: read error: %d: %v", fd, unwrapSyscall(err))
		return 1
	}
	line = strings.ReplaceAll(line, "\x00", "") // bash drops NUL bytes
	if timedOut {
		r.assignRead(line, args, arrayName, raw, exact || nchars >= 0)
		return 142
	}
	if r.sh.isInterrupted() {
		return 130
	}
	r.assignRead(line, args, arrayName, raw, exact)
	if eof {
		return 1
	}
	return 0
}

// assignRead splits line into the named variables (REPLY by default) by
// IFS, the last one getting the rest.
func (r *Runner) assignRead(line string, names []string, arrayName string, raw, exact bool) {
	if exact {
		for i, name := range names {
			if i > 0 {
				r.setVarString(name, "")
			}
		}
		name := "REPLY"
		if len(names) > 0 {
			name = names[0]
		}
		r.setVarString(name, line)
		return
	}
	ifs := " \t\n"
	if v := r.vars.get("IFS"); v.IsSet() {
		ifs = v.String()
	}
	if arrayName != "" {
		fields := readSplit(line, ifs, -1, raw)
		if line == "" {
			fields = nil // an empty line gives no element, whatever IFS is
		}
		if err := r.setVar(arrayName, expand.Variable{Set: true, Kind: expand.Indexed, List: fields}); err != nil {
			r.errf("read: %v", err)
		}
		return
	}
	if len(names) == 0 {
		// REPLY gets the line with escapes removed but no IFS trimming.
		r.setVarString("REPLY", strings.Join(readSplit(line, "", 1, raw), ""))
		return
	}
	fields := readSplit(line, ifs, len(names), raw)
	for i, name := range names {
		val := ""
		if i < len(fields) {
			val = fields[i]
		}
		if err := r.assignNamed(name, val); err != nil {
			r.errf("read: %v", err)
		}
	}
}

// readSplit splits a line read by read into at most n fields (n < 0: no
// limit) as POSIX field splitting does: IFS whitespace runs and single
// other IFS characters (with the whitespace around them) delimit fields;
// leading and trailing IFS whitespace is dropped; the last of n fields
// takes the rest of the line, minus one trailing delimiter. Unless raw, a
// backslash quotes the next character, which then never delimits.
func readSplit(line, ifs string, n int, raw bool) []string {
	var text []byte
	var quoted []bool
	for i := 0; i < len(line); i++ {
		if !raw && line[i] == '\\' && i+1 < len(line) {
			i++
			text = append(text, line[i])
			quoted = append(quoted, true)
			continue
		}
		text = append(text, line[i])
		quoted = append(quoted, false)
	}
	isIFS := func(i int) bool { return !quoted[i] && strings.IndexByte(ifs, text[i]) >= 0 }
	isWS := func(i int) bool {
		return isIFS(i) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')
	}
	if ifs == "" {
		return []string{string(text)}
	}
	i := 0
	for i < len(text) && isWS(i) {
		i++
	}
	var fields []string
	for i < len(text) {
		if n > 0 && len(fields) == n-1 {
			// The last field: the rest, trimmed.
			end := len(text)
			for end > i && isWS(end-1) {
				end--
			}
			if end > i && isIFS(end-1) {
				k := end - 1
				for k > i && isWS(k-1) {
					k--
				}
				if k == i || !isIFS(k-1) {
					end = k
				}
			}
			fields = append(fields, string(text[i:end]))
			return fields
		}
		start := i
		for i < len(text) && !isIFS(i) {
			i++
		}
		fields = append(fields, string(text[start:i]))
		// Consume one delimiter: whitespace, at most one other IFS
		// character, whitespace.
		for i < len(text) && isWS(i) {
			i++
		}
		if i < len(text) && isIFS(i) && !isWS(i) {
			i++
			for i < len(text) && isWS(i) {
				i++
			}
		}
	}
	return fields
}

// readUntil reads from f up to delim (or n bytes). It keeps backslash
// escapes for ReadFields to handle unless raw, but joins lines ended by a
// backslash.
func readUntil(r *Runner, f *os.File, delim byte, n int, raw, exact bool, deadline time.Time) (string, bool, bool, error) {
	var buf bytes.Buffer
	var one [1]byte
	seekable := false
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		seekable = true
	}
	if seekable && deadline.IsZero() {
		return readSeekable(f, delim, n, raw, exact)
	}
	got := 0 // characters read, a backslash escape counting as one
	for n < 0 || got < n {
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 || !pollReadable(f, left) {
				return buf.String(), false, true, nil
			}
		}
		m, err := f.Read(one[:])
		if m == 0 {
			if err == nil || err == io.EOF {
				return buf.String(), true, false, nil
			}
			if errors.Is(err, syscall.EINTR) {
				if r.sh.isInterrupted() {
					return buf.String(), true, false, nil
				}
				continue
			}
			return buf.String(), true, false, err
		}
		c := one[0]
		if !exact && c == delim {
			return buf.String(), false, false, nil
		}
		if !raw && !exact && c == '\\' {
			m, _ := f.Read(one[:])
			if m == 0 {
				return buf.String(), true, false, nil
			}
			if one[0] == '\n' {
				continue // line continuation
			}
			buf.WriteByte('\\')
			buf.WriteByte(one[0])
			got++
			continue
		}
		buf.WriteByte(c)
		got++
	}
	return buf.String(), false, false, nil
}

// readSeekable reads a chunk of a regular file and seeks back over what
// follows the delimiter.
func readSeekable(f *os.File, delim byte, n int, raw, exact bool) (string, bool, bool, error) {
	var out []byte
	chunk := make([]byte, 512)
	for {
		m, err := f.Read(chunk)
		if m == 0 {
			if err != nil && err != io.EOF {
				return string(out), true, false, err
			}
			return string(out), true, false, nil
		}
		for i := 0; i < m; i++ {
			c := chunk[i]
			if n >= 0 && len(out) >= n {
				f.Seek(int64(i-m), io.SeekCurrent)
				return string(out), false, false, nil
			}
			if !exact && c == delim {
				f.Seek(int64(i+1-m), io.SeekCurrent)
				return string(out), false, false, nil
			}
			if !raw && !exact && c == '\\' && i+1 < m {
				if chunk[i+1] == '\n' {
					i++
					continue
				}
				out = append(out, c, chunk[i+1])
				i++
				continue
			}
			out = append(out, c)
		}
		if n >= 0 && len(out) >= n {
			return string(out), false, false, nil
		}
	}
}

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// pollReadable waits up to d for f to become readable.
func pollReadable(f *os.File, d time.Duration) bool {
	fds := []unix.PollFd{{Fd: int32(f.Fd()), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, int(d/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		return err == nil && n > 0
	}
}

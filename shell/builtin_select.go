package shell

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// selectLoop runs bash's select: print the numbered menu and $PS3 on
// stderr, read a line from stdin into REPLY, set name to the chosen item
// (empty when the reply is not a number in range) and run the body. An
// empty line shows the menu again; end of input ends the loop with status
// 1, after a newline, as in bash.
func (r *Runner) selectLoop(name string, items []string, body []*syntax.Stmt) int {
	r.loopDepth++
	defer func() { r.loopDepth-- }()
	status := 0
	showMenu := true
	for !r.stop() {
		errw := r.fds.writer(2)
		if showMenu {
			io.WriteString(errw, selectMenu(items, r.columns()))
			showMenu = false
		}
		ps3 := r.vars.get("PS3")
		prompt := "#? "
		if ps3.IsSet() {
			prompt = ps3.String()
		}
		io.WriteString(errw, prompt)
		f := r.fds.get(0)
		if f == nil {
			io.WriteString(errw, "\n")
			return 1
		}
		line, eof, _, err := readUntil(r, f, '\n', -1, false, false, time.Time{})
		if err != nil || (eof && line == "") {
			io.WriteString(errw, "\n")
			return 1
		}
		line = unbackslash(line)
		r.setVarString("REPLY", line)
		if line == "" {
			showMenu = true
			continue
		}
		choice := ""
		if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil && n >= 1 && n <= len(items) {
			choice = items[n-1]
		}
		if err := r.setVarString(name, choice); err != nil {
			r.errf("%v", err)
			return 1
		}
		if !r.loopBody(body) {
			status = r.lastStatus
			break
		}
		status = r.lastStatus
	}
	return status
}

// unbackslash removes read's backslash quoting from a line.
func unbackslash(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// columns is the terminal width select lays its menu out in: $COLUMNS,
// else 80.
func (r *Runner) columns() int {
	if n, err := strconv.Atoi(r.vars.get("COLUMNS").String()); err == nil && n > 0 {
		return n
	}
	return 80
}

// selectMenu lays out the items as bash does: column-major, each column
// as wide as the widest "N) item" plus two, numbers right-aligned (the
// first column only as wide as its own largest number), gaps filled with
// tabs where a tab stop fits and spaces after.
func selectMenu(items []string, width int) string {
	n := len(items)
	if n == 0 {
		return "\n"
	}
	numLen := len(strconv.Itoa(n))
	longest := 0
	for _, it := range items {
		longest = max(longest, len(it))
	}
	cell := longest + numLen + 4
	cols := max(width/cell, 1)
	rows := (n + cols - 1) / cols
	cols = (n + rows - 1) / rows
	if rows == 1 {
		rows, cols = cols, 1
	}
	firstLen := len(strconv.Itoa(rows))
	var b strings.Builder
	for row := 0; row < rows; row++ {
		pos := 0
		for c, i := 0, row; i < n; c, i = c+1, i+rows {
			if c > 0 {
				target := c * cell
				for pos < target {
					if target/8 > pos/8 {
						b.WriteByte('\t')
						pos += 8 - pos%8
					} else {
						b.WriteByte(' ')
						pos++
					}
				}
			}
			w := numLen
			if c == 0 {
				w = firstLen
			}
			s := fmt.Sprintf("%*d) %s", w, i+1, items[i])
			b.WriteString(s)
			pos += len(s)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

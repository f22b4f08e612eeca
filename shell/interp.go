package shell

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"
	"syscall"

	"gosh/exec"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/pattern"
	"mvdan.cc/sh/v3/syntax"
)

// newParser returns gosh's parser: bash syntax, comments dropped.
func newParser(posix bool) *syntax.Parser {
	if posix {
		return syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
	}
	return syntax.NewParser(syntax.Variant(syntax.LangBash))
}

// ParseError formats a parse error as gosh prints it: name:line:col: msg.
func parseErrorText(name string, err error) string {
	var pe syntax.ParseError
	if asParseError(err, &pe) {
		return fmt.Sprintf("%s:%d:%d: %s", name, pe.Pos.Line(), pe.Pos.Col(), pe.Text)
	}
	var le syntax.LangError
	if asLangError(err, &le) {
		le.Filename = ""
		return fmt.Sprintf("%s:%s", name, le.Error())
	}
	return fmt.Sprintf("%s: %v", name, err)
}

func asParseError(err error, pe *syntax.ParseError) bool {
	switch e := err.(type) {
	case syntax.ParseError:
		*pe = e
		return true
	case *syntax.ParseError:
		*pe = *e
		return true
	}
	return false
}

func asLangError(err error, le *syntax.LangError) bool {
	switch e := err.(type) {
	case syntax.LangError:
		*le = e
		return true
	case *syntax.LangError:
		*le = *e
		return true
	}
	return false
}

// parseAll parses a whole program, falling back to POSIX mode where the
// bash-mode parser misreads valid POSIX constructs such as ((a); b) | c.
func parseAll(src []byte, name string) (*syntax.File, error) {
	f, err := newParser(false).Parse(newGuardReader(bytes.NewReader(src)), name)
	if err == nil {
		err = checkFuncNames(f)
	}
	if err == nil {
		restoreBytes(f)
		return f, nil
	}
	if isTooDeep(err) {
		return nil, err
	}
	for _, retry := range []func([]byte, string, error) (*syntax.File, bool){
		parseSpaced, parseArgcOps, parseEmptySlices, parseEmptyExtGlobs,
	} {
		if f2, ok := retry(src, name, err); ok {
			restoreBytes(f2)
			return f2, nil
		}
	}
	if f2, err2 := newParser(true).Parse(newGuardReader(bytes.NewReader(src)), name); err2 == nil && checkFuncNames(f2) == nil && !arithAsSubshells(f2) {
		restoreBytes(f2)
		return f2, nil
	}
	return nil, err
}

// RunSource runs a whole program held in memory (gosh -c, a script file,
// `.` and eval), naming it name in messages. A syntax error after some
// complete statements still runs those first, as sh does. It returns the
// status to exit with when the program called exit, else $?.
func (r *Runner) RunSource(src []byte, name string) int {
	r.discardLine = 0
	defer func() { r.discardLine = 0 }()
	oldScript := r.script
	r.script = name
	defer func() { r.script = oldScript }()
	echo := verboseEcho{src: src}
	f, err := parseAll(src, name)
	if err != nil {
		if fixed, line, delim, ok := closeHeredoc(src, err); ok {
			// bash and dash end a here-document at end of file; bash warns.
			if f2, err2 := parseAll(fixed, name); err2 == nil {
				r.sh.stderrMu.Lock()
				fmt.Fprintf(r.fds.writer(2), "gosh: warning: here-document at line %d delimited by end-of-file (wanted `%s')\n", line, delim)
				r.sh.stderrMu.Unlock()
				f, err = f2, nil
			}
		}
	}
	if err == nil {
		execLast := r.execLast
		r.execLast = false
		for i, st := range f.Stmts {
			if r.stop() {
				break
			}
			echo.upTo(r, st)
			if execLast && i == len(f.Stmts)-1 {
				r.tryExecLast(st)
			}
			if r.topStmt(st) && name == "-c" && !r.opts.Interactive {
				// bash abandons all of a -c string; gosh -i -c only
				// the rest of the line, as an interactive shell does.
				break
			}
		}
		return r.lastStatus
	}
	// Run what parses, then report the error where it stands. sh reads
	// a whole line before it runs any of it, so statements that share a
	// line with the syntax error do not run: each statement waits until
	// its line is known to be complete.
	var held []*syntax.Stmt
	done := 0 // offset of the first line not yet run
	eachStmt(newParser(false), bytes.NewReader(src), func(st *syntax.Stmt, err error) bool {
		if err != nil {
			if r.runAliased(src[done:], src[:done], name) {
				return false
			}
			echo.rest(r)
			r.syntaxError(name, err)
			return false
		}
		held = append(held, st)
		if !lineEndsAfter(src, int(st.End().Offset())) {
			return true
		}
		for _, h := range held {
			echo.upTo(r, h)
			r.topStmt(h)
			if r.exiting {
				return false
			}
		}
		held = held[:0]
		// (Offsets can pass the end of src: the parser may see invalid
		// UTF-8 as longer replacement runes.)
		done = min(int(st.End().Offset()), len(src))
		if i := bytes.IndexByte(src[done:], '\n'); i >= 0 {
			done += i + 1
		} else {
			done = len(src)
		}
		return true
	})
	return r.lastStatus
}

// runAliased runs rest, the part of a program from the line where parsing
// failed, after textual alias substitution (see aliastext.go), if aliases
// are on and substitution changes it; it reports whether it ran it.
// before is the program up to rest, whose lines are kept as blank lines so
// that line numbers hold. As bash substitutes each line as it reads it, an
// alias defined while the result runs applies from the next line: when a
// line changes the aliases, the rest is substituted again from there.
func (r *Runner) runAliased(rest, before []byte, name string) bool {
	if !(r.opts.ExpandAliases || r.opts.Interactive) || len(r.aliases) == 0 || r.exiting {
		return false
	}
	lines := bytes.Count(before, []byte("\n"))
	for first := true; ; first = false {
		text, starts := r.substituteAliases(string(rest), uint(lines)+1)
		if first && text == string(rest) {
			return false
		}
		pad := lines
		src := []byte(strings.Repeat("\n", pad) + text)
		aliases := maps.Clone(r.aliases)
		next, stop := -1, false
		var held []*syntax.Stmt
		eachParsed(src, name, func(st *syntax.Stmt, err error) bool {
			if err != nil {
				r.syntaxError(name, err)
				stop = true
				return false
			}
			held = append(held, st)
			end := int(st.End().Offset())
			if !lineEndsAfter(src, end) {
				return true
			}
			for _, h := range held {
				if r.topStmt(h) && name == "-c" && !r.opts.Interactive || r.exiting {
					stop = true
					return false
				}
			}
			held = held[:0]
			if maps.Equal(aliases, r.aliases) {
				return true
			}
			aliases = maps.Clone(r.aliases)
			// Go on from the next line of rest, if this line's end is one.
			nl := bytes.IndexByte(src[end:], '\n')
			if nl < 0 {
				return true
			}
			if orig, ok := starts[end+nl+1-pad]; ok {
				// Lines go on counting as they ran (a value may
				// hold a newline).
				next = orig
				lines = bytes.Count(src[:end+nl+1], []byte("\n"))
				return false
			}
			return true
		})
		if stop || next < 0 {
			return true
		}
		rest = rest[next:]
	}
}

// eachParsed calls fn with each statement of src, parsed whole when it
// parses (with parseAll's fallbacks), else one at a time up to the error.
func eachParsed(src []byte, name string, fn func(*syntax.Stmt, error) bool) {
	if f, err := parseAll(src, name); err == nil {
		for _, st := range f.Stmts {
			if !fn(st, nil) {
				return
			}
		}
		return
	}
	eachStmt(newParser(false), bytes.NewReader(src), fn)
}

// lineEndsAfter reports whether only separators, blanks and a comment
// stand between offset end and the next newline (or the end of src):
// the statement ending there is the last on its line.
func lineEndsAfter(src []byte, end int) bool {
	for i := end; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', ';', '&':
		case '\n':
			return true
		case '#':
			return true
		default:
			return false
		}
	}
	return true
}

// closeHeredoc returns src with the delimiter of the here-document that
// err reports as unclosed appended, so the body ends at end of input.
func closeHeredoc(src []byte, err error) (fixed []byte, line uint, delim string, ok bool) {
	var pe syntax.ParseError
	if !asParseError(err, &pe) {
		return nil, 0, "", false
	}
	rest, found := strings.CutPrefix(pe.Text, "unclosed here-document `")
	if !found || !strings.HasSuffix(rest, "`") {
		return nil, 0, "", false
	}
	delim = strings.TrimSuffix(rest, "`")
	fixed = append([]byte(nil), src...)
	if len(fixed) > 0 && fixed[len(fixed)-1] != '\n' {
		fixed = append(fixed, '\n')
	}
	fixed = append(fixed, delim+"\n"...)
	return fixed, pe.Pos.Line(), delim, true
}

// verboseEcho implements set -v for a program held in memory: before a
// top-level statement runs, the source lines up to the end of that
// statement not yet shown are written to stderr, as sh echoes its input
// lines as it reads them.
type verboseEcho struct {
	src  []byte
	done int // offset of the first byte not yet echoed
}

func (v *verboseEcho) upTo(r *Runner, st *syntax.Stmt) {
	end := int(st.End().Offset())
	if end < v.done || end > len(v.src) {
		return
	}
	if i := bytes.IndexByte(v.src[end:], '\n'); i >= 0 {
		end += i + 1
	} else {
		end = len(v.src)
	}
	v.show(r, end)
}

// rest echoes what is left (the text holding a syntax error).
func (v *verboseEcho) rest(r *Runner) { v.show(r, len(v.src)) }

func (v *verboseEcho) show(r *Runner, end int) {
	if end <= v.done {
		return
	}
	text := v.src[v.done:end]
	v.done = end
	r.recordScriptHistory(text)
	if !r.opts.Verbose {
		return
	}
	r.sh.stderrMu.Lock()
	defer r.sh.stderrMu.Unlock()
	w := r.fds.writer(2)
	w.Write(text)
	if text[len(text)-1] != '\n' {
		io.WriteString(w, "\n")
	}
}

// verboseReader copies what the parser reads to stderr under set -v.
type verboseReader struct {
	r  *Runner
	rd io.Reader
}

func (v verboseReader) Read(p []byte) (int, error) {
	n, err := v.rd.Read(p)
	if n > 0 && v.r.opts.Verbose {
		v.r.sh.stderrMu.Lock()
		v.r.fds.writer(2).Write(p[:n])
		v.r.sh.stderrMu.Unlock()
	}
	return n, err
}

// topStmt runs a statement read at the top level of a program. A Go panic
// in the interpreter is a gosh bug: it is reported as one line and ends a
// non-interactive shell with status 2 instead of crashing with a trace.
//
// After an error that abandons the command (failglob, a failed
// assignment; see discard) bash discards the rest of the command it read,
// which is everything up to the end of the line the failing statement
// ends on. topStmt reports whether that happened.
func (r *Runner) topStmt(st *syntax.Stmt) bool {
	nested := r.funcDepth > 0 || r.evalDepth > 0 || r.sourceDepth > 0
	if line := st.Pos().Line(); !nested && line != r.cmdLine {
		r.cmdLine = line
		r.sh.commands.Add(1) // \# in a prompt
	}
	dropped := false
	r.guard(func() { dropped = r.lineStmt(st) })
	return dropped
}

// lineStmt runs st, a command read at the top level of a script, an eval
// or a sourced file, dropping it when an earlier command on its line
// failed that way (see Runner.discard). It reports whether st itself
// abandoned the rest of its line.
func (r *Runner) lineStmt(st *syntax.Stmt) bool {
	if r.discardLine != 0 && st.Pos().Line() == r.discardLine {
		r.discardLine = st.End().Line()
		return false
	}
	r.discardLine = 0
	r.stmt(st)
	if r.discard {
		r.discard = false
		r.lastStatus = 1
		r.discardLine = st.End().Line()
		return true
	}
	return false
}

// lineStmts runs the commands of an eval or a sourced file with lineStmt.
func (r *Runner) lineStmts(list []*syntax.Stmt) {
	outer := r.discardLine
	r.discardLine = 0
	for _, st := range list {
		if r.stop() {
			break
		}
		r.lineStmt(st)
	}
	r.discardLine = outer
}

// guard runs f, turning a panic in it into an internal error of r (a
// subshell on its own goroutine needs its own guard: a panic there would
// otherwise end the whole process).
func (r *Runner) guard(f func()) {
	defer func() {
		if e := recover(); e != nil {
			r.internalError(e)
		}
	}()
	f()
}

// internalError reports a recovered panic.
func (r *Runner) internalError(e any) {
	r.sh.stderrMu.Lock()
	fmt.Fprintf(r.fds.writer(2), "gosh: internal error: %v\n", e)
	r.sh.stderrMu.Unlock()
	r.lastStatus = 2
	if !r.opts.Interactive || r.subshell > 0 {
		r.exit(2)
	}
}

// syntaxError reports a parse error: status 2, and a non-interactive shell
// exits.
func (r *Runner) syntaxError(name string, err error) {
	r.sh.stderrMu.Lock()
	fmt.Fprintf(r.fds.writer(2), "gosh: %s\n", parseErrorText(name, err))
	r.sh.stderrMu.Unlock()
	r.lastStatus = 2
	if !r.opts.Interactive {
		r.exit(2)
	}
}

// RunReader runs a program read incrementally from rd (a script on stdin):
// each statement runs as soon as it is parsed, so commands in the script
// can read the lines after them from the same input.
func (r *Runner) RunReader(rd io.Reader, name string) int {
	r.sh.inputFlag = "s"
	r.discardLine = 0
	r.script = name
	p := newParser(false)
	eachStmt(p, verboseReader{r, rd}, func(st *syntax.Stmt, err error) bool {
		if err != nil {
			r.syntaxError(name, err)
			return false
		}
		r.topStmt(st)
		return !r.exiting
	})
	return r.lastStatus
}

// Exiting reports whether the program asked the shell to exit, and with
// what status.
func (r *Runner) Exiting() (bool, int) { return r.exiting, r.exitStatus }

// exit makes the runner unwind and exit with status.
func (r *Runner) exit(status int) {
	r.exiting = true
	r.exitStatus = status
	r.lastStatus = status
}

// Exit runs the EXIT trap and returns the final status.
func (r *Runner) Exit() int {
	status := r.lastStatus
	if r.exiting {
		status = r.exitStatus
	}
	if h, ok := r.traps["EXIT"]; ok && h != "" {
		delete(r.traps, "EXIT")
		r.exiting = false
		r.lastStatus = status
		r.runTrap(h)
		if r.exiting {
			status = r.exitStatus
		}
	}
	return status
}

func (r *Runner) stmts(list []*syntax.Stmt) {
	for _, st := range list {
		if r.stop() {
			return
		}
		r.stmt(st)
	}
}

func (r *Runner) stmt(st *syntax.Stmt) {
	if r.stop() {
		return
	}
	r.line = st.Pos().Line()
	if r.opts.Noexec && !r.opts.Interactive {
		return // set -n: read commands, run none
	}
	if st.Background {
		r.background(st)
		return
	}
	r.debugTrap(st)
	if r.exiting {
		return // the DEBUG trap exited (or failed under set -e)
	}
	r.failIgnored = false
	status := r.stmtSync(st)
	r.lastStatus = status
	if setsPipeStatus(st.Cmd) {
		r.pipeStatus = append(r.pipeStatus[:0], status)
	}
	if status != 0 && !r.exiting && !r.returning && r.breakN == 0 && r.contN == 0 {
		if r.noErrexit == 0 && !st.Negated && !isCondCmd(st.Cmd) && !(r.failIgnored && passesFailure(st.Cmd)) {
			r.errTrap(st)
			if r.opts.Errexit {
				r.exit(status)
			}
		} else {
			r.failIgnored = true
		}
	}
	r.runPendingTraps()
}

// isLitWord reports whether w is a plain literal (a name or a number).
func isLitWord(w *syntax.Word) bool {
	return len(w.Parts) == 1 && w.Lit() != ""
}

// setsPipeStatus reports commands that are a one-stage pipeline for
// PIPESTATUS. Pipelines set it themselves, and lists and compound commands
// leave the value of the last pipeline they ran.
func setsPipeStatus(c syntax.Command) bool {
	switch c.(type) {
	case nil, *syntax.BinaryCmd, *syntax.Block, *syntax.IfClause, *syntax.WhileClause,
		*syntax.ForClause, *syntax.CaseClause, *syntax.TimeClause:
		return false
	}
	return true
}

// isCondCmd reports commands whose failure set -e ignores because it came
// from a condition inside them (&& and || lists check their own parts).
func isCondCmd(c syntax.Command) bool {
	if b, ok := c.(*syntax.BinaryCmd); ok {
		return b.Op == syntax.AndStmt || b.Op == syntax.OrStmt
	}
	return false
}

// passesFailure reports the compound commands other than a subshell, whose
// status is that of the last command run in them: when set -e ignored
// that command's failure ({ a && b; }), it ignores theirs too.
func passesFailure(c syntax.Command) bool {
	switch c.(type) {
	case *syntax.Block, *syntax.IfClause, *syntax.WhileClause, *syntax.ForClause, *syntax.CaseClause:
		return true
	}
	return false
}

// stmtSync runs a statement in the foreground and returns its status.
func (r *Runner) stmtSync(st *syntax.Stmt) int {
	if st.Negated {
		r.noErrexit++
	}
	var status int
	if len(st.Redirs) > 0 && !isPipe(st.Cmd) {
		mark := r.procSubstMark()
		if ce, ok := st.Cmd.(*syntax.CallExpr); ok && len(ce.Args) > 0 && !isBareExec(st.Cmd) && !r.aliasApplies(ce) {
			status = r.callRedirected(ce, st.Redirs)
		} else if isBareExec(st.Cmd) {
			// exec with only redirections changes the shell's own fds;
			// `exec 3< <(cmd)` leaves cmd running, unwaited, as in bash.
			status = r.redirect(&r.fds, st.Redirs, true)
			r.endProcSubsts(mark, false)
		} else {
			run := func() int { return r.cmd(st.Cmd) }
			if dc, ok := st.Cmd.(*syntax.DeclClause); ok {
				// Arguments first: readonly x=$(cmd) 2>/dev/null
				// leaves cmd's stderr alone.
				if run, status = r.declExpand(dc); run == nil {
					run = func() int { return status }
				}
			}
			saved := r.fds
			defer r.enterRedirect(&saved)()
			r.fds = saved.clone()
			mark := len(r.procWaits)
			if status = r.redirect(&r.fds, st.Redirs, false); status == 0 {
				status = run()
			}
			r.fds.release()
			r.fds = saved
			r.endProcSubsts(mark, true)
		}
	} else {
		status = r.cmd(st.Cmd)
	}
	if st.Negated {
		r.noErrexit--
		if status == 0 {
			status = 1
		} else {
			status = 0
		}
	}
	return status
}

func isPipe(c syntax.Command) bool {
	b, ok := c.(*syntax.BinaryCmd)
	return ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll)
}

func isBareExec(c syntax.Command) bool {
	ce, ok := c.(*syntax.CallExpr)
	return ok && (len(ce.Args) == 1 || len(ce.Args) == 2 && ce.Args[1].Lit() == "--") && ce.Args[0].Lit() == "exec"
}

// cmd runs one command and returns its status.
func (r *Runner) cmd(c syntax.Command) int {
	switch c := c.(type) {
	case nil:
		return r.lastStatus
	case *syntax.CallExpr:
		if status, ok := r.aliasCall(c); ok {
			return status
		}
		return r.call(c)
	case *syntax.BinaryCmd:
		switch c.Op {
		case syntax.AndStmt, syntax.OrStmt:
			r.noErrexit++
			r.stmt(c.X)
			r.noErrexit--
			if r.stop() {
				return r.lastStatus
			}
			if (r.lastStatus == 0) == (c.Op == syntax.AndStmt) {
				r.stmt(c.Y)
			}
			return r.lastStatus
		case syntax.Pipe, syntax.PipeAll:
			return r.pipeline(c, false)
		}
	case *syntax.Block:
		r.stmts(c.Stmts)
		return r.lastStatus
	case *syntax.Subshell:
		sub := r.subshellCopy()
		sub.guard(func() { sub.stmts(c.Stmts) })
		status := sub.finishSubshell()
		return status
	case *syntax.IfClause:
		return r.ifClause(c)
	case *syntax.WhileClause:
		return r.whileClause(c)
	case *syntax.ForClause:
		return r.forClause(c)
	case *syntax.CaseClause:
		return r.caseClause(c)
	case *syntax.FuncDecl:
		if c.Name == nil { // `() cmd`: a parse that checkFuncNames did not see
			r.errf("syntax error near unexpected token `)'")
			return 2
		}
		r.setFunc(c.Name.Value, c.Body)
		return 0
	case *syntax.ArithmCmd:
		if r.opts.Xtrace {
			r.trace(nodeText(c))
		}
		n, err := r.arith(c.X)
		if err != nil {
			return r.arithCmdError("((", err)
		}
		if n == 0 {
			return 1
		}
		return 0
	case *syntax.TestClause:
		if r.opts.Xtrace {
			r.trace(nodeText(c))
		}
		ok, err := r.testExpr(c.X)
		if err != nil {
			return r.expandError(err)
		}
		if ok {
			return 0
		}
		return 1
	case *syntax.DeclClause:
		return r.declClause(c)
	case *syntax.LetClause:
		status := 0
		for _, x := range c.Exprs {
			var n int
			var err error
			if w, ok := x.(*syntax.Word); ok && !isLitWord(w) {
				// let "y = 3 * 4": the quoted word is an expression.
				var s string
				if s, err = r.literal(w); err == nil {
					n, err = r.arithString(s)
				}
			} else {
				n, err = r.arith(x)
			}
			if err != nil {
				return r.arithCmdError("let", err)
			}
			if n == 0 {
				status = 1
			} else {
				status = 0
			}
		}
		return status
	case *syntax.TimeClause:
		return r.timeClause(c)
	case *syntax.CoprocClause:
		return r.coproc(c)
	case *syntax.TestDecl:
		r.errf("@test is not supported")
		return 2
	}
	r.errf("unsupported command %T", c)
	return 2
}

// finishSubshell ends a subshell copy: runs its EXIT trap, releases its
// fds and returns its status.
func (sub *Runner) finishSubshell() int {
	status := sub.Exit()
	if sub.sigpipe {
		status = 128 + 13
	}
	sub.fds.release() // first: a redirection may hold a process substitution's pipe
	sub.waitProcSubsts()
	sub.vars.release()
	return status
}

func (r *Runner) setFunc(name string, body *syntax.Stmt) {
	if r.funcsShared {
		m := make(map[string]*syntax.Stmt, len(r.funcs)+1)
		for k, v := range r.funcs {
			m[k] = v
		}
		r.funcs = m
		r.funcsShared = false
	}
	r.funcs[name] = body
	r.noteFuncFile(name)
}

func (r *Runner) unsetFunc(name string) {
	if _, ok := r.funcs[name]; !ok {
		return
	}
	r.setFunc(name, nil)
	delete(r.funcs, name)
}

func (r *Runner) cond(list []*syntax.Stmt) bool {
	r.noErrexit++
	r.stmts(list)
	r.noErrexit--
	return r.lastStatus == 0
}

func (r *Runner) ifClause(c *syntax.IfClause) int {
	for ; c != nil; c = c.Else {
		if c.ThenPos.IsValid() == false && c.Cond == nil {
			// else branch
			r.stmts(c.Then)
			return r.lastStatus
		}
		if r.cond(c.Cond) {
			if r.stop() {
				return r.lastStatus
			}
			r.stmts(c.Then)
			return r.lastStatus
		}
		if r.stop() {
			return r.lastStatus
		}
	}
	return 0
}

// loopBody runs one iteration's body and reports whether the loop goes on.
func (r *Runner) loopBody(body []*syntax.Stmt) bool {
	r.stmts(body)
	if r.breakN > 0 {
		r.breakN--
		return false
	}
	if r.contN > 0 {
		r.contN--
		return r.contN == 0 // continue n>1 continues an outer loop
	}
	return !r.stop()
}

func (r *Runner) whileClause(c *syntax.WhileClause) int {
	r.loopDepth++
	defer func() { r.loopDepth-- }()
	status := 0
	for !r.stop() {
		ok := r.cond(c.Cond)
		if r.breakN > 0 || r.contN > 0 {
			// break or continue in the condition applies to this loop.
			if !r.loopBody(nil) {
				break
			}
			continue
		}
		if r.stop() {
			break
		}
		if ok == c.Until {
			break
		}
		if !r.loopBody(c.Do) {
			status = r.lastStatus
			break
		}
		status = r.lastStatus
	}
	return status
}

func (r *Runner) forClause(c *syntax.ForClause) int {
	r.loopDepth++
	defer func() { r.loopDepth-- }()
	status := 0
	switch l := c.Loop.(type) {
	case *syntax.WordIter:
		var items []string
		if l.InPos.IsValid() {
			var err error
			items, err = r.fields(l.Items...)
			if err != nil {
				return r.expandError(err)
			}
		} else {
			items = r.params
		}
		if !validName(l.Name.Value) {
			r.errf("`%s': not a valid identifier", l.Name.Value)
			if !r.opts.Interactive {
				r.exit(2)
			}
			return 2
		}
		if c.Select {
			return r.selectLoop(l.Name.Value, items, c.Do)
		}
		for _, it := range items {
			if r.stop() {
				break
			}
			r.debugTrapAt(c.Pos().Line(), c)
			if r.opts.Xtrace {
				// bash shows the loop head as written, each time round.
				r.trace(forHeadText(l))
			}
			if err := r.setVarString(l.Name.Value, it); err != nil {
				r.errf("%v", err)
				return 1
			}
			if !r.loopBody(c.Do) {
				status = r.lastStatus
				break
			}
			status = r.lastStatus
		}
	case *syntax.CStyleLoop:
		// bash runs the DEBUG trap before each of the three expressions.
		line := c.Pos().Line()
		r.debugTrapAt(line, c)
		if l.Init != nil {
			if _, err := r.arith(l.Init); err != nil {
				return r.expandError(err)
			}
		}
		for !r.stop() {
			r.debugTrapAt(line, c)
			if l.Cond != nil {
				n, err := r.arith(l.Cond)
				if err != nil {
					return r.expandError(err)
				}
				if n == 0 {
					break
				}
			}
			if !r.loopBody(c.Do) {
				status = r.lastStatus
				break
			}
			status = r.lastStatus
			r.debugTrapAt(line, c)
			if l.Post != nil {
				if _, err := r.arith(l.Post); err != nil {
					return r.expandError(err)
				}
			}
		}
	}
	return status
}

// forHeadText is the head of a for loop as written: "for i in a b".
func forHeadText(l *syntax.WordIter) string {
	text := "for " + l.Name.Value
	if l.InPos.IsValid() {
		text += " in"
		for _, w := range l.Items {
			text += " " + nodeText(w)
		}
	}
	return text
}

func (r *Runner) caseClause(c *syntax.CaseClause) int {
	r.debugTrapAt(c.Pos().Line(), c)
	word, err := r.literal(c.Word)
	if err != nil {
		return r.expandError(err)
	}
	if r.opts.Xtrace {
		r.trace("case " + nodeText(c.Word) + " in")
	}
	status := 0
	for i := 0; i < len(c.Items); i++ {
		ci := c.Items[i]
		matched := false
		for _, pw := range ci.Patterns {
			pat, err := r.pattern(pw)
			if err != nil {
				return r.expandError(err)
			}
			if r.match(pat, word) {
				matched = true
				break
			}
		}
		if !matched {
			continue
		}
		for {
			r.stmts(ci.Stmts)
			status = r.lastStatus
			if r.stop() {
				return status
			}
			switch ci.Op {
			case syntax.Fallthrough: // ;&
				i++
				if i >= len(c.Items) {
					return status
				}
				ci = c.Items[i]
				continue
			case syntax.Resume: // ;;&
				goto next
			}
			return status
		}
	next:
	}
	return status
}

// match reports whether s matches the shell pattern pat.
func (r *Runner) match(pat, s string) bool {
	mode := pattern.EntireString
	if r.opts.ExtGlob {
		mode |= pattern.ExtendedOperators
	}
	if r.opts.NoCaseMatch {
		mode |= pattern.NoGlobCase
	}
	if pat == s {
		return true
	}
	if !pattern.HasMeta(pat, mode) && !(mode&pattern.ExtendedOperators != 0 && hasExtGlob(pat)) {
		if r.opts.NoCaseMatch {
			return strings.EqualFold(unescapeLit(pat), s)
		}
		return pattern.QuoteMeta(pat, mode) == pattern.QuoteMeta(s, mode) || unescapeLit(pat) == s
	}
	rx, err := pattern.Regexp(pat, mode)
	if _, neg := err.(*pattern.NegExtGlobError); neg {
		// !(list): no regular expression for it; see globmatch.go.
		return compileGlob(pat, r.matchFlags()).match(s)
	}
	if err != nil {
		return false
	}
	re, err := compileCached(rx)
	if err != nil {
		return false
	}
	return re.MatchString(s)
}

func unescapeLit(p string) string {
	if !strings.Contains(p, `\`) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			i++
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func (r *Runner) timeClause(c *syntax.TimeClause) int {
	start := nowFunc()
	u0, s0 := cpuTimes()
	status := 0
	if c.Stmt != nil {
		status = r.stmtSync(c.Stmt)
	}
	u1, s1 := cpuTimes()
	real := nowFunc().Sub(start)
	w := r.fds.writer(2)
	if c.PosixFormat {
		fmt.Fprintf(w, "real %.2f\nuser %.2f\nsys %.2f\n", real.Seconds(), (u1 - u0).Seconds(), (s1 - s0).Seconds())
	} else {
		fmt.Fprintf(w, "\nreal\t%s\nuser\t%s\nsys\t%s\n", fmtDur(real), fmtDur(u1-u0), fmtDur(s1-s0))
	}
	return status
}

// lineReader reads a script from a pipe or terminal one byte at a time,
// so it never consumes past the newline ending a line, and hands the
// parser whole lines: the commands of a line run only once all of it is
// read, and a command that reads stdin gets the lines after it, as in sh.
type lineReader struct {
	f    *os.File
	line []byte // read but not yet handed out
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var err error
	if len(l.line) == 0 {
		var b [1]byte
		for {
			var n int
			n, err = l.f.Read(b[:])
			if n == 1 {
				l.line = append(l.line, b[0])
				if b[0] == '\n' {
					break
				}
			}
			if err != nil || n == 0 {
				break
			}
		}
	}
	n := copy(p, l.line)
	l.line = l.line[n:]
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = io.EOF
	}
	return 0, err
}

// NewScriptReader returns a reader for a script on f that never reads past
// the newline ending the current line, so the script's commands see the
// rest of f.
func NewScriptReader(f *os.File) io.Reader {
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return &seekingReader{f: f}
	}
	return &lineReader{f: f}
}

// seekingReader reads a regular file a line at a time, seeking back over
// whatever it read past the line, so commands run by the script share the
// file offset with the shell as they do in sh.
type seekingReader struct {
	f   *os.File
	buf [4096]byte
}

func (s *seekingReader) Read(p []byte) (int, error) {
	n, err := s.f.Read(s.buf[:])
	if n == 0 {
		return 0, err
	}
	i := bytes.IndexByte(s.buf[:n], '\n')
	if i < 0 {
		i = n - 1
	}
	m := copy(p, s.buf[:i+1])
	if back := n - m; back > 0 {
		s.f.Seek(int64(-back), io.SeekCurrent)
	}
	return m, nil
}

var _ = bufio.NewReader
var _ = expand.Variable{}

// SetParams sets $0 and the positional parameters.
func (r *Runner) SetParams(arg0 string, params []string) {
	r.arg0 = arg0
	r.params = params
	r.script = arg0
}

// RunCommand runs the program given to gosh -c.
func (r *Runner) RunCommand(src string) int {
	r.sh.inputFlag = "c"
	return r.RunSource([]byte(src), "-c")
}

// RunCommandExec is RunCommand for a shell that ends with the program: as
// in sh, when nothing remains to be done after it, its last command
// replaces the process (see tryExecLast).
func (r *Runner) RunCommandExec(src string) int {
	r.execLast = true
	defer func() { r.execLast = false }()
	return r.RunCommand(src)
}

// tryExecLast execs st in place of the shell, as sh -c does with its last
// command, saving a fork and a wait, when that cannot be told apart from
// running it: a plain external command (no assignments, redirections or
// expansions with side effects), no traps, no job control, tracing, hooks
// or children left, and the shell's fds exactly its own 0, 1 and 2. It
// returns only when it did not exec.
func (r *Runner) tryExecLast(st *syntax.Stmt) {
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Background || st.Negated || len(st.Redirs) > 0 || len(ce.Assigns) > 0 || len(ce.Args) == 0 {
		return
	}
	if r.stop() || r.subshell > 0 || r.opts.Interactive || r.opts.Monitor || r.opts.Xtrace || r.opts.Noexec || r.opts.Trace ||
		len(r.traps) > 0 || r.sh.hooks.Open != nil || r.sh.hooks.NewPipe != nil || r.sh.hooks.BeforeStart != nil ||
		r.sh.term != nil || r.sh.pid != os.Getpid() ||
		len(r.jobs.Jobs()) > 0 || exec.Children() > 0 {
		return
	}
	name := ce.Args[0].Lit()
	if name == "" || r.funcs[name] != nil || builtins[name] != nil {
		return
	}
	if len(r.fds) < 3 || r.fds.get(0) != os.Stdin || r.fds.get(1) != os.Stdout || r.fds.get(2) != os.Stderr {
		return
	}
	for _, d := range r.fds[3:] {
		if d != nil {
			return
		}
	}
	args, ok := r.quickFields(ce.Args)
	if !ok || len(args) == 0 || args[0] != name {
		return
	}
	path, err := r.lookPath(name)
	if err != nil {
		return
	}
	r.line = st.Pos().Line()
	// On failure (a script without #!, no permission...) the normal path
	// runs the command and reports.
	syscall.Exec(path, args, r.vars.environ())
}

// RunInteractive runs statements parsed from an interactive line.
func (r *Runner) RunInteractive(stmts []*syntax.Stmt) {
	// A Ctrl-C while the line was read was the line reader's.
	r.sh.intr.Store(false)
	r.discardLine, r.cmdLine = 0, 0 // lines count from 1 again
	for _, st := range stmts {
		if r.exiting {
			return
		}
		if r.topStmt(st) {
			break // an error abandoned the rest of the line
		}
	}
	if r.sh.isInterrupted() {
		// Ctrl-C stopped the line: $? is 130 as after death by SIGINT.
		r.lastStatus = 130
	}
}

// Interactive marks the runner as an interactive shell.
func (r *Runner) SetInteractive(on bool) { r.opts.Interactive = on }

// Options returns the runner's options.
func (r *Runner) Options() *Options { return &r.opts }

// Var returns a variable's string value.
func (r *Runner) Var(name string) string { return runnerEnv{r}.Get(name).String() }

// Status returns $?.
func (r *Runner) Status() int { return r.lastStatus }

// SetStatus sets $?.
func (r *Runner) SetStatus(n int) { r.lastStatus = n }

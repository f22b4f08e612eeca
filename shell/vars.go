package shell

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"mvdan.cc/sh/v3/expand"
)

// varTable holds the shell's variables: one global scope and a stack of
// frames, each the locals of a running function or the prefix assignments
// (x=1 cmd) of a running command. Lookup is dynamic, as in bash: the
// innermost scope that has the name wins.
type varTable struct {
	global map[string]expand.Variable
	// share, when not nil, counts the tables sharing global (a subshell
	// copy and its parent share it until one writes or the copy ends): a
	// shared map is never written, only copied, so tables on different
	// goroutines may read it at once.
	share  *atomic.Int32
	frames []map[string]expand.Variable
	// temp[i] marks frames[i] as the prefix assignments of one command
	// (x=1 cmd) rather than a function's locals: local declares in the
	// innermost function's frame, and unset removes a temporary binding.
	temp []bool
	// envCache is the exported environment, rebuilt when envDirty.
	envCache []string
	envDirty bool
}

func newVarTable() *varTable {
	return &varTable{global: make(map[string]expand.Variable, 64), envDirty: true}
}

// clone copies the table for a subshell. The global scope is shared until
// one side writes it (a command substitution usually writes nothing);
// function frames are small and copied. Values are copied on write, so
// slices inside Variables are shared until changed.
func (t *varTable) clone() *varTable {
	if t.share == nil {
		t.share = new(atomic.Int32)
		t.share.Store(1)
	}
	t.share.Add(1)
	if t.envDirty {
		// Build the environment once here rather than in every copy that
		// starts a program (each pipeline stage).
		t.environ()
	}
	c := &varTable{global: t.global, share: t.share, envCache: t.envCache, envDirty: t.envDirty}
	if len(t.frames) > 0 {
		c.frames = make([]map[string]expand.Variable, len(t.frames))
		for i, f := range t.frames {
			c.frames[i] = maps.Clone(f)
		}
		c.temp = slices.Clone(t.temp)
	}
	return c
}

// writableGlobal returns the global scope, first copying it if another
// table still shares it.
func (t *varTable) writableGlobal() map[string]expand.Variable {
	if t.share != nil {
		if t.share.Load() > 1 {
			t.global = maps.Clone(t.global)
			t.share.Add(-1)
		}
		t.share = nil
	}
	return t.global
}

// release ends a subshell copy's use of the table: the scope it shares
// becomes writable in place for the others. The table must not be used
// after.
func (t *varTable) release() {
	if t.share != nil {
		t.share.Add(-1)
		t.share = nil
	}
}

// lookup returns name's variable and the index of the frame holding it:
// -1 for the global scope, -2 when no scope has it.
func (t *varTable) lookup(name string) (expand.Variable, int) {
	for i := len(t.frames) - 1; i >= 0; i-- {
		if v, ok := t.frames[i][name]; ok {
			return v, i
		}
	}
	v, ok := t.global[name]
	if ok {
		return v, -1
	}
	return v, -2
}

// scope returns the map of a scope index from lookup (-2 meaning global),
// ready for writing.
func (t *varTable) scope(i int) map[string]expand.Variable {
	if i >= 0 {
		return t.frames[i]
	}
	return t.writableGlobal()
}

func (t *varTable) get(name string) expand.Variable {
	v, _ := t.lookup(name)
	return v
}

// set stores v under name in the scope that holds name already, or in the
// global scope.
func (t *varTable) set(name string, v expand.Variable) {
	old, i := t.lookup(name)
	if v.Exported || old.Exported {
		t.envDirty = true
	}
	t.scope(i)[name] = v
}

// setLocal declares name in the innermost function scope.
func (t *varTable) setLocal(name string, v expand.Variable) {
	if len(t.frames) == 0 {
		t.set(name, v)
		return
	}
	old, _ := t.lookup(name)
	if old.Exported || v.Exported {
		t.envDirty = true
	}
	v.Local = true
	t.frames[len(t.frames)-1][name] = v
}

func (t *varTable) unset(name string) {
	old, i := t.lookup(name)
	if i == -2 {
		return
	}
	scope := t.scope(i)
	if old.Exported {
		t.envDirty = true
	}
	if old.Local && i >= 0 && i == t.funcFrame() {
		// bash: unsetting a local of the running function leaves it
		// unset in that scope; a caller's local or a temporary binding
		// is removed, so the next outer one shows.
		scope[name] = expand.Variable{Local: true}
		return
	}
	delete(scope, name)
}

func (t *varTable) pushFrame() {
	t.frames = append(t.frames, nil)
	t.temp = append(t.temp, false)
}

// pushTempFrame adds a frame for a command's prefix assignments.
func (t *varTable) pushTempFrame() {
	t.pushFrame()
	t.temp[len(t.temp)-1] = true
}

// funcFrame returns the index of the innermost function's frame, or -1.
func (t *varTable) funcFrame() int {
	for i := len(t.frames) - 1; i >= 0; i-- {
		if !t.temp[i] {
			return i
		}
	}
	return -1
}

// localFrame returns the innermost function's scope, ready for writing,
// or nil outside functions.
func (t *varTable) localFrame() map[string]expand.Variable {
	i := t.funcFrame()
	if i < 0 {
		return nil
	}
	if t.frames[i] == nil {
		t.frames[i] = make(map[string]expand.Variable)
	}
	return t.frames[i]
}

func (t *varTable) popFrame() {
	f := t.frames[len(t.frames)-1]
	for _, v := range f {
		if v.Exported {
			t.envDirty = true
			break
		}
	}
	t.frames = t.frames[:len(t.frames)-1]
	t.temp = t.temp[:len(t.frames)]
}

// ensureFrame makes the innermost frame writable.
func (t *varTable) ensureFrame() {
	if n := len(t.frames); n > 0 && t.frames[n-1] == nil {
		t.frames[n-1] = make(map[string]expand.Variable)
	}
}

// each calls fn for every visible variable, innermost scope first.
func (t *varTable) each(fn func(string, expand.Variable) bool) {
	seen := make(map[string]bool)
	for i := len(t.frames) - 1; i >= 0; i-- {
		for n, v := range t.frames[i] {
			if seen[n] {
				continue
			}
			seen[n] = true
			if !fn(n, v) {
				return
			}
		}
	}
	for n, v := range t.global {
		if seen[n] {
			continue
		}
		if !fn(n, v) {
			return
		}
	}
}

// names returns the visible variable names, sorted.
func (t *varTable) names() []string {
	var ns []string
	t.each(func(n string, _ expand.Variable) bool {
		if !strings.HasPrefix(n, "\x00") { // hidden state, see callstack.go
			ns = append(ns, n)
		}
		return true
	})
	sort.Strings(ns)
	return ns
}

// environ returns the exported variables as NAME=value strings.
func (t *varTable) environ() []string {
	if !t.envDirty {
		return t.envCache
	}
	var env []string
	t.each(func(n string, v expand.Variable) bool {
		if v.Exported && v.IsSet() && v.Kind != expand.Indexed && v.Kind != expand.Associative {
			env = append(env, n+"="+v.Str)
		}
		return true
	})
	sort.Strings(env)
	t.envCache = env
	t.envDirty = false
	return env
}

// str makes a plain set string variable.
func str(s string) expand.Variable {
	return expand.Variable{Set: true, Kind: expand.String, Str: s}
}

// runnerEnv adapts a Runner to expand.WriteEnviron, adding the special
// parameters that live in the runner rather than in the table.
type runnerEnv struct{ r *Runner }

func (e runnerEnv) Get(name string) expand.Variable {
	r := e.r
	if len(name) > 0 && !isNameStart(name[0]) {
		switch name {
		case "?":
			return str(strconv.Itoa(r.lastStatus))
		case "$":
			return str(strconv.Itoa(r.sh.pid))
		case "!":
			if r.lastBg == 0 {
				return expand.Variable{}
			}
			return str(strconv.Itoa(r.lastBg))
		case "#":
			return str(strconv.Itoa(len(r.params)))
		case "@", "*":
			// A nil List reads as one empty word to expand: "$@" with
			// no parameters must give no fields at all.
			list := r.params
			if list == nil {
				list = []string{}
			}
			return expand.Variable{Set: true, Kind: expand.Indexed, List: list}
		case "-":
			return str(r.dashFlags())
		case "0":
			return str(r.arg0)
		}
		if n, err := strconv.Atoi(name); err == nil && n > 0 {
			if n <= len(r.params) {
				return str(r.params[n-1])
			}
			return expand.Variable{}
		}
		if v, ok := r.paramTmpVar(name); ok {
			return v
		}
		if strings.HasPrefix(name, "HOME ") {
			return expand.Variable{}
		}
		return expand.Variable{}
	}
	switch name {
	case "PPID":
		return str(strconv.Itoa(r.sh.ppid))
	case "RANDOM":
		return str(strconv.Itoa(r.sh.random()))
	case "SECONDS":
		if v := r.vars.get(name); v.IsSet() {
			// Assigned by the user: seconds since then, plus the value.
			base, _ := strconv.Atoi(v.Str)
			return str(strconv.Itoa(base + int(time.Since(r.sh.secondsBase).Seconds())))
		}
		return str(strconv.Itoa(int(time.Since(r.sh.start).Seconds())))
	case "LINENO":
		return str(strconv.Itoa(int(r.line)))
	case "PIPESTATUS":
		if r.pipeStatus != nil {
			l := make([]string, len(r.pipeStatus))
			for i, n := range r.pipeStatus {
				l[i] = strconv.Itoa(n)
			}
			return expand.Variable{Set: true, Kind: expand.Indexed, List: l}
		}
	case "FUNCNAME", "BASH_SOURCE", "BASH_LINENO":
		if v, ok := r.stackVarValue(name); ok {
			return v
		}
	case "BASHPID":
		return str(strconv.Itoa(r.bashPid()))
	case "SHELLOPTS", "BASHOPTS":
		v := r.vars.get(name)
		if name == "SHELLOPTS" {
			v.Str = r.shellOpts()
		} else {
			v.Str = r.bashOpts()
		}
		v.Set, v.Kind, v.ReadOnly = true, expand.String, true
		return v
	}
	v := r.vars.get(name)
	if !v.IsSet() && strings.HasSuffix(name, "]") {
		return r.refElement(name) // a nameref's target a[i]
	}
	if v.Kind == expand.NameRef && v.Str == "" {
		return expand.Variable{} // a nameref without a target reads as unset
	}
	if v.Kind == expand.Indexed && v.List == nil {
		// expand treats a nil list as "no list": "${empty[@]}" would
		// give one empty field instead of none.
		v.List = []string{}
	}
	return v
}

func (e runnerEnv) Each(fn func(string, expand.Variable) bool) { e.r.vars.each(fn) }

func (e runnerEnv) Set(name string, v expand.Variable) error {
	if strings.HasSuffix(name, "]") && v.Kind == expand.String {
		// Arithmetic assigns array elements by name: (( a[3] = 1 )).
		return e.r.assignNamed(name, v.Str)
	}
	return e.r.setVar(name, v)
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// validName reports whether s is a shell variable name.
func validName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isNameStart(c) && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// setLastArg records $_, the last argument of the last simple command.
func (r *Runner) setLastArg(s string) {
	// Every simple command sets $_: one lookup, and no write when the
	// value is unchanged.
	v, i := r.vars.lookup("_")
	if v.ReadOnly || v.Set && v.Kind == expand.String && v.Str == s {
		return
	}
	if v.Exported {
		r.vars.envDirty = true
	}
	v.Set, v.Kind, v.Str = true, expand.String, s
	r.vars.scope(i)["_"] = v
}

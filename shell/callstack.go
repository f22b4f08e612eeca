package shell

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// The call stack behind FUNCNAME, BASH_SOURCE and BASH_LINENO lives in
// two hidden variables (names starting with NUL, which no script can
// write and listings skip), so subshells copy it with their variables:
//
//   - stackVar: one entry per active function call or `source`, innermost
//     first: "name NUL defining-file NUL calling-line NUL calling-script".
//   - funcSrcVar: function name -> the file that defined it.
const (
	stackVar   = "\x00stack"
	funcSrcVar = "\x00funcsrc"
)

type callFrame struct {
	name, file, callerScript string
	line                     int
}

func (r *Runner) callFrames() []callFrame {
	v := r.vars.get(stackVar)
	frames := make([]callFrame, 0, len(v.List))
	for _, e := range v.List {
		p := strings.SplitN(e, "\x00", 4)
		if len(p) != 4 {
			continue
		}
		n, _ := strconv.Atoi(p[2])
		frames = append(frames, callFrame{name: p[0], file: p[1], line: n, callerScript: p[3]})
	}
	return frames
}

// pushCall records entering a function (file: where it was defined) or a
// sourced file (name "source").
func (r *Runner) pushCall(name, file string) {
	old := r.vars.get(stackVar).List
	entry := name + "\x00" + file + "\x00" + strconv.Itoa(int(r.line)) + "\x00" + r.script
	list := append([]string{entry}, old...)
	r.vars.global[stackVar] = expand.Variable{Set: true, Kind: expand.Indexed, List: list}
}

func (r *Runner) popCall() {
	old := r.vars.get(stackVar).List
	if len(old) == 0 {
		return
	}
	r.vars.global[stackVar] = expand.Variable{Set: true, Kind: expand.Indexed, List: old[1:]}
}

// noteFuncFile remembers the file defining function name.
func (r *Runner) noteFuncFile(name string) {
	v := r.vars.get(funcSrcVar)
	m := make(map[string]string, len(v.Map)+1)
	for k, x := range v.Map {
		m[k] = x
	}
	m[name] = scriptName(r.script)
	r.vars.global[funcSrcVar] = expand.Variable{Set: true, Kind: expand.Associative, Map: m}
}

func (r *Runner) funcFile(name string) string { return r.vars.get(funcSrcVar).Map[name] }

// scriptName is the file name BASH_SOURCE shows for a runner's script
// name: empty for -c and interactive input.
func scriptName(s string) string {
	if s == "-c" || s == "gosh" {
		return ""
	}
	return s
}

// stackVarValue returns FUNCNAME, BASH_SOURCE or BASH_LINENO.
func (r *Runner) stackVarValue(name string) (expand.Variable, bool) {
	frames := r.callFrames()
	if len(frames) == 0 {
		if name == "BASH_SOURCE" && scriptName(r.script) != "" {
			return expand.Variable{Set: true, Kind: expand.Indexed, List: []string{r.script}}, true
		}
		return expand.Variable{}, false
	}
	list := make([]string, 0, len(frames)+1)
	for _, f := range frames {
		switch name {
		case "FUNCNAME":
			list = append(list, f.name)
		case "BASH_SOURCE":
			list = append(list, f.file)
		case "BASH_LINENO":
			list = append(list, strconv.Itoa(f.line))
		}
	}
	bottom := frames[len(frames)-1]
	if bottom.callerScript == "-c" {
		// bash -c has no main frame at the bottom of the stack.
		return expand.Variable{Set: true, Kind: expand.Indexed, List: list}, true
	}
	switch name {
	case "FUNCNAME":
		if frames[0].name == "source" && len(frames) == 1 {
			// A file sourced at top level: bash shows just "source".
			return expand.Variable{Set: true, Kind: expand.Indexed, List: list}, true
		}
		list = append(list, "main")
	case "BASH_SOURCE":
		list = append(list, scriptName(bottom.callerScript))
	case "BASH_LINENO":
		list = append(list, "0")
	}
	return expand.Variable{Set: true, Kind: expand.Indexed, List: list}, true
}

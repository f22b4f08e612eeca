package shell

import (
	"fmt"
	"sort"
	"strings"

	"mvdan.cc/sh/v3/expand"
)

// An option of set -o or shopt. Options gosh implements point at a field
// of Options; the others are accepted, listed and queried like bash's but
// change nothing: their state is a bit of Options.Stubs (set when the
// option differs from its default), so subshells copy it with the rest.
type option struct {
	name  string
	short byte                 // set's letter, 0 if none
	field func(*Options) *bool // nil for a stub
	bit   uint                 // stub: bit in Options.Stubs
	def   func(*Options) bool  // stub: default
}

func on(*Options) bool  { return true }
func off(*Options) bool { return false }

func interactiveDefault(o *Options) bool { return o.Interactive }

func (o *option) get(r *Runner) bool {
	if o.field != nil {
		return *o.field(&r.opts)
	}
	return o.def(&r.opts) != (r.opts.Stubs[o.bit/64]&(1<<(o.bit%64)) != 0)
}

func (o *option) set(r *Runner, v bool) {
	defer r.syncOptVars()
	if o.field != nil {
		*o.field(&r.opts) = v
		return
	}
	if v != o.def(&r.opts) {
		r.opts.Stubs[o.bit/64] |= 1 << (o.bit % 64)
	} else {
		r.opts.Stubs[o.bit/64] &^= 1 << (o.bit % 64)
	}
}

// syncOptVars keeps an exported SHELLOPTS or BASHOPTS current, so that
// child processes see the options as they are (a gosh or bash started
// with SHELLOPTS in its environment turns those options on).
func (r *Runner) syncOptVars() {
	for _, name := range [...]string{"SHELLOPTS", "BASHOPTS"} {
		v := r.vars.get(name)
		if !v.Exported {
			continue
		}
		val := r.shellOpts()
		if name == "BASHOPTS" {
			val = r.bashOpts()
		}
		if v.Str != val || !v.IsSet() {
			v.Set, v.Kind, v.Str = true, expand.String, val
			r.vars.set(name, v)
			r.vars.envDirty = true
		}
	}
}

// importOptVars turns on the options listed in SHELLOPTS and BASHOPTS
// from the environment, as bash does at startup.
func (r *Runner) importOptVars() {
	for _, name := range [...]string{"SHELLOPTS", "BASHOPTS"} {
		v := r.vars.get(name)
		if !v.Exported || v.Str == "" {
			continue
		}
		list := setOptions
		if name == "BASHOPTS" {
			list = shoptOptions
		}
		for _, n := range strings.Split(v.Str, ":") {
			if o := findOption(list, n); o != nil {
				o.set(r, true)
			}
		}
	}
}

// setOptions is bash's set -o list, in its order.
var setOptions = []option{
	{name: "allexport", short: 'a', field: func(o *Options) *bool { return &o.Allexport }},
	{name: "braceexpand", short: 'B', bit: 0, def: on},
	{name: "emacs", bit: 1, def: interactiveDefault},
	{name: "errexit", short: 'e', field: func(o *Options) *bool { return &o.Errexit }},
	{name: "errtrace", short: 'E', field: func(o *Options) *bool { return &o.Errtrace }},
	{name: "functrace", short: 'T', field: func(o *Options) *bool { return &o.Functrace }},
	{name: "hashall", short: 'h', field: func(o *Options) *bool { return &o.Hashall }},
	{name: "histexpand", short: 'H', bit: 2, def: off},
	{name: "history", bit: 3, def: interactiveDefault},
	{name: "ignoreeof", bit: 4, def: off},
	{name: "interactive-comments", bit: 5, def: on},
	{name: "keyword", short: 'k', bit: 6, def: off},
	{name: "monitor", short: 'm', field: func(o *Options) *bool { return &o.Monitor }},
	{name: "noclobber", short: 'C', field: func(o *Options) *bool { return &o.Noclobber }},
	{name: "noexec", short: 'n', field: func(o *Options) *bool { return &o.Noexec }},
	{name: "noglob", short: 'f', field: func(o *Options) *bool { return &o.Noglob }},
	{name: "nolog", bit: 7, def: off},
	{name: "notify", short: 'b', field: func(o *Options) *bool { return &o.Notify }},
	{name: "nounset", short: 'u', field: func(o *Options) *bool { return &o.Nounset }},
	{name: "onecmd", short: 't', bit: 8, def: off},
	{name: "physical", short: 'P', bit: 9, def: off},
	{name: "pipefail", field: func(o *Options) *bool { return &o.Pipefail }},
	{name: "posix", bit: 10, def: off},
	{name: "privileged", short: 'p', bit: 11, def: off},
	{name: "trace", field: func(o *Options) *bool { return &o.Trace }}, // gosh: trace pipelines
	{name: "verbose", short: 'v', field: func(o *Options) *bool { return &o.Verbose }},
	{name: "vi", bit: 12, def: off},
	{name: "xtrace", short: 'x', field: func(o *Options) *bool { return &o.Xtrace }},
}

// shoptOptions is bash's shopt list, in its order.
var shoptOptions = func() []option {
	real := map[string]func(*Options) *bool{
		"dotglob":        func(o *Options) *bool { return &o.DotGlob },
		"expand_aliases": func(o *Options) *bool { return &o.ExpandAliases },
		"extglob":        func(o *Options) *bool { return &o.ExtGlob },
		"failglob":       func(o *Options) *bool { return &o.FailGlob },
		"globstar":       func(o *Options) *bool { return &o.GlobStar },
		"lastpipe":       func(o *Options) *bool { return &o.LastPipe },
		"nocaseglob":     func(o *Options) *bool { return &o.NoCaseGlob },
		"nocasematch":    func(o *Options) *bool { return &o.NoCaseMatch },
		"nullglob":       func(o *Options) *bool { return &o.NullGlob },
	}
	names := []string{"autocd", "assoc_expand_once", "cdable_vars", "cdspell", "checkhash",
		"checkjobs", "+checkwinsize", "+cmdhist", "compat31", "compat32", "compat40", "compat41",
		"compat42", "compat43", "compat44", "+complete_fullquote", "direxpand", "dirspell",
		"dotglob", "execfail", "expand_aliases", "extdebug", "extglob", "+extquote", "failglob",
		"+force_fignore", "+globasciiranges", "+globskipdots", "globstar", "gnu_errfmt",
		"histappend", "histreedit", "histverify", "+hostcomplete", "huponexit",
		"inherit_errexit", "+interactive_comments", "lastpipe", "lithist", "localvar_inherit",
		"localvar_unset", "login_shell", "mailwarn", "no_empty_cmd_completion", "nocaseglob",
		"nocasematch", "noexpand_translation", "nullglob", "+patsub_replacement", "+progcomp",
		"progcomp_alias", "+promptvars", "restricted_shell", "shift_verbose", "+sourcepath",
		"varredir_close", "xpg_echo"}
	var opts []option
	bit := uint(16)
	for _, n := range names {
		def := off
		if strings.HasPrefix(n, "+") {
			n, def = n[1:], on
		}
		if f, ok := real[n]; ok {
			opts = append(opts, option{name: n, field: f})
			continue
		}
		opts = append(opts, option{name: n, bit: bit, def: def})
		bit++
	}
	return opts
}()

func findOption(list []option, name string) *option {
	for i := range list {
		if list[i].name == name {
			return &list[i]
		}
	}
	return nil
}

// dashFlags is $-: the letters of the set options that are on, in bash's
// order, then c for a -c string or s for commands read from stdin.
func (r *Runner) dashFlags() string {
	var b strings.Builder
	for _, c := range []byte("abefhikmnptuvxBCEHPT") {
		if c == 'i' {
			if r.opts.Interactive {
				b.WriteByte(c)
			}
			continue
		}
		for i := range setOptions {
			if setOptions[i].short == c && setOptions[i].get(r) {
				b.WriteByte(c)
			}
		}
	}
	b.WriteString(r.sh.inputFlag)
	return b.String()
}

// optionOn reports whether the option name of list is on.
func (r *Runner) optionOn(list []option, name string) bool {
	o := findOption(list, name)
	return o != nil && o.get(r)
}

// setOption finds a set -o option by name.
func (r *Runner) setOption(name string) *option { return findOption(setOptions, name) }

// SetOption sets a set -o option by name or by short letter ("e").
func (r *Runner) SetOption(name string, v bool) error {
	o := findOption(setOptions, name)
	if o == nil && len(name) == 1 {
		if name == "i" {
			r.opts.Interactive = v
			return nil
		}
		for i := range setOptions {
			if setOptions[i].short == name[0] {
				o = &setOptions[i]
			}
		}
	}
	if o == nil {
		return fmt.Errorf("%s: invalid option name", name)
	}
	o.set(r, v)
	// vi and emacs editing modes exclude each other.
	if v && (o.name == "vi" || o.name == "emacs") {
		other := map[string]string{"vi": "emacs", "emacs": "vi"}[o.name]
		findOption(setOptions, other).set(r, false)
	}
	return nil
}

// SetShopt sets a shopt option by name (gosh -O name, +O name).
func (r *Runner) SetShopt(name string, v bool) error {
	o := findOption(shoptOptions, name)
	if o == nil {
		return fmt.Errorf("%s: invalid shell option name", name)
	}
	o.set(r, v)
	return nil
}

// printOptions lists set -o options: as a table, or as set commands.
func (r *Runner) printOptions(table bool) {
	for i := range setOptions {
		r.printOption(&setOptions[i], table, "set")
	}
}

func (r *Runner) printOption(o *option, table bool, cmd string) {
	v := o.get(r)
	if table {
		state := "off"
		if v {
			state = "on"
		}
		fmt.Fprintf(r.out(), "%-15s\t%s\n", o.name, state)
		return
	}
	switch {
	case cmd == "set" && v:
		fmt.Fprintf(r.out(), "set -o %s\n", o.name)
	case cmd == "set":
		fmt.Fprintf(r.out(), "set +o %s\n", o.name)
	case v:
		fmt.Fprintf(r.out(), "shopt -s %s\n", o.name)
	default:
		fmt.Fprintf(r.out(), "shopt -u %s\n", o.name)
	}
}

// shellOpts is $SHELLOPTS: the set -o options that are on.
func (r *Runner) shellOpts() string { return r.onNames(setOptions) }

// bashOpts is $BASHOPTS: the shopt options that are on.
func (r *Runner) bashOpts() string { return r.onNames(shoptOptions) }

func (r *Runner) onNames(list []option) string {
	var on []string
	for i := range list {
		if list[i].get(r) {
			on = append(on, list[i].name)
		}
	}
	sort.Strings(on)
	return strings.Join(on, ":")
}

// builtinShopt sets, unsets, queries and lists shopt options (with -o,
// set -o options). As in bash, listing or querying named options returns
// 1 when one of them is off or unknown.
func builtinShopt(r *Runner, args []string) int {
	args = args[1:]
	mode := byte(0)
	quiet, print, setO := false, false, false
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, c := range args[0][1:] {
			switch c {
			case 's', 'u':
				mode = byte(c)
			case 'q':
				quiet = true
			case 'p':
				print = true
			case 'o':
				setO = true
			default:
				r.errf("shopt: -%c: invalid option", c)
				fmt.Fprintln(r.fds.writer(2), "shopt: usage: shopt [-pqsu] [-o] [optname ...]")
				return 2
			}
		}
		args = args[1:]
	}
	list, cmd := shoptOptions, "shopt"
	if setO {
		list, cmd = setOptions, "set"
	}
	if len(args) == 0 {
		for i := range list {
			o := &list[i]
			if (mode == 's' && !o.get(r)) || (mode == 'u' && o.get(r)) {
				continue
			}
			r.printOption(o, !print && mode == 0, cmd)
		}
		return 0
	}
	status := 0
	for _, n := range args {
		o := findOption(list, n)
		if o == nil {
			if setO {
				r.errf("shopt: %s: invalid option name", n)
			} else {
				r.errf("shopt: %s: invalid shell option name", n)
			}
			status = 1
			continue
		}
		switch mode {
		case 's', 'u':
			if setO {
				r.SetOption(n, mode == 's')
			} else {
				o.set(r, mode == 's')
			}
		default:
			if !o.get(r) {
				status = 1
			}
			if !quiet {
				r.printOption(o, !print, cmd)
			}
		}
	}
	return status
}

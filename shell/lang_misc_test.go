package shell_test

// langMiscCases are more langCases rows: bash behaviours the Oils spec
// suite checks in its smaller files (kept apart so they merge cleanly).
var langMiscCases = []langCase{
	{name: "cmdsubst-no-errexit", script: `set -e; echo $(echo one; false; echo two); x=$(echo a; false; echo b); echo "$x"; f() { local y=$(false; echo c); echo $y; }; f; shopt -s inherit_errexit; echo $(echo d; false; echo e); echo end`, want: "one two\na\nb\nc\nd\nend\n"},
}

func init() { langCases = append(langCases, langMiscCases...) }

package shell

import "mvdan.cc/sh/v3/syntax"

// mvdan's expand drops an empty "" next to an unquoted expansion, so
// ""$x"" loses the empty fields at either end when $x starts and ends
// with IFS white space; an empty single-quoted part stays, and fixParts
// puts one in its place.

// emptyBeside reports dq, one of n parts of a word, as an empty "" beside
// other parts.
func emptyBeside(dq *syntax.DblQuoted, n int) bool {
	return len(dq.Parts) == 0 && n > 1
}

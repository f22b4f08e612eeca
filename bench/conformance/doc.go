// Command conformance runs a directory of shell spec tests in the
// "#### case / ## stdout: / ## STDOUT: ... ## END / ## status:" format
// (the format of the Oils project's spec/*.test.sh files) against several
// shells and prints, per file and shell, how many cases pass.
//
// Usage, from the module root, with the suite fetched outside the repo:
//
//	go run ./bench/conformance [-shells gosh=/tmp/gosh,bash=bash,dash=dash]
//	    [-only REGEXP] [-j N] [-timeout 5s] [-fail FILE] [-md FILE] SUITE_DIR
//
// A case passes for a shell when the shell's stdout and exit status (and
// stderr, when the case states one) equal the case's default expectation
// or an "OK" variant annotated for that shell. BUG and N-I variants
// record known divergences and do not count as passes. Shells named
// "gosh" also accept bash's OK variants, since gosh follows bash where
// the suite allows several answers. The "same as bash" column counts the
// cases where a shell's stdout and status equal bash's actual ones.
//
// Each case is written to a file and run as `SHELL FILE` in a fresh
// temporary directory with stdin from /dev/null, SH set to the shell,
// TMP to the directory, REPO_ROOT to the suite's parent and the suite's
// bin/ directory at the front of PATH, which is how the suite's helper
// programs (argv.py and so on) are found.
package main

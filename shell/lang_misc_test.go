package shell_test

// langMiscCases are more langCases rows: bash behaviours the Oils spec
// suite checks in its smaller files (kept apart so they merge cleanly).
var langMiscCases = []langCase{
	{name: "cmdsubst-no-errexit", script: `set -e; echo $(echo one; false; echo two); x=$(echo a; false; echo b); echo "$x"; f() { local y=$(false; echo c); echo $y; }; f; shopt -s inherit_errexit; echo $(echo d; false; echo e); echo end`, want: "one two\na\nb\nc\nd\nend\n"},
	{name: "regex-quoted-literal", script: `[[ 'a b' =~ '^(a b)$' ]]; echo $?; p='^(a b)$'; [[ 'a b' =~ "$p" ]]; echo $?; [[ 'a b' =~ $p ]]; echo $?; [[ '[]' =~ \[\] ]] && echo br; [[ x =~ \. ]]; echo $?; [[ '*+?' =~ "*+?" ]] && echo q; [[ '$PA' =~ ^(\$\{?)([A-Z]*)$ ]] && echo "${BASH_REMATCH[@]}"; HOME='^a$'; [[ $HOME =~ ~ ]]; echo $?`, want: "1\n1\n0\nbr\n1\nq\n$PA $ PA\n0\n"},
	{name: "dbracket-eq-octal", script: `o=017; [[ 15 -eq $o ]] && echo t; [[ -0123 -eq -83 ]] && echo neg; [[ 15 -eq ZZZ$o ]] || echo f`, want: "t\nneg\nf\n"},
	{name: "brace-tilde-and-empty", script: `HOME=/home/bob; echo {foo~,~}/bar ~{/src,x}; a=(~{/a,/b}); echo "${a[@]}"; printf '[%s]' {X,,Y,} {"",} ""{,}; echo`, want: "foo~/bar /home/bob/bar /home/bob/src ~x\n/home/bob/a /home/bob/b\n[X][Y][][][]\n"},
	{name: "nameref-element-target", script: `a=(zero one two three); typeset -n r='a[2]' s='a[$(echo 2) + 1]'; echo $r $s; r=TWO; echo ${a[2]}
r[0]=x
echo st=$?; declare -A h=([k]=v); k=k; declare -n e=h["$k"]; echo $e`, want: "two three\nTWO\nst=1\nv\n"},
	{name: "nameref-unset-and-empty", script: `x=X; typeset -n ref=x; unset ref; echo "x=${x-unset}"; declare -p ref; y=1; typeset -n r2=y; unset -n r2; echo "y=$y"; declare -p r2 2>/dev/null || echo gone; typeset -n e; echo "e=$e"; z=Z; e=z; echo "e=$e"; typeset -n -x xr=z; env | grep '^xr='`, want: "x=unset\ndeclare -n ref=\"x\"\ny=1\ngone\ne=\ne=Z\nxr=z\n"},
	{name: "nameref-empty-nounset", script: `typeset -n ref; echo "[$ref]"; set -u; echo "[$ref]"; echo not`, want: "[]\n", status: 1},
	{name: "assign-error-abandons-command", script: "readonly x=1\nx=2\necho st=$?\nf() { x=3; echo in; }\nf\necho out=$?\n{ x=4; echo blk; }\necho end", want: "st=1\nout=1\nend\n"},
	{name: "special-builtin-too-many-args", script: "set -- a b\nshift 1 x; echo same\necho st=$? $#\nfor i in 1 2; do continue 1 x; done\necho st=$?\nf() { return 1 2; echo in; }\nf\necho st=$?\nexit 3 4\necho st=$?", want: "st=1 2\nst=1\nst=1\nst=1\n"},
	{name: "kill-l-exit", script: `kill -l 0 INT 130 exit`, want: "EXIT\n2\nINT\n0\n"},
	{name: "startup-vars", script: `test -n "$OSTYPE" && echo ostype; case $_ in "") echo empty;; *) echo set;; esac`, want: "ostype\nset\n"},
	{name: "shopt-late-stubs", script: `shopt -s xpg_echo varredir_close; shopt -p xpg_echo varredir_close; shopt -u xpg_echo; shopt -q xpg_echo; echo $?`, want: "shopt -s xpg_echo\nshopt -s varredir_close\n1\n"},
	{name: "redirect-target-expansion", script: "touch one-bar two-a two-b\necho hi > one-*\ncat one-bar\necho esc > one-\\*\ncat 'one-*'\nf='a b'\necho x > $f\necho st=$?\necho x > two-*\necho st=$?\necho x > {c,d}\necho st=$?\ne=\necho x > $e\necho st=$?\nls", want: "hi\nesc\nst=1\nst=1\nst=1\nst=1\none-*\none-bar\ns.sh\ntwo-a\ntwo-b\n", stderr: false},
	{name: "lastpipe", script: `echo a | read x; echo "x=$x"; shopt -s lastpipe; seq 2 | mapfile m; echo ${#m[@]}; echo hi | read x; echo "x=$x"; printf '1\n2\n' | while read l; do last=$l; done; echo "last=$last"; false | true; echo ${PIPESTATUS[@]}; f() { echo q | return 4; echo no; }; f; echo st=$?; echo q | exit 3; echo not`, want: "x=\n2\nx=hi\nlast=2\n1 0\nst=4\n", status: 3},
	{name: "read-mapfile-nul", script: `printf '.\000.\n' | { read s; echo ${#s}; }; printf '.\000.' | { read -n 3 s; echo ${#s}; }; printf '%s\0' 1 3 | { mapfile -d '' a; printf '[%s]' "${a[@]}"; echo; }; printf '.\000.\nx\n' | { mapfile -t L; printf '[%s]' "${L[@]}"; echo; }; IFS=; echo | { read -a a; echo ${#a[@]}; }`, want: "2\n2\n[1][3]\n[.][x]\n0\n"},
	{name: "printf-q-bytes", script: `printf '%q\n' "$(printf 'a\nb\001c')" $'\xff' $'a\xce' 'a b' $'\t'`, want: "$'a\\nb\\001c'\n$'\\377'\n$'a\\316'\na\\ b\n$'\\t'\n"},
	{name: "xtrace-assignments", stderr: true, script: `PS4='+$x:'; set -x; x=1 x=2; y='a b' true; a=(1); a+=(2); a[$x]=q; z+=s; echo $(echo in); eval 'echo ev'`, want: "in\nev\n--stderr--\n+:x=1\n+1:x=2\n+2:y='a b'\n+2:true\n+2:a=(1)\n+2:a+=(2)\n+2:a[$x]=q\n+2:z+=s\n++2:echo in\n+2:echo in\n+2:eval 'echo ev'\n++2:echo ev\n"},
	{name: "xtrace-declare", stderr: true, script: `set -x; export e=1; readonly r=2 q; f() { local PS4='- ' v; echo f; }; f; a=(1); declare a+=(2 'x y')`, want: "f\n--stderr--\n+ export e=1\n+ e=1\n+ readonly r=2 q\n+ r=2\n+ f\n+ local 'PS4=- ' v\n- echo f\n+ a=(1)\n+ a+=('2' 'x y')\n+ declare a\n"},
	{name: "local-value-reads-outer", script: `x=1; f() { local x=$x; local -a y=($x 2); echo $x ${y[@]}; }; f`, want: "1 1 2\n"},
	{name: "alias-with-redirects", script: "shopt -s expand_aliases\nalias e_='echo x'\n>a e_ 1\ne_ >b 2\ne_ 3 >c\ncat a b c", want: "x 1\nx 2\nx 3\n"},
	{name: "debug-trap-exit-and-arith-for", script: "trap 'echo \"[$LINENO]\"' DEBUG\nfor (( i=0; i < 2; i++ )); do\n  :\ndone\ntrap 'echo dbg; exit 42' DEBUG\necho not", want: "[2]\n[2]\n[3]\n[2]\n[2]\n[3]\n[2]\n[2]\n[5]\ndbg\n", status: 42},
	{name: "debug-trap-errexit", script: "set -e\nd() { return 3; }\ntrap d DEBUG\necho not", status: 3},
	{name: "return-trap-source", script: "printf 'echo in\\nreturn 4\\necho no\\n' > r.sh\nprintf 'false\\n' > f.sh\ntrap 'echo ret $?' RETURN\nf() { :; }\nf\n. ./r.sh\necho st=$?\n. ./f.sh\necho st=$?", want: "in\nret 0\nst=4\nret 1\nst=1\n"},
	{name: "bashpid-subshells", script: `p=$BASHPID; [ "$p" = $$ ] && echo main; ( c=$BASHPID; [ -n "$c" ] && [ "$c" != "$p" ] && [ "$c" = "$BASHPID" ] && echo sub ); c=$(echo $BASHPID); [ -n "$c" ] && [ "$c" != "$p" ] && echo cmdsub`, want: "main\nsub\ncmdsub\n"},
	{name: "bashpid-in-process-no-process", script: `( kill -0 $BASHPID ) 2>/dev/null; echo $?`, want: "1\n", diff: "bash forks the subshell, so its BASHPID is a live process; gosh runs it in-process and gives it an id no process has"},
	{name: "last-arg-assignments-and-declare", script: `: foo; x=$_; echo "[$x] [$_]"; declare s=bar; echo "[$_]"; a=(1 2); echo "[$_]"; declare a=(1 2); echo "[$_]"; declare -g d=(1); echo "[$_]"`, want: "[foo] []\n[s=bar]\n[]\n[a]\n[d]\n"},
	{name: "assign-error-rest-of-line", script: "readonly x=1\nx=2; echo same\necho next", want: "next\n"},
	{name: "declare-p-shellopts", script: `set -o errexit; declare -p SHELLOPTS | grep -c 'declare -r SHELLOPTS=.*errexit'; shopt -s nullglob; declare -p BASHOPTS | grep -c nullglob`, want: "1\n1\n"},
	{name: "declare-a-word-array", script: `declare -a 'z=(5 "6 7")'; v='(a b)'; declare -a w=$v; declare +a 's=(1 2)'; declare 't=(3)'; echo ${#z[@]} ${z[1]} ${#w[@]} "$s" "$t"`, want: "2 6 7 2 (1 2) (3)\n"},
	{name: "help-dashdash", script: `help -- help >/dev/null; echo $?`, want: "0\n"},
	{name: "errtrace-background", script: "set -o errtrace\ntrap 'echo line=$LINENO' ERR\nfalse & wait\n{ false; echo async; } & wait", want: "line=4\nasync\n"},
	{name: "tilde-empty-home", script: `HOME=''; x=~; echo "[$x]"; [[ -n ~ ]]; echo $?; [[ $HOME == ~ ]]; echo $?; y=~/a; echo "$y"`, want: "[]\n1\n0\n/a\n"},
	{name: "varredir-fd-outlives-command", script: `echo hi {fd}>f; echo more >&$fd; cat f; { :; } {h}<<< walrus; cat <&$h; shopt -s varredir_close; : {z}<<<gone; cat <&$z 2>/dev/null || echo closed`, want: "hi\nmore\nwalrus\nclosed\n"},
	{name: "declare-lower-upper", script: `declare -l lo=FOO; declare -u up=foo; echo $lo $up; up+=bar; read lo <<< ABC; echo $up $lo; declare -au a=(x y); a+=(z); echo ${a[@]}; declare -p lo a; declare +u up; up=mixed; echo $up; f() { local -u q=abc; echo $q; }; f`, want: "foo FOO\nFOOBAR abc\nX Y Z\ndeclare -l lo=\"abc\"\ndeclare -au a=([0]=\"X\" [1]=\"Y\" [2]=\"Z\")\nmixed\nABC\n"},
}

func init() { langCases = append(langCases, langMiscCases...) }

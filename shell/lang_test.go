package shell_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// langCase is one row: a script, its expected stdout (stderr is appended
// after "--stderr--" when stderr is set) and status. The row is also run
// by bash (and by dash when posix is set) when they are installed, which
// must give the same result unless the row says why not in diff.
type langCase struct {
	name   string
	script string
	want   string
	status int
	posix  bool   // dash must agree too
	diff   string // deliberate difference from bash: skip the bash check
	stderr bool   // compare stderr too (with "gosh:" written as "SH:")
}

var langCases = []langCase{
	// Control flow.
	{name: "if-elif-else", posix: true, script: `for x in 1 2 3; do if [ $x = 1 ]; then echo one; elif [ $x = 2 ]; then echo two; else echo other; fi; done`, want: "one\ntwo\nother\n"},
	{name: "while-until", posix: true, script: `i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; until [ $i -eq 0 ]; do i=$((i-1)); echo $i; done`, want: "2\n1\n0\n"},
	{name: "for-cstyle", script: `for ((i=0; i<3; i++)); do printf %s $i; done; echo`, want: "012\n"},
	{name: "break-continue-n", posix: true, script: `for a in 1 2; do for b in x y z; do [ $b = y ] && continue 2; [ $a = 2 ] && break 2; echo $a$b; done; done; echo end`, want: "1x\nend\n"},
	{name: "case-patterns", posix: true, script: `for w in foo.c bar.h x [ab]; do case $w in *.c) echo c;; *.h|*.hpp) echo h;; \[*) echo bracket;; ?) echo one;; esac; done`, want: "c\nh\none\nbracket\n"},
	{name: "case-fallthrough", script: `case a in a) echo 1;& b) echo 2;;& *) echo 3;; esac`, want: "1\n2\n3\n"},
	{name: "functions-local-return", script: `x=g; f() { local x=l; echo $x; return 3; }; function g { echo g; }; f; echo $? $x; g`, want: "l\n3 g\ng\n"},
	{name: "dbracket-regex", script: `[[ "v1.22.3" =~ ^v([0-9]+)\.([0-9]+) ]] && echo ${BASH_REMATCH[0]} ${BASH_REMATCH[2]}; [[ abc == a* && ! -z x ]] && echo glob`, want: "v1.22 22\nglob\n"},
	{name: "arith-let", script: `((x = 2 ** 5, y = x % 7)); let z=y+1 'w = z * 2'; echo $x $y $z $w; ((0)); echo $?`, want: "32 4 5 10\n1\n"},
	{name: "arrays", script: `a=(one two); a+=(three); a[7]=seven; echo ${#a[@]} ${!a[@]} "${a[@]: -1}"; declare -A m=([k]=v [j]=w); m[z]=q; echo ${#m[@]} ${m[k]}`, want: "4 0 1 2 7 seven\n3 v\n"},
	{name: "select", script: `select x in a b; do echo "$x $REPLY"; break; done <<< 2 2>/dev/null`, want: "b 2\n"},

	// Options.
	{name: "errexit-exceptions", posix: true, script: `set -e; false || true; if false; then :; fi; ! true; false && true; echo survived; false; echo not`, want: "survived\n", status: 1},
	{name: "nounset", script: `set -u; echo ${x:-d}; echo $x; echo after`, want: "d\n--stderr--\nSH: s.sh: line 1: x: unbound variable\n", status: 1, stderr: true, diff: "gosh prefixes messages with 'gosh: '"},
	{name: "xtrace-ps4", posix: true, script: `PS4='> '; set -x; echo hi; set +x`, want: "hi\n--stderr--\n> echo hi\n> set +x\n", stderr: true},
	{name: "noglob-noclobber", posix: true, script: `set -f; echo /*; set -C; echo a > f; echo b > f || echo refused; set +C; echo c >| f; cat f`, want: "/*\nrefused\nc\n"},
	{name: "allexport", posix: true, script: `set -a; v=1; sh -c 'echo $v'`, want: "1\n"},
	{name: "pipefail", script: `false | true; echo $?; set -o pipefail; false | true; echo $?`, want: "0\n1\n"},
	{name: "set-o-reread", script: `set -o | grep -E '^(errexit|pipefail) '; set +o | grep -E 'errexit|pipefail'`, want: "errexit        \toff\npipefail       \toff\nset +o errexit\nset +o pipefail\n"},
	{name: "shopt-nullglob", script: `shopt -s nullglob; echo none*here; shopt -u nullglob; echo none*here; shopt -q nullglob || echo off`, want: "\nnone*here\noff\n"},
	{name: "noexec", posix: true, script: `set -n; echo never`, want: ""},

	// Builtins.
	{name: "echo-opts", script: `echo -n a; echo -e 'b\tc'; echo -E 'd\te'`, want: "ab\tc\nd\\te\n"},
	{name: "printf", script: `printf '%s-%d|' a 1 b 2; echo; printf -v v '%05.1f' 3.14159; echo $v; printf '%q\n' "a b'c"; printf '%b\n' 'x\ty'`, want: "a-1|b-2|\n003.1\na\\ b\\'c\nx\ty\n"},
	{name: "read-opts", script: `IFS=: read -r a b <<< 'x:y:z'; echo "$a|$b"; read -a arr <<< '1 2 3'; echo ${arr[2]}; read -n 2 c <<< abcd; echo $c; read -d , d <<< 'p,q'; echo $d`, want: "x|y:z\n3\nab\np\n"},
	{name: "cd-oldpwd", posix: true, script: `cd /tmp; cd /; cd - >/dev/null; pwd; echo $OLDPWD`, want: "/tmp\n/\n"},
	{name: "test-ops", posix: true, script: `[ -d / ] && [ ! -f / ] && [ abc != abd ] && [ 3 -lt 10 ] && test -n x -a -z "" && echo ok`, want: "ok\n"},
	{name: "test-v", script: `x=1; [ -v x ] && echo set; [[ -v nope ]] || echo unset`, want: "set\nunset\n"},
	{name: "getopts", posix: true, script: `set -- -a -b val -c arg; while getopts ab:c o; do echo "$o ${OPTARG-}"; done; shift $((OPTIND-1)); echo "$@"`, want: "a \nb val\nc \narg\n"},
	{name: "declare", script: `declare -i n=2+3; declare -r r=1; declare -x e=2; echo $n; declare -p r e; (r=2) 2>/dev/null || echo ro`, want: "5\ndeclare -r r=\"1\"\ndeclare -x e=\"2\"\nro\n"},
	{name: "declare-f", script: `f() { echo hi; }; declare -F f; declare -f f`, want: "f\nf () \n{ \n    echo hi\n}\n", diff: "bash ends simple commands in bodies with ';' and reflows compound commands; gosh keeps the source layout of each command"},
	{name: "unset-fv", posix: true, script: `f() { :; }; v=1; unset -f f; unset -v v; echo "${v-unset}"; type f >/dev/null 2>&1 || echo nofunc`, want: "unset\nnofunc\n"},
	{name: "trap-debug-err-nest", script: "trap 'false; echo $LINENO err' ERR\ntrap 'false; echo $LINENO dbg' DEBUG\nfalse\necho x", want: "3 err\n3 dbg\n3 dbg\n3 dbg\n3 err\n4 err\n4 dbg\nx\n"},
	{name: "trap-signal-handler-lines", script: "trap 'false; echo $LINENO usr' USR1\ntrap 'echo $LINENO err' ERR\n\nkill -USR1 $$\necho done", want: "1 err\n1 usr\ndone\n"},
	{name: "trap-exit-p", script: `trap 'echo bye' EXIT; trap -p EXIT; trap - EXIT; trap -p EXIT; trap 'echo again' EXIT`, want: "trap -- 'echo bye' EXIT\nagain\n"},
	{name: "trap-err", script: `trap 'echo "err $? at $LINENO"' ERR; false; f() { false; }; f; echo done`, want: "err 1 at 1\nerr 1 at 1\ndone\n"},
	{name: "trap-return-debug", script: `f() { trap 'echo ret' RETURN; }; g() { :; }; f; g; set -T; g; trap - RETURN; trap 'echo dbg' DEBUG; :; trap - DEBUG`, want: "ret\nret\ndbg\ndbg\n"},
	{name: "umask", posix: true, script: `umask 027; umask; umask -S`, want: "0027\nu=rwx,g=rx,o=\n"},
	{name: "type-command", script: `type -t cd; type -t ls; command -v cd; f() { :; }; type -t f; command -V cd`, want: "builtin\nfile\ncd\nfunction\ncd is a shell builtin\n"},
	{name: "alias", script: "shopt -s expand_aliases\nalias hi='echo hello '\nalias w=world\nhi w\nunalias hi; alias", want: "hello world\nalias w='world'\n"},
	{name: "alias-compound-text", script: "shopt -s expand_aliases\nalias begin='{' open='(' nothing=\nbegin echo a; echo b; }\nopen echo c; echo d )\nnothing (( n = 3 ))\necho n=$n", want: "a\nb\nc\nd\nn=3\n"},
	{name: "alias-loop-split", script: "shopt -s expand_aliases\nalias each='for x in p q; do printf %s- '\nalias f1='for ' f2='f1 ' v='x ' over='in ' vals='$v1 y '\nv1=u\neach $x; done; echo\nf2 v over vals z; do printf %s. $x; done; echo", want: "p-q-\nu.y.z.\n"},
	{name: "alias-text-positions", script: "shopt -s expand_aliases\nalias ll='echo L' ls='ls -d'\nalias open='{'\nopen ll; ls /; echo ll; }\ncase ll in ll) ll;; esac; cat <<E\nll\nE\n[[ ll == ll ]] && ll\nfor ((ll=0; ll<1; ll++)); do ll; done", want: "L\n/\nll\nL\nll\nL\nL\n"},
	{name: "alias-text-later-defs", script: "shopt -s expand_aliases\nalias open='{'\nopen echo a; }\nalias e='echo ' w=\"'two\nlines'\" n='$((1+2))'\ne n; echo $LINENO\ne w\nalias open='echo o'\nopen", want: "a\n3\n6\ntwo\nlines\no\n"},
	{name: "alias-same-line", script: "shopt -s expand_aliases; alias e=echo; e one 2>/dev/null\ne two", want: "two\n"},
	{name: "pushd-popd", script: `cd /; pushd /tmp >/dev/null; pushd /usr; dirs -v; popd >/dev/null; popd; echo $PWD`, want: "/usr /tmp /\n 0  /usr\n 1  /tmp\n 2  /\n/\n/\n"},
	{name: "mapfile", script: `mapfile -t a < <(printf 'x\ny\n'); echo ${#a[@]} ${a[1]}; printf '1,2' | { readarray -d , b; echo "${b[0]}"; }`, want: "2 y\n1,\n"},
	{name: "ulimit", script: `ulimit -S -n 256; ulimit -n; ulimit -p`, want: "256\n8\n"},
	{name: "hash", posix: true, script: `hash -r; hash sh; hash | grep -c sh`, want: "1\n", diff: "dash and bash list the hash table in different formats; only the count is checked"},

	{name: "empty-array-fields", script: `a=(); set -- "${a[@]}"; echo $#; f() { echo $#; }; f "$@"; declare -a e; set -- "${e[@]}" x; echo $#`, want: "0\n0\n1\n"},
	{name: "assoc-length", script: `declare -A m=([a]=1 [b]=2); m[c]=3; echo ${#m[@]} "${#m[*]}"`, want: "3 3\n"},
	{name: "arith-index-assign", script: `(( a[3] = 4, a[3] += 1 )); (( a[0]++ )); echo ${!a[@]} ${a[3]} ${a[0]}`, want: "0 3 5 1\n"},
	{name: "nameref", script: `x=1; declare -n r=x; r=2; echo $x ${!r}; f() { local -n arr=$1; arr[1]=z; }; a=(p q); f a; echo ${a[@]}`, want: "2 x\np z\n"},
	{name: "read-ifs-nonblank", script: `IFS=: read -r a b c <<< 'x::y:'; echo "[$a][$b][$c]"; IFS=' ,' read -ra f <<< ' 1 ,2,,3 '; echo ${#f[@]} "${f[*]}"`, want: "[x][][y]\n4 1 2  3\n"},
	{name: "printf-v-index-T", script: `a=(x y); printf -v 'a[1]' '%s-%s' p q; echo ${a[1]}; TZ=UTC; export TZ; printf '%(%Y-%m-%d)T\n' 86400`, want: "p-q\n1970-01-02\n"},
	{name: "umask-symbolic", script: `umask 022; umask g+w,o-r; umask; umask -p`, want: "0006\numask 0006\n"},
	{name: "builtin-builtin", script: `cd() { echo fn; }; cd; builtin cd / && pwd; builtin nosuch 2>/dev/null; echo $?`, want: "fn\n/\n1\n"},
	{name: "assign-tilde", script: `HOME=/h; x=a:~/b:~; y=~/z; z="~"; echo $x $y $z`, want: "a:/h/b:/h /h/z ~\n"},
	{name: "backslash-assign", script: `v=a\ b\"c; echo "$v"; case a\b in ab) echo ab;; esac`, want: "a b\"c\nab\n"},
	{name: "shopt-stubs", script: `shopt -s autocd; shopt -p autocd nullglob; echo $?; shopt -po nounset; set -o vi; shopt -o vi`, want: "shopt -s autocd\nshopt -u nullglob\n1\nset +o nounset\nvi             \ton\n"},

	{name: "cd-P-CDPATH-pwd", script: `b() { sed 's|.*/||'; }; mkdir -p real/sub; ln -s real link; cd link; pwd | b; pwd -P | b; cd -P .; pwd | b; d=$OLDPWD; cd /; CDPATH=$d; cd sub > "$d/out"; b < "$d/out"; pwd | b`, want: "link\nreal\nreal\nsub\nsub\n"},
	{name: "test-nt-ot-ef", posix: true, script: `touch -d '2001-01-01' old; touch new; ln -s new ln; [ new -nt old ] && [ old -ot new ] && [ ln -ef new ] && ! [ old -ef new ] && echo ok`, want: "ok\n"},
	{name: "read-u-t", script: `exec 3<<< 'from3'; read -u 3 v; echo $v; read -t 0.01 w < <(sleep 1); echo $?`, want: "from3\n142\n"},
	{name: "export-readonly-p", script: `export EX=1; readonly RO=2; export -p | grep -E ' EX='; readonly -p | grep -E ' RO='`, want: "declare -x EX=\"1\"\ndeclare -r RO=\"2\"\n"},
	{name: "help-times", script: `help cd | grep -c 'cd \[-L|-P\]'; times | wc -l`, want: "1\n2\n", diff: "help texts are gosh's own"},
	{name: "shopt-globs", script: `mkdir -p d/e g; touch g/.h a.x d/e/f.x; shopt -s dotglob; echo g/*h; shopt -u dotglob; echo g/*h; shopt -s globstar; echo **/*.x; shopt -s nocaseglob; echo A.*`, want: "g/.h\ng/*h\na.x d/e/f.x\na.x\n"},
	{name: "command-v-V", script: `command -v echo; command -V echo; command -v nosuch_xyz; echo $?`, want: "echo\necho is a shell builtin\n1\n"},
	{name: "type-a", script: `type -a true | head -n 1; type -t if`, want: "true is a shell builtin\nkeyword\n"},

	// Parameter operators expand lacks, computed in paramops.go.
	{name: "param-indirect-ops", script: `x=; ref=x; echo "[${!ref-d}] [${!ref:-d}] [${!ref:+a}]"; unset x; echo "[${!ref-d}]"
z=zz; zz=; echo ${!z:=foo} $zz; w=ww; ww=; (echo ${!w:?empty}); echo st=$?`, want: "[] [d] []\n[d]\nfoo foo\nst=1\n"},
	{name: "param-indirect-targets", script: `argv() { printf '<%s>' "$@"; echo; }
set -- p q; r=@; argv "${!r}"; r=2; argv "${!r}"; a=(x y z); r='a[1+1]'; echo ${!r}; r='a[@]'; argv "${!r}"
r='a[*]'; argv "${!r}"; declare -A m=([k]=v); r='m["k"]'; echo ${!r}; i=(a); echo ${!i[0]}; b=1; r='a[$b]'; echo ${!r}`, want: "<p><q>\n<q>\nz\n<x><y><z>\n<x y z>\nv\nx\ny\n"},
	{name: "param-indirect-errors", script: `a='bad name'; echo ${!a}
echo st=$?
unset u; echo ${!u}
echo st=$?
r='x:-y'; echo "${!r}"
echo st=$?`, want: "st=1\nst=1\nst=1\n"},
	{name: "param-indirect-array-ops", script: `argv() { printf '<%s>' "$@"; echo; }
declare -A ref=([k]=v1); v1=value; a3=(1 2 3); argv "${!ref[@]:2}" "${!ref[@]#?}" "${!ref[@]@Q}"
ref[k]='a3[@]'; argv "${!ref[@]:1}" "${!ref[@]:-e}" "${!ref[@]/2/x}"; r='a3[0]'; echo ${!r@a}`, want: "<lue><alue><'value'>\n<2><3><1><2><3><1><x><3>\na\n"},
	{name: "param-at-ops", script: `argv() { printf '<%s>' "$@"; echo; }
a=(x "y'z"); argv "${a[@]@Q}" "${a[*]@Q}" "${a@Q}" "${u[@]@Q}"; x=$'a\tb'; echo ${x@Q}; e=; echo [${e@Q}] [${u@Q}]
echo ${x@A}; declare -r x; echo ${x@a} ${a@a} ${a[@]@a}; s='a\tb\x41'; argv "${s@E}"; w=hello; echo ${w@U} ${w@u} ${w@L} ${a[@]@U}
set -- 'a b' c; argv "${@@Q}" ${@@U}`, want: "<'x'><'y'\\''z'><'x' 'y'\\''z'><'x'>\n$'a\\tb'\n[''] []\nx=$'a\\tb'\nr a a a\n<a\tbA>\nHELLO Hello hello X Y'Z\n<'a b'><'c'><A><B><C>\n"},
	{name: "param-at-prompt", script: `p='[\045\1004\\\555]'; echo "${p@P}"; x='\'; y=h; p='$x$y'; echo "${p@P}"; set -- '\\' 'a\nb'; echo "${@@P}"
p='\D{%Y}'; [ "${p@P}" = "$(date +%Y)" ] && echo year; p='\w'; cd /; echo "${p@P}"`, want: "[%@4\\m]\n\\h\n\\ a\nb\nyear\n/\n"},
	{name: "param-default-arrays", script: `argv() { printf '<%s>' "$@"; echo; }
e=(); a1=(''); a2=('' ''); argv "${e[@]-m}" "${a1[@]-m}" "${a1[@]:-m}" "${a2[@]:-m}" "${e[@]+p}" "${a2[*]:+p}" "${u[@]+p}"
IFS=; argv "${a2[*]:-m}" ${a2[*]:-m}; set -- '' ''; argv ${@:-m} "${@:+p}" ${*:-m}; set --; argv "${@+p}" "${*:+p}"`, want: "<m><><m><><><p>\n<m>\n<p>\n<>\n"},
	{name: "param-default-lazy", script: `i=0; x=x; echo ${x:-$((i++))} $i ${u:-$((i++))} $i ${x+$(echo hi)} ${x-$(echo no)}; echo "${u-\$\z\"}"; set -u; echo ${u+$((i++))}$i`, want: "x 0 0 1 hi x\n$\\z\"\n1\n"},
	{name: "param-list-in-quotes", script: `argv() { printf '<%s>' "$@"; echo; }
set -- "a 1" "b 2" "c 3"; argv "-$@-" "-${@:2}-" "<${@:1:2}>" "${@: -1}" "${@:4}" "-${*:2}-"; a=(p q); e=(); argv "x${a[@]}y" "x${e[@]}y" "${a[@]#p}$1"`, want: "<-a 1><b 2><c 3-><-b 2><c 3-><<a 1><b 2>><c 3><-b 2 c 3->\n<xp><qy><xy><><qa 1>\n"},
	{name: "param-repl-slashes", script: `x=a/c/b; echo ${x///c} ${x////c} ${x///} ${x//}; H=/foo/bar; echo ${H////\\/} "${H////-}"
y=abc; echo ${y//b/\\} ${y//b/\z} "${y//b/\"}" ${y/#a/\\}; set -- /a/ /b; echo ${@@a}. ${@////-}; p='\D{}'; case "${p@P}" in [0-2][0-9]:[0-5][0-9]:[0-5][0-9]) echo time;; esac`, want: "a/b acccb acb a/c/b\n\\/foo\\/bar -foo-bar\na\\c azc a\"c \\bc\n. -a- -b\ntime\n"},
	{name: "param-indirect-discard", script: `f() { r=${!1}; echo in-f; }
f 'x:-y'; echo same
echo next $?
x=$(echo ${!u}; echo sub); echo "[$x] $?"
for i in 1 2; do echo ${!u}; done; echo same
echo end`, want: "next 1\n[] 1\nend\n"},
	{name: "param-prompt-command-number", script: `PS1="\#"; echo ${PS1@P}
echo ${PS1@P}
x=$(echo ${PS1@P}); echo $x ${PS1@P}
f() { echo ${PS1@P}; echo ${PS1@P}; }
f
f`, want: "1\n2\n3 3\n5\n5\n6\n6\n"},
	{name: "param-at-arrays", script: `f() { printf '<%s>' "$@"; echo; }
b=(x y); b[5]=z; declare -A m=([k]=v); f "${b[@]@A}" "${b[*]@K}" "${m[@]@K}" "${m[@]@A}" "${b[@]@k}"
readonly b; f "${b[@]@A}"; set -- a b; f "${@:1:-1}"; echo same line
echo next`, want: "<declare><-a><b=([0]=\"x\" [1]=\"y\" [5]=\"z\")><0 \"x\" 1 \"y\" 5 \"z\"><k \"v\" ><declare><-A><m=([k]=\"v\" )><0><x><1><y><5><z>\n<declare><-ar><b=([0]=\"x\" [1]=\"y\" [5]=\"z\")>\nnext\n"},
	{name: "param-default-quoted-word", script: `f() { printf '<%s>' "$@"; echo; }
a=(); i=0; f "${a[@]-'x y'}" "${u-'x'$((i++))}" "${a[*]:-"a  b"}" ${a[@]:-'p q'}; x=a/b; ab=x; r=ab; echo ${!r//} ${!r///}`, want: "<'x y'><'x'0><a  b><p q>\nx x\n"},
	{name: "param-pattern-extglob", script: `shopt -s extglob; x=aabaa; echo ${x//+(a)/X} ${x/#+(a)/X} ${x%%+(a)} ${x##@(a|b)} ${x#+(a)} ${x%+(a)}
a=(xaa aab); echo "${a[@]//@(a|b)/-}" ${a[@]%%+(a)}; shopt -u extglob; echo ${x//+(a)/X}`, want: "XbX Xbaa aab abaa abaa aaba\nx-- --- x aab\naabaa\n"},
	{name: "param-pattern-amp-quoted", script: `x=abcb; echo ${x/b/&&} "${x/b/&&}" ${x//b/[&]} ${x/b/\&} ${x/b/"&"} "${x/b/\&}" ${x/#a/&&} ${x/%b/"<"&">"}
a=(ab cb); echo ${a[@]/b/&&} "${a[@]/%b/<&>}"; p='^++--hel.,<>[]'; echo ${p//[^'><+-.,[]']}; y=a-c; echo ${y//['a-c']/X} ${y//[a-c]/X}`, want: "abbcb abbcb a[b]c[b] a&cb a&cb a&cb aabcb abc<b>\nabb cbb a<b> c<b>\n++--.,<>[]\nXXX X-X\n"},
	{name: "param-prompt-history-number", script: `p='\!'; echo ${p@P}
set -o history
echo ${p@P}
echo ${p@P}`, want: "1\n1\n2\n"},
	{name: "param-pattern-idioms", script: `f() { printf '<%s>' "$@"; echo; }
HOME=/home/u; x=/home/u/src/a*b; y='a*b'; e=
f "${x/"$HOME"/\~}" "${x//"$y"/Z}" ${x//"$e"/z} "${x//'/'/:}" "${x/#"$HOME"/~}" "${x/%"$y"/.}"
P=/bin:/usr/bin; f ${P//":"/ } "${P//':'/$'\n'}"
s='a.b.c'; f "${s//"."/-}" "${s/"."}" "${s//./&&}"
set -- 'a b' 'c.d'; f "${@//"."/_}" "${@/#"a"/&x}"
arr=('x y' 'z'); f "${arr[@]/"x"/X}" ${arr[@]//" "/_}
x=/a/b; HOME=/h; echo "${x/#\/a/~&}" ${x/b/~root&} ${x/b/&~}`, want: "<~/src/a*b></home/u/src/Z></home/u/src/a*b><:home:u:src:a*b></home/u/src/a*b></home/u/src/.>\n</bin></usr/bin></bin\n/usr/bin>\n<a-b-c><ab.c><a..b..c>\n<a b><c_d><ax b><c.d>\n<X y><z><x_y><z>\n~/a/b /a/~rootb /a/b~\n"},
	// Special variables.
	{name: "lineno-funcname", script: "f() {\n  echo $LINENO ${FUNCNAME[0]}\n}\nf\necho $LINENO", want: "2 f\n5\n"},
	{name: "bash-source-lineno", script: "echo 'g() { echo \"${FUNCNAME[*]}|${BASH_SOURCE[*]}|${BASH_LINENO[*]}\"; }' > lib.sh\n. ./lib.sh\nf() {\n  g\n}\nf", want: "g f main|./lib.sh s.sh s.sh|4 6 0\n"},
	{name: "dollar-underscore", script: `echo a b >/dev/null; echo "$_"`, want: "b\n"},
	{name: "shellopts", script: `set -o pipefail; echo $SHELLOPTS | tr : '\n' | grep -c pipefail`, want: "1\n"},
	{name: "random-seconds", script: `RANDOM=5; a=$RANDOM; [ "$a" -ge 0 ] && [ "$a" -lt 32768 ] && echo rand; SECONDS=10; [ $SECONDS -ge 10 ] && echo secs`, want: "rand\nsecs\n"},
	{name: "ids", script: `[ "$UID" = "$(id -u)" ] && [ "$EUID" = "$(id -u)" ] && [ "$PPID" -gt 0 ] && [ "$HOSTNAME" = "$(hostname)" ] && echo ok`, want: "ok\n"},
	// An empty field between two non-blank IFS characters (a,,b) is lost by
	// mvdan's field splitting (core's expand wiring): not covered here.
	{name: "ifs-split", posix: true, script: `v=a,b,c; IFS=,; set -- $v; echo $#; IFS=' '; set -- $v; echo $#`, want: "3\n1\n"},
	{name: "shlvl", script: `echo "$SHLVL" | grep -c '^[0-9][0-9]*$'`, want: "1\n"},

	// Word expansion: quoting and splitting.
	{name: "default-word-quotes", posix: true, script: `p() { printf '<%s>' "$@"; echo; }; v='1  2'; p ${u:-"a b" c} 1${u:-"x y" "z w"}2 ${u-'s t'} ${v:+"$v" $v}`, want: "<a b><c><1x y><z w2><s t><1  2><1><2>\n"},
	{name: "default-word-in-dquotes", posix: true, script: `p() { printf '<%s>' "$@"; echo; }; v='a b'; p "${u:-'q'}" "${u-'$v'}" "${v:+'x'}" "${u:-"e f"}"`, want: "<'q'><'a b'><'x'><e f>\n"},
	{name: "default-word-nested", posix: true, script: `p() { printf '<%s>' "$@"; echo; }; p ${u:-${u:-"1 2" "3 4"}5 "6 7"}; IFS=_; p 1${u:-"2_3"x_x"4_5"}6`, want: "<1 2><3 45><6 7>\n<12_3x><x4_56>\n"},
	{name: "default-word-tilde", posix: true, script: `HOME=/h; echo ${u:-~} ${HOME:+~/z} "${u:-~}" ${u:-"~"} ${u:-"a"~}`, want: "/h /h/z ~ ~ a~\n"},
	{name: "default-word-ifs-quoted", posix: true, script: `IFS=x; v=; echo ${v:-AxBxC} ${v:-"AxBxC"}x "${v:-"AxBxC"}"`, want: "A B C AxBxCx AxBxC\n"},
	{name: "default-word-unset-nounset", posix: true, script: `set -u; p() { printf '<%s>' "$@"; echo; }; e=; p ${n:+"a b"} "${n:+x}" ${e:+"c d"} ${e+"c d"} end`, want: "<><c d><end>\n"},
	{name: "default-word-dollar-at", posix: true, script: `set -- "a b" c; p() { printf '<%s>' "$@"; echo; }; p "${u:-$@}" ${u:-x$@y} "${u+-$@-}"; IFS=:; p "${u:-$@}"`, want: "<a b><c><xa><b><cy><>\n<a b><c>\n"},
	{name: "dollar-at-in-dquotes", script: `p() { printf '<%s>' "$@"; echo; }; f() { p "-$@-" "x$@"; }; f "a 1" "b 2"; f; set -- 1 2; a=(x "y z"); p "[${a[@]}]" "<$*>"`, want: "<-a 1><b 2-><xa 1><b 2>\n<--><x>\n<[x><y z]><<1 2>>\n"},
	{name: "empty-quotes-beside-split", posix: true, script: `p() { printf '<%s>' "$@"; echo; }; A='  a  b  '; p ""$A"" ''$A x""$A; for i in ""$A""; do echo "=$i="; done`, want: "<><a><b><><><a><b><x><a><b>\n==\n=a=\n=b=\n==\n"},
	{name: "ifs-unquoted-at-empty", script: "set -- a '' b; IFS=:; printf '<%s>' $@; echo; printf '<%s>' x$*y; echo\nset -- '' a ''; for i in $@; do printf '[%s]' \"$i\"; done; echo\nIFS=' :'; set -- a ':b' ''; printf '<%s>' $@; echo", want: "<a><><b>\n<xa><><by>\n[][a]\n<a><b>\n"},
	{name: "ifs-multibyte", script: `LC_ALL=C.UTF-8; x=çx IFS=ç; printf '<%s>' $x; echo`, want: "<><x>\n"},
	{name: "assign-tilde-after-colon", posix: true, script: `HOME=/h; x=~:a:~/b; echo $x; y=a:~"q":~; echo $y; x=foo:~,; echo $x; x='a:~'; echo $x`, want: "/h:a:/h/b\na:~q:/h\nfoo:~,\na:~\n"},
	{name: "assign-tilde-default-word", posix: true, script: `HOME=/h; x=~:${u-~:~}; echo $x; x=a${u:-:~}; echo $x`, want: "/h:/h:/h\na:/h\n"},
	{name: "prefix-assign-unset", script: "v=1; v=2 unset v; echo a=$v\nf() { v=3; v=4 eval 'unset v; echo b=$v'; echo c=$v; w=5 unset w; echo d=${w-none}; }; f; export v; v=6 unset v; env | grep '^v='", want: "a=1\nb=3\nc=3\nd=none\nv=3\n"},
	{name: "prefix-assign-tilde", posix: true, script: `HOME=/h; xx=~:~/b env | grep xx=`, want: "xx=/h:/h/b\n"},
	{name: "quoted-pattern-in-brackets", script: `x='a[[-]]b'; echo "${x//['[]']}" "${x//['-]']/_}"; z='x(y)z'; echo "${z%'(y)z'}" "${z//'('/[}"`, want: "a-b a[[___b\nx x[y)z\n"},
	{name: "extglob-split-expansion", script: "shopt -s extglob\ntouch ab ac b; p() { printf '<%s>' \"$@\"; echo; }\nIFS=:; v=b:q; p +($v) a@($v|c) \"@($v)\" @('$v')\nIFS=' '; w='q r'; p @(x $w) a@(z|$w); u=b; p @(a$u|x) !(a*|*.*)", want: "<+(b><q)><a@(b><q|c)><@(b:q)><@($v)>\n<@(x q><r)><a@(z|q><r)>\n<ab><b>\n"},
	{name: "extglob-removal", script: `shopt -s extglob; p() { printf '<%s>' "$@"; echo; }; v='foo.tar.gz'; p ${v%.+(tar|gz)} ${v%%.+(tar|gz)} "${v#@(foo|bar).}" ${v##*(f|o)}; x='foo()'; p "${x%*(foo|bar)'()'}" "${x#*(foo|bar)\(\)}"; w='a b  c'; p ${w%@(c)} "${w%@(c)}"`, want: "<foo.tar><foo.tar><tar.gz><.tar.gz>\n<foo><>\n<a><b><a b  >\n"},
	{name: "ansi-c-control-escapes", script: `printf '%s' $'\ca\cZ\c-\c?' | od -An -tx1; x=$'<\c\\>'; printf '%s' "$x" | od -An -tx1; case $'\cA' in $'\ca') echo same;; esac`, want: " 01 1a 0d 7f\n 3c 1c 3e\nsame\n"},
	{name: "unset-callers-local", script: `k() { unset z; }; h() { local z=1; k; echo "${z-unset}"; unset z; echo "${z-unset}"; }; z=glob; h; g() { local y=1; unset y; unset y; echo "${y-unset}"; }; g`, want: "glob\nunset\nunset\n"},
	{name: "unset-temp-binding", script: `m() { echo $x; x=changed; unset x; echo "${x-unset}"; }; x=g; x=tmp m; echo $x`, want: "tmp\ng\ng\n"},
	{name: "local-under-prefix-assignment", script: `f() { t= local a=1; t= eval 'local b=2'; echo "$a $b"; }; f; echo "${a-unset} ${b-unset}"`, want: "1 2\nunset unset\n"},
	{name: "decl-values-expanded-first", script: `a=0; export a=1 b=$a; echo $b; f() { local l=1 q=$l; echo "[$q]"; }; l=G; f; declare -i k=5; declare k+=2; echo $k`, want: "0\n[G]\n7\n"},
	{name: "decl-redirect-after-expansion", script: `readonly x=$(echo err >&2; echo v) 2>/dev/null; echo $x`, want: "v\n--stderr--\nerr\n", stderr: true},
	{name: "unset-assoc-expanded-key", script: `declare -A d; k='a b'; d[$k]=1; d[x]=2; j='1],a[1'; d[$j]=3; unset "d[\$k]" 'd["$j"]'; echo ${#d[@]} ${!d[@]}`, want: "1 x\n"},
	{name: "anchored-repl-per-element", script: `p() { printf '<%s>' "$@"; echo; }; a=(aa bb ''); p ${a[@]/#/pre-} "${a[@]/%/-suf}" "x${a[@]/#a/Z}y" "${a[*]/%b/Q}"; set -- "1 2" 3; p "${@/#/-}" ${@/%/+}; e=(); p "${e[@]/#/x}" end; for i in "${a[@]/#/-}"; do echo "$i"; done`, want: "<pre-aa><pre-bb><pre-><aa-suf><bb-suf><-suf><xZa><bb><y><aa bQ >\n<-1 2><-3><1><2+><3+>\n<end>\n-aa\n-bb\n-\n"},
	{name: "anchored-repl-unquoted-splits", script: `p() { printf '<%s>' "$@"; echo; }; x=abc; p ${x/#a/1 2} "${x/%c/3 4}"`, want: "<1><2bc><ab3 4>\n"},
	{name: "readonly-assignment-drops-line", script: "readonly r=1\nf() { r=2; echo no; }\nf; echo no\necho next $?\neval 'r=3'; echo eval $?\neval 'r=4\necho second'\nr=5 echo prefix\n(r=6; echo no); echo sub $?\na=(1 2); readonly a; eval 'a+=(3)'; echo ${a[@]}", want: "next 1\neval 1\nsecond\nprefix\nsub 1\n1 2\n"},

	// POSIX-leaning conformance fixes (posixmisc).
	{name: "syntax-error-line-not-run", posix: true, script: "echo a\necho b; while", want: "a\n", status: 2},
	{name: "syntax-error-same-line-list", posix: true, script: "echo 1 ;; echo 2", want: "", status: 2},
	{name: "test-three-args-andor", posix: true, script: `[ -a -a -a ]; echo $?; [ "" -o -a ]; echo $?; [ "" -a x ]; echo $?`, want: "0\n0\n1\n"},
	{name: "test-three-args-andor-bash", script: `[ -z -a ] ]; echo $?; [ -n -a -z ]; echo $?`, want: "0\n0\n"},
	{name: "source-missing-not-fatal", script: "mkdir d; . ./nope 2>/dev/null; echo $?; . ./d/ 2>/dev/null; echo $?", want: "1\n1\n"},
	{name: "set-lone-plus", posix: true, script: `set +; echo "$#"; set - +; echo "$@"; set + -; echo "$@"; set -f + a b; echo "$@"`, want: "0\n+\n+\na b\n"},
	{name: "cmdsubst-file", script: "printf 'a\\nb\\n\\n' > f; x=$(< f); echo \"[$x]\"; y=`< f`; echo \"[$y]\"; z=$(< nope); echo $? \"[$z]\"", want: "[a\nb]\n[a\nb]\n1 []\n"},
	{name: "exec-dashdash-redir", script: `exec -- 3>&1; echo out >&3`, want: "out\n"},
	{name: "exec-no-shebang", posix: true, script: "printf 'echo hi $v\\n' > s2; chmod +x s2; v=1 exec ./s2", want: "hi 1\n"},
	{name: "exec-argv0", script: `exec -a NAME sh -c 'echo $0'`, want: "NAME\n"},
	{name: "errexit-compound-command", posix: true, script: `set -e; { false && true; }; echo a; if true; then false || false && true; fi; echo b; (false && true); echo c`, want: "a\nb\n", status: 1},
	{name: "errexit-compound-redirect", script: `set -e; { ! true; }; echo a; { cat; } < nope 2>/dev/null; echo b`, want: "a\n", status: 1},
	{name: "func-def-in-list", posix: true, script: `f() { echo a; } && echo x; f; echo hello | g() { echo abc; } | echo ha; command -v g || echo no g`, want: "x\na\nha\nno g\n"},
	{name: "func-body-not-compound", script: "f() g() { echo hi; }\necho not reached", want: "", status: 2, diff: "dash accepts a simple command as a function body"},
	{name: "printf-int-range", script: `printf '%d %u %u %x\n' 9223372036854775808 18446744073709551616 -18446744073709551615 -1 2>/dev/null; echo $?`, want: "9223372036854775807 18446744073709551615 1 ffffffffffffffff\n0\n"},
	{name: "trap-invalid-option", script: `trap 'echo at exit' EXIT; trap -1 EXIT 2>/dev/null; echo $?`, want: "2\nat exit\n"},
	{name: "getopts-set-keeps-optind", script: `set -- -a; getopts a o; set -- -c -d; getopts cd o; echo $o $OPTIND; set -- -f; OPTIND=5; getopts f o; echo $? $OPTIND`, want: "d 3\n1 2\n"},
	{name: "builtin-write-error", script: `type echo > /dev/full 2>/dev/null; echo $?; pwd >&- 2>/dev/null; echo $?`, want: "1\n1\n"},
	{name: "return-outside-function", script: `return 3 2>/dev/null; echo $?; (return) 2>/dev/null; echo $?`, want: "2\n2\n"},
	{name: "ulimit-out-of-range", script: `a=$(ulimit -f); ulimit -f $(( (1 << 62) + 1 )) 2>/dev/null; echo $?; [ "$(ulimit -f)" = "$a" ] && echo same`, want: "1\nsame\n"},
	{name: "printf-strftime-limit", script: `f=; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31; do f=$f%Y; done; printf "%($f)T" 0 | wc -c; printf "%($f%Y)T" 0 | wc -c`, want: "124\n0\n"},
	{name: "xtrace-before-redirect", posix: true, script: `set -x; echo hi > /dev/null 2> err; set +x; wc -c < err`, want: "0\n--stderr--\n+ echo hi\n+ set +x\n", stderr: true},
	{name: "carriage-return-is-a-char", posix: true, script: "v=a\rb\r\necho ${#v}; echo\rx 2>/dev/null; echo $?", want: "4\n127\n"},
	{name: "wait-n-unknown", script: `wait -n 99999 nojob 2>err; echo $?; wc -l < err`, want: "127\n2\n"},
	{name: "wait-reports-killed-job", script: `sleep 5 & kill -HUP $!; wait $! 2>err; echo $?; grep -c 'Hangup  *sleep 5' err; sleep 5 & kill -TERM $!; wait $! 2>err; echo $?; wc -c < err`, want: "129\n1\n143\n0\n"},
	{name: "bang-subshell", script: `a=false; if !($a && true); then echo negated; fi; !(exit 3); echo $?`, want: "negated\n0\n"},
	{name: "dollar-dparen-subshell", script: "x=$((echo a; echo b) 2>/dev/null); echo $x\n(( echo c\necho d\n) )", want: "a b\nc\nd\n"},
	{name: "dparen-closed-as-arith", script: "echo start\n(( echo 1\necho 2\n))", want: "start\n", status: 2, diff: "bash reports the bad arithmetic when it runs it (status 1), gosh when it parses it"},
	{name: "bg-program-is-bang-pid", posix: true, script: `c=sh; $c -c 'echo $$ > pidf' & p=$!; wait; [ "$(cat pidf)" = "$p" ] && echo same`, want: "same\n"},
	{name: "write-past-ulimit-f", posix: true, script: `(ulimit -f 1; echo $(head -c 9000 /dev/zero | tr '\0' x) > big) 2>/dev/null; echo $?`, want: "153\n"},
	{name: "argc-with-operator", script: `set -- a b c d e f g h i j k l; echo ${###} ${####} ${##1} ${###1} ${##} "${#%2}"`, want: "12 12 2 2 2 1\n"},
	{name: "async-command-ignores-int", posix: true, script: `c=sh; $c -c 'trap "echo trapped" INT; kill -INT $$; echo done; grep SigIgn /proc/$$/status' & wait`, want: "done\nSigIgn:\t0000000000000006\n"},
	{name: "umask-empty", script: `umask ''; echo $?`, want: "1\n"},

	// Programmable completion and readline's tables (bind).
	{name: "complete-print-remove", script: "complete -W 'x y' -o nospace -A function c1 c2\ncomplete -F _f -o default -C 'cmd q' -X '!*.go' -d c3\ncomplete -p c1 c3; complete -r c1; complete -p c1; echo $?\ncomplete -F _f; echo $?", want: "complete -o nospace -A function -W 'x y' c1\ncomplete -o default -d -X '!*.go' -C 'cmd q' -F _f c3\n1\n2\n"},
	{name: "compgen-words-filter", script: "shopt -s extglob\ncompgen -W 'apple apricot banana' ap; compgen -X '*cot' -P '<' -S '>' -W 'apple apricot'\nIFS=:; compgen -W 'a\\:b:\"c d\":$(echo e:f)'; compgen -W 'zz' q; echo $?; IFS=' '; compgen -W 'p q\\'", want: "apple\napricot\n<apple>\na:b\nc d\ne\nf\n1\np\nq\n"},
	{name: "compgen-function", script: "f() { echo \"$# $1 $2 ${#COMP_WORDS[@]} $COMP_CWORD\"; COMPREPLY=(x${2}1 x2); }\ncompgen -F f w 2>/dev/null; declare -p COMP_CWORD 2>/dev/null || echo unset\ng() { COMPREPLY=(a $((1/0))); }; compgen -F g 2>/dev/null\necho $?", want: "3 compgen w 0 -1\nxw1\nx2\nunset\n1\n"},
	{name: "compgen-actions", script: "mkdir d1; touch f1; my_f() { :; }; alias my_a=x; my_v=1\ncompgen -A function -A alias -A variable my_; compgen -f f; compgen -d d; compgen -k el; compgen -A shopt -P '[' -S ']' nullg; compgen -b -A setopt ech; compgen -A nope 2>/dev/null; echo $?", want: "my_a\nmy_f\nmy_v\nf1\nd1\nelse\nelif\n[nullglob]\necho\n2\n"},
	{name: "compopt-outside", script: "compopt -o nospace; echo $?; compopt -o bad; echo $?; complete -W x c; compopt -o nospace c; complete -p c", want: "1\n2\ncomplete -o nospace -W 'x' c\n"},
	{name: "bind-tables", script: "bind -l | grep -cx yank; bind -q yank; bind '\"\\C-o\": yank'; bind -q yank; bind -r '\\C-o'; bind -q yank\nbind -x '\"\\C-t\": echo hi'; bind -X; bind -m vi -X; bind -q no-such; echo $?; bind -P | grep -x 'vi-subst is not bound to any keys'; bind -v | grep -x 'set blink-matching-paren off'", want: "1\nyank can be invoked via \"\\C-y\".\nyank can be invoked via \"\\C-o\", \"\\C-y\".\nyank can be invoked via \"\\C-y\".\n\"\\C-t\": \"echo hi\"\n1\nvi-subst is not bound to any keys\nset blink-matching-paren off\n"},

	{name: "history-file-list", script: "printf 'cmd a%s\\n' 1 2 3 > hf\nHISTFILE=hf\nhistory -r; history -r; history | wc -l\nHISTSIZE=4; history\nhistory -d 2; history -d 9 2>/dev/null; echo $?; history 2\nprintf 'cmd a4\\n' >> hf; history -n; history 1\nhistory x 2>/dev/null; echo $?\nHISTFILESIZE=2; cat hf; history -c; history -w; wc -c < hf", want: "6\n    2  cmd a3\n    3  cmd a1\n    4  cmd a2\n    5  cmd a3\n1\n    3  cmd a2\n    4  cmd a3\n    5  cmd a4\n1\ncmd a3\ncmd a4\n0\n"},
	{name: "arith-value-trailing-text", script: "x='1 0'; a=(p q)\n(( x )) 2>/dev/null; echo st=$?\nr='a[$x]'\n{ echo \"<$(echo \"${!r}\")>\"; } 2>/dev/null", want: "st=1\n<>\n"},
	{name: "tilde-prefix-colon-in-param-word", script: "HOME=/h; x=${u:=~:~}; echo \"$x $u\"\nunset u; echo \"${u:=~}\" \"$u\"\nunset u; echo ${u:-~:~} \"${u:-~:~}\" ${u-~/a:~}", want: "/h:~ /h:~\n~ ~\n/h:~ ~:~ /h/a:~\n"},
	{name: "slice-empty-offset-length", script: "a=(1 2 3); printf '<%s>' ${a[@]::} ${a[@]:1:} x ${a[@]: }; echo\ns=abc; echo \"${s: }\" \"[${s:1: }]\"", want: "<x><1><2><3>\nabc []\n"},
	{name: "extglob-empty-group", script: "shopt -s extglob\n[[ '' == @() ]] && echo a\n[[ x == @() ]] || echo b\n[[ x == !() ]] && echo c\ncase '' in @()) echo d;; esac", want: "a\nb\nc\nd\n"},
	{name: "pattern-ops-match-bytes-in-c-locale", script: "LC_ALL=C; s='aμb'; a=(\"$s\" x)\necho \"${s/a?b/X}\" \"${s/a??b/Y}\" \"${s//?/.}\" \"${s%??b}\" \"${a[@]/#a??/Z}\"", want: "aμb Y .... a Zb x\n"},
	{name: "history-clear-renumbers", script: "set -o history\nhistory -s one; history -s two\nhistory -c\nPS1='n\\!'; echo \"${PS1@P}\"\nhistory\nhistory -a hf; cat hf", want: "n1\n    1  PS1='n\\!'; echo \"${PS1@P}\"\n    2  history\nPS1='n\\!'; echo \"${PS1@P}\"\nhistory\nhistory -a hf; cat hf\n"},
	{name: "history-script-recording", script: "echo x\nset -o history\necho a; echo b\nset +o history\necho c\nhistory; history -5 2>/dev/null; echo $?; history +5 >/dev/null; echo $?", want: "x\na\nb\nc\n    1  echo a; echo b\n    2  set +o history\n2\n0\n"},
	{name: "fc-list", script: "fc -l; echo $?\nhistory -s echo one; history -s echo two; history -s echo three\nfc -l; fc -ln -2; fc -lr 1 2; fc -l ech", want: "0\n1\t echo one\n2\t echo two\n3\t echo three\n\t echo two\n\t echo three\n2\t echo two\n1\t echo one\n3\t echo three\n"},
	{name: "fc-redo", script: "history -s echo one; history -s echo two\nfc -s two=zwei ech 2>/dev/null\nfc -s echo 2>&1; FCEDIT='sed -i s/zwei/drei/' fc 2>/dev/null\nhistory", want: "zwei\necho zwei\nzwei\ndrei\n    1  echo one\n    2  echo two\n    3  echo zwei\n    4  echo zwei\n    5  echo drei\n", diff: "bash -c never records fc's command (no history in -c)"},

	// An fd number beyond the open-files limit is a bad descriptor (and
	// must not make gosh grow its fd table to it); closing one is fine.
	{name: "redirect-fd-beyond-limit", script: `echo x 111111111>&1; echo $?; exec 111111111>&-; echo $?`, want: "1\n0\n"},
	// Runtime errors carry position.
	{name: "unbound-position", script: "set -u\n\necho $nope", want: "--stderr--\nSH: s.sh: line 3: nope: unbound variable\n", status: 1, stderr: true, diff: "bash prints 's.sh: line 3' without the shell's name"},
	{name: "not-found-position", script: "\nno_such_cmd_xyz", want: "--stderr--\nSH: s.sh: line 2: no_such_cmd_xyz: command not found\n", status: 127, stderr: true, diff: "message prefix"},
	// Arithmetic as bash evaluates it (arith.go).
	{name: "arith-dynamic-text", script: `x='1 + 2'; echo $(( $x * 3 )) $(( "$x" * 3 )) $(( x * 3 )); e=1+2; [[ e -eq 3 ]] && echo yes; y=e; echo $(( y * 2 ))`, want: "7 7 9\nyes\n6\n"},
	{name: "arith-constants", script: `for e in 09 0x1X 2#A 02#0110 1+; do (( $e )) 2>/dev/null; echo $?; done; echo $((64#@_)) $((0x1f)) $((010)) $((36#z)) $((2#101))`, want: "1\n1\n1\n1\n1\n4031 31 8 35 5\n"},
	{name: "arith-elements", script: `a=(1 2 3); unset 'a[1]'; echo $(( a[1]++ + 10 )) $(( (a[2] = 7) * 2 )) ${a[@]}; typeset -A m; m[0]=40; echo $(( m + 2 )); b=(5 6); (( b++ )); echo ${b[@]}; i=1; echo ${i}$((i++))$i`, want: "10 14 1 1 7\n42\n6 6\n112\n"},
	{name: "arith-shift-nounset", script: `echo $(( 5 << -1 )) $(( 16 >> -1 )) $(( 1 << 64 )); set -u; (( u++ )); echo no`, want: "-9223372036854775808 0 1\n", status: 1},
	{name: "arith-cmd-error-status", script: `{ (( 1/0 )); echo $?; let 'x = 1 +'; echo $?; (( 1[2] = 3 )); echo $?; x='$(echo 1)'; (( x )); echo $?; } 2>/dev/null`, want: "1\n1\n1\n1\n"},
	{name: "arith-word-order", script: `i=5; echo $(( i-- )) $i $(( --i )); i=1; echo "$i $((i++)) $i"; a=(1 2 3); i=0; echo $i ${a[i++]} $i; unset x; echo ${x:=3} $((x*2))`, want: "5 4 3\n1 1 2\n0 1 1\n3 6\n"},
	{name: "arith-in-words", script: `i=0; echo {a,b,c}-$((i++)); echo $(( "1 + 2" * 3 )); declare -A A; A['x']=42; (( x = A['x'] + "1" )); echo $x; echo $(( '1' + 2 )); echo not reached`, want: "a-0 b-1 c-2\n7\n43\n", status: 1},
	{name: "arith-expansion-error-abandons-line", script: "echo $(( 1/0 )); echo same\necho status=$?\nf() { echo $(( '1' + 2 )); echo in f; }; f\necho $?\n( echo $(( 2#9 )); echo sub ); echo sub=$?\nx=$(( 1 / 0 ))\necho $?\nset -u; echo $(( u + 1 ))\necho not reached", want: "status=1\n1\nsub=1\n1\n", status: 1},
	{name: "arith-single-quotes-in-commands", script: `for ((i = '3'; i < '5'; ++i)); do echo $i; done`, want: "3\n4\n", diff: "bash refuses single quotes in (( )) too; gosh removes them there, as it did before, and refuses them only in $(( ))"},
	// Array literals and declare (arrayassign.go, builtin_vars.go).
	{name: "declare-array-kinds", script: `export a[7]=8; echo $?; declare -a x=(1); declare -A x; echo $?; declare -p x; declare -A m=([k]=v); declare -a m; echo $?; declare -A e=(); declare -p e; declare u; declare -p u; echo ${u-unset}; declare -- w=1; echo $w`, want: "1\n1\ndeclare -a x=([0]=\"1\")\n1\ndeclare -A e=()\ndeclare -- u\nunset\n1\n"},
	{name: "array-literal-order", script: `i=1; a=([100+i++]=$((i++)) [200+i++]=$((i++))); declare -p a; b=([0]=1+2+3 [b[0]]=10); declare -p b; c[c[0]=1]=X; declare -p c; declare -A d=(k1 v1 k2); echo ${d[k1]}-${d[k2]}-${#d[@]}; HOME=/h; f=([1]=x:~); echo ${f[1]}`, want: "declare -a a=([103]=\"1\" [204]=\"2\")\ndeclare -a b=([0]=\"1+2+3\" [6]=\"10\")\ndeclare -a c=([0]=\"1\" [1]=\"X\")\nv1--2\nx:/h\n"},
	{name: "assoc-append-no-subscript", script: `declare -A d=([k]=v); d+=(x) 2>/dev/null; d+=w; echo "${d[k]} ${d[0]}"; echo start; a=(1); a[0]+=(2)`, want: "v w\nstart\n", status: 1},
	{name: "declare-F-extdebug", script: "f() { :; }\n\ng() {\n  :\n}\nshopt -s extdebug\ndeclare -F f g", want: "f 1 s.sh\ng 3 s.sh\n"},
	{name: "declare-array-operand", script: `code="w=(1 2 3)"; typeset -a "$code"; declare -p w; declare "x=(1 2)"; declare -p x; v=(1); declare "v+=(2)"; declare -p v`, want: "declare -a w=([0]=\"1\" [1]=\"2\" [2]=\"3\")\ndeclare -- x=\"(1 2)\"\ndeclare -a v=([0]=\"1\" [1]=\"2\")\n"},
	{name: "xtrace-array-assign", script: `a=(1); set -x; a+=(2 "x y"); a[1]+=z; b[0]=$((1+1)); set +x`, want: "--stderr--\n+ a+=(2 \"x y\")\n+ a[1]+=z\n+ b[0]=2\n+ set +x\n", stderr: true},
	// Array element references (elemref.go).
	{name: "test-v-elements", script: `a=(1 2 3 4 5 6 7 8 9); unset 'a[4]'; for i in 3 4 -1 -5 -6 -9; do [[ -v a[i] ]]; printf '%s ' $?; done; echo; typeset -A m=([e]= [k]=v); key=e; test -v 'm[$key]'; echo $? ; [[ -v m[k]z ]]; echo $?; [[ -v m[@] ]]; echo $?; [[ -v a[@] ]]; echo $?`, want: "0 1 0 1 0 0 \n0\n1\n1\n0\n"},
	{name: "unset-element-subscripts", script: `declare -A m=([K]=1 [x]=2 [y]=3); unset -v 'm["K"]'; key=x; unset -v 'm[$key]'; echo ${!m[@]}; a=(1 2 3 4); unset 'a[-1]' 'a[1]'; declare -p a; i=0; unset 'a[i]'; declare -p a; unset 'a[-9]' 2>/dev/null; echo $?`, want: "y\ndeclare -a a=([0]=\"1\" [2]=\"3\")\ndeclare -a a=([2]=\"3\")\n1\n"},
	{name: "assoc-key-like-expression", script: `declare -A A=([x]=1 [i+1]=2 [q+0]=x); i=3; echo "${A[i+1]}" ${#A[i+1]} ${A[i+2]:-def} ${A[i+3]=new} ${A[i+3]}; x=X; echo ${!A[q+0]} "${A[$i+1]-none}"; a=(1 2 3 4 5); echo ${a[i+1]} ${a[i-1]}`, want: "2 1 def new new\nX none\n5 3\n"},
	{name: "array-slice-length", script: "a=(1 2 3 4 5); i=0; echo \"${a[@]:i++:i++}\" $i ${a[*]: -2:1} ${a[@]:1:0}.\necho \"${a[@]: 1: -3}\"; echo same\necho status=$?", want: "1 2 4 .\nstatus=1\n"},
	{name: "assoc-empty-list", script: `declare -A A; printf '<%s>' "${A[@]}" "${!A[@]}" "${A[*]}" ${#A[@]} "${A[@]:-d}"; echo; A[k]=1; unset 'A[k]'; f() { local -n r=A; printf '<%s>' "${r[@]}" "${!r[@]}" x; }; f; echo`, want: "<><0><d>\n<x>\n"},
	{name: "subscript-name-holding-expression", script: `a=(zero one two three); b=(3 4 5); i=1; j='1+1'; n=; declare -n r=i; echo ${a[i]} ${a[j]} ${a[n]} ${a[r]} ${a[i+j]} ${a[1+1]}; e='b[$(echo 2)]'; echo ${a[e-3]}; a[e]=x; x='b["1"]'; let 'a[x-3]=y'; echo ${a[@]}; set -u; echo ${a[zz]}; echo not reached`, want: "one two zero one three two\ntwo\nzero 0 two three x\n", status: 1},
	{name: "subscript-division-by-zero", script: "a=(1 2 3)\necho ${a[1/0]}; echo same\necho st=$? ${a[5/2]} ${a[5%3]}", want: "st=1 3 3\n"},
	{name: "subscript-evaluation", script: `{ a=(1 '2 3'); printf '<%s>' "${a[-1]}" "${a[-2]}" "${a[-5]}"; echo; b=(zero one two three); code='1+2'; echo ${b[$code]} ${b[-1]} ${b[i=2]} $i; printf '<%s>' "${!u[@]}" x; echo; i=0; echo $i${b[i++]}$i; } 2>/dev/null`, want: "<2 3><1><>\nthree three two 2\n<x>\n0zero1\n"},
}

var (
	buildOnce sync.Once
	goshBin   string
	buildErr  error
)

// goshBinary builds cmd/gosh once per test run.
func goshBinary(t *testing.T) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gosh-lang-test")
		if err != nil {
			buildErr = err
			return
		}
		goshBin = filepath.Join(dir, "gosh")
		out, err := exec.Command("go", "build", "-o", goshBin, "gosh/cmd/gosh").CombinedOutput()
		if err != nil {
			buildErr = err
			goshBin = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build gosh: %v\n%s", buildErr, goshBin)
	}
	return goshBin
}

// runLang runs script as the file s.sh with shell in a fresh directory.
func runLang(t *testing.T, shell, script string, stderr bool) (string, int) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.sh"), []byte(script+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, shell, "s.sh")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C"}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	status := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", shell, err)
		}
		status = ee.ExitCode()
	}
	got := out.String()
	if stderr {
		e := errb.String()
		e = strings.ReplaceAll(e, "gosh: ", "SH: ")
		got += "--stderr--\n" + e
	}
	return got, status
}

func TestLang(t *testing.T) {
	gosh := goshBinary(t)
	bash, _ := exec.LookPath("bash")
	dash, _ := exec.LookPath("dash")
	for _, c := range langCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, st := runLang(t, gosh, c.script, c.stderr)
			if got != c.want || st != c.status {
				t.Errorf("gosh: got status %d, output\n%q\nwant status %d, output\n%q", st, got, c.status, c.want)
			}
			if bash != "" && c.diff == "" {
				if b, bst := runLang(t, bash, c.script, c.stderr); b != got || bst != st {
					t.Errorf("bash disagrees: status %d, output\n%q", bst, b)
				}
			}
			if dash != "" && c.posix && c.diff == "" {
				if d, dst := runLang(t, dash, c.script, c.stderr); d != got || dst != st {
					t.Errorf("dash disagrees: status %d, output\n%q", dst, d)
				}
			}
		})
	}
}

package shell_test

// langMiscCases are more langCases rows: bash behaviours the Oils spec
// suite checks in its smaller files (kept apart so they merge cleanly).
var langMiscCases = []langCase{
	{name: "cmdsubst-no-errexit", script: `set -e; echo $(echo one; false; echo two); x=$(echo a; false; echo b); echo "$x"; f() { local y=$(false; echo c); echo $y; }; f; shopt -s inherit_errexit; echo $(echo d; false; echo e); echo end`, want: "one two\na\nb\nc\nd\nend\n"},
	{name: "regex-quoted-literal", script: `[[ 'a b' =~ '^(a b)$' ]]; echo $?; p='^(a b)$'; [[ 'a b' =~ "$p" ]]; echo $?; [[ 'a b' =~ $p ]]; echo $?; [[ '[]' =~ \[\] ]] && echo br; [[ x =~ \. ]]; echo $?; [[ '*+?' =~ "*+?" ]] && echo q; [[ '$PA' =~ ^(\$\{?)([A-Z]*)$ ]] && echo "${BASH_REMATCH[@]}"; HOME='^a$'; [[ $HOME =~ ~ ]]; echo $?`, want: "1\n1\n0\nbr\n1\nq\n$PA $ PA\n0\n"},
	{name: "dbracket-eq-octal", script: `o=017; [[ 15 -eq $o ]] && echo t; [[ -0123 -eq -83 ]] && echo neg; [[ 15 -eq ZZZ$o ]] || echo f`, want: "t\nneg\nf\n"},
	{name: "brace-tilde-and-empty", script: `HOME=/home/bob; echo {foo~,~}/bar ~{/src,x}; a=(~{/a,/b}); echo "${a[@]}"; printf '[%s]' {X,,Y,} {"",} ""{,}; echo`, want: "foo~/bar /home/bob/bar /home/bob/src ~x\n/home/bob/a /home/bob/b\n[X][Y][][][]\n"},
}

func init() { langCases = append(langCases, langMiscCases...) }

#!/bin/bash
# ci-steps: run the steps of a small pipeline description (name:dir:command
# lines from a here-doc), the way CI wrapper scripts do: each step in its
# directory, output prefixed, failures caught by an ERR trap, a summary
# table at the end, and -k to keep going after a failure.
set -Eeuo pipefail

keep_going=false
only=
while getopts ':ko:' flag; do
	case $flag in
	k) keep_going=true ;;
	o) only=$OPTARG ;;
	?) echo "ci-steps: bad flag -$OPTARG" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

declare -a names=() results=()
failed=0
current=

on_err() {
	local status=$?
	echo "  !! line $1: status $status (last step: $current)" >&2
}
trap 'on_err $LINENO' ERR

root=$(mktemp -d)
trap 'rm -rf "$root"; echo "ci-steps: removed workspace"' EXIT
mkdir -p "$root/src" "$root/build"
printf 'b\na\nc\n' >"$root/src/input.txt"

step_body() {
	local dir=$1 cmd=$2 st=0
	pushd "$root/$dir" >/dev/null
	eval "$cmd" >"$root/step.log" 2>&1 || st=$?
	sed "s/^/  | /" "$root/step.log"
	popd >/dev/null
	return "$st"
}

run_step() {
	local name=$1 dir=$2 cmd=$3 status=0
	current=$name
	printf -v header '== %-8s (%s)' "$name" "$dir"
	echo "$header"
	step_body "$dir" "$cmd" || status=$?
	names+=("$name")
	if ((status == 0)); then
		results+=(ok)
	else
		results+=("FAIL($status)")
		((failed += 1))
		if ! $keep_going; then
			return 1
		fi
	fi
}

while IFS=: read -r name dir cmd; do
	[[ -z $name || $name == \#* ]] && continue
	if [[ -n $only && $name != $only ]]; then
		continue
	fi
	run_step "$name" "$dir" "$cmd" || break
done <<'STEPS'
# name:dir:command
lint:src:grep -c . input.txt
sort:src:sort input.txt > ../build/sorted.txt && cat ../build/sorted.txt
count:build:wc -l < sorted.txt | tr -d ' '
broken:build:cat missing.txt
report:build:echo "lines: $(wc -l < sorted.txt)"; ls
STEPS

echo "summary:"
for i in "${!names[@]}"; do
	printf '  %-8s %s\n' "${names[i]}" "${results[i]}"
done
((failed == 0)) || echo "$failed step(s) failed"
((failed == 0))
echo "all steps passed"

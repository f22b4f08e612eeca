#!/bin/bash
# semver: bump, compare and validate semantic versions, the kind of helper
# release scripts carry. Subcommands: bump {major|minor|patch} V,
# compare A B, sort V..., check V...
set -eu

readonly SEMVER_RE='^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-([0-9A-Za-z.-]+))?$'

parse() {
	local v=$1
	if [[ ! $v =~ $SEMVER_RE ]]; then
		echo "semver: invalid version: $v" >&2
		return 1
	fi
	major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]}
	pre=${BASH_REMATCH[5]}
}

bump() {
	local part=$1 major minor patch pre
	parse "$2" || return
	case $part in
	major) ((major += 1)); minor=0 patch=0 ;;
	minor) let minor++ patch=0 ;;
	patch) [[ -n $pre ]] || ((++patch)) ;;
	*) echo "semver: bump: unknown part '$part'" >&2; return 2 ;;
	esac
	echo "$major.$minor.$patch"
}

# compare prints -1, 0 or 1.
compare() {
	local major minor patch pre a b i
	parse "$1" || return
	a=("$major" "$minor" "$patch" "$pre")
	parse "$2" || return
	b=("$major" "$minor" "$patch" "$pre")
	for i in 0 1 2; do
		if ((a[i] != b[i])); then
			((a[i] < b[i])) && echo -1 || echo 1
			return 0
		fi
	done
	if [[ ${a[3]} == "${b[3]}" ]]; then echo 0
	elif [[ -z ${a[3]} ]]; then echo 1
	elif [[ -z ${b[3]} ]]; then echo -1
	elif [[ ${a[3]} < ${b[3]} ]]; then echo -1
	else echo 1
	fi
}

sort_versions() {
	local -a list=("$@")
	local i j n=${#list[@]} t
	for ((i = 1; i < n; i++)); do
		for ((j = i; j > 0; j--)); do
			[[ $(compare "${list[j - 1]}" "${list[j]}") == 1 ]] || break
			t=${list[j]} list[j]=${list[j - 1]}
			list[j - 1]=$t
		done
	done
	printf '%s\n' "${list[@]}"
}

check() {
	local v bad=0 major minor patch pre
	for v; do
		if parse "$v" 2>/dev/null; then
			printf '%-14s ok (%s)\n' "$v" "${pre:-release}"
		else
			printf '%-14s INVALID\n' "$v"
			bad=$((bad + 1))
		fi
	done
	return $((bad > 0))
}

main() {
	(($# > 0)) || { echo "usage: semver bump|compare|sort|check ..." >&2; return 2; }
	local cmd=$1
	shift
	case $cmd in
	bump | compare | check) "$cmd" "$@" ;;
	sort) sort_versions "$@" ;;
	*) echo "semver: unknown command: $cmd" >&2; return 2 ;;
	esac
}

for args in "bump major 1.4.2" "bump minor v2.0.9" "bump patch 1.2.3-rc.1" "bump patch 0.0.9" \
	"compare 1.2.3 1.2.10" "compare 2.0.0 2.0.0-rc.1" "compare 1.0.0-alpha 1.0.0-beta" \
	"sort 1.10.0 1.2.0 1.2.0-rc.2 0.9.9 1.2.0-rc.10 2.0.0" "check 1.0.0 01.0.0 2.1.0-beta.3 x.y.z" \
	"bump huge 1.0.0" "frobnicate"; do
	set -f
	# shellcheck disable=SC2086
	set -- $args
	set +f
	echo "\$ semver $*"
	status=0
	main "$@" || status=$?
	echo "[status $status]"
done

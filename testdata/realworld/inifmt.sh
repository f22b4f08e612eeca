#!/bin/bash
# inifmt: read an INI file, normalise it (sections sorted, keys trimmed and
# lowercased, duplicate keys last-wins) and print it, or print one key with
# -g section.key. Errors name the line, as config loaders do.
shopt -s extglob

usage() { echo "usage: ${0##*/} [-g section.key] file" >&2; exit 2; }

get=
while getopts g: o; do
	case $o in
	g) get=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
(($# == 1)) || usage
file=$1
[[ -r $file ]] || { echo "inifmt: $file: cannot read" >&2; exit 1; }

declare -A conf=()
declare -a order=()
section=global
lineno=0
errors=0
while IFS= read -r raw || [[ $raw ]]; do
	((lineno++)) || true
	line=${raw%%[#;]*}
	line=${line#"${line%%[![:space:]]*}"}
	line=${line%"${line##*[![:space:]]}"}
	[[ -z $line ]] && continue
	case $line in
	\[*\])
		section=${line:1:${#line}-2}
		section=${section//[[:space:]]/}
		section=${section,,}
		;;
	*=*)
		key=${line%%=*}
		val=${line#*=}
		key=${key%"${key##*[![:space:]]}"}
		val=${val#"${val%%[![:space:]]*}"}
		key=${key,,}
		if [[ $key != +([a-z0-9_.-]) ]]; then
			echo "inifmt: $file:$lineno: bad key '$key'" >&2
			((errors += 1))
			continue
		fi
		full=$section.$key
		[[ -v conf[$full] ]] || order+=("$full")
		conf[$full]=$val
		;;
	*)
		echo "inifmt: $file:$lineno: cannot parse: $line" >&2
		((errors += 1))
		;;
	esac
done <"$file"

if [[ -n $get ]]; then
	get=${get,,}
	if [[ -v conf[$get] ]]; then
		printf '%s\n' "${conf[$get]}"
		exit 0
	fi
	echo "inifmt: $get: no such key" >&2
	exit 1
fi

mapfile -t sections < <(printf '%s\n' "${order[@]%.*}" | sort -u)
for s in "${sections[@]}"; do
	printf '[%s]\n' "$s"
	for k in "${order[@]}"; do
		[[ ${k%.*} == "$s" ]] || continue
		printf '%s = %s\n' "${k##*.}" "${conf[$k]}"
	done
	echo
done | sed '$d'
exit $((errors > 0 ? 3 : 0))

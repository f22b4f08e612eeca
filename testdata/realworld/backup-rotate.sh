#!/bin/bash
# backup-rotate: make dated "backups" of a directory tree and keep the
# newest N, in the style of cron backup scripts.
set -euo pipefail

prog=${0##*/}
keep=3
verbose=0
dest=

usage() {
	cat <<USAGE
usage: $prog [-v] [-n keep] -d dest src...
  -n keep   number of backups to keep (default $keep)
  -d dest   directory that receives the archives
USAGE
}

log() {
	if ((verbose)); then
		printf '%s: %s\n' "$prog" "$*" >&2
	fi
	return 0
}

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

while getopts ':vn:d:h' opt; do
	case $opt in
	v) verbose=1 ;;
	n) keep=$OPTARG ;;
	d) dest=$OPTARG ;;
	h) usage; exit 0 ;;
	:) die "option -$OPTARG needs an argument" ;;
	\?) die "unknown option -$OPTARG" ;;
	esac
done
shift $((OPTIND - 1))

[[ $keep =~ ^[0-9]+$ ]] || die "keep must be a number, not '$keep'"
[ -n "$dest" ] || { usage >&2; exit 2; }
[ $# -gt 0 ] || die "nothing to back up"

work=$(mktemp -d)
cleanup() {
	rm -rf "$work"
	echo "cleanup done"
}
trap cleanup EXIT

mkdir -p "$dest"
for i in 1 2 3 4 5; do
	stamp=$(printf '2024-01-%02d' "$i")
	name="backup-$stamp.list"
	: >"$work/$name"
	for src in "$@"; do
		find "$src" -type f | LC_ALL=C sort >>"$work/$name"
	done
	cp "$work/$name" "$dest/"
	log "wrote $name ($(wc -l <"$work/$name" | tr -d ' ') files)"
done

mapfile -t all < <(ls "$dest" | LC_ALL=C sort -r)
echo "have ${#all[@]} backups"
removed=()
for ((i = keep; i < ${#all[@]}; i++)); do
	rm -f "$dest/${all[i]}"
	removed+=("${all[i]}")
done
if ((${#removed[@]} > 0)); then
	printf 'removed %s\n' "${removed[@]}"
fi
printf 'kept: '
ls "$dest" | LC_ALL=C sort | paste -sd, -
echo "first backup lists:"
sed 's/^/  /' "$dest/$(ls "$dest" | head -n 1)"

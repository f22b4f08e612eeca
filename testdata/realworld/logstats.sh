#!/bin/bash
# logstats: summarise a web server access log read from stdin: requests
# per status class, top paths, bytes per client, and malformed lines.
set -o pipefail

declare -A by_class=() bytes_by_ip=() hits=()
declare -i total=0 bad=0 sum=0
line_re='^([0-9.]+) - - \[([^]]+)\] "([A-Z]+) ([^ ]*) HTTP/[0-9.]+" ([0-9]{3}) ([0-9]+|-)$'

while IFS= read -r line || [[ -n $line ]]; do
	[[ -z $line || $line == \#* ]] && continue
	if [[ ! $line =~ $line_re ]]; then
		bad+=1
		printf 'malformed line %d: %.20s...\n' "$((total + bad))" "$line" >&2
		continue
	fi
	total+=1
	ip=${BASH_REMATCH[1]} method=${BASH_REMATCH[3]} path=${BASH_REMATCH[4]}
	status=${BASH_REMATCH[5]} size=${BASH_REMATCH[6]}
	[[ $size == - ]] && size=0
	case $status in
	2??) class=success ;;
	3??) class=redirect ;;
	4??) class=client-error ;;
	5??) class=server-error ;;
	*) class=other ;;
	esac
	by_class[$class]=$((${by_class[$class]:-0} + 1))
	bytes_by_ip[$ip]=$((${bytes_by_ip[$ip]:-0} + size))
	path=${path%%\?*}
	key="$method ${path,,}"
	hits[$key]=$((${hits[$key]:-0} + 1))
	sum+=size
done

echo "requests: $total (malformed: $bad)"
for class in success redirect client-error server-error other; do
	n=${by_class[$class]:-0}
	((n == 0)) && continue
	printf '  %-13s %3d %5.1f%%\n' "$class" "$n" "$(awk -v n="$n" -v t="$total" 'BEGIN { printf "%.1f", 100 * n / t }')"
done

echo "top paths:"
for k in "${!hits[@]}"; do
	printf '%d\t%s\n' "${hits[$k]}" "$k"
done | sort -k1,1nr -k2 | head -n 3 | while IFS=$'\t' read -r n what; do
	printf '  %3d  %s\n' "$n" "$what"
done

echo "bytes by client:"
mapfile -t ips < <(printf '%s\n' "${!bytes_by_ip[@]}" | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n)
for ip in "${ips[@]}"; do
	b=${bytes_by_ip[$ip]}
	if ((b >= 1024)); then
		printf '  %-15s %6s KiB\n' "$ip" "$((b / 1024))"
	else
		printf '  %-15s %6s B\n' "$ip" "$b"
	fi
done
printf 'average size: %d bytes\n' "$((total ? sum / total : 0))"
((bad == 0))

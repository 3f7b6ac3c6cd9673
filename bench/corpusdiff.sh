#!/usr/bin/env bash
# bench/corpusdiff.sh OLD NEW [WHAT...]
#
# Runs two wirelens builds over every capture of the shared corpus (../shared/captures, or $CORPUS) and
# compares their outputs by md5, so that a change meant to make wirelens faster or smaller is shown not to
# change what it says. WHAT is any of (default: all of them):
#   diagnose       diagnose in table, CSV and JSON
#   list           list with the default columns, and as JSON with TCP, HTTP and diagnostic fields
#   conversations  conversations as CSV
#   http           http as JSON
# Exit status and error messages are compared too. Prints each capture that differs, then
# "WHAT: files N diffs D" for each WHAT; exits 1 if anything differs.
set -u
[ $# -ge 2 ] || { echo "usage: bench/corpusdiff.sh OLD NEW [diagnose|list|conversations|http]..." >&2; exit 2; }
old=$1 new=$2
shift 2
whats=("$@")
[ ${#whats[@]} -gt 0 ] || whats=(diagnose list conversations http)
corpus=${CORPUS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/captures}
[ -d "$corpus" ] || { echo "bench/corpusdiff.sh: no corpus at $corpus (set CORPUS)" >&2; exit 2; }
fields=frame.number,tcp.stream,tcp.seq,tcp.ack,tcp.analysis.flags,http.request_in,http.response_in,http.time,diag.message
out() { "$@" 2>&1; echo "rc=$?"; }
status=0
for what in "${whats[@]}"; do
  case $what in
    diagnose) variants=("diagnose --format table" "diagnose --format csv" "diagnose --format json") ;;
    list) variants=("list" "list --format json --fields $fields") ;;
    conversations) variants=("conversations --format csv") ;;
    http) variants=("http --format json") ;;
    *) echo "bench/corpusdiff.sh: unknown $what" >&2; exit 2 ;;
  esac
  n=0 d=0
  while IFS= read -r f; do
    n=$((n + 1))
    for v in "${variants[@]}"; do
      # shellcheck disable=SC2086 # the variant is a command line
      if [ "$(out "$old" $v "$f" | md5sum)" != "$(out "$new" $v "$f" | md5sum)" ]; then
        d=$((d + 1))
        echo "DIFF $v $f"
      fi
    done
  done < <(find "$corpus" -type f ! -name '*.md' | sort)
  echo "$what: files $n diffs $d"
  [ "$d" -eq 0 ] || status=1
done
exit $status

#!/usr/bin/env bash
# A terminal screenshot of a real command for docs/: runs the command, and renders the prompt line
# and everything it printed (stdout and stderr, in order) as a dark terminal window, with
# ImageMagick and DejaVu Sans Mono (both installed by `cargo xtask setup`).
#
#   scripts/terminal-shot.sh OUT.png 'SHOWN COMMAND' COMMAND [ARGS…]
#
# SHOWN COMMAND is what the prompt line shows (e.g. `tenantatlas findings list --tenant …`); the
# command that runs may differ (a full path, a --workspace). Long lines are kept, not wrapped.
set -euo pipefail
out=$1
shown=$2
shift 2
convert=/usr/bin/convert   # the real ImageMagick; `convert` on PATH may be a stand-in
font=$(fc-match -f '%{file}' 'DejaVu Sans Mono')
text=$(mktemp)
trap 'rm -f "$text"' EXIT
"$@" >"$text" 2>&1 || true
# Paths of this machine (its temporary folders, this checkout) say nothing to a reader.
root=$(cd "$(dirname "$0")/.." && pwd)
sed -i -E -e 's#/tmp/[^ /]+/#~/#g' -e "s#$root/#~/tenantatlas/#g" "$text"
# The text is drawn with -annotate on a canvas sized to it (label: refuses long texts under
# Debian's ImageMagick policy, and @file is forbidden); % and \ are escapes there, so doubled.
escape() { sed -e 's/\\/\\\\/g' -e 's/%/%%/g'; }
lines=$(( $(wc -l <"$text") + 1 ))
columns=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$text")
if (( ${#shown} + 2 > columns )); then columns=$(( ${#shown} + 2 )); fi
width=$(( columns * 9 + 40 ))
height=$(( (lines + 2) * 18 + 24 ))
"$convert" -size "${width}x${height}" xc:'#1e1e1e' -font "$font" -pointsize 15 \
  -fill '#7fb6f0' -annotate +20+30 "$(printf '$ %s' "$shown" | escape)" \
  -fill '#d4d4d4' -annotate +20+48 "$(escape <"$text")" "$out"
echo "wrote $out"

#!/bin/sh
# Speak prompts.txt into 8 kHz mono WAV files for Asterisk, when building its image:
#   apt-get install -y espeak-ng sox && ./build-prompts.sh /var/lib/asterisk/sounds/en/sn
set -eu
out="${1:-sounds/en/sn}"
voice="${SN_PROMPT_VOICE:-en-gb}"
mkdir -p "$out"
grep -v '^#' "$(dirname "$0")/prompts.txt" | grep '|' | while IFS='|' read -r name text; do
  name=$(echo "$name" | tr -d ' ')
  tmp="$out/.$name.raw.wav"
  espeak-ng -v "$voice" -s 150 -w "$tmp" "$text"
  sox "$tmp" -r 8000 -c 1 -b 16 "$out/$name.wav"
  rm -f "$tmp"
done
echo "prompts written to $out"

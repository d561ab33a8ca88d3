#!/usr/bin/env bash
# Doc-tests: every fenced ```sh block of docs/getting-started.md and docs/labs/*.md runs, so the docs
# never rot (```text blocks are illustrations and are not run). Each page runs in its own temp dir
# that looks like the repository root (symlinks to its top-level entries, build/ -> the binary under
# test), with its blocks in order in one bash (set -e: the first failing command fails the page).
# On PATH first: tgpu -> $TGPU and python3 -> $PYTHON. `make lab ...` goes to the real tree (make -C)
# with a relative SOL= made absolute, so it works as the pages show it; any other make (the build
# step of getting-started) only checks that the binary under test exists, because make test has just
# built it and a nested build would race the running suite.
set -u
shopt -s nullglob
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}" "${BUILD:=build}"
root=$(cd "$TG_ROOT" && pwd); tgpu_abs=$(cd "$(dirname "$TGPU")" && pwd)/$(basename "$TGPU")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$tgpu_abs" "$tmp/bin/tgpu"
# a wrapper, not a symlink: a venv's python finds its packages from the path it was started by
printf '#!/bin/sh\nexec "%s" "$@"\n' "$(command -v "$PYTHON")" > "$tmp/bin/python3"; chmod +x "$tmp/bin/python3"
fails=0; pages=0; blocks=0; skipped=0
for page in "$root"/docs/getting-started.md "$root"/docs/labs/*.md; do
  name=${page#"$root"/}; work="$tmp/page$pages"; pages=$((pages + 1))
  mkdir -p "$work"
  for e in "$root"/*; do [ "$(basename "$e")" = build ] || ln -s "$e" "$work/$(basename "$e")"; done
  ln -s "$(dirname "$tgpu_abs")" "$work/build"
  # the page's sh blocks, each preceded by an echo of where it starts (page:line)
  n=$(awk -v f="$name" '
    /^```sh[ \t]*$/ { inb = 1; start = NR; nb++; printf "echo \"--- %s:%d\"\n", f, start > "/dev/stderr"; next }
    /^```/ && inb   { inb = 0; next }
    inb             { print > "/dev/stderr" }
    END             { print nb + 0 }' "$page" 2>"$work/.doc.sh")
  blocks=$((blocks + n))
  if [ "$n" -eq 0 ]; then # an index page may have no commands; a lab or getting-started must
    case "$name" in */README.md) echo "ok    $name (no commands)"; continue;; esac
    echo "FAIL  $name has no \`\`\`sh block"; fails=$((fails + 1)); continue
  fi
  # CUDA C pages need nvcc (tgpu run x.cu runs nvcc -ptx): without it the page is reported as skipped
  if grep -q '\.cu\b' "$work/.doc.sh" && ! command -v nvcc > /dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then
    echo "SKIP  $name: its commands compile CUDA C and nvcc is not installed"; skipped=$((skipped + 1)); continue
  fi
  cat > "$work/.prelude.sh" <<PRE
set -eo pipefail
export PATH="$tmp/bin:\$PATH"
make() { case " \$* " in *" lab "*) ;; *) test -x build/tgpu; return;; esac
         local a=() x; for x in "\$@"; do case "\$x" in SOL=/*) a+=("\$x");; SOL=*) a+=("SOL=\$PWD/\${x#SOL=}");; *) a+=("\$x");; esac; done
         command make --no-print-directory -C "$root" BUILD="$BUILD" "\${a[@]}"; }
PRE
  if (cd "$work" && bash -c 'source .prelude.sh; source .doc.sh' > "$work/.log" 2>&1); then
    echo "ok    $name ($n blocks)"
  else
    echo "FAIL  $name: a command failed; output:"; tail -n 25 "$work/.log" | sed 's/^/      | /'
    fails=$((fails + 1))
  fi
done
echo "doc_commands: $pages pages, $blocks sh blocks, $skipped page(s) skipped, $fails failing page(s)"
[ $fails -eq 0 ]

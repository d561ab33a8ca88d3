#!/usr/bin/env bash
# Doc-tests: the commands that README.md, docs/*.md and docs/labs/*.md show to users run here, so the
# docs never rot. A fenced block's info string says what it is:
#   ```sh                 commands: run, in page order, in one bash per page (set -e -o pipefail)
#   ```sh needs CMD       run where CMD (a command, or an executable path such as build/rtl/tgrtl)
#                         exists, else skipped with that reason; e.g. ```sh needs nvcc
#   ```sh slow: REASON    run with a plain build, skipped with a sanitizer build (make test SAN=1 runs
#                         this test again, where e.g. the 10 M-parameter model decodes ~40x slower)
#   ```sh skip: REASON    shown to readers, never run: it needs an NVIDIA GPU, llama.cpp, a training
#                         run, minutes of CPU, root, or it rewrites files of the tree. REASON is printed.
#   ```text               output, diagrams, syntax (a usage line starts with "usage:"): never run
#   ```c, ```tgasm, ...   code listings: never run
# A page fails when one of its commands fails, and also (so that no command hides from the test)
# when a fence has no info string, when a text block has a line that reads like a command (starts
# with "$ ", tgpu, build/, make, python3, bash, sudo, apt-get, git, pip, cmake, nvcc or VAR=value),
# when a block is labelled bash, shell or console (say sh), or when it has an indented code block.
# The summary counts the blocks run and skipped, and each skipped block is listed with its reason.
#
# Each page runs in its own temp dir that looks like the repository root: symlinks to the top-level
# entries, build/ -> the binary's folder, docs/ a real folder of symlinks whose img/ is an empty temp
# folder (so commands that draw the docs' images write there, not into the tree). On PATH first:
# tgpu -> $TGPU and python3 -> $PYTHON. `make lab ...` goes to the real tree (make -C) with a relative
# SOL= made absolute; a plain `make` or `make -jN` (the build step) only checks that the binary under
# test exists, because make test has just built it and a nested build would race the running suite;
# any other make target must be in a skip block.
set -u
shopt -s nullglob
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}" "${BUILD:=build}"
root=$(cd "$TG_ROOT" && pwd); tgpu_abs=$(cd "$(dirname "$TGPU")" && pwd)/$(basename "$TGPU")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$tgpu_abs" "$tmp/bin/tgpu"
# a wrapper, not a symlink: a venv's python finds its packages from the path it was started by
printf '#!/bin/sh\nexec "%s" "$@"\n' "$(command -v "$PYTHON")" > "$tmp/bin/python3"; chmod +x "$tmp/bin/python3"
# nvcc: tgpu finds it on PATH or in /usr/local/cuda/bin, and so does `needs nvcc`
[ -x /usr/local/cuda/bin/nvcc ] && ! command -v nvcc > /dev/null && ln -s /usr/local/cuda/bin/nvcc "$tmp/bin/nvcc"

# a sanitizer build (make test SAN=1) runs ```sh slow blocks as skipped
sanitized=0; grep -q __asan_init "$tgpu_abs" && sanitized=1

# split PAGE DIR: writes DIR/blocks (one line per fenced sh block: LINE<TAB>KIND<TAB>ARG, KIND run,
# needs, slow or skip), DIR/b.LINE (each sh block's commands) and DIR/lint (LINE<TAB>problem).
split() {
  awk -v dir="$2" '
    function lint(msg) { printf "%d\t%s\n", NR, msg > (dir "/lint") }
    /^[ \t]*```/ {
      if (!inb) {
        info = $0; sub(/^[ \t]*```[ \t]*/, "", info); sub(/[ \t]+$/, "", info)
        inb = 1; start = NR; lang = info; sub(/[ \t].*/, "", lang); body = dir "/b." NR
        if (lang == "") lint("a fence without an info string: say sh (run), sh skip: why, or text")
        else if (lang ~ /^(bash|shell|console|shell-session|zsh)$/) lint("a " lang " block: label commands sh, so that they run")
        else if (lang == "sh") {
          rest = substr(info, 3); sub(/^[ \t]+/, "", rest)
          if (rest == "") kind = "run\t"
          else if (rest ~ /^needs [^ \t]+$/) { kind = "needs\t" substr(rest, 7) }
          else if (rest ~ /^skip: ./) kind = "skip\t" substr(rest, 7)
          else if (rest ~ /^slow: ./) kind = "slow\t" substr(rest, 7)
          else { lint("unknown sh block marker \"" rest "\" (sh, sh needs CMD, sh slow: REASON, sh skip: REASON)"); kind = "" }
          if (kind != "") printf "%d\t%s\n", NR, kind > (dir "/blocks")
          printf "" > body
        }
        next
      }
      inb = 0; close(body); next
    }
    inb && lang == "sh" { print > body; next }
    inb && (lang == "text" || lang == "") {
      if ($0 ~ /^[ \t]*(\$ |tgpu |build\/|make( |$)|python3 |bash |sudo |apt-get |git |pip3? |cmake |nvcc |[A-Z_][A-Z0-9_]*=[^ ]* )/)
        lint("a command in a " (lang == "" ? "plain" : "text") " block: make it ```sh (or ```sh skip: why)")
      next
    }
    inb { next }
    # an indented code block: 4+ spaces after a blank line that follows a paragraph, not a list
    /^    +[^ ]/ && prevblank && lastnb !~ /^([-*+] |[0-9]+\. |  |\|)/ {
      lint("an indented code block: fence it as ```sh or ```text")
    }
    { prevblank = ($0 ~ /^[ \t]*$/); if (!prevblank && $0 !~ /^    /) lastnb = $0 }
    END { if (inb) { NR = start; lint("a fence that is never closed") } }' "$1"
}

# check_page PAGE: prints one line (ok or FAIL, with details); returns 1 when the page fails. Adds
# to nrun and nskip and appends each skipped block's "page:line: reason" to the array skipped.
check_page() {
  local page="$1" name=${1#"$root"/} work="$tmp/page$((seq++))" run=0 skip=0 line kind arg e img b t0
  local meta="$work/.doc"; pages=$((pages + 1))
  mkdir -p "$meta" "$work/docs/img"
  for e in "$root"/*; do
    case "$(basename "$e")" in build|docs) ;; *) ln -s "$e" "$work/$(basename "$e")";; esac
  done
  for e in "$root"/docs/*; do [ "$(basename "$e")" = img ] || ln -s "$e" "$work/docs/$(basename "$e")"; done
  ln -s "$(dirname "$tgpu_abs")" "$work/build"
  touch "$meta/blocks"
  split "$page" "$meta"
  if [ -s "$meta/lint" ]; then
    echo "FAIL  $name: blocks the doc-test cannot classify:"
    awk -F'\t' -v n="$name" '{ print "      | " n ":" $1 ": " $2 }' "$meta/lint"; return 1
  fi
  # the page's script: its runnable blocks in order, each preceded by an echo of where it starts
  : > "$meta/doc.sh"
  while IFS=$'\t' read -r line kind arg; do
    if [ "$kind" = needs ] && ! (cd "$work" && PATH="$tmp/bin:$PATH" command -v "$arg" > /dev/null); then
      kind=skip; arg="needs $arg, which is not here"
    fi
    if [ "$kind" = slow ]; then
      if [ $sanitized = 1 ]; then kind=skip; arg="$arg (a sanitizer build; the plain build runs it)"; else kind=run; fi
    fi
    if [ "$kind" = skip ]; then
      skip=$((skip + 1)); skipped+=("$name:$line: $arg"); continue
    fi
    run=$((run + 1)); printf 'echo "--- %s:%s"\n' "$name" "$line" >> "$meta/doc.sh"; cat "$meta/b.$line" >> "$meta/doc.sh"
  done < "$meta/blocks"
  nrun=$((nrun + run)); nskip=$((nskip + skip))
  if [ $run -eq 0 ]; then echo "ok    $name (nothing to run, $skip skipped)"; return 0; fi
  cat > "$meta/prelude.sh" <<PRE
set -eo pipefail
export PATH="$tmp/bin:\$PATH"
make() { case " \$* " in
           *" lab "*) ;;
           "  "|" -j"[0-9]" "|" -j "[0-9]" ") test -x build/tgpu; return;;
           *) echo "doc-test: make \$*: a make target other than the build and lab belongs in a skip block" >&2; return 1;;
         esac
         local a=() x; for x in "\$@"; do case "\$x" in SOL=/*) a+=("\$x");; SOL=*) a+=("SOL=\$PWD/\${x#SOL=}");; *) a+=("\$x");; esac; done
         command make --no-print-directory -C "$root" BUILD="$BUILD" "\${a[@]}"; }
PRE
  t0=$SECONDS
  if ! (cd "$work" && bash -c 'source .doc/prelude.sh; source .doc/doc.sh' > "$meta/log" 2>&1); then
    echo "FAIL  $name: a command failed; output:"; tail -n 25 "$meta/log" | sed 's/^/      | /'
    return 1
  fi
  echo "ok    $name ($run run, $skip skipped, $((SECONDS - t0)) s)"
  # images the page's commands drew: the same bytes as the committed ones? (a note, not a failure:
  # a PNG encoder or gnuplot of another version may write other bytes for the same picture)
  for img in "$work"/docs/img/*; do
    b=$(basename "$img")
    if cmp -s "$img" "$root/docs/img/$b"; then echo "      docs/img/$b: redrawn, identical to the committed file"
    else echo "      docs/img/$b: redrawn, differs from the committed file (encoder version, or a stale image)"; fi
  done
}

seq=0; pages=0; nrun=0; nskip=0; skipped=()
# Self-check first: pages that must fail (a failing command, each way to hide a command), and one
# that must pass with 1 block run and 2 skipped, so that this test can fail.
mkdir -p "$tmp/self"
q='```'
printf '%s\n' "${q}sh" "true" "false" "$q" > "$tmp/self/fails.md"
printf '%s\n' "$q" "ls" "$q" > "$tmp/self/unlabelled.md"
printf '%s\n' "${q}text" "tgpu run x.tgasm" "$q" > "$tmp/self/text_command.md"
printf '%s\n' "Run:" "" "    tgpu run x.tgasm" > "$tmp/self/indented.md"
printf '%s\n' "${q}sh skip" "true" "$q" > "$tmp/self/bad_marker.md"
printf '%s\n' "${q}bash" "true" "$q" > "$tmp/self/bash_label.md"
printf '%s\n' "${q}sh" "tgpu --help > /dev/null" "$q" "${q}sh skip: a reason" "false" "$q" \
  "${q}sh needs no-such-command-here" "false" "$q" "${q}text" "usage: tgpu run KERNEL" "$q" > "$tmp/self/good.md"
for t in fails unlabelled text_command indented bad_marker bash_label; do
  if check_page "$tmp/self/$t.md" > "$tmp/self/$t.log" 2>&1; then
    echo "FAIL  self-check: a page with $t passed"; cat "$tmp/self/$t.log"; exit 1
  fi
done
pages=0; nrun=0; nskip=0; skipped=()
if ! check_page "$tmp/self/good.md" > "$tmp/self/good.log" 2>&1 || [ "$nrun $nskip" != "1 2" ]; then
  echo "FAIL  self-check: a good page failed or was miscounted ($nrun run, $nskip skipped)"; cat "$tmp/self/good.log"; exit 1
fi
echo "ok    self-check: a failing command, an unlabelled fence, a command in a text block, an indented code block, a bad marker and a bash label each fail a page"

fails=0; pages=0; nrun=0; nskip=0; skipped=()
for page in "$root"/README.md "$root"/docs/*.md "$root"/docs/labs/*.md; do
  check_page "$page" || fails=$((fails + 1))
done
for s in "${skipped[@]}"; do echo "skip  $s"; done
echo "doc_commands: $pages pages, $nrun sh blocks run, $nskip skipped (listed above), $fails failing page(s)"
[ $fails -eq 0 ]

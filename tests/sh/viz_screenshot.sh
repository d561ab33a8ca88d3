#!/usr/bin/env bash
# tgpu viz --screenshot renders headless and the picture says what the run did: the matmul_tiled
# kernel (two barriers per tile step) shows the barrier colour in its warp rows, vecadd (no barrier)
# shows none; legend swatches sit where the program says, in the documented colours; --at-cycle
# leaves the timeline empty after the cursor; the tensor heatmap puts C's extremes at the ends of
# its scale; the window loop runs under the dummy driver; bad options are refused.
set -euo pipefail
: "${TGPU:?}" "${PYTHON:=python3}" "${TG_ROOT:=.}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -c "
import numpy as np
r = np.random.default_rng(5)
r.standard_normal(1024).astype(np.float32).tofile('$tmp/a.f32'); r.standard_normal(1024).astype(np.float32).tofile('$tmp/b.f32')"
mm=(--grid 2,2 --block 16,16 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" --arg out:4096:"$tmp/c.f32"
    --arg u32:32 --arg u32:32 --arg u32:32 --config teach --size 640x400)
"$TGPU" viz "$TG_ROOT/kernels/matmul_tiled.tgasm" "${mm[@]}" --screenshot "$tmp/mm.png" > "$tmp/mm.txt"
"$TGPU" viz "$TG_ROOT/kernels/matmul_tiled.tgasm" "${mm[@]}" --screenshot "$tmp/mm_at.png" --at-cycle 2000 \
  --tensor "$tmp/c.f32:32x32" > "$tmp/mm_at.txt"
"$TGPU" viz "$TG_ROOT/kernels/vecadd.tgasm" --grid 4 --block 256 --arg in:"$tmp/a.f32" --arg in:"$tmp/b.f32" \
  --arg out:4096:"$tmp/v.f32" --arg u32:1024 --config teach --size 640x400 --screenshot "$tmp/va.png" > "$tmp/va.txt"
cat "$tmp/mm.txt"
# the recording saw every issue the run counted
n=$(sed -n 's/.* \([0-9]*\) warp-instructions, [0-9]* thread-instructions.*/\1/p' "$tmp/mm.txt")
grep -q "^viz: issued $n warp-instructions" "$tmp/mm.txt" || { echo "recorded issues differ from the run's $n"; exit 1; }

PYTHONPATH="$TG_ROOT/tests/viz" "$PYTHON" - "$tmp" <<'PY'
import sys, numpy as np, png_read
tmp = sys.argv[1]
# the documented colours (docs/visualizer.md)
COLORS = {"issued": 0x2ecc40, "scoreboard": 0xffdc00, "memory": 0x0074d9, "barrier": 0xff4136,
          "pipe busy": 0xff851b, "fetch": 0xb10dc9, "idle": 0x3a3f47}
def rgb(v): return np.array([(v >> 16) & 255, (v >> 8) & 255, v & 255], dtype=np.uint8)
def layout(name):
    lay = {"legend": {}}
    for line in open(f"{tmp}/{name}.txt"):
        f = line.split()
        if f[:2] == ["viz:", "timeline"]: lay["tl"] = tuple(map(int, f[2:6]))
        if f[:2] == ["viz:", "tensor"]: lay["ten"] = tuple(map(int, f[2:6]))
        if f[:2] == ["viz:", "legend"]:
            lay["legend"][" ".join(f[2:-4])] = tuple(map(int, f[-4:-1]))
        if f[:2] == ["viz:", "wrote"]: lay["cycle"], lay["end"] = int(f[-3]), int(f[-1])
    return lay
def share(img, box, color):
    x, y, w, h = box
    region = img[y:y + h, x:x + w]
    return float(np.mean(np.all(region == rgb(color), axis=2)))

mm, va, at = png_read.read(f"{tmp}/mm.png"), png_read.read(f"{tmp}/va.png"), png_read.read(f"{tmp}/mm_at.png")
assert mm.shape == (400, 640, 3), mm.shape
L = layout("mm")
assert set(L["legend"]) == set(COLORS), L["legend"]
for name, (x, y, s) in L["legend"].items():   # the swatch's centre carries its colour
    got = mm[y + s // 2, x + s // 2]
    assert np.array_equal(got, rgb(COLORS[name])), (name, got)
b_mm = share(mm, L["tl"], COLORS["barrier"])
b_va = share(va, layout("va")["tl"], COLORS["barrier"])
i_mm = share(mm, L["tl"], COLORS["issued"])
print(f"timeline pixels: matmul_tiled barrier {b_mm:.3f} issued {i_mm:.3f}; vecadd barrier {b_va:.3f}")
assert b_mm > 0.10, "matmul_tiled's warps wait at barriers: the barrier colour must show"
assert i_mm > 0.01, "issue cycles must show"
assert b_va == 0.0, "vecadd has no barrier"
# --at-cycle 2000: the cursor line is white, and the timeline right of it is the empty panel
A = layout("mm_at")
x, y, w, h = A["tl"]
cx = x + int(2000 * w / A["end"])
col = at[y:y + h, cx]
assert np.all(col == 255), "cursor line"
right = at[y:y + h, cx + 2:x + w]
states = np.zeros(right.shape[:2], dtype=bool)
for c in COLORS.values(): states |= np.all(right == rgb(c), axis=2)
assert not states.any(), "nothing drawn after the cursor"
assert share(at, (x, y, cx - x, h), COLORS["issued"]) > 0, "something drawn before it"
# the tensor panel: C's largest element in the top colour of the scale, its smallest in the bottom one
c = np.fromfile(f"{tmp}/c.f32", dtype=np.float32).reshape(32, 32)
tx, ty, tw, th = A["ten"]
def cell(i): r, k = divmod(int(i), 32); return at[ty + int((r + 0.5) * th / 32), tx + int((k + 0.5) * tw / 32)]
assert np.array_equal(cell(np.argmax(c)), rgb(0xfde725)), cell(np.argmax(c))
assert np.array_equal(cell(np.argmin(c)), rgb(0x0b1f5c)), cell(np.argmin(c))
PY

# bad input: one-line errors, exit 2
for bad in "--at-cycle x" "--size 10x10" "--mode func" "--core 7" "--tensor $tmp/c.f32:5x5" "--tensor nofile"; do
  if "$TGPU" viz "$TG_ROOT/kernels/matmul_tiled.tgasm" "${mm[@]}" $bad --screenshot "$tmp/bad.png" 2> "$tmp/err" > /dev/null; then
    echo "accepted $bad"; exit 1; fi
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || { cat "$tmp/err"; exit 1; }
  echo "refused $bad: $(cat "$tmp/err")"
done
# the window's loop under the dummy driver: plays back for a number of frames, then exits
SDL_VIDEODRIVER=dummy "$TGPU" viz "$TG_ROOT/kernels/matmul_tiled.tgasm" "${mm[@]}" --frames 30 | tee "$tmp/win.txt"
grep -q "^viz: 30 frames" "$tmp/win.txt"
echo "viz screenshots ok"

#!/usr/bin/env bash
# Plots the training curves recorded in tools/train_tiny/logs/*.json into docs/img/models_loss.png.
#   bash tools/train_tiny/plot_loss.sh        (needs python3 and gnuplot from Debian)
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for m in tiny small; do
  python3 -c "
import json, sys
for c in json.load(open('tools/train_tiny/logs/$m.json'))['curve']:
    print(c['step'], c['train_loss'], c['val_loss'])" > "$tmp/$m.dat"
done
mkdir -p docs/img
gnuplot <<GP
set terminal pngcairo size 800,450
set output 'docs/img/models_loss.png'
set title 'Bundled models: cross-entropy on the KJV (1024-token vocabulary)'
set xlabel 'step (64 x 256 tokens each)'
set ylabel 'loss (nats/token)'
set yrange [1.5:4.5]
set grid
plot '$tmp/tiny.dat' using 1:2 with lines lw 2 title 'tiny, train', \
     '$tmp/tiny.dat' using 1:3 with lines lw 2 dt 2 title 'tiny, held out', \
     '$tmp/small.dat' using 1:2 with lines lw 2 title 'small, train', \
     '$tmp/small.dat' using 1:3 with lines lw 2 dt 2 title 'small, held out'
GP
echo "wrote docs/img/models_loss.png"

#!/usr/bin/env bash
# Times `appservice-preflight check` (release build) on the shipped projects and on a generated large app.
# Usage: bash benches/run.sh [RUNS]   (uses hyperfine when installed, else a timing loop)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-50}"
cargo build --release --quiet
bin="$PWD/target/release/appservice-preflight"

# A large app: the broken Django project plus 2,000 modules in 40 Django apps (none imported at start-up).
big="$(mktemp -d)"
trap 'rm -rf "$big"' EXIT
cp -r fixtures/projects/django-broken/. "$big/"
for a in $(seq 1 40); do
  mkdir -p "$big/app$a"
  for m in $(seq 1 50); do
    printf 'from django.db import models\n\n\nclass Model%s(models.Model):\n    name = models.CharField(max_length=100)\n' "$m" > "$big/app$a/models_$m.py"
  done
done

targets=(fixtures/projects/django-azure-clean fixtures/projects/django-broken fixtures/projects/flask-app "$big")
if command -v hyperfine >/dev/null; then
  for t in "${targets[@]}"; do
    hyperfine --warmup 3 --runs "$runs" -N --ignore-failure "$bin check $t --format concise"
  done
else
  for t in "${targets[@]}"; do
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$bin" check "$t" --format concise >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    printf '%-45s mean %.2f ms over %d runs\n' "$(basename "$t")" "$(echo "($end - $start) / $runs / 1000000" | bc -l)" "$runs"
  done
fi

#!/usr/bin/env bash
# Times `appservice-preflight check` (release build) on the shipped projects and on generated large and wide
# trees, side by side with `ruff check --no-cache` when ruff is installed.
# Usage: bash benches/run.sh [RUNS]   (uses hyperfine when installed, else a timing loop; BENCH_WIDE=0 skips
# generating the 200,000-file tree)
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

# A wide repository: 200,000 Python files present, the app in `src/` (the app search reads them all).
wide="$(mktemp -d)"
trap 'rm -rf "$big" "$wide"' EXIT
mkdir -p "$wide/src/app"
echo flask > "$wide/requirements.txt"
printf 'from flask import Flask\napp = Flask(__name__)\n' > "$wide/src/app/main.py"
if [ "${BENCH_WIDE:-1}" = 1 ]; then
  python3 - "$wide" <<'PY'
import os, sys
for d in range(400):
    p = os.path.join(sys.argv[1], "pkgs", f"p{d}")
    os.makedirs(p, exist_ok=True)
    for f in range(500):
        with open(os.path.join(p, f"m{f}.py"), "w") as out:
            out.write(f"import os\nX = {f}\ndef f():\n    return os.environ.get('A')\n")
PY
fi

targets=(fixtures/projects/django-azure-clean fixtures/projects/django-broken fixtures/projects/flask-app "$big" "$wide")
# ruff is what users already run in pre-commit: timed side by side on the same trees when installed
# (`pip install ruff`); `--no-cache` so that both tools read every file.
# The real binary, not a wrapper (a pyenv shim adds ~40 ms to every run).
ruff_bin="$(python3 -c 'from ruff.__main__ import find_ruff_bin; print(find_ruff_bin())' 2>/dev/null ||
  command -v ruff || true)"
if command -v hyperfine >/dev/null; then
  for t in "${targets[@]}"; do
    cmds=("$bin check $t --format concise")
    [ -n "$ruff_bin" ] && cmds+=("$ruff_bin check --no-cache --quiet --exit-zero $t")
    hyperfine --warmup 2 --runs "$runs" -N --ignore-failure "${cmds[@]}"
  done
else
  for t in "${targets[@]}"; do
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$bin" check "$t" --format concise >/dev/null 2>&1 || true; done
    end=$(date +%s%N)
    printf '%-45s mean %.2f ms over %d runs\n' "$(basename "$t")" "$(echo "($end - $start) / $runs / 1000000" | bc -l)" "$runs"
  done
fi

#!/usr/bin/env bash
# Whole-run benchmark of `appservice-preflight check` (release build) on generated trees, side by side in one
# run with the tools users already run: `ruff check --no-cache`, `bandit -r` and `python manage.py check
# --deploy` (each where it is installed). Writes a Markdown table to target/bench/report.md.
#
# Usage: bash benches/run.sh [RUNS]
#   BENCH_TREES="small monorepo wide src"   the trees to time (benches/trees.py says what each holds)
#   Needs hyperfine (apt-get install hyperfine). Peak resident size comes from /usr/bin/time -v and the
#   system-call counts from strace -c, when they are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
trees="${BENCH_TREES:-small monorepo wide src}"
command -v hyperfine >/dev/null || { echo "benches/run.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/appservice-preflight"
out="$PWD/target/bench"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The real ruff binary, not a wrapper (a pyenv shim adds ~40 ms to every run).
ruff_bin="$(python3 -c 'from ruff.__main__ import find_ruff_bin; print(find_ruff_bin())' 2>/dev/null ||
  command -v ruff || true)"
bandit_bin="$(command -v bandit || true)"
django_ok="$(python3 -c 'import django, whitenoise, psycopg; print(1)' 2>/dev/null || true)"
# What Django's deployment check needs from the environment (the generated settings read them).
export SECRET_KEY="bench-$(python3 -c 'print("x7Kq" * 16)')" WEBSITE_HOSTNAME=bench.azurewebsites.net

rows=()
for tree in $trees; do
  dir="$work/$tree"
  python3 benches/trees.py "$tree" "$dir" >/dev/null
  cmds=(-n appservice-preflight "$bin check $dir --format concise")
  [ -n "$ruff_bin" ] && cmds+=(-n ruff "$ruff_bin check --no-cache --quiet --exit-zero $dir")
  [ -n "$bandit_bin" ] && [ "$tree" != src ] && [ "$tree" != wide ] &&
    cmds+=(-n bandit "$bandit_bin -q -r $dir")
  [ -n "$django_ok" ] && [ -f "$dir/manage.py" ] && [ "$tree" = small ] &&
    cmds+=(-n "manage.py check --deploy" "python3 $dir/manage.py check --deploy")
  # Fewer runs of the slow tools on the big trees: hyperfine's --runs applies to each command.
  tree_runs="$runs"
  case "$tree" in wide | src) tree_runs=$(( runs < 5 ? runs : 5 )) ;; esac
  hyperfine --warmup 2 --runs "$tree_runs" -N --ignore-failure --export-json "$out/$tree.json" "${cmds[@]}" >&2
  rss="n/a"
  if [ -x /usr/bin/time ]; then
    # /usr/bin/time prints after the command's own stderr; the last line is the figure.
    # (`|| true`: a tree with findings exits 1, which is not a failure of the benchmark.)
    rss="$( { /usr/bin/time -f '%M' "$bin" check "$dir" --format concise 2>&1 >/dev/null || true; } | tail -1)"
  fi
  calls="n/a"
  if command -v strace >/dev/null; then
    calls="$(strace -f -c -o "$out/$tree.strace" "$bin" check "$dir" --format concise >/dev/null 2>&1 || true
      awk '$NF=="openat"{o=$4} $NF=="statx"||$NF=="newfstatat"{s+=$4} END{printf "%d opens, %d stats", o, s}' "$out/$tree.strace")"
  fi
  files="$(find "$dir" -type f | wc -l)"
  rows+=("$tree|$files|$rss|$calls")
done

python3 - "$out" "${rows[@]}" <<'PY' | tee "$out/report.md"
import json, sys
out, rows = sys.argv[1], sys.argv[2:]
print("| tree | files | tool | mean | compared with appservice-preflight |")
print("|---|---|---|---|---|")
extra = []
for row in rows:
    tree, files, rss, calls = row.split("|")
    results = json.load(open(f"{out}/{tree}.json"))["results"]
    ours = next(r["mean"] for r in results if r["command"] == "appservice-preflight")
    for r in results:
        mean = r["mean"]
        shown = f"{mean * 1000:.1f} ms" if mean < 1 else f"{mean:.2f} s"
        if r["command"] == "appservice-preflight":
            ratio = "1"
        elif mean >= ours:
            ratio = f"{mean / ours:.1f}x slower"
        else:
            ratio = f"{ours / mean:.1f}x faster"
        print(f"| `{tree}` | {int(files):,} | {r['command']} | {shown} | {ratio} |")
    rss_mb = f"{int(rss) / 1024:.1f} MB" if rss.isdigit() else rss
    extra.append(f"| `{tree}` | {rss_mb} | {calls} |")
print()
print("appservice-preflight's peak resident size and system calls (one run):")
print()
print("| tree | peak resident | files opened, stat calls |")
print("|---|---|---|")
print("\n".join(extra))
PY
# On save: an editor pipes one unsaved settings module of the example app (`--stdin-filename`), with ruff
# checking the same buffer the same way.
app="$PWD/fixtures/projects/django-broken"
buffer="$app/config/settings/base.py"
# hyperfine 1.15 has no --input: the buffer is redirected by the shell, whose start hyperfine subtracts.
save_cmds=(-n "appservice-preflight (stdin)" "$bin check --app-root $app --stdin-filename $buffer --format concise --exit-zero - < $buffer")
[ -n "$ruff_bin" ] && save_cmds+=(-n "ruff (stdin)" "$ruff_bin check --no-cache --quiet --exit-zero --stdin-filename $buffer - < $buffer")
hyperfine --warmup 3 --runs "$((runs * 5))" --export-json "$out/on-save.json" "${save_cmds[@]}" >&2
python3 - "$out/on-save.json" <<'PY' | tee -a "$out/report.md"
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print()
print("on save (one settings module of fixtures/projects/django-broken from standard input):")
print()
print("| tool | mean | min |")
print("|---|---|---|")
for r in results:
    print(f"| {r['command']} | {r['mean'] * 1000:.1f} ms | {r['min'] * 1000:.1f} ms |")
PY

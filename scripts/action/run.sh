#!/usr/bin/env bash
# Runs appservice-preflight for the GitHub Action (action.yml). The action's inputs arrive as environment
# variables (INPUT_PATH, INPUT_ARGS, INPUT_FORMAT, INPUT_SARIF_FILE, INPUT_CATEGORY, INPUT_UPLOAD) and the
# binary as PREFLIGHT_BIN.
#
#   run.sh check   runs the check and writes `exit-code` and `sarif-file` to $GITHUB_OUTPUT. It exits 0 when
#                  the app is clean and when it has findings, so that the SARIF upload still runs; any other
#                  exit code of the tool (2: a usage error or the tool's failure) fails the step at once.
#   run.sh finish  the last step: exits with EXIT_CODE (the check's), after the upload.
#
# INPUT_ARGS is split into words the way a POSIX shell does (Python's shlex): quotes and backslashes group
# words, and nothing is expanded or run (no variables, globs, command substitution). Without a Python on
# PATH it is split at whitespace and quotes are refused. It is never given to eval or to a shell.
# .ci/action-test runs this the way action.yml does.
set -euo pipefail

mode=${1:-check}
code_written=false

# A usage error of the action itself counts as the tool's: exit-code 2, and the step fails.
die() {
    echo "::error::appservice-preflight action: $*" >&2
    if [[ $mode == check && $code_written == false && -n ${GITHUB_OUTPUT:-} ]]; then
        echo "exit-code=2" >>"$GITHUB_OUTPUT"
    fi
    exit 2
}

# Writes name=value to $GITHUB_OUTPUT (values are single lines here).
output() {
    [[ $2 != *$'\n'* ]] || die "the $1 output cannot hold a newline"
    echo "$1=$2" >>"$GITHUB_OUTPUT"
    [[ $1 != exit-code ]] || code_written=true
}

# GitHub's expressions compare strings ignoring case, so `True` uploads too.
is_true() {
    case $1 in
    [Tt][Rr][Uu][Ee]) return 0 ;;
    *) return 1 ;;
    esac
}

# Splits INPUT_ARGS into the array `args`.
split_args() {
    args=()
    local text=${INPUT_ARGS:-} py='' word list
    [[ -n ${text//[[:space:]]/} ]] || return 0
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import shlex' >/dev/null 2>&1; then
            py=$candidate
            break
        fi
    done
    if [[ -n $py ]]; then
        list=$(mktemp)
        # NUL-separated words: a word may hold any other character, a newline included.
        if ! "$py" -c '
import shlex, sys
try:
    words = shlex.split(sys.argv[1])
except ValueError as e:
    sys.exit("cannot split the args input: %s" % e)
sys.stdout.buffer.write(b"".join(w.encode("utf-8", "surrogateescape") + b"\0" for w in words))
' "$text" >"$list"; then
            rm -f "$list"
            die "the args input has an unmatched quote or a trailing backslash"
        fi
        while IFS= read -r -d '' word; do
            args+=("$word")
        done <"$list"
        rm -f "$list"
    else
        [[ $text != *[\"\'\\]* ]] ||
            die "quotes and backslashes in the args input need python3 on PATH to be split safely"
        read -r -d '' -a args <<<"$text" || true
    fi
    local a
    for a in "${args[@]+"${args[@]}"}"; do
        case $a in
        --format | --format=* | --output-file | --output-file=* | --sarif-category | --sarif-category=*)
            die "args cannot set ${a%%=*}: use the action's format, sarif-file and category inputs"
            ;;
        esac
    done
}

check() {
    : "${GITHUB_OUTPUT:?must be set (GitHub Actions sets it)}"
    local bin=${PREFLIGHT_BIN:-}
    [[ -n $bin ]] || bin=$(command -v appservice-preflight) || die "appservice-preflight is not installed"
    local path=${INPUT_PATH:-.} format=${INPUT_FORMAT:-sarif} upload=${INPUT_UPLOAD:-true}
    local sarif=${INPUT_SARIF_FILE:-appservice-preflight.sarif} category=${INPUT_CATEGORY:-}
    [[ -n ${path//[[:space:]]/} ]] || path=.
    split_args

    local code=0
    if [[ $format == sarif ]]; then
        [[ -n $sarif ]] || die "the sarif-file input is empty"
        mkdir -p "$(dirname "$sarif")"
        rm -f "$sarif"
        local cat_args=()
        [[ -z $category ]] || cat_args=(--sarif-category "$category")
        # "${args[@]+...}": an empty array is not "unbound" on bash before 4.4 (macOS).
        "$bin" check --format sarif --output-file "$sarif" "${cat_args[@]+"${cat_args[@]}"}" \
            "${args[@]+"${args[@]}"}" -- "$path" || code=$?
        if [[ $code == 0 || $code == 1 ]]; then
            [[ -s $sarif ]] || die "appservice-preflight exited $code but wrote no SARIF report to $sarif"
            # A copy for the log, for people reading the job. When nothing is uploaded (a pull request from a
            # fork), workflow annotations instead, so the findings still show on the pull request's files.
            local log_format=concise
            is_true "$upload" || log_format=github
            "$bin" check --format "$log_format" "${args[@]+"${args[@]}"}" -- "$path" || true
            output sarif-file "$sarif"
        fi
    else
        if is_true "$upload"; then
            echo "::notice::appservice-preflight: format is '$format', not sarif: nothing is uploaded to code scanning"
        fi
        "$bin" check --format "$format" "${args[@]+"${args[@]}"}" -- "$path" || code=$?
        output sarif-file ""
    fi
    output exit-code "$code"
    case $code in
    0) echo "appservice-preflight: no finding at the failing level" ;;
    1) echo "appservice-preflight: findings (exit code 1): the action fails the job in its last step" ;;
    *) die "appservice-preflight failed with exit code $code (a usage error or the tool's own failure)" ;;
    esac
}

finish() {
    local code=${EXIT_CODE:-}
    [[ $code =~ ^[0-9]+$ ]] || die "EXIT_CODE is '$code', not an exit code"
    if [[ $code != 0 ]]; then
        echo "::error::appservice-preflight found problems that will break the app on Azure App Service: see the findings in the log of the check step or in the code scanning alerts (the args input takes --fail-on error|warning|note, or --exit-zero)" >&2
    fi
    exit "$code"
}

case $mode in
check) check ;;
finish) finish ;;
*) die "unknown mode '$mode': expected check or finish" ;;
esac

#!/usr/bin/env bash
# Installs appservice-preflight for the GitHub Action (action.yml): the released wheel with pip when the
# action runs at a release tag, else from the action's own checkout, $GITHUB_ACTION_PATH, with
# `cargo install --locked`.
#
#   install.sh key      writes `key` (the cache key) and `root` (the install root, under $RUNNER_TOOL_CACHE)
#                       to $GITHUB_OUTPUT
#   install.sh install  installs into $PREFLIGHT_ROOT unless a working binary is already there (restored from
#                       the cache, or left by an earlier job on a self-hosted runner); writes `bin` (the
#                       binary's path) to $GITHUB_OUTPUT and adds its folder to $GITHUB_PATH
#
# The build goes to $CARGO_TARGET_DIR, by default under $RUNNER_TEMP, so the action's checkout is not written.
# .ci/action-test runs both modes the way action.yml does.
set -euo pipefail

die() {
    echo "::error::appservice-preflight action: $*" >&2
    exit 1
}

: "${GITHUB_ACTION_PATH:?must be the checkout of the action}"
: "${GITHUB_OUTPUT:?must be set (GitHub Actions sets it)}"

# The files the binary is built from. Tests, fixtures, benchmarks and fuzz targets are left out: they do not
# change the binary, and fixtures are most of the checkout.
sources_hash() {
    local hasher=(sha256sum)
    command -v sha256sum >/dev/null 2>&1 || hasher=(shasum -a 256)
    (
        cd "$GITHUB_ACTION_PATH"
        find . \( -name .git -o -path ./target -o -path ./fixtures -o -path ./tests -o -path ./fuzz \
            -o -path ./benches \) -prune -o -type f -print0 |
            LC_ALL=C sort -z |
            xargs -0 "${hasher[@]}" |
            "${hasher[@]}"
    ) | cut -d' ' -f1
}

# Only letters, digits, dot, underscore and dash: the key is also a folder name.
sanitize() {
    local s=$1
    printf '%s' "${s//[^A-Za-z0-9._-]/_}"
}

compute_key() {
    local os arch image ref libc hash key root
    os=$(sanitize "${RUNNER_OS:-$(uname -s)}")
    arch=$(sanitize "${RUNNER_ARCH:-$(uname -m)}")
    # One binary does not serve two runner images: a build on ubuntu-24.04 needs a newer glibc than
    # ubuntu-22.04 has, and both have RUNNER_OS=Linux.
    image=$(sanitize "${ImageOS:-}")
    libc=$(sanitize "$(getconf GNU_LIBC_VERSION 2>/dev/null || true)")
    # github.action_ref is empty for composite actions on some runners; the sources hash is what makes the
    # key change with the code.
    ref=$(sanitize "${ACTION_REF:-}")
    hash=$(sources_hash)
    key="appservice-preflight-${os}-${arch}${image:+-$image}${libc:+-$libc}-${ref:-noref}-${hash:0:32}"
    root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/appservice-preflight/${key}"
    {
        echo "key=$key"
        echo "root=$root"
    } >>"$GITHUB_OUTPUT"
    echo "cache key: $key"
}

# 0 when version $1 is at least $2 (both X.Y or X.Y.Z).
version_at_least() {
    [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]
}

# The toolchain on the runner may be older than Cargo.toml's rust-version: then install the current stable
# with rustup, for this step only.
ensure_toolchain() {
    command -v cargo >/dev/null 2>&1 ||
        die "cargo is not installed: add a Rust toolchain step (for example dtolnay/rust-toolchain) before this action"
    local need have
    need=$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n1)
    have=$(rustc --version 2>/dev/null | cut -d' ' -f2 | cut -d- -f1)
    if [[ -n $need && -n $have ]] && ! version_at_least "$have" "$need"; then
        command -v rustup >/dev/null 2>&1 ||
            die "rustc $have is older than the $need appservice-preflight needs, and rustup is not installed"
        echo "rustc $have is older than $need: installing the stable toolchain"
        rustup toolchain install stable --profile minimal --no-self-update
        export RUSTUP_TOOLCHAIN=stable
    fi
}

# The released wheel, when the action runs at a release tag (`uses: ...@v0.1.0`): `pip install` of that
# version into a virtual environment in the install root takes seconds. Any other ref (a branch, a commit)
# may hold code no wheel has: it is built with cargo. PREFLIGHT_INSTALL=cargo or =wheel forces one.
install_wheel() {
    local bin=$1 version tag
    version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n1)
    tag=${ACTION_REF:-}
    case "${PREFLIGHT_INSTALL:-auto}" in
    cargo) return 1 ;;
    wheel) ;;
    *) [[ -n $version && $tag == "v$version" ]] || return 1 ;;
    esac
    local python
    python=$(command -v python3 || command -v python || true)
    [[ -n $python ]] || return 1
    local venv="$PREFLIGHT_ROOT/venv" scripts=bin
    [[ ${RUNNER_OS:-} == Windows ]] && scripts=Scripts
    "$python" -m venv "$venv" || return 1
    "$venv/$scripts/python" -m pip install --quiet --disable-pip-version-check "appservice-preflight==$version" ||
        return 1
    mkdir -p "$PREFLIGHT_ROOT/bin"
    cp "$venv/$scripts/$(basename "$bin")" "$bin"
    echo "installed the appservice-preflight $version wheel"
}

install() {
    : "${PREFLIGHT_ROOT:?must be the install root (the root output of the key step)}"
    local exe=appservice-preflight
    [[ ${RUNNER_OS:-} == Windows ]] && exe+=.exe
    local bin="$PREFLIGHT_ROOT/bin/$exe"
    if [[ -x $bin ]] && "$bin" --version >/dev/null 2>&1; then
        echo "using the installed $("$bin" --version) at $bin"
    elif install_wheel "$bin" && "$bin" --version; then
        :
    else
        ensure_toolchain
        export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/appservice-preflight-target}"
        cargo install --locked --force --path "$GITHUB_ACTION_PATH" --root "$PREFLIGHT_ROOT"
        [[ -x $bin ]] || die "cargo install did not produce $bin"
        "$bin" --version
    fi
    echo "bin=$bin" >>"$GITHUB_OUTPUT"
    if [[ -n ${GITHUB_PATH:-} ]]; then
        echo "$PREFLIGHT_ROOT/bin" >>"$GITHUB_PATH"
    fi
}

case "${1:-install}" in
key) compute_key ;;
install) install ;;
*) die "unknown mode '$1': expected key or install" ;;
esac

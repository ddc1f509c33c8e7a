#!/usr/bin/env python3
"""Generate src/platform/data/import_names.txt: which modules each widely used distribution installs.

AZ103 needs to know, for a distribution named in requirements.txt, which top-level modules it installs
(`PyYAML` installs `yaml`, `pdfminer.six` installs `pdfminer`), and whether it knows that at all. This
script reads that from the files the distributions install, never from hand-written pairs:

* Debian "Contents" indexes (`--contents`, repeatable): the list of every file of every Debian package.
  A package that installs exactly one `NAME-VERSION.dist-info` or `.egg-info` under
  `usr/lib/python3/dist-packages/` is one distribution, and the other top-level names it installs there
  are that distribution's modules (what its RECORD lists). Get them with `apt-file update` on a Debian
  machine; they are then under `/var/lib/apt/lists/*_Contents-{all,amd64}.lz4` (`.lz4` is read through
  the `lz4` command, `.gz` and plain text directly). With the Debian "Packages" indexes (`--packages`,
  beside them in `/var/lib/apt/lists/`), the binary packages built from one source package are read
  together, so a distribution that Debian splits (`pkg_resources` of setuptools) keeps all its modules.
* Wheels or sdists (`--wheels DIR`) downloaded with
  `pip download --no-deps --only-binary=:all: --python-version 3.14 --platform manylinux2014_x86_64
  --platform any -d DIR -r scripts/import_names_wheels.txt` (a short list of distributions, pinned, that
  Debian does not package): `top_level.txt` of the wheel's `.dist-info`
  (or of the sdist's `.egg-info`), else the paths in RECORD.
* A ranking (`--rank FILE`, optional): a tab-separated file with a header row holding a `name` column and
  a column whose name starts with `rank` (a smaller number is more downloaded), e.g. built from
  hugovk/top-pypi-packages. With it, only the distributions ranked within `--top` are kept and, where
  several distributions install one module, the most downloaded is written first (it is the one AZ103
  suggests). Distributions from `--wheels` are always kept.

Which names are modules: a top-level `NAME/` folder, `NAME.py` or extension `NAME.*.so`. Names starting
with `_` and folders such as `tests`, `docs` and `examples` (`SKIP`) are skipped. A folder without
`__init__.py`, or one that several distributions install into (a namespace package such as `google/`,
`azure/`, `zope/`; not the package of the distribution named after it, such as `twisted/`), stands for
the modules one level below it (`google.auth`), down to three levels (`azure.mgmt.web`). A Debian package
holding several distributions (the whole Azure SDK in one) is split by name: each module goes to the
distribution named after its longest dotted prefix, and a distribution given none is left out.

Output (stdout), one distribution a line, the most downloaded first (then by normalised name):

    DISTRIBUTION [MODULE ...]

DISTRIBUTION is spelt as the distribution spells it; the MODULEs are those it installs that are not
named after it, nor inside a package named after it, after PEP 503 normalisation (`flask_cors` for
Flask-Cors, `azure.identity` for azure-identity need no entry). A line with no module says the
distribution is known and installs only what its name implies. Deterministic: the same inputs give the
same bytes (`--date` is written in the header).

The committed table was made on a Debian 12 machine with:

    apt-get install apt-file lz4 && apt-file update
    pip download ... -d /tmp/wheels -r scripts/import_names_wheels.txt   (as above)
    L=/var/lib/apt/lists/<mirror>_debian_dists_bookworm_main
    python3 scripts/gen_import_names.py --contents ${L}_Contents-all.lz4 \
        --contents ${L}_Contents-amd64.lz4 --packages ${L}_binary-amd64_Packages.lz4 \
        --wheels /tmp/wheels --rank <name/rank TSV of the 15,000 most downloaded> \
        --date YYYY-MM-DD --source "<words for the header>" > src/platform/data/import_names.txt
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections import defaultdict
from pathlib import Path

SITE = "usr/lib/python3/dist-packages/"
META_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._]*?)(-[^/]*)?\.(dist|egg)-info$")
SKIP = {"test", "tests", "testing", "doc", "docs", "example", "examples", "benchmarks", "scripts",
        "build", "share", "bin", "include", "lib", "data", "testapp", "__pycache__"}
MODULE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAMESPACE_DEPTH = 3
# Modules a distribution makes importable through a start-up hook (a `.pth` file), which no file list
# shows: setuptools' `distutils-precedence.pth` makes `import distutils` load setuptools' copy
# (`_distutils_hack/__init__.py` in pypa/setuptools), also on Python 3.12+ where the standard library
# has none.
HOOKED = {"setuptools": {"distutils"}}


def normalize(name: str) -> str:
    """PEP 503: lower case, runs of `-`, `_`, `.` become one `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def derivable(module: str, key: str) -> bool:
    """Whether `module` or a package holding it is named after the distribution `key`: AZ103 knows
    that without an entry (`flask_cors`, `azure.identity`, `pymatgen.core` of pymatgen)."""
    parts = module.split(".")
    return any(normalize(".".join(parts[:n])) == key for n in range(1, len(parts) + 1))


def module_of(entry: str) -> str | None:
    """`foo.py`, `foo.cpython-311-x86_64-linux-gnu.so`, `foo.abi3.so`, `foo.so` -> `foo`."""
    if entry.endswith(".py"):
        name = entry[:-3]
    elif entry.endswith(".so") or entry.endswith(".pyd"):
        name = entry.split(".", 1)[0]
    else:
        return None
    return name if MODULE_RE.match(name) else None


def folders_of(paths: set[str]) -> set[str]:
    """Dotted names of the folders (down to the namespace depth) that hold the paths."""
    out = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(1, min(len(parts), MAX_NAMESPACE_DEPTH) + 1):
            out.add(".".join(parts[:depth]))
    return out


def modules_from_paths(paths: set[str], shared: set[str]) -> set[str]:
    """Module names installed by paths relative to site-packages. A folder without `__init__.py`, or
    one in `shared` (installed by several distributions), is a namespace: its contents are listed."""
    tree: dict[str, set[str]] = defaultdict(set)  # folder (dotted) -> entries under it
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts)):
            folder = ".".join(parts[:depth])
            tree[folder].add(parts[depth] if depth == len(parts) - 1 else parts[depth] + "/")
    out: set[str] = set()

    def walk(prefix: str, depth: int) -> None:
        for entry in sorted(tree.get(prefix, ())):
            if entry.endswith("/"):
                name = entry[:-1]
                if not MODULE_RE.match(name) or name.startswith("_") or name.lower() in SKIP:
                    continue
                dotted = f"{prefix}.{name}" if prefix else name
                inside = tree.get(dotted, set())
                package = "__init__.py" in inside or any(e.startswith("__init__.") for e in inside)
                if depth < MAX_NAMESPACE_DEPTH and (dotted in shared or not package):
                    walk(dotted, depth + 1)
                elif package:
                    out.add(dotted)
            else:
                name = module_of(entry)
                if name and not name.startswith("_") and not (prefix == "" and name in SKIP):
                    out.add(f"{prefix}.{name}" if prefix else name)

    walk("", 1)
    return out


def read_lines(path: Path) -> io.TextIOBase:
    if path.suffix == ".lz4":
        data = subprocess.run(["lz4", "-dc", str(path)], check=True, capture_output=True).stdout
        return io.StringIO(data.decode("utf-8", "replace"))
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def read_sources(files: list[Path]) -> dict[str, str]:
    """Debian Packages indexes -> {binary package: source package}."""
    out: dict[str, str] = {}
    for file in files:
        with read_lines(file) as lines:
            package = None
            for line in lines:
                if line.startswith("Package: "):
                    package = line.split()[1]
                    out.setdefault(package, package)
                elif line.startswith("Source: ") and package:
                    out[package] = line.split()[1]
    return out


def meta_name(folder: str) -> str:
    """`PyYAML-6.0.egg-info` -> `PyYAML`; `django_filter-23.5.dist-info` -> `django-filter`."""
    match = META_RE.match(folder)
    assert match
    # Both metadata folders write `-` in the name as `_`.
    return match.group("name").replace("_", "-")


def split_by_name(metas: list[str], paths: set[str]) -> dict[str, tuple[str, set[str]]]:
    """The files of several distributions, each module given to the distribution named after its
    longest dotted prefix; nothing when a module matches no distribution."""
    names = {normalize(meta_name(m)): meta_name(m) for m in metas}
    out: dict[str, tuple[str, set[str]]] = {k: (n, set()) for k, n in names.items()}
    for path in sorted(paths):
        parts = path.split("/")
        last = module_of(parts[-1])
        dotted = parts[:-1] + ([last] if last else [])
        owner = next((normalize(".".join(dotted[:n])) for n in range(len(dotted), 0, -1)
                      if normalize(".".join(dotted[:n])) in names), None)
        if owner:
            out[owner][1].add(path)
    # A module named after none of them (`azure.servicemanagement` of azure-servicemanagement-legacy) is
    # dropped, and so is a distribution given no module.
    return {k: v for k, v in out.items() if any(module_of(p.rsplit("/", 1)[-1]) for p in v[1])}


def from_contents(files: list[Path], sources: dict[str, str]) -> dict[str, tuple[str, set[str]]]:
    """Debian Contents -> {normalised distribution: (spelling, modules)}.

    The binary packages of one Debian source package are read together when the source holds one
    distribution (Debian puts `pkg_resources` of setuptools in a package of its own). A package that
    holds several distributions (Debian's one package for the whole Azure SDK) is split by name: each
    module goes to the distribution named after its longest dotted prefix (`azure.storage.blob` to
    azure-storage-blob); a module that matches none is dropped, with every distribution given none."""
    per_package: dict[str, set[str]] = defaultdict(set)
    for file in files:
        with read_lines(file) as lines:
            for line in lines:
                if not line.startswith(SITE):
                    continue
                fields = line.rstrip("\n").rsplit(None, 1)
                if len(fields) != 2:
                    continue
                path, packages = fields
                for package in packages.split(","):
                    package = package.rsplit("/", 1)[-1]
                    if not package.endswith(("-dbg", "-doc", "-tests")):
                        per_package[package].add(path[len(SITE):])
    by_source: dict[str, list[str]] = defaultdict(list)
    for package in sorted(per_package):
        by_source[sources.get(package, package)].append(package)
    found: dict[str, tuple[str, set[str]]] = {}
    for source in sorted(by_source):
        metas_of = {p: sorted({x.split("/", 1)[0] for x in per_package[p]
                               if META_RE.match(x.split("/", 1)[0])}) for p in by_source[source]}
        names = {normalize(meta_name(m)) for ms in metas_of.values() for m in ms}
        if len(names) == 1:
            # One distribution, maybe split over several binary packages.
            groups = [sorted(by_source[source])]
        else:
            # Several: each binary package with exactly one of them stands alone, the others are
            # left out, and so is every distribution when a package without one installs modules.
            loose = [p for p, ms in metas_of.items() if not ms and modules_from_paths(per_package[p], set())]
            groups = [] if loose else [[p] for p, ms in metas_of.items() if ms]
        for group in groups:
            metas = sorted({m for p in group for m in metas_of[p]})
            paths = {x for p in group for x in per_package[p] if not META_RE.match(x.split("/", 1)[0])}
            if len({normalize(meta_name(m)) for m in metas}) == 1:
                found[normalize(meta_name(metas[0]))] = (meta_name(metas[0]), paths)
            else:
                found.update(split_by_name(metas, paths))
    # A folder installed by several distributions is a namespace (`zope`, `jaraco`, `azure.mgmt`)...
    count: dict[str, int] = defaultdict(int)
    for _, paths in found.values():
        for folder in folders_of(paths):
            count[folder] += 1
    # Unless it is the package of the distribution named after it (`twisted/` of Twisted, which other
    # distributions add plugins to).
    owned = {f for key, (_, paths) in found.items() for f in folders_of(paths)
             if normalize(f) == key and f"{f.replace('.', '/')}/__init__.py" in paths}
    shared = {f for f, n in count.items() if n > 1 and f not in owned}
    return {k: (name, modules_from_paths(paths, shared)) for k, (name, paths) in found.items()}


def from_wheels(folder: Path) -> dict[str, tuple[str, set[str]]]:
    """Wheels and sdists -> {normalised distribution: (spelling, modules)}."""
    out: dict[str, tuple[str, set[str]]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix == ".whl":
            with zipfile.ZipFile(file) as z:
                names = z.namelist()
                meta = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
                top = f"{meta}/top_level.txt"
                paths = {n for n in names if not n.startswith(meta) and ".data/" not in n.split("/")[0]}
                modules = modules_from_paths(paths, set())
                if top in names:
                    listed = {t.strip().replace("/", ".") for t in z.read(top).decode().splitlines()}
                    modules = {m for m in modules if m.split(".")[0] in listed} or {
                        t for t in listed if t and not t.startswith("_")}
                name = file.name.split("-")[0].replace("_", "-")
        elif file.name.endswith(".tar.gz"):
            with tarfile.open(file) as t:
                members = t.getnames()
                top_files = sorted(m for m in members if m.endswith(".egg-info/top_level.txt"))
                if not top_files:
                    print(f"skipped {file.name}: no top_level.txt", file=sys.stderr)
                    continue
                extracted = t.extractfile(top_files[0])
                assert extracted is not None
                modules = {x.strip() for x in extracted.read().decode().splitlines()
                           if x.strip() and not x.strip().startswith("_")}
                name = file.name[: -len(".tar.gz")].rsplit("-", 1)[0]
        else:
            continue
        out[normalize(name)] = (name, modules)
    return out


def read_rank(path: Path) -> dict[str, int]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        name_col = header.index("name")
        rank_col = next(i for i, h in enumerate(header) if h.startswith("rank"))
        ranks: dict[str, int] = {}
        for row in rows:
            if len(row) > max(name_col, rank_col) and row[rank_col].strip().isdigit():
                key = normalize(row[name_col])
                ranks[key] = min(ranks.get(key, 1 << 30), int(row[rank_col]))
        return ranks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contents", type=Path, action="append", default=[])
    parser.add_argument("--packages", type=Path, action="append", default=[])
    parser.add_argument("--wheels", type=Path)
    parser.add_argument("--rank", type=Path)
    parser.add_argument("--top", type=int, default=15000)
    parser.add_argument("--date", required=True, help="written in the header (YYYY-MM-DD)")
    parser.add_argument("--source", default="", help="words naming the inputs, for the header")
    args = parser.parse_args()

    dists = from_contents(args.contents, read_sources(args.packages))
    wheels = from_wheels(args.wheels) if args.wheels else {}
    dists.update(wheels)
    ranks = read_rank(args.rank) if args.rank else {}
    if ranks:
        dists = {k: v for k, v in dists.items() if k in wheels or ranks.get(k, 1 << 30) <= args.top}

    # The most downloaded first: where several distributions install one module, AZ103 suggests the
    # first (`psycopg2-binary` before `psycopg2`).
    order = sorted(dists, key=lambda k: (ranks.get(k, 1 << 30), k))
    lines = []
    for key in order:
        name, modules = dists[key]
        own = sorted(m for m in modules | HOOKED.get(key, set()) if not derivable(m, key))
        lines.append(" ".join([name, *own]))
    with_modules = sum(1 for line in lines if " " in line)
    provenance = textwrap.fill(
        f"Generated by scripts/gen_import_names.py on {args.date}; do not edit by hand: change the "
        "script or its inputs and run it again (its documentation says how). Source: the files each "
        "distribution installs (its RECORD), read from "
        f"{args.source or 'the inputs named in the script documentation'}.",
        width=104, initial_indent="# ", subsequent_indent="# ")
    header = f"""\
# What widely used Python distributions install: for each, the top-level modules it puts in
# site-packages whose name is not its own. Read by src/platform/requirements.rs (AZ103).
#
{provenance}
#
# Format: one distribution a line, `DISTRIBUTION [MODULE ...]`, the most downloaded first.
# - DISTRIBUTION is spelt as its project spells it; it is compared after PEP 503 normalisation.
# - MODULE is a module it installs whose name is not the distribution's (`yaml` for PyYAML, `pdfminer`
#   for pdfminer.six, `cloudinary_storage` for django-cloudinary-storage). A module named after the
#   distribution, or inside a package that is (`flask_cors` for Flask-Cors, `azure.storage.blob` for
#   azure-storage-blob, with `_` and `.` read as `-`), is not written: it is implied.
# - A namespace package (a folder without `__init__.py` or shared by several distributions, such as
#   `google/`) is written with the part below it (`google.protobuf` for protobuf).
# - A line with no MODULE says the distribution installs only what its name implies.
# - A distribution that is not listed is unknown: what it installs is not known, and AZ103 does not
#   guess. Where several distributions install one module, the first is the one AZ103 suggests.
#
# {len(lines)} distributions, {with_modules} of them with modules named otherwise.
"""
    sys.stdout.write(header)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

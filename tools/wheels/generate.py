#!/usr/bin/env python3
"""Generate src/platform/data/wheels.txt.

For each compiled distribution below and each CPython minor 3.8 ... 3.14, find the oldest
non-yanked final release (PEP 440 order; pre-releases and dev releases skipped) that has a wheel
pip would install on CPython 3.X, Linux x86-64, glibc <= 2.36 (Debian bookworm, as on Azure App
Service):

  * cp3X-cp3X-<manylinux>_x86_64                      (version-specific wheel), or
  * cp3Y-abi3-<manylinux>_x86_64 with Y <= X          (stable-ABI wheel), or
  * py3-none-any / py2.py3-none-any                   (pure wheel),

where <manylinux> is manylinux1, manylinux2010, manylinux2014 or manylinux_2_N with N <= 36. An
abi3 or pure wheel only counts if the file's Requires-Python allows 3.X (some 3.X.Z patch release
satisfies it; an unparsable Requires-Python is ignored, as pip does). Minors with no such release
get `none`.

Data comes from the PyPI simple JSON API (PEP 691), one request per distribution, sequentially.
Standard library only.

Usage: python3 tools/wheels/generate.py > src/platform/data/wheels.txt
"""

import datetime
import json
import re
import sys
import time
import urllib.error
import urllib.request

DISTRIBUTIONS = [
    "numpy", "pandas", "scipy", "pillow", "lxml", "psycopg2-binary", "psycopg-binary",
    "cryptography", "grpcio", "pydantic-core", "matplotlib", "scikit-learn", "pyarrow", "orjson",
    "greenlet", "cffi", "markupsafe", "pyyaml", "uvloop", "httptools", "regex", "ujson", "gevent",
    "mysqlclient", "bcrypt", "aiohttp", "frozenlist", "multidict", "yarl", "msgpack", "kiwisolver",
    "contourpy", "opencv-python", "opencv-python-headless", "torch", "tokenizers", "shapely",
    "numba", "llvmlite", "h5py", "statsmodels", "zstandard", "rpds-py", "pymssql", "psutil",
    "cython", "tiktoken", "safetensors", "jiter", "asyncpg", "pyodbc",
]

# More releases than this with a pure wheel for a minor are written as `many` (the rule then judges
# nothing below the first binary wheel).
MAX_PURE_LISTED = 12

MINORS = [8, 9, 10, 11, 12, 13, 14]

MAX_GLIBC_MINOR = 36  # Debian 12 (bookworm) ships glibc 2.36
PATCHES = range(0, 31)  # "Requires-Python allows 3.X": some 3.X.Z with Z in this range satisfies it

SIMPLE_URL = "https://pypi.org/simple/{}/"
ACCEPT = "application/vnd.pypi.simple.v1+json"
USER_AGENT = "wheels-table-generator/1.0 (python urllib; one request per project)"
PAUSE = 0.2


def log(*args):
    print(*args, file=sys.stderr)


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


# ---------------------------------------------------------------------------------------------
# PEP 440 versions
# ---------------------------------------------------------------------------------------------

VERSION_RE = re.compile(
    r"""
    ^\s*v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$
    """,
    re.VERBOSE | re.IGNORECASE,
)

PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


class Version:
    """A parsed PEP 440 version with a total-order sort key."""

    __slots__ = ("text", "epoch", "release", "pre", "post", "dev", "local", "key")

    def __init__(self, text):
        m = VERSION_RE.match(text)
        if not m:
            raise ValueError("not a PEP 440 version: %r" % text)
        self.text = text
        self.epoch = int(m.group("epoch") or 0)
        self.release = tuple(int(p) for p in m.group("release").split("."))
        self.pre = None
        if m.group("pre"):
            self.pre = (PRE_ORDER[m.group("pre_l").lower()], int(m.group("pre_n") or 0))
        self.post = None
        if m.group("post"):
            self.post = int(m.group("post_n1") or m.group("post_n2") or 0)
        self.dev = int(m.group("dev_n") or 0) if m.group("dev") else None
        self.local = m.group("local")

        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:  # 1.0.0 == 1.0 == 1
            release.pop()
        inf = float("inf")
        if self.pre is None and self.post is None and self.dev is not None:
            pre_key = (-inf, 0)  # 1.0.dev0 sorts before 1.0a0
        elif self.pre is None:
            pre_key = (inf, 0)
        else:
            pre_key = self.pre
        post_key = (-inf,) if self.post is None else (self.post,)
        dev_key = (inf,) if self.dev is None else (self.dev,)
        local_key = ()
        if self.local:
            local_key = tuple(
                (1, int(p), "") if p.isdigit() else (0, 0, p.lower())
                for p in re.split(r"[-_.]", self.local)
            )
        self.key = (self.epoch, tuple(release), pre_key, post_key, dev_key, local_key)

    @property
    def is_prerelease(self):
        return self.pre is not None or self.dev is not None

    def public_key(self):
        return self.key[:5]

    def __lt__(self, other):
        return self.key < other.key

    def __eq__(self, other):
        return self.key == other.key

    def __hash__(self):
        return hash(self.key)

    def __repr__(self):
        return self.text


# ---------------------------------------------------------------------------------------------
# Requires-Python (PEP 440 specifiers), evaluated for final CPython versions 3.X.Z
# ---------------------------------------------------------------------------------------------

SPEC_RE = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s]+)\s*$")


def _pad(release, n):
    return tuple(release) + (0,) * (n - len(release))


def _spec_matches(op, text, cand):
    """cand is a final Version (Python's own version); text is the specifier's version."""
    if op == "===":
        return text.strip() == cand.text
    prefix = text.endswith(".*")
    if prefix:
        if op not in ("==", "!="):
            text = text[:-2]  # lenient: ">=3.6.*" is invalid, read as ">=3.6"
            prefix = False
        else:
            rel = text[:-2]
            if not re.fullmatch(r"[0-9]+(\.[0-9]+)*", rel):
                raise ValueError(text)
            want = tuple(int(p) for p in rel.split("."))
            got = _pad(cand.release, len(want))[: len(want)]
            result = got == want and cand.epoch == 0
            return result if op == "==" else not result
    spec = Version(text)
    if op == "~=":
        if len(spec.release) < 2:
            raise ValueError(text)
        want = spec.release[:-1]
        got = _pad(cand.release, len(want))[: len(want)]
        return cand.public_key() >= spec.public_key() and got == want
    c, s = cand.public_key(), spec.public_key()
    if op == "==":
        return c == s
    if op == "!=":
        return c != s
    if op == "<=":
        return c <= s
    if op == ">=":
        return c >= s
    if op == "<":
        return c < s
    if op == ">":
        return c > s
    raise ValueError(op)


def parse_requires_python(text):
    """Return a list of (op, version) or None if absent/unparsable (then it allows everything)."""
    if text is None or not text.strip():
        return None
    specs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        m = SPEC_RE.match(part)
        if not m:
            return None
        op, ver = m.group(1), m.group(2)
        try:
            if op != "===":
                Version(ver[:-2] if ver.endswith(".*") else ver)
        except ValueError:
            return None
        specs.append((op, ver))
    return specs


_PY_VERSIONS = {}


def python_versions(minor):
    if minor not in _PY_VERSIONS:
        _PY_VERSIONS[minor] = [Version("3.%d.%d" % (minor, z)) for z in PATCHES]
    return _PY_VERSIONS[minor]


def requires_python_allows(text, minor, warnings):
    specs = parse_requires_python(text)
    if specs is None:
        if text and text.strip():
            warnings.add("unparsable Requires-Python %r ignored" % text)
        return True
    results = []
    for cand in python_versions(minor):
        try:
            results.append(all(_spec_matches(op, v, cand) for op, v in specs))
        except ValueError:
            warnings.add("unparsable Requires-Python %r ignored" % text)
            return True
    if any(results) and not all(results):
        warnings.add("Requires-Python %r allows only some 3.%d patch releases" % (text, minor))
    return any(results)


# ---------------------------------------------------------------------------------------------
# Wheel tags
# ---------------------------------------------------------------------------------------------

MANYLINUX_RE = re.compile(r"^manylinux(?:1|2010|2014|_2_(\d+))_x86_64$")
CP_RE = re.compile(r"^cp3(\d+)$")


def parse_wheel(filename):
    """Return (version text, python tags, abi tags, platform tags) or None."""
    if not filename.endswith(".whl"):
        return None
    parts = filename[:-4].split("-")
    if len(parts) not in (5, 6):
        return None
    return parts[1], set(parts[-3].split(".")), set(parts[-2].split(".")), set(parts[-1].split("."))


def linux_x86_64(platforms):
    for plat in platforms:
        m = MANYLINUX_RE.match(plat)
        if m and (m.group(1) is None or int(m.group(1)) <= MAX_GLIBC_MINOR):
            return True
    return False


def wheel_kind(pythons, abis, platforms, minor):
    """How a wheel installs on CPython 3.<minor> linux x86-64 glibc: 'cp', 'abi3', 'pure' or None."""
    cp = "cp3%d" % minor
    if cp in pythons and cp in abis and linux_x86_64(platforms):
        return "cp"
    if "abi3" in abis and linux_x86_64(platforms):
        for py in pythons:
            m = CP_RE.match(py)
            if m and int(m.group(1)) <= minor:
                return "abi3"
    if "none" in abis and "any" in platforms and "py3" in pythons:
        return "pure"
    return None


# ---------------------------------------------------------------------------------------------


def fetch(name):
    url = SIMPLE_URL.format(name)
    req = urllib.request.Request(url, headers={"Accept": ACCEPT, "User-Agent": USER_AGENT})
    for attempt in range(4):
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.load(resp)
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as exc:
            if attempt == 3:
                raise
            log("  retrying %s after error: %s" % (name, exc))
            time.sleep(2 * (attempt + 1))


def per_minor(name, files):
    """Return ({minor: (oldest Version with a binary wheel or None, set of Versions with a pure wheel)},
    warnings). A binary wheel is cp3X-cp3X or abi3 for manylinux x86-64."""
    warnings = set()
    best = {minor: None for minor in MINORS}
    pure = {minor: set() for minor in MINORS}
    for f in files:
        filename = f["filename"]
        parsed = parse_wheel(filename)
        if parsed is None:
            continue
        yanked = f.get("yanked", False)
        if yanked is not False and yanked is not None:
            continue
        vtext, pythons, abis, platforms = parsed
        try:
            version = Version(vtext)
        except ValueError:
            warnings.add("skipped non-PEP 440 version %r" % vtext)
            continue
        if version.is_prerelease:
            continue
        for minor in MINORS:
            kind = wheel_kind(pythons, abis, platforms, minor)
            if kind is None:
                continue
            if kind in ("abi3", "pure") and not requires_python_allows(
                f.get("requires-python"), minor, warnings
            ):
                continue
            if kind == "pure":
                pure[minor].add(version)
                continue
            if best[minor] is None or version < best[minor]:
                best[minor] = version
    return {m: (best[m], pure[m]) for m in MINORS}, warnings


def main():
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    out = []
    out.append("# For each compiled distribution and CPython minor on Linux x86-64 with glibc (Azure App Service:")
    out.append("# Debian, glibc 2.36): the oldest release with a binary wheel, and the releases with a pure-Python")
    out.append("# wheel. A release older than the first binary wheel and without a pure wheel has no wheel at all:")
    out.append("# pip has to build it from source. `none`: no release has a binary wheel (always built from source).")
    out.append("#")
    out.append("# Method: PyPI simple JSON API (PEP 691), every file of every release; yanked files, pre-releases and")
    out.append("# dev releases skipped; PEP 440 version order. A binary wheel for CPython 3.X is tagged")
    out.append("# cp3X-cp3X-<manylinux>_x86_64 or cp3Y-abi3-<manylinux>_x86_64 with Y <= X; a pure wheel is")
    out.append("# py3-none-any / py2.py3-none-any. <manylinux> is manylinux1, manylinux2010, manylinux2014 or")
    out.append("# manylinux_2_N with N <= %d; abi3 and pure wheels only count if their Requires-Python allows 3.X." % MAX_GLIBC_MINOR)
    out.append("# Pure releases: a comma-separated list, `-` for none, `many` for more than %d." % MAX_PURE_LISTED)
    out.append("# Caveat: releases after the first binary wheel are not all guaranteed one (some releases skipped a")
    out.append("# Python or Linux); those gaps are not recorded, so nothing is reported for them.")
    out.append("# Generated %s. Regenerate with" % today)
    out.append("# `python3 tools/wheels/generate.py > src/platform/data/wheels.txt`.")
    out.append("# distribution python oldest-binary-wheel pure-wheel-releases")
    for i, dist in enumerate(DISTRIBUTIONS):
        name = normalize(dist)
        if i:
            time.sleep(PAUSE)
        data = fetch(name)
        files = data.get("files", [])
        table, warnings = per_minor(name, files)
        summary = []
        for minor in MINORS:
            binary, pures = table[minor]
            if not pures:
                pure_text = "-"
            elif len(pures) > MAX_PURE_LISTED:
                pure_text = "many"
            else:
                pure_text = ",".join(v.text for v in sorted(pures))
            out.append("%s 3.%d %s %s" % (name, minor, binary.text if binary else "none", pure_text))
            summary.append("3.%d=%s" % (minor, binary.text if binary else "none"))
        log("%s: %d files; %s" % (name, len(files), " ".join(summary)))
        for w in sorted(warnings):
            log("  note: %s" % w)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

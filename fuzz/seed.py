"""Build the fuzz corpora from the repository's fixtures: every fixture file of a kind a target feeds, prefixed
with the byte that puts it in that target's slot (see `src/lib.rs`). Usage: python3 fuzz/seed.py"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
# (target, slot byte, pattern on the file's path inside its fixture); slots as in `Target::slots`.
KINDS = [
    ("python", 0, r"(^|/)(settings|production|base|local|dev|prod)\.py$"),
    ("python", 1, r"(^|/)settings/.*\.py$"),
    ("python", 2, r"(^|/)(wsgi|asgi)\.py$"),
    ("python", 3, r"(^|/)(app|main|application|server|hello|__init__)\.py$"),
    ("python", 4, r"(^|/)gunicorn\.conf\.py$"),
    ("python", 5, r"(^|/)manage\.py$"),
    ("requirements", 0, r"(^|/)requirements[^/]*\.txt$"),
    ("requirements", 1, r"(^|/)requirements/.*\.txt$|(^|/)(base|prod)\.txt$"),
    ("startup", 0, r"(^|/)(startup|setup|run|start)\.sh$"),
    ("startup", 1, r"(^|/)startup\.txt$"),
    ("build_config", 0, r"(^|/)appsvc\.ya?ml$"),
    ("build_config", 1, r"(^|/)build\.env$"),
    ("build_config", 2, r"(^|/)\.deployment$"),
    ("build_config", 3, r"(^|/)(pre|post)build\.sh$"),
    ("build_config", 4, r"(^|/)(site-config|appsettings)[^/]*\.json$"),
    ("iac", 0, r"\.bicep$"),
    ("iac", 1, r"(^|/)azuredeploy[^/]*\.json$|(^|/)template[^/]*\.json$"),
    ("iac", 2, r"\.tf$"),
    ("iac", 3, r"(^|/)\.github/workflows/[^/]*\.ya?ml$"),
    ("iac", 4, r"\.(PublishSettings|pubxml)$"),
]

counts = {}
for path in sorted((ROOT / "fixtures").rglob("*")):
    if not path.is_file() or path.is_symlink():
        continue
    rel = path.relative_to(ROOT / "fixtures").as_posix()
    for target, slot, pattern in KINDS:
        if re.search(pattern, rel):
            out = ROOT / "fuzz" / "corpus" / target / f"{slot}-{rel.replace('/', '__')}"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(bytes([slot]) + path.read_bytes())
            counts[target] = counts.get(target, 0) + 1
# Startup commands: the `--startup-command` of the fixtures' `.args` files.
for args in sorted((ROOT / "fixtures").rglob(".args")):
    match = re.search(r"--startup-command\s+(?:'([^']*)'|\"([^\"]*)\"|(\S+))", args.read_text())
    if match:
        command = next(g for g in match.groups() if g is not None)
        rel = args.relative_to(ROOT / "fixtures").as_posix().replace("/", "__")
        out = ROOT / "fuzz" / "corpus" / "startup" / f"2-{rel}"
        out.write_bytes(bytes([2]) + command.encode())
        counts["startup"] = counts.get("startup", 0) + 1
for target, count in sorted(counts.items()):
    print(f"{target}: {count} seeds")

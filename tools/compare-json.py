#!/usr/bin/env python3
"""Proves that `iotgate analyze --format json` says the same thing before and after a change.

Runs BIN on every capture under the shared data folder, one capture per run:

    BIN analyze --format json --progress never --threads 1 FILE [--args ...]

and either saves the outputs (--save DIR) or compares them, parsed, with a saved set (--against DIR).

Every difference is one line `FILE: JSON-PATH: OLD → NEW`, for instance

    attacks/nmap.pcap: $.alerts[2].severity: "low" → "medium"

Long values are truncated (--width). A list whose length changed gives one line with both lengths,
then one line per differing element, index by index (no realignment: an element inserted at the
front shows as a change of every later index). Members missing on one side show as `(absent)`.
The top-level `generator` member (the version string) is ignored. A run that fails is a result
like any other: its exit status and standard error are saved and compared too, under the pseudo
paths `<exit>` and `<stderr>`; output that is not JSON is compared as text under `<stdout>`; a
capture that appeared or disappeared since the save shows under `<file>`.

Runs use `LC_ALL=C` (English text fields) and the data folder as working directory, with the
capture's path relative to it, so `captures[].path` does not depend on where the data lives.
Standard library only; Python 3.11.

Exit status: 0 no difference (or every difference allowed), 1 differences, 2 usage error."""

import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

MAGICS = {
    bytes.fromhex("d4c3b2a1"),  # pcap, microseconds, little-endian
    bytes.fromhex("a1b2c3d4"),  # pcap, microseconds, big-endian
    bytes.fromhex("4d3cb2a1"),  # pcap, nanoseconds, little-endian
    bytes.fromhex("a1b23c4d"),  # pcap, nanoseconds, big-endian
    bytes.fromhex("0a0d0d0a"),  # pcapng section header block
}
MANIFEST = "_compare-json-manifest.json"
BASE_OPTIONS = [("--format", "json"), ("--progress", "never"), ("--threads", "1")]
ABSENT = object()


class UsageError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Finding and running captures


def find_captures(data: Path, only: re.Pattern | None) -> list[str]:
    """Relative paths (with `/`) of every pcap/pcapng file under `data`, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(data):
        dirnames.sort()
        for name in filenames:
            p = Path(dirpath, name)
            try:
                with open(p, "rb") as fh:
                    magic = fh.read(4)
            except OSError:
                continue
            if magic in MAGICS:
                rel = p.relative_to(data).as_posix()
                if only is None or only.search(rel):
                    found.append(rel)
    return sorted(found)


def command(binary: str, extra: list[str], rel: str) -> list[str]:
    """The command line for one capture: an option given in --args replaces its default (clap
    refuses an option given twice)."""
    given = {a.split("=", 1)[0] for a in extra if a.startswith("--")}
    cmd = [binary, "analyze"]
    for opt, val in BASE_OPTIONS:
        if opt not in given:
            cmd += [opt, val]
    return cmd + [rel] + extra


def run_one(binary: str, extra: list[str], data: Path, rel: str, timeout: float) -> dict:
    env = dict(os.environ)
    for v in ("LC_MESSAGES", "LANG", "LANGUAGE"):
        env.pop(v, None)
    env["LC_ALL"] = "C"
    start = time.monotonic()
    try:
        p = subprocess.run(command(binary, extra, rel), cwd=data, env=env, capture_output=True,
                           timeout=timeout)
        stdout, stderr, code = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        stdout, stderr, code = e.stdout or b"", e.stderr or b"", f"timeout after {timeout:g} s"
    return {
        "file": rel,
        "stdout": stdout.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "exit": code,
        "seconds": round(time.monotonic() - start, 3),
    }


def run_all(args, files: list[str]):
    """Yields the run of every file, in the order of `files`, running `--jobs` at a time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futs = [pool.submit(run_one, args.binary, args.extra, args.data, f, args.timeout)
                for f in files]
        for fut in futs:
            yield fut.result()


# ---------------------------------------------------------------------------------------------
# Saving


def save(args, files: list[str]) -> int:
    out: Path = args.dir
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise UsageError(f"{out} is not empty (use --force to write over it)")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "tool": "tools/compare-json.py",
        "binary": args.binary,
        "binary_version": binary_version(args.binary),
        "command": command(args.binary, args.extra, "FILE"),
        "extra_args": args.extra,
        "data": str(args.data),
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files": {},
    }
    failed = 0
    for i, r in enumerate(run_all(args, files), 1):
        rel = r["file"]
        target = out / (rel + ".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(r["stdout"], encoding="utf-8")
        status = out / (rel + ".status.json")
        if r["exit"] != 0 or r["stderr"]:
            status.write_text(json.dumps({"exit": r["exit"], "stderr": r["stderr"]}, indent=1,
                                         ensure_ascii=False) + "\n", encoding="utf-8")
        elif status.exists():
            status.unlink()  # left by an earlier save with --force
        manifest["files"][rel] = {"exit": r["exit"], "seconds": r["seconds"]}
        if r["exit"] != 0:
            failed += 1
            first = r["stderr"].strip().splitlines()[:1]
            note(f"{rel}: exit {r['exit']}{': ' + first[0] if first else ''}")
        elif not is_json(r["stdout"]):
            note(f"{rel}: exit 0 but the output is not JSON")
        progress(args, i, len(files), rel)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    print(f"saved {len(files)} outputs to {out} ({failed} failed runs)")
    slowest = sorted(manifest["files"].items(), key=lambda kv: -kv[1]["seconds"])[:3]
    note("slowest runs: " + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in slowest))
    return 0


def binary_version(binary: str) -> str:
    try:
        p = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return p.stdout.strip() or p.stderr.strip()
    except (OSError, subprocess.SubprocessError) as e:
        return f"unknown ({e})"


# ---------------------------------------------------------------------------------------------
# Comparing


def is_json(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def show(v, width: int) -> str:
    if v is ABSENT:
        return "(absent)"
    s = json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    if width and len(s) > width:
        s = s[: max(width - 1, 1)] + f"… ({len(s)} chars)"
    return s


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def member(path: str, key: str) -> str:
    return f"{path}.{key}" if IDENT.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def same_scalar(a, b) -> bool:
    # Strict: 1, 1.0 and true are three different outputs.
    return type(a) is type(b) and a == b


def diff(old, new, path: str, out: list):
    """Appends (path, old_text_or_value, new_text_or_value) for every difference."""
    if isinstance(old, dict) and isinstance(new, dict):
        for k, v in old.items():
            if k in new:
                diff(v, new[k], member(path, k), out)
            else:
                out.append((member(path, k), v, ABSENT))
        for k, v in new.items():
            if k not in old:
                out.append((member(path, k), ABSENT, v))
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append((path, Raw(f"length {len(old)}"), Raw(f"length {len(new)}")))
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else ABSENT
            b = new[i] if i < len(new) else ABSENT
            if a is ABSENT or b is ABSENT:
                out.append((f"{path}[{i}]", a, b))
            else:
                diff(a, b, f"{path}[{i}]", out)
    elif isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        out.append((path, old, new))
    elif not same_scalar(old, new):
        out.append((path, old, new))


class Raw(str):
    """A value shown as is (lengths, text excerpts), not as JSON."""


def compare_run(saved_dir: Path, rel: str, r: dict) -> list:
    """Differences between the saved result of `rel` and the new run `r`."""
    diffs = []
    status = saved_dir / (rel + ".status.json")
    old_status = {"exit": 0, "stderr": ""}
    if status.exists():
        old_status.update(json.loads(status.read_text(encoding="utf-8")))
    if old_status["exit"] != r["exit"]:
        diffs.append(("<exit>", old_status["exit"], r["exit"]))
    if old_status["stderr"] != r["stderr"]:
        diffs.append(("<stderr>", old_status["stderr"], r["stderr"]))
    try:
        old_text = (saved_dir / (rel + ".json")).read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"the saved outputs in {saved_dir} are incomplete: {e}")
    try:
        old = json.loads(old_text)
    except ValueError:
        old = ABSENT
    try:
        new = json.loads(r["stdout"])
    except ValueError:
        new = ABSENT
    if old is ABSENT or new is ABSENT:
        if old_text != r["stdout"]:
            diffs.append(("<stdout>", old_text, r["stdout"]))
        return diffs
    if isinstance(old, dict) and isinstance(new, dict):
        old.pop("generator", None)
        new.pop("generator", None)
    found = []
    diff(old, new, "$", found)
    return diffs + found


def against(args, files: list[str]) -> int:
    base: Path = args.dir
    mpath = base / MANIFEST
    if not mpath.is_file():
        raise UsageError(f"{base} holds no saved outputs ({MANIFEST} missing; make it with --save)")
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    saved = {f for f in manifest["files"] if args.only is None or args.only.search(f)}
    if manifest.get("extra_args", []) != args.extra:
        note(f"saved with --args {shlex.join(manifest.get('extra_args', []))!r}, "
             f"now running with --args {shlex.join(args.extra)!r}")
    allow_hits = [0] * len(args.allow)
    total = allowed_total = files_with = 0

    def report(rel: str, entries: list):
        nonlocal total, allowed_total, files_with
        shown = allowed = 0
        for path, a, b in entries:
            old_s = a if isinstance(a, Raw) else show(a, args.width)
            new_s = b if isinstance(b, Raw) else show(b, args.width)
            key = f"{rel}: {path}"
            hit = next((i for i, p in enumerate(args.allow) if p.search(key)), None)
            if hit is not None:
                allow_hits[hit] += 1
                allowed += 1
                if args.show_allowed:
                    print(f"allowed: {key}: {old_s} → {new_s}")
                continue
            shown += 1
            if not args.max_per_file or shown <= args.max_per_file:
                print(f"{key}: {old_s} → {new_s}")
        if shown and args.max_per_file and shown > args.max_per_file:
            print(f"{rel}: … {shown - args.max_per_file} more not shown (--max-per-file)")
        if shown or (allowed and args.show_allowed):
            extra = f" (+{allowed} allowed)" if allowed else ""
            print(f"{rel}: {shown} difference{'s' if shown != 1 else ''}{extra}")
        total += shown
        allowed_total += allowed
        files_with += bool(shown)

    # Captures that disappeared since the save.
    for rel in sorted(saved - set(files)):
        report(rel, [("<file>", Raw("present"), Raw("(absent)"))])
    for i, r in enumerate(run_all(args, files), 1):
        rel = r["file"]
        if rel not in saved:
            report(rel, [("<file>", Raw("(absent)"), Raw("present"))])
        else:
            report(rel, compare_run(base, rel, r))
        progress(args, i, len(files), rel)
    for i, p in enumerate(args.allow):
        if not allow_hits[i]:
            note(f"--allow {p.pattern!r} matched no difference")
    n = len(set(files) | saved)
    if total:
        print(f"{total} difference{'s' if total != 1 else ''} in {files_with} of {n} files"
              + (f" (+{allowed_total} allowed)" if allowed_total else ""))
        return 1
    print(f"no difference in {n} files" + (f" ({allowed_total} allowed)" if allowed_total else ""))
    return 0


# ---------------------------------------------------------------------------------------------


def note(msg: str):
    print(f"compare-json: {msg}", file=sys.stderr, flush=True)


def progress(args, i: int, n: int, rel: str):
    if args.progress:
        print(f"\r[{i}/{n}] {rel[-60:]:<60}", end="" if i < n else "\n", file=sys.stderr,
              flush=True)


def parse_args(argv):
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(
        prog="tools/compare-json.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n\n", 1)[0] + "\n\n" + __doc__.split("\n\n", 1)[1],
        epilog="""examples:
  tools/compare-json.py --save /tmp/json-base /tmp/iotgate-base
  tools/compare-json.py --against /tmp/json-base target/release/iotgate
  tools/compare-json.py --against /tmp/json-base target/release/iotgate --args "--threads 2"
  tools/compare-json.py --against /tmp/json-base target/release/iotgate \\
      --allow '^attacks/nmap\\.pcap: \\$\\.alerts\\[2\\]\\.severity$'

--allow patterns are Python regexes searched (not anchored) in `FILE: PATH`; escape $ . [ ].
A pattern that matched nothing is reported on standard error (a stale justification).""")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", metavar="DIR", type=Path,
                      help="run BIN on every capture and save the outputs under DIR")
    mode.add_argument("--against", metavar="DIR", type=Path,
                      help="run BIN on every capture and compare with the outputs saved in DIR")
    ap.add_argument("binary", metavar="BIN", help="the iotgate binary to run")
    ap.add_argument("--data", type=Path, default=root / ".." / "shared" / "data",
                    help="folder searched recursively for pcap/pcapng files (found by their "
                         "magic number, not their name); default: ../shared/data beside the "
                         "repository (%(default)s)")
    ap.add_argument("--jobs", "-j", type=int, default=2, metavar="N",
                    help="runs at a time (default %(default)s)")
    ap.add_argument("--args", dest="extra_str", default="", metavar='"..."',
                    help="extra arguments appended to every run, split like a shell would, "
                         "e.g. --args \"--threads 2\"; an option given here replaces its default "
                         "(--format, --progress, --threads); write a single word with `=`: "
                         "--args=--detect=off")
    ap.add_argument("--allow", action="append", default=[], metavar="REGEX",
                    help="do not count differences whose `FILE: PATH` matches REGEX "
                         "(repeatable; for justified changes)")
    ap.add_argument("--show-allowed", action="store_true",
                    help="also print allowed differences, prefixed `allowed:`")
    ap.add_argument("--only", metavar="REGEX",
                    help="only the captures whose relative path matches REGEX")
    ap.add_argument("--width", type=int, default=120, metavar="N",
                    help="truncate values longer than N characters (0: never; default "
                         "%(default)s)")
    ap.add_argument("--max-per-file", type=int, default=0, metavar="N",
                    help="print at most N differences per file (all are counted; default 0: all)")
    ap.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                    help="a run lasting longer is killed and recorded as a timeout "
                         "(default %(default)s)")
    ap.add_argument("--force", action="store_true",
                    help="with --save, write into a folder that is not empty")
    ap.add_argument("--progress", action=argparse.BooleanOptionalAction,
                    default=sys.stderr.isatty(),
                    help="show [i/n] on standard error (default: when it is a terminal)")
    args = ap.parse_args(argv)
    try:
        args.extra = shlex.split(args.extra_str)
    except ValueError as e:
        ap.error(f"--args: {e}")
    try:
        args.allow = [re.compile(p) for p in args.allow]
        args.only = re.compile(args.only) if args.only else None
    except re.error as e:
        ap.error(f"bad regex: {e}")
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    args.dir = args.save or args.against
    return ap, args


def main(argv=None) -> int:
    ap, args = parse_args(argv)
    try:
        b = args.binary
        resolved = shutil.which(b) if os.sep not in b else (b if os.access(b, os.X_OK) else None)
        if not resolved or not os.path.isfile(resolved):
            raise UsageError(f"{b}: not an executable file")
        args.binary = os.path.abspath(resolved)  # runs happen in the data folder
        args.data = args.data.resolve()
        if not args.data.is_dir():
            raise UsageError(f"data folder {args.data} not found (use --data)")
        files = find_captures(args.data, args.only)
        if not files:
            raise UsageError(f"no pcap or pcapng file under {args.data}")
        start = time.monotonic()
        rc = save(args, files) if args.save else against(args, files)
        note(f"{len(files)} captures, {time.monotonic() - start:.1f} s with --jobs {args.jobs}")
        return rc
    except UsageError as e:
        ap.print_usage(sys.stderr)
        print(f"{ap.prog}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

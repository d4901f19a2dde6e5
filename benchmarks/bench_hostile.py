"""Hostile and huge inputs: what each one ends in, how long it takes and how much memory it costs.

Run from the top of the checkout::

    python benchmarks/bench_hostile.py              # every case, medians over 3 repeats
    python benchmarks/bench_hostile.py --repeats 5 --only chain

Each case runs in a fresh Python process (so one case's memory cannot hide another's), with the shipped
catalogue already loaded and its memory counted as the starting point; the process's address space is capped
at 3 GiB and its run at 60 s, so a runaway case ends instead of taking the machine down. The baseline, measured
in the same run, is loading the shipped catalogue from its files; every time is printed with its ratio to it.
Columns: the outcome (``ok``, or the exception's type and the start of its message), the median time, and
the extra peak memory (maximum resident set size after the case minus before it).

The targets the issue sets: every case ends in ``ok`` or a ``TpmapError`` (never a builtin error from inside),
in under 1 s, with under 100 MB extra.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

TIMEOUT = 60.0

_CHILD = textwrap.dedent(
    """
    import json, resource, statistics, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    import tpmap
    from tpmap.catalogue.loader import shipped_paths

    tpmap.load_catalogue()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    action = {action}
    times, outcome = [], "ok"
    for _ in range({repeats}):
        start = time.perf_counter()
        try:
            got = action()
            if isinstance(got, tuple):  # check_files: the problems found
                first = str(got[0]).split(": ", 1)[-1] if got else "none"
                outcome = f"{{len(got)}} problems: {{first}}"[:70]
        except BaseException as exc:  # the point is to see what escapes
            first = str(exc).splitlines()[0] if str(exc) else ""
            outcome = f"{{type(exc).__name__}}: {{first}}"[:70]
        times.append(time.perf_counter() - start)
        if times[-1] > 2:
            break
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({{"outcome": outcome, "seconds": statistics.median(times), "mb": (after - before) / 1024}}))
    """
)


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _nested(depth: int) -> str:
    return "regions: " + "[" * depth + "]" * depth + "\n"


def _chain(count: int) -> str:
    lines = ["regions:", "- {id: r0, name: R0}"]
    lines += [f"- {{id: r{i}, name: R{i}, parent: r{i - 1}}}" for i in range(1, count)]
    return "\n".join(lines) + "\n"


def _flat(count: int) -> str:
    lines = ["regions:", "- {id: body, name: Body}"]
    lines += [f"- {{id: r{i}, name: R{i}, parent: body}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def _missing_region(count: int) -> str:
    tp = "{id: t, location: {region: handd, description: x}, essential: [handd]}"
    lines = ["sources:", "- {id: s, citation: S}", "regions:", "- {id: body, name: Body}", "muscles:"]
    lines += [
        f"- {{id: m{i}, name: M{i}, area: neck, trigger_points: [{tp}], sources: [{{source: s}}]}}"
        for i in range(count)
    ]
    return "\n".join(lines) + "\n"


def cases(folder: Path) -> dict[str, str]:
    """Each case's name and the Python expression (a no-argument callable) the child process runs."""
    fifo = folder / "fifo.yaml"
    os.mkfifo(fifo)
    files: dict[str, Callable[[], str]] = {
        "nested lists, 500 deep": lambda: _write(folder, "n500.yaml", _nested(500)),
        "nested lists, 999 deep": lambda: _write(folder, "n999.yaml", _nested(999)),
        "one 1 MB line of 350,000 items": lambda: _write(folder, "line.yaml", "regions: [" + "a, " * 350_000 + "a]\n"),
        "one entry with 100,000 keys": lambda: _write(
            folder, "keys.yaml", "regions:\n- {" + ", ".join(f"k{i}: 0" for i in range(100_000)) + "}\n"
        ),
        "500,000 invalid entries": lambda: _write(folder, "many.yaml", "regions:\n" + "- 0\n" * 500_000),
        "100,000 invalid entries": lambda: _write(folder, "some.yaml", "regions:\n" + "- 0\n" * 100_000),
        "5,000 muscles citing a missing region": lambda: _write(folder, "refs.yaml", _missing_region(5_000)),
        "chain of 2,000 nested regions": lambda: _write(folder, "chain.yaml", _chain(2_000)),
        "20,000 regions under one parent": lambda: _write(folder, "flat.yaml", _flat(20_000)),
        "a null section (regions: ~)": lambda: _write(folder, "null.yaml", "regions: ~\n"),
        "a NUL byte in the file": lambda: _write(folder, "nul.yaml", "regions:\n- {id: a\x00b, name: A}\n"),
    }
    result = {name: f"lambda: tpmap.check_files({make()!r}, with_shipped=False)" for name, make in files.items()}
    result["a FIFO with no writer"] = f"lambda: tpmap.check_files({str(fifo)!r}, with_shipped=False)"
    result["/dev/zero"] = "lambda: tpmap.check_files('/dev/zero', with_shipped=False)"
    result["a NUL in the path"] = "lambda: tpmap.load_catalogue('a\\x00b.yaml')"
    result["baseline: load the shipped files"] = "lambda: tpmap.load_files(shipped_paths())"
    return result


def run(action: str, repeats: int) -> dict[str, object]:
    code = _CHILD.format(action=action, repeats=repeats)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"no answer after {TIMEOUT:.0f} s", "seconds": TIMEOUT, "mb": float("nan")}
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"outcome": f"process died: {last}"[:70], "seconds": float("nan"), "mb": float("nan")}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="", help="run only the cases whose name contains this text")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        todo = cases(Path(tmp))
        base = run(todo.pop("baseline: load the shipped files"), options.repeats)
        base_seconds = float(str(base["seconds"]))
        print(f"{'case':<36} {'time':>9} {'ratio':>7} {'memory':>9}  outcome")
        print(f"{'baseline: load the shipped files':<36} {base_seconds * 1e3:7.1f}ms {1:6.1f}x {base['mb']:7.1f}MB")
        for name, action in todo.items():
            if options.only not in name:
                continue
            got = run(action, options.repeats)
            seconds = float(str(got["seconds"]))
            print(
                f"{name:<36} {seconds * 1e3:7.1f}ms {seconds / base_seconds:6.1f}x {got['mb']:7.1f}MB  {got['outcome']}"
            )


if __name__ == "__main__":
    main()

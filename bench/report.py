#!/usr/bin/env python3
"""Summarise bench/run's measurements as Markdown, and optionally write them
into docs/performance.md between its `bench:results` markers.

    bench/report.py RESULTS N… [--write docs/performance.md]

Every size found under RESULTS (bench/run's results folder) with a finished
run is reported (so `bench/run 100000` after `bench/run 1000 10000` gives one
table of the three); the sizes named on the command line must have one.
"""

import json
import os
import sys

BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"
TOOLS = [("retiment", "retiment"), ("hugo", "Hugo"), ("io-floor", "I/O floor")]
TIME_FILE = {"retiment": "retiment", "hugo": "hugo", "io-floor": "floor"}


def load(work, n):
    d = os.path.join(work, str(n))
    with open(os.path.join(d, "counts.json")) as f:
        counts = json.load(f)
    with open(os.path.join(d, "hyperfine.json")) as f:
        runs = {r["command"]: r for r in json.load(f)["results"]}
    peak = {}
    for tool, name in TIME_FILE.items():
        if tool in runs:
            with open(os.path.join(d, f"time-{name}.txt")) as f:
                fields = f.read().split()
            peak[tool] = int(fields[0]) / 1024  # MiB (GNU time reports KiB)
    return counts, runs, peak


SERVE_EDITS = ["title", "body", "progress"]


def json_if_there(work, n, name):
    """A measurement file of size `n` read as JSON; None when not measured."""
    path = os.path.join(work, str(n), name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def load_serve(work, n):
    """bench/serve_latency.py's times for each kind of edit, when measured."""
    found = {edit: json_if_there(work, n, f"serve-{edit}.json") for edit in SERVE_EDITS}
    return {edit: times for edit, times in found.items() if times}


def load_git(work, n):
    """The build and preview of the site in a git repository, when measured."""
    build = json_if_there(work, n, "hyperfine-git.json")
    if not build:
        return None
    with open(os.path.join(work, str(n), "history-commits.txt")) as f:
        commits = int(f.read().strip())
    kept = json_if_there(work, n, "hyperfine-git-kept.json")
    return {"build": build["results"][0], "kept": kept["results"][0] if kept else None, "commits": commits,
            "serve": json_if_there(work, n, "serve-git-title.json")}


def git_table(gits, sizes, medians):
    rows = []
    for n in sizes:
        g = gits.get(n)
        if not g:
            continue
        b = g["build"]
        outside = medians.get((n, "retiment"))
        serve = g["serve"]
        edit = f"{median(serve['total_ms']):.0f} (max {max(serve['total_ms']):.0f})" if serve else "–"
        kept = f"{g['kept']['median']:.2f}" if g["kept"] else "–"
        outside = f"{outside:.2f}" if outside else "–"
        rows.append(f"| {n:,} | {g['commits'] + 1:,} | {b['median']:.2f} | {b['user'] + b['system']:.2f} | "
                    f"{kept} | {outside} | {edit} |")
    if not rows:
        return []
    return ["", "The same sites in a git repository (`bench/gen_history.py`: the plan published, then commits "
            "that each revise one to five actions), whose pages list the commits that changed them; built as a "
            "fresh clone (as CI does) and again with the diffs of the history that the last build kept in the "
            "git folder (as an editor's clone has them):", "",
            "| actions | commits | fresh clone: build wall median (s) | CPU user+sys (s) | diffs kept: build wall median (s) "
            "| outside git (s) | preview: title edit → page, median ms |",
            "|--:|--:|--:|--:|--:|--:|--:|", *rows]


def median(xs):
    xs = sorted(xs)
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def targets(work, sizes, medians, peaks, versions, gits):
    """Issue 6's targets, each against this run's figures: measured, met or not."""
    rows = []
    yes = lambda ok: "yes" if ok else "**no**"
    if (10_000, "retiment") in medians:
        rt = medians[(10_000, "retiment")]
        if (10_000, "hugo") in medians:
            hu = medians[(10_000, "hugo")]
            rows.append(f"| 10,000 actions: wall time ≤ Hugo's (aim: half) | {rt / hu:.2f}× (median {rt:.2f} s against "
                        f"{hu:.2f} s) | {yes(rt <= hu)}{', and half' if rt <= hu / 2 else ''} |")
        if (10_000, "io-floor") in medians:
            fl = medians[(10_000, "io-floor")]
            rows.append(f"| 10,000 actions: wall time ≤ 4× the I/O floor | {rt / fl:.2f}× (floor {fl:.2f} s: 4× is "
                        f"{4 * fl:.2f} s) | {yes(rt <= 4 * fl)} |")
        mib = peaks[10_000]
        rows.append(f"| 10,000 actions: peak RSS ≤ 600 MB | {mib:,.0f} MiB ({mib * 1048576 / 1e6:,.0f} MB) | "
                    f"{yes(mib * 1048576 <= 600e6)} |")
    if 100_000 in peaks:
        mib = peaks[100_000]
        rows.append(f"| 100,000 actions: peak RSS ≤ 6 GB | {mib:,.0f} MiB ({mib * 1048576 / 1e9:.2f} GB) | "
                    f"{yes(mib * 1048576 <= 6e9)} |")
    if (10_000, "retiment") in medians and (100_000, "retiment") in medians:
        growth = medians[(100_000, "retiment")] / medians[(10_000, "retiment")]
        mixed = versions[10_000] != versions[100_000]
        rows.append(f"| 100,000 ÷ 10,000 actions, wall time ≤ 12 | {growth:.1f}"
                    f"{' (not the same retiment: see *Runs*)' if mixed else ''} | {yes(growth <= 12)} |")
    serve = load_serve(work, 10_000) if 10_000 in sizes else {}
    if serve:
        parts = [f"{e} {median(serve[e]['total_ms']):.0f} ms" for e in SERVE_EDITS if e in serve]
        worst = max(max(v["total_ms"]) for v in serve.values())
        edits = sum(len(v["total_ms"]) for v in serve.values())
        ok = all(median(v["total_ms"]) <= 100 for v in serve.values())
        rows.append(f"| 10,000 actions: `serve` re-renders a one-file edit in ≤ 100 ms | edit → edited page in the "
                    f"tab, median by kind of edit: {', '.join(parts)}; slowest of {edits} edits {worst:.0f} ms | "
                    f"{yes(ok)} (medians) |")
    git = gits.get(10_000)
    if git and git["serve"]:
        times = git["serve"]["total_ms"]
        rows.append(f"| the same, the site in a git repository of {git['commits'] + 1:,} commits | title edit → "
                    f"edited page, median {median(times):.0f} ms; slowest of {len(times)} edits {max(times):.0f} ms | "
                    f"{yes(median(times) <= 100)} (median) |")
    if not rows:
        return []
    return ["", "Targets (issue 6), from the figures above:", "", "| target | measured | met |", "|---|---|---|", *rows]


def sizes_in(work):
    out = []
    for name in os.listdir(work):
        if name.isdigit() and os.path.exists(os.path.join(work, name, "hyperfine.json")):
            out.append(int(name))
    return sorted(out)


def machine():
    cores = os.cpu_count()
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip() + ", "
                    break
    except OSError:
        pass
    return f"{model}{cores} cores{mem}"


def report(work, sizes):
    rows, ratios, meta = [], [], []
    medians, cpu, fs, peaks, versions = {}, {}, {}, {}, {}
    for n in sizes:
        counts, runs, peak = load(work, n)
        versions[n] = counts["retiment_version"]
        fs[n] = "RAM (tmpfs)" if counts.get("filesystem") == "tmpfs" else f"disk ({counts.get('filesystem', '?')})"
        meta.append(
            f"{n:,} actions: {counts['date']}, retiment {counts['retiment_version']}, Hugo {counts['hugo_version']}, "
            f"{counts['runs']} timed run(s) each, files on {fs[n]}, load average before the runs {counts['load_before']}"
        )
        pages = {"retiment": counts["retiment_pages"], "hugo": counts["hugo_pages"], "io-floor": counts["retiment_pages"]}
        files = {"retiment": counts["retiment_files"], "hugo": counts["hugo_files"], "io-floor": counts["retiment_files"]}
        written = {"retiment": counts["retiment_bytes"], "hugo": counts["hugo_bytes"], "io-floor": counts["retiment_bytes"]}
        for tool, label in TOOLS:
            if tool not in runs:
                rows.append(f"| {n:,} | {label} | {counts.get('hugo_note') or 'not measured'} | | | | | | | |")
                continue
            r = runs[tool]
            medians[(n, tool)] = r["median"]
            cpu[(n, tool)] = r["user"] + r["system"]
            rows.append(
                f"| {n:,} | {label} | {pages[tool]:,} | {files[tool]:,} | {written[tool] / 1e6:,.0f} | "
                f"{r['min']:.2f} | {r['median']:.2f} | {r['user'] + r['system']:.2f} | "
                f"{pages[tool] / r['median']:,.0f} | {peak[tool]:,.0f} |"
            )
        peaks[n] = peak["retiment"]
        rt, fl = runs["retiment"], runs["io-floor"]
        hu = runs.get("hugo")
        vs_hugo = (f"{rt['median'] / hu['median']:.2f} | {(rt['user'] + rt['system']) / (hu['user'] + hu['system']):.2f}"
                   if hu else "– | –")
        ratios.append(
            f"| {n:,} | {vs_hugo} | {rt['median'] / fl['median']:.2f} | {peak['retiment']:,.0f} MiB | "
            f"{counts['retiment_action_pages']:,} / {counts['hugo_action_pages']:,} |"
        )
    out = [
        f"Machine: {machine()}. Each build starts with no output folder (with several runs, `rm -rf` and "
        "`sync` before every run, not timed); inputs are in the page cache.",
        "",
        "| actions | build | HTML pages | files | MB written | wall min (s) | wall median (s) | CPU user+sys (s) | pages/s | peak RSS (MiB) |",
        "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        *rows,
        "",
        "pages/s is HTML pages ÷ median wall time (the I/O floor writes retiment's files). "
        "CPU is the mean user + system time of the timed runs.",
        "",
        "| actions | retiment ÷ Hugo, wall | retiment ÷ Hugo, CPU | retiment ÷ I/O floor, wall | retiment peak RSS | action pages, retiment / Hugo |",
        "|--:|--:|--:|--:|--:|--:|",
        *ratios,
    ]
    for small, big in [(10_000, 100_000), (1_000, 10_000)]:
        if (small, "retiment") in medians and (big, "retiment") in medians:
            growth = [f"{label} {medians[(big, t)] / medians[(small, t)]:.1f} (CPU {cpu[(big, t)] / cpu[(small, t)]:.1f})"
                      for t, label in TOOLS if (small, t) in medians and (big, t) in medians]
            note = "" if fs[small] == fs[big] else f" Files were on {fs[small]} for {small:,} and on {fs[big]} for {big:,}."
            if versions[small] != versions[big]:
                note += f" Not the same retiment: {versions[small]} for {small:,}, {versions[big]} for {big:,}."
            out += ["", f"Growth, {big:,} ÷ {small:,} actions (10 is linear), median wall time (and CPU time): {', '.join(growth)}.{note}"]
    gits = {n: load_git(work, n) for n in sizes}
    out += git_table(gits, sizes, medians)
    out += targets(work, sizes, medians, peaks, versions, gits)
    out += ["", "Runs:", *[f"* {m}" for m in meta]]
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    target = None
    if "--write" in args:
        i = args.index("--write")
        target = args[i + 1]
        del args[i : i + 2]
    if not args:
        sys.exit("usage: report.py WORK N… [--write docs/performance.md]")
    work, wanted = args[0], [int(a) for a in args[1:]]
    found = sizes_in(work)
    missing = [n for n in wanted if n not in found]
    if missing:
        sys.exit(f"report.py: no finished run for {missing}")
    text = report(work, found)
    print(text)
    if target:
        with open(target, encoding="utf-8") as f:
            doc = f.read()
        if BEGIN not in doc or END not in doc:
            sys.exit(f"report.py: {target} has no {BEGIN} … {END} section")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(target, "w", encoding="utf-8") as f:
            f.write(head + BEGIN + "\n" + text + END + tail)
        print(f"results written to {target}")


if __name__ == "__main__":
    main()

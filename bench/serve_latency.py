#!/usr/bin/env python3
"""How long after an editor saves a file does an open preview tab show the
change? Starts `retiment serve` on a copy of a site, listens to the preview's
server-sent events like a browser tab does, edits one action file, and times
the gap between the write and the `reload` event, then the request for the
edited action's page that the tab makes (the page renders on request), and
checks that the page shows the edit. Loopback only.

    python3 bench/serve_latency.py [SITE] [--runs N] [--binary PATH] [--edit WHAT]
                                   [--with-history] [--json PATH]
"""
import argparse, http.client, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def wait_until_up(port, deadline):
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False

def wait_until_built(port, deadline):
    """The first build is done (and the watcher started) once a page answers."""
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                time.sleep(1)
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False

def open_events(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET /__retiment/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    return s

def wait_for(sock, word, deadline):
    buf = b""
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
        if f"event: {word}".encode() in buf or f"data: {word}".encode() in buf:
            return True
    return False

def edited(original, what, n):
    """The file after edit `n`, and a text the edited page then shows."""
    if what == "body":
        return original + f"\nEdit {n}.\n", f"Edit {n}."
    lines = original.split("\n")
    for i, line in enumerate(lines):
        if what == "title" and line.startswith("title:"):
            lines[i] = f'title: "Edited title {n}"'
            return "\n".join(lines), f"Edited title {n}"
        if what == "progress" and line.startswith("progress:"):
            # The page's progress bar shows the value; an action in progress
            # may have any value below 100.
            value = 1 + n % 98
            if value == int(line.split(":")[1]):
                value += 1
            lines[i] = f"progress: {value}"
            lines = ["status: in_progress" if l.startswith("status:") else l for l in lines]
            return "\n".join(lines), f'<progress value="{value}"'
    sys.exit(f"the action file has no `{what}:` line")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site", nargs="?", default=".")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--binary", default="target/release/retiment")
    ap.add_argument("--log", default=None, help="write the preview's own output (rebuild times) to this file")
    ap.add_argument("--action", default=None, help="action file to edit (default: the first one)")
    ap.add_argument("--edit", choices=["body", "title", "progress"], default="body",
                    help="what the edit changes: a line added to the body (the default), the "
                         "title (the action's open data, and links to it), or the progress, with "
                         "the status set to in_progress (also the figures of its objective, line, "
                         "plan and reports, and the status pages)")
    ap.add_argument("--with-history", action="store_true",
                    help="copy the site's .git folder too (a site at the root of its repository): "
                         "the preview then reads the history as an editor's checkout would have it")
    ap.add_argument("--json", default=None,
                    help="also write the times to this file (bench/run does, for bench/report.py)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="retiment-serve-bench-")
    site = os.path.join(work, "site")
    skipped = ["target", "public", "bench", "tests", "fuzz"] + ([] if args.with_history else [".git"])
    shutil.copytree(args.site, site, ignore=shutil.ignore_patterns(*skipped))
    actions = sorted(os.listdir(os.path.join(site, "content", "actions")))
    target = os.path.join(site, "content", "actions", args.action or next(a for a in actions if a.count(".") == 3))
    port = free_port()
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    server = subprocess.Popen([args.binary, "serve", "--root", site, "--port", str(port)],
                              stdout=log, stderr=log)
    times, page_times = [], []
    action_id = os.path.basename(target)[: -len(".md")]
    try:
        if not wait_until_up(port, time.time() + 120) or not wait_until_built(port, time.time() + 600):
            sys.exit("the preview did not start")
        original = open(target, encoding="utf-8").read()
        for n in range(args.runs):
            events = open_events(port)
            time.sleep(0.3)  # let the stream open, as a tab would be
            started = time.perf_counter()
            text, shown = edited(original, args.edit, n)
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            if not wait_for(events, "reload", time.time() + 60):
                sys.exit(f"run {n}: no reload event")
            times.append((time.perf_counter() - started) * 1000)
            asked = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", f"/actions/{action_id}/")
            body = conn.getresponse().read().decode("utf-8", "replace")
            conn.close()
            page_times.append((time.perf_counter() - asked) * 1000)
            if shown not in body:
                sys.exit(f"run {n}: the page does not show the edit")
            events.close()
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    total = [a + b for a, b in zip(times, page_times)]
    def line(what, xs):
        return f"{what}: min {min(xs):.0f} ms, median {statistics.median(xs):.0f} ms, max {max(xs):.0f} ms"
    print(f"{len(times)} runs, editing the {args.edit} of {os.path.relpath(target, site)}")
    print(line("  edit → reload event (watch, debounce, rebuild of the model)", times))
    print(line("  page request → page (rendered on request)", page_times))
    print(line("  edit → edited page in the tab", total))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"edit": args.edit, "file": os.path.relpath(target, site), "reload_ms": times,
                       "page_ms": page_times, "total_ms": total}, f, indent=1)

if __name__ == "__main__":
    main()

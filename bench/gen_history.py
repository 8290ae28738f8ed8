#!/usr/bin/env python3
"""Give a generated site a git history, as its editors would: the site
becomes a repository whose first commit publishes the plan, followed by
COMMITS commits that each revise one to five actions (a sentence added to
their body). Deterministic: the same site and COMMITS make the same commits
(names, messages and dates fixed), so bench/run measures the same history
every time.

    python3 bench/gen_history.py SITE COMMITS
"""
import datetime, os, random, subprocess, sys


def git(site, *args, date):
    env = dict(os.environ, GIT_AUTHOR_NAME="Editor", GIT_AUTHOR_EMAIL="editor@example.org",
               GIT_COMMITTER_NAME="Editor", GIT_COMMITTER_EMAIL="editor@example.org",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", *args], cwd=site, env=env, check=True)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    site, commits = sys.argv[1], int(sys.argv[2])
    rng = random.Random(commits)
    start = datetime.datetime(2016, 1, 4, 9, 0, 0, tzinfo=datetime.timezone.utc)
    stamp = lambda c: (start + datetime.timedelta(hours=6 * c)).isoformat()
    git(site, "init", "-q", "-b", "main", date=stamp(0))
    git(site, "add", "-A", date=stamp(0))
    git(site, "commit", "-q", "-m", "Publish the plan", date=stamp(0))
    folder = os.path.join(site, "content", "actions")
    actions = sorted(f for f in os.listdir(folder) if f.endswith(".md") and f.count(".") == 3)
    for c in range(1, commits + 1):
        chosen = rng.sample(actions, rng.randint(1, 5))
        for name in chosen:
            with open(os.path.join(folder, name), "a", encoding="utf-8") as f:
                f.write(f"\nRevision {c}: the team reviewed this action.\n")
        paths = [os.path.join("content", "actions", n) for n in chosen]
        git(site, "add", *paths, date=stamp(c))
        ids = ", ".join(n[: -len(".md")] for n in chosen)
        git(site, "commit", "-q", "-m", f"Revise {ids}", date=stamp(c))


if __name__ == "__main__":
    main()

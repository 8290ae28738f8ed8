//! The modifications list: commits that changed each content file, read from
//! the site's git repository at build time.

mod common;

use std::path::Path;
use std::process::Command;

/// The file in the git folder that keeps the diffs between builds.
const STORE: &str = "retiment-history-v1.jsonl";

fn git(dir: &Path, args: &[&str], date: &str) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Editor")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "Editor")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Everything in the work tree, committed as `message` at `date`.
fn commit_all(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

/// A new repository whose one commit ("first", at `date`) adds
/// `content/actions/1.md`.
fn repo_with_one_action(date: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"], date);
    write(tmp.path(), "content/actions/1.md", "1");
    commit_all(tmp.path(), "first", date);
    tmp
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn commits_that_changed_each_file_newest_first() {
    let dir = std::env::temp_dir().join(format!("retiment-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // The site sits in a sub-folder of the repository, as in a monorepo.
    let site = dir.join("site");
    std::fs::create_dir_all(&site).unwrap();
    git(&dir, &["init", "-q", "-b", "main"], "2017-01-01T10:00:00Z");
    write(&site, "content/actions/1.md", "---\ntitle: A\n---\n");
    write(&site, "content/actions/2.md", "---\ntitle: B\n---\n");
    write(&dir, "README.md", "outside the site");
    let message = "Add the plan's actions\n\nLonger body.";
    commit_all(&dir, message, "2017-01-01T10:00:00Z");
    write(&site, "content/actions/1.md", "---\ntitle: A2\n---\n");
    write(&site, "content/actions/1.es.md", "---\ntitle: A es\n---\n");
    let message = "Record the 2017 progress of action 1";
    commit_all(&dir, message, "2018-03-05T23:30:00Z");
    write(&dir, "README.md", "only outside the site");
    git(
        &dir,
        &["commit", "-q", "-am", "Unrelated"],
        "2019-01-01T00:00:00Z",
    );

    let history = retiment::history::read(&site)
        .unwrap()
        .expect("a repository");
    let one = history.of(&["content/actions/1.md", "content/actions/1.es.md"]);
    let got: Vec<_> = one
        .iter()
        .map(|c| (c.date.to_string(), c.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2018-03-05".into(), "Record the 2017 progress of action 1"),
            ("2017-01-01".into(), "Add the plan's actions")
        ]
    );
    let two = history.of(&["content/actions/2.md"]);
    assert_eq!(two.len(), 1);
    assert_eq!(two[0].id.len(), 40);
    assert!(history.of(&["content/actions/3.md"]).is_empty());

    // Outside any repository there is simply no history.
    let plain = std::env::temp_dir().join(format!("retiment-nohistory-{}", std::process::id()));
    std::fs::create_dir_all(&plain).unwrap();
    let none = retiment::history::read(&plain).unwrap();
    assert!(none.is_none() || none.unwrap().by_path.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain);
}

/// Each path's commit messages, newest first.
fn messages(history: &retiment::history::History) -> Vec<(String, Vec<String>)> {
    let by_path = history.by_path.iter();
    by_path
        .map(|(p, cs)| (p.clone(), cs.iter().map(|c| c.message.clone()).collect()))
        .collect()
}

/// Files added, changed and removed; a file that becomes a folder of the
/// same name; names that sort around a folder's (`a`, `a-b.md`, `a.md`,
/// `a.txt`, `a/`: git sorts a folder as if its name ended in `/`); a change
/// of mode alone (not a change of content).
#[test]
fn every_kind_of_change_is_found_in_the_sorted_trees() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let t = "2020-01-01T00:00:00Z";
    git(dir, &["init", "-q", "-b", "main"], t);
    let commit = |msg: &str| commit_all(dir, msg, t);
    write(dir, "content/a", "file a");
    write(dir, "content/a-b.md", "1");
    write(dir, "content/a.md", "1");
    write(dir, "content/b/c.md", "1");
    commit("one");
    write(dir, "content/a.md", "2");
    write(dir, "content/b/d.md", "1");
    commit("two");
    std::fs::remove_file(dir.join("content/a")).unwrap();
    write(dir, "content/a/x.md", "now a folder");
    commit("three");
    std::fs::remove_file(dir.join("content/b/c.md")).unwrap();
    write(dir, "content/a-b.md", "2");
    commit("four");
    git(dir, &["update-index", "--chmod=+x", "content/a.md"], t);
    git(dir, &["commit", "-q", "-m", "five"], t);
    // Sorts between the folder `a` and `a/`'s place: the folder is unchanged.
    write(dir, "content/a.txt", "1");
    commit("six");

    let history = retiment::history::read(dir).unwrap().expect("a repository");
    assert!(dir.join(".git").join(STORE).exists(), "the diffs are kept");
    let again = retiment::history::read(dir).unwrap().unwrap();
    assert_eq!(
        messages(&again),
        messages(&history),
        "read from the kept diffs"
    );
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let want: Vec<(String, Vec<String>)> = vec![
        ("content/a".into(), strs(&["three", "one"])),
        ("content/a-b.md".into(), strs(&["four", "one"])),
        ("content/a.md".into(), strs(&["two", "one"])),
        ("content/a.txt".into(), strs(&["six"])),
        ("content/a/x.md".into(), strs(&["three"])),
        ("content/b/c.md".into(), strs(&["four", "one"])),
        ("content/b/d.md".into(), strs(&["two"])),
    ];
    assert_eq!(messages(&history), want);
}

/// The preview's cache, and the diffs kept on disk, give what a fresh read
/// gives: after files were only edited, after a new commit, and after the
/// last commit was rewritten.
#[test]
fn the_kept_history_is_the_history_read_again() {
    let t = "2021-06-01T00:00:00Z";
    let tmp = repo_with_one_action(t);
    let dir = tmp.path();
    let mut cache = retiment::history::HistoryCache::default();
    let read_both = |cache: &mut retiment::history::HistoryCache| {
        let kept = retiment::history::read_cached(dir, cache).unwrap().unwrap();
        let stored = retiment::history::read(dir).unwrap().unwrap();
        std::fs::remove_file(dir.join(".git").join(STORE)).unwrap();
        let fresh = retiment::history::read(dir).unwrap().unwrap();
        assert_eq!(messages(&kept), messages(&fresh));
        assert_eq!(messages(&stored), messages(&fresh));
        messages(&kept)
    };
    let first = read_both(&mut cache);
    write(dir, "content/actions/1.md", "edited, not committed");
    assert_eq!(read_both(&mut cache), first);
    write(dir, "content/actions/2.md", "2");
    commit_all(dir, "second", t);
    let second = read_both(&mut cache);
    assert_eq!(second.len(), 2, "{second:?}");
    assert_eq!(second[0].1, vec!["second".to_string(), "first".to_string()]);
    git(
        dir,
        &["commit", "-q", "--amend", "-m", "second, reworded"],
        t,
    );
    let amended = read_both(&mut cache);
    assert_eq!(amended[1].1, vec!["second, reworded".to_string()]);
}

/// A build reads the diffs an earlier one kept instead of making and adding
/// them again; a line that was changed, or a damaged file, costs those diffs
/// again and gives the same history.
#[test]
fn diffs_kept_between_builds_are_read_not_made_again() {
    let t = "2022-01-01T00:00:00Z";
    let tmp = repo_with_one_action(t);
    let dir = tmp.path();
    write(dir, "content/actions/2.md", "2");
    commit_all(dir, "second", t);
    let read = || messages(&retiment::history::read(dir).unwrap().unwrap());
    let fresh = read();
    let store = dir.join(".git").join(STORE);
    let text = std::fs::read_to_string(&store).unwrap();
    assert_eq!(text.lines().count(), 2, "one line per commit: {text}");
    assert_eq!(read(), fresh);
    let again = std::fs::read_to_string(&store).unwrap();
    assert_eq!(again, text, "every diff read from the file, none added");
    let renamed = text.replace("content/actions/2.md", "content/actions/9.md");
    std::fs::write(&store, renamed).unwrap();
    assert_eq!(read(), fresh, "a changed line is not trusted");
    let lines = std::fs::read_to_string(&store).unwrap().lines().count();
    assert_eq!(lines, 3, "the diff made again is added");
    std::fs::write(&store, "not json\n{\"after\": 1}\n").unwrap();
    assert_eq!(read(), fresh);
}

/// The built pages list the commits: an action's page those that changed
/// its file or its translation, a report's page those of the report.
#[test]
fn pages_list_the_commits_of_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::copy_dir(&common::fixture("good-en"), &site);
    let _ = std::fs::remove_dir_all(site.join("public"));
    git(&site, &["init", "-q", "-b", "main"], "2017-02-01T09:00:00Z");
    commit_all(&site, "Publish the plan", "2017-02-01T09:00:00Z");
    let es = site.join("content/actions/A.1.1.es.md");
    let text = std::fs::read_to_string(&es).unwrap();
    std::fs::write(&es, text.replace("title:", "title: Revisada")).unwrap();
    git(
        &site,
        &["commit", "-q", "-am", "Revise the Spanish title of A.1.1"],
        "2018-04-02T09:00:00Z",
    );
    let out = tmp.path().join("out");
    common::build_ok(&site, &out, &[]);
    let page = |path: &str| std::fs::read_to_string(out.join(path)).unwrap();
    let action = page("actions/A.1.1/index.html");
    let section = &action[action.find("id=sec_history").expect("a history section")..];
    assert!(
        section.contains("Revise the Spanish title of A.1.1"),
        "{section}"
    );
    assert!(section.contains("Publish the plan"), "{section}");
    let other = page("actions/A.1.2/index.html");
    assert!(
        other.contains("Publish the plan") && !other.contains("Revise the Spanish"),
        "{other}"
    );
    let report = page("reports/2016/index.html");
    assert!(
        report.contains("id=sec_history") && report.contains("Publish the plan"),
        "{report}"
    );
}

//! The modifications list: commits that changed each content file, read from
//! the site's git repository at build time.

use std::path::Path;
use std::process::Command;

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
    git(&dir, &["add", "-A"], "2017-01-01T10:00:00Z");
    git(
        &dir,
        &[
            "commit",
            "-q",
            "-m",
            "Add the plan's actions\n\nLonger body.",
        ],
        "2017-01-01T10:00:00Z",
    );
    write(&site, "content/actions/1.md", "---\ntitle: A2\n---\n");
    write(&site, "content/actions/1.es.md", "---\ntitle: A es\n---\n");
    git(&dir, &["add", "-A"], "2018-03-05T23:30:00Z");
    git(
        &dir,
        &["commit", "-q", "-m", "Record the 2017 progress of action 1"],
        "2018-03-05T23:30:00Z",
    );
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

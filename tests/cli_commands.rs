//! The editor's commands, driven through the binary as an editor would:
//! `check` (human and JSON), `new`, `init`, `schemas`. Every test works on a
//! temporary copy of tests/fixtures/cli-site, removed when it ends.

mod common;

use common::{copy_dir, retiment, stderr};
use std::path::{Path, PathBuf};
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A temporary copy of the small CLI test site; the folder goes when the guard does.
fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli-site"),
        &root,
    );
    (tmp, root)
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Three problems in three files: a misspelt key, a bad value, a broken reference.
fn break_site(root: &Path) {
    edit(root, "content/actions/1.1.1.md", "summary:", "sumary:");
    edit(
        root,
        "content/actions/1.1.2.md",
        "status: not_started",
        "status: finished",
    );
    edit(
        root,
        "content/objectives/1.1.md",
        "line: \"1\"",
        "line: \"9\"",
    );
}

/// Under the header `path:line:column: …`, the source line of `line` is shown
/// with a caret under `column`.
fn assert_caret(out: &str, header: &str, line: usize, column: usize) {
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with(header))
        .unwrap_or_else(|| panic!("no `{header}` in:\n{out}"));
    let gutter = format!("{line} | ");
    let src = (at + 1..lines.len().min(at + 6))
        .find(|&i| lines[i].starts_with(&gutter))
        .unwrap_or_else(|| panic!("no source line under `{header}`:\n{out}"));
    let caret_line = lines[src + 1];
    let caret = caret_line
        .find('^')
        .unwrap_or_else(|| panic!("no caret under `{header}`:\n{out}"));
    let column_start = gutter.len()
        + lines[src][gutter.len()..]
            .char_indices()
            .nth(column - 1)
            .map(|(i, _)| i)
            .unwrap();
    assert_eq!(
        caret, column_start,
        "caret not under column {column}:\n{}\n{caret_line}",
        lines[src]
    );
}

#[test]
fn the_fixture_site_checks_clean() {
    let (_tmp, root) = site();
    let o = retiment(&["check", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("check passed: 0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_reports_every_problem_at_once_with_carets() {
    let (_tmp, root) = site();
    break_site(&root);
    let o = retiment(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_caret(
        &err,
        "content/actions/1.1.1.md:6:1: error: unknown key `sumary`",
        6,
        1,
    );
    assert!(err.contains("help: did you mean `summary`?"), "{err}");
    assert_caret(&err, "content/actions/1.1.2.md:4:9: error: ", 4, 9);
    assert_caret(&err, "content/objectives/1.1.md:3:1: error: ", 3, 1);
    assert!(err.contains("check failed: 3 errors"), "{err}");
}

#[test]
fn check_json_is_one_object_per_problem() {
    let (_tmp, root) = site();
    break_site(&root);
    let o = retiment(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(objects.len(), 3, "{out}");
    let at: Vec<(String, u64, u64)> = objects
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        vec![
            ("content/actions/1.1.1.md".into(), 6, 1),
            ("content/actions/1.1.2.md".into(), 4, 9),
            ("content/objectives/1.1.md".into(), 3, 1)
        ]
    );
    assert!(objects
        .iter()
        .all(|v| v["severity"] == "error" && v["message"].is_string()));
}

#[test]
fn build_failures_are_shown_the_same_way() {
    let (tmp, root) = site();
    break_site(&root);
    let out = tmp.path().join("out");
    let o = retiment(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_caret(
        &stderr(&o),
        "content/actions/1.1.1.md:6:1: error: unknown key `sumary`",
        6,
        1,
    );
    assert!(!out.exists());
}

#[test]
fn new_action_is_valid_as_written_and_never_overwrites() {
    let (tmp, root) = site();
    let r = root.to_str().unwrap();
    let o = retiment(&[
        "new",
        "action",
        "1.1.3",
        "--objective",
        "1.1",
        "--title",
        "Host the \"annual\" forum",
        "--root",
        r,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = root.join("content/actions/1.1.3.md");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("---\n# yaml-language-server: $schema=../../schemas/action.json\n"),
        "{text}"
    );
    for key in [
        "status: not_started",
        "progress: 0",
        "# partners:",
        "# budget:",
        "# updates:",
        "# links:",
        "# draft:",
    ] {
        assert!(text.contains(key), "{key} missing from:\n{text}");
    }
    let out = tmp.path().join("out");
    let o = retiment(&["build", "--root", r, "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("actions/1.1.3/index.html")).unwrap();
    assert!(
        page.contains("Host the"),
        "the new action's page shows its title"
    );

    std::fs::write(&path, "edited by hand\n").unwrap();
    let o = retiment(&["new", "action", "1.1.3", "--objective", "1.1", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by hand\n");
}

#[test]
fn new_refuses_bad_ids_and_missing_parents() {
    let (_tmp, root) = site();
    let r = root.to_str().unwrap();
    let o = retiment(&["new", "action", "1.1.4", "--objective", "7.7", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("there is no objective `7.7`") && stderr(&o).contains("1.1"),
        "{}",
        stderr(&o)
    );
    let o = retiment(&["new", "objective", "2.1", "--line", "2", "--root", r]);
    assert!(stderr(&o).contains("the lines are: 1"), "{}", stderr(&o));
    for (kind, id) in [("line", "../x"), ("page", "a b"), ("report", "17")] {
        let o = retiment(&["new", kind, id, "--root", r]);
        assert_eq!(o.status.code(), Some(1), "{kind} {id}");
    }
    // A slug the site uses for something else is refused, and nothing is left behind.
    let o = retiment(&["new", "page", "actions", "--root", r]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!root.join("content/pages/actions.md").exists());
    assert!(!root.join("content/actions/1.1.4.md").exists());
}

#[test]
fn every_kind_of_new_file_passes_check() {
    let (_tmp, root) = site();
    let r = root.to_str().unwrap();
    for args in [
        vec!["new", "line", "2"],
        vec!["new", "objective", "2.1", "--line", "2"],
        vec!["new", "action", "2.1.1", "--objective", "2.1"],
        vec!["new", "report", "2017"],
        vec!["new", "page", "methodology"],
    ] {
        let mut all = args.clone();
        all.extend(["--root", r]);
        let o = retiment(&all);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let o = retiment(&["check", "--root", r]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("0 errors"));
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let o = retiment(&["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "site.toml",
        ".gitignore",
        "content/_index.md",
        "content/lines/1.md",
        "content/objectives/1.1.md",
        "content/actions/1.1.1.md",
        "schemas/action.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert!(std::fs::read_to_string(dir.join(".gitignore"))
        .unwrap()
        .contains("public/"));
    let o = retiment(&["build", "--root", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("public/index.html").is_file());
    assert!(dir.join("public/actions/1.1.1/index.html").is_file());

    // Not into a folder that has anything in it.
    let o = retiment(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
}

#[test]
fn committed_schemas_are_the_generated_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(retiment::schema::DIR);
    let generated = retiment::schema::all();
    for (name, text) in &generated {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "schemas/{name} is out of date: run `retiment schemas` at the repository root"
        );
    }
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = generated.into_iter().map(|(n, _)| n).collect();
    expected.sort();
    assert_eq!(
        on_disk, expected,
        "schemas/ holds exactly the generated schemas"
    );
}

#[test]
fn schemas_command_writes_every_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let o = retiment(&["schemas", "--root", tmp.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for kind in retiment::schema::KINDS {
        let text =
            std::fs::read_to_string(tmp.path().join(format!("schemas/{kind}.json"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["additionalProperties"], false, "{kind}");
    }
}

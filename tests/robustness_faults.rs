//! Faults lose nothing: a build with errors leaves the previous output as it
//! was, an output folder that retiment did not make (or that holds the site)
//! is refused and left untouched, a static file cannot silently replace a
//! generated one, and the same site builds the same bytes anywhere.
//! Killed and interrupted builds are in robustness_kill.rs.

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::copy_dir;

/// Every file and folder under `dir` (symlinks not followed), with file bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(e.path());
                out.insert(rel + "/", None);
            } else if ft.is_symlink() {
                out.insert(
                    rel,
                    Some(
                        std::fs::read_link(e.path())
                            .unwrap()
                            .to_string_lossy()
                            .as_bytes()
                            .to_vec(),
                    ),
                );
            } else {
                out.insert(rel, Some(std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out
}

fn assert_unchanged(
    before: &BTreeMap<String, Option<Vec<u8>>>,
    after: &BTreeMap<String, Option<Vec<u8>>>,
    what: &str,
) {
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(10)
        .collect();
    assert!(changed.is_empty(), "{what}: changed {changed:?}");
}

/// A temporary folder holding `site/` (the base fixture).
fn sandbox(label: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(label);
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    (tmp, root)
}

#[test]
fn a_build_with_content_errors_leaves_the_previous_output_byte_for_byte() {
    let (tmp, root) = sandbox("errors");
    let out = tmp.join("public");
    build_ok(&root, &out, &[]);
    let before = snapshot(tmp.path());
    std::fs::write(
        root.join("content/actions/1.1.2.md"),
        "---\ntitle: \"Broken\"\nprogres: 5\n---\n",
    )
    .unwrap();
    let after_edit = snapshot(tmp.path());
    let o = build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_unchanged(&after_edit, &snapshot(tmp.path()), "a failed build");
    assert_eq!(before.len() + 1, after_edit.len());
}

/// `build --output DEST` (from `cwd` when given) must exit 1 and change nothing in the sandbox.
fn assert_refused(tmp: &TempDir, root: &Path, dest: &str, cwd: Option<&Path>, why: &str) {
    let before = snapshot(tmp.path());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_retiment"));
    cmd.args(["build", "--root", root.to_str().unwrap(), "--output", dest]);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let o = cmd.output().unwrap();
    let after = snapshot(tmp.path());
    assert!(
        o.status.code() == Some(1) && before == after,
        "--output {dest} ({why}) must be refused with exit 1 and nothing changed; exit {:?}, {}\nchanged or gone: {:?}",
        o.status.code(),
        stderr(&o).trim(),
        before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).take(8).collect::<Vec<_>>()
    );
}

#[test]
fn an_output_folder_not_made_by_retiment_is_refused_and_untouched() {
    let (tmp, root) = sandbox("foreign");
    let foreign = tmp.join("documents");
    std::fs::create_dir_all(foreign.join("sub")).unwrap();
    std::fs::write(foreign.join("thesis.txt"), "years of work").unwrap();
    assert_refused(
        &tmp,
        &root,
        foreign.to_str().unwrap(),
        None,
        "a folder without the marker",
    );
    // With the marker it is retiment's, and may be replaced.
    std::fs::write(foreign.join(retiment::output::MARKER), "").unwrap();
    build_ok(&root, &foreign, &[]);
    assert!(!foreign.join("thesis.txt").exists() && foreign.join("index.html").is_file());
}

#[test]
fn the_site_its_ancestors_and_its_sources_are_refused_as_output() {
    let (tmp, root) = sandbox("protected");
    let r = root.to_str().unwrap();
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(root.join("static/img/logo.svg"), "<svg/>").unwrap();
    for (dest, why) in [
        (r.to_string(), "the site root"),
        (format!("{r}/"), "the site root with a slash"),
        (
            tmp.path().to_str().unwrap().to_string(),
            "an ancestor of the site",
        ),
        (format!("{r}/content"), "content/"),
        (format!("{r}/content/actions"), "a folder inside content/"),
        (format!("{r}/content/new"), "a new folder inside content/"),
        (format!("{r}/static"), "static/"),
        (format!("{r}/static/img/new"), "inside static/"),
        (format!("{r}/themes/default"), "a theme folder"),
        (format!("{r}/templates"), "templates/"),
        (format!("{r}/site.toml"), "the configuration file"),
    ] {
        assert_refused(&tmp, &root, &dest, None, why);
    }
    assert_refused(&tmp, &root, ".", Some(&root), "`.` run from the site");
    assert_refused(
        &tmp,
        &root,
        "..",
        Some(&root.join("content")),
        "`..` run from content/",
    );
    let link = tmp.join("link-to-site");
    std::os::unix::fs::symlink(&root, &link).unwrap();
    assert_refused(
        &tmp,
        &root,
        link.to_str().unwrap(),
        None,
        "a symlink to the site",
    );
}

/// `..` after a folder that does not exist yet must not get past the checks:
/// these paths name content/ and the site root themselves.
#[test]
fn dot_dot_through_a_missing_folder_cannot_reach_content() {
    let (tmp, root) = sandbox("dotdot");
    let r = root.to_str().unwrap();
    assert_refused(
        &tmp,
        &root,
        &format!("{r}/missing/../content"),
        None,
        "content/ through a missing folder",
    );
}

#[test]
fn dot_dot_through_a_missing_folder_cannot_reach_the_site_root() {
    let (tmp, root) = sandbox("dotdot-root");
    let r = root.to_str().unwrap();
    assert_refused(
        &tmp,
        &root,
        &format!("{r}/missing/../../site"),
        None,
        "the site root through a missing folder",
    );
}

/// An existing file is not an output folder: it must not be renamed away.
#[test]
fn an_existing_file_is_refused_as_output() {
    let (tmp, root) = sandbox("file");
    let notes = tmp.join("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    assert_refused(
        &tmp,
        &root,
        notes.to_str().unwrap(),
        None,
        "an existing file",
    );
}

/// A static file at the path of a generated one would replace the published
/// data (and race with it: both are written in parallel). It must be refused,
/// or lose to the generated file, and every output path must be unique.
#[test]
fn a_static_file_cannot_replace_a_generated_file() {
    let (_tmp, root) = sandbox("shadow");
    std::fs::create_dir_all(root.join("static/data")).unwrap();
    std::fs::write(root.join("static/data/plan.json"), "{\"forged\": true}").unwrap();
    std::fs::write(root.join("static/feed.xml"), "<forged/>").unwrap();
    match compile(&root, false) {
        Err(diags) => {
            for path in ["static/data/plan.json", "static/feed.xml"] {
                assert!(
                    diags.iter().any(|d| d.is_error() && d.path == path),
                    "an error names {path}:\n{}",
                    show(&diags)
                );
            }
        }
        Ok(c) => {
            let mut seen = std::collections::BTreeSet::new();
            let dups: Vec<_> = c
                .outputs
                .iter()
                .filter(|o| !seen.insert(o.path.clone()))
                .map(|o| o.path.clone())
                .collect();
            assert!(
                dups.is_empty(),
                "two outputs share a path (written in parallel, last one wins): {dups:?}"
            );
            let plan = c
                .outputs
                .iter()
                .find(|o| o.path == "data/plan.json")
                .unwrap();
            assert!(
                !String::from_utf8_lossy(&plan.bytes).contains("forged"),
                "the static file replaced plan.json"
            );
        }
    }
}

/// Build `root` into `out` with a given number of threads.
fn build_with_threads(root: &Path, out: &Path, threads: &str) {
    let o = build_command(root, out)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Two copies of a site, in different folders, built at different times with
/// different thread counts, give the same bytes; the manifest lists them all.
#[test]
fn the_same_site_builds_the_same_bytes_anywhere() {
    let (a, b) = (TempDir::new("repro-a"), TempDir::new("repro-b-longer-name"));
    for t in [&a, &b] {
        let outside_git = t.path().ancestors().all(|p| !p.join(".git").exists());
        assert!(
            outside_git,
            "the copies must be outside any git repository (history is an input)"
        );
        copy_dir(&fixture("good-en"), &t.join("site"));
    }
    build_with_threads(&a.join("site"), &a.join("public"), "4");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // New modification times for every file of the second copy.
    for t in read_tree(&b.join("site")).keys() {
        let p = b.join("site").join(t);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }
    build_with_threads(&b.join("site"), &b.join("public"), "1");
    let (ta, tb) = (read_tree(&a.join("public")), read_tree(&b.join("public")));
    assert_same_tree(&ta, &tb, "two copies of good-en");
    let manifest: serde_json::Value = serde_json::from_slice(&ta["data/manifest.json"]).unwrap();
    let files = manifest["files"].as_object().expect("manifest.files");
    let listed: Vec<&String> = files.keys().collect();
    let expected: Vec<&String> = ta
        .keys()
        .filter(|p| *p != "data/manifest.json" && *p != retiment::output::MARKER)
        .collect();
    assert_eq!(listed, expected, "the manifest lists every other file");
    for (path, hash) in files {
        assert_eq!(
            hash.as_str(),
            Some(sha256_hex(&ta[path]).as_str()),
            "SHA-256 of {path}"
        );
    }
}

//! Hostile and odd input files, one test each: YAML bombs and deep nesting,
//! huge files, NUL bytes, byte-order marks, CRLF, unclosed front matter,
//! non-UTF-8 text, symlinks. Each runs the `retiment` binary in a child
//! process with a time and memory bound, so that a stack overflow (an abort,
//! not a panic) or a runaway allocation fails one test, not the whole run.

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

use common::*;
use std::path::Path;
use std::time::Duration;
use support::{build_bounded, copy_dir, tail, Run};

const HEAD: &str = "title: \"Hostile\"\nobjective: \"1.1\"\nstatus: not_started\n";

fn base_site(label: &str) -> (TempDir, std::path::PathBuf) {
    let tmp = TempDir::new(label);
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    (tmp, root)
}

/// The base site plus `content/actions/1.1.2.md` holding `bytes`, built within bounds.
fn build_action(label: &str, bytes: &[u8]) -> Run {
    let (_tmp, root) = base_site(label);
    std::fs::write(root.join("content/actions/1.1.2.md"), bytes).unwrap();
    build_bounded(&root, Duration::from_secs(20), 512)
}

const FILE: &str = "content/actions/1.1.2.md";

#[test]
fn a_yaml_alias_bomb_in_one_key_is_refused_quickly() {
    let mut yaml = format!("---\n{HEAD}tags:\n  - &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        yaml.push_str(&format!(
            "  - &{} [{}]\n",
            w[1],
            vec![format!("*{}", w[0]); 9].join(",")
        ));
    }
    yaml.push_str("---\nBody.\n");
    build_action("bomb", yaml.as_bytes()).assert_error_at(
        "billion laughs",
        &format!("{FILE}:6:"),
        "tags",
    );
    // The same bomb as the value of a key that takes a list of strings, in flow style.
    let flow = format!("---\n{HEAD}partners: [&a [lol, lol, lol, lol], &b [*a, *a, *a, *a], &c [*b, *b, *b, *b], [*c, *c, *c, *c]]\n---\n");
    build_action("bomb-flow", flow.as_bytes()).assert_error_at(
        "flow bomb",
        &format!("{FILE}:5:"),
        "partners",
    );
}

#[test]
fn deep_flow_nesting_is_refused_at_its_line() {
    for open in ["[", "{a: ", "[{a: "] {
        let yaml = format!(
            "---\n{HEAD}tags: {}\n---\n",
            open.repeat(100_000 / open.len())
        );
        build_action("flow", yaml.as_bytes()).assert_error_at(
            open,
            &format!("{FILE}:5:"),
            "nested more than 32 levels",
        );
    }
    // Brackets inside quotes are text, not nesting.
    let quoted = format!(
        "---\ntitle: \"{}\"\nobjective: \"1.1\"\nstatus: not_started\n---\n",
        "[".repeat(100_000)
    );
    let run = build_action("quoted", quoted.as_bytes());
    run.assert_clean("brackets in a quoted title");
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
}

#[test]
fn deep_block_nesting_is_refused_at_its_line() {
    let dashes = format!("---\n{HEAD}tags:\n  {}x\n---\n", "- ".repeat(100_000));
    build_action("dashes", dashes.as_bytes()).assert_error_at(
        "- - - …",
        &format!("{FILE}:6:"),
        "nested more than 32 levels",
    );
    // Nesting by indentation, one map inside another, 2 spaces a level.
    let mut indented = format!("---\n{HEAD}tags:\n");
    for level in 1..200 {
        indented.push_str(&format!("{}a{level}:\n", "  ".repeat(level)));
    }
    indented.push_str("---\n");
    build_action("indent", indented.as_bytes()).assert_clean("200 levels of indentation");
    for chain in ["? ", "!t ", "&a ", "- ? "] {
        let yaml = format!(
            "---\n{HEAD}tags:\n  {}x\n---\n",
            chain.repeat(100_000 / chain.len())
        );
        build_action("chain", yaml.as_bytes()).assert_clean(chain);
    }
}

#[test]
fn a_5_mib_front_matter_value_is_refused_quickly() {
    let yaml = format!(
        "---\ntitle: \"{}\"\nobjective: \"1.1\"\nstatus: not_started\n---\n",
        "x".repeat(5 << 20)
    );
    build_action("5mib", yaml.as_bytes()).assert_error_at(
        "5 MiB title",
        &format!("{FILE}:2:"),
        "at most 1024 KiB",
    );
}

/// A 50 MB body either builds or is refused, within bounds: never 20 times its size in memory.
#[test]
fn a_50_mb_body_does_not_exhaust_memory() {
    let (_tmp, root) = base_site("50mb");
    let para = "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, [link](https://x.org/) sed do.\n\n";
    let mut text = format!("---\n{HEAD}---\n");
    text.push_str(&para.repeat((50 << 20) / para.len() + 1));
    std::fs::write(root.join(FILE), text).unwrap();
    let run = build_bounded(&root, Duration::from_secs(120), 1024);
    run.assert_clean("50 MB body");
    if run.code == Some(1) {
        assert!(
            run.stderr.contains(FILE),
            "a refusal names the file:\n{}",
            tail(&run.stderr)
        );
    }
}

#[test]
fn nul_bytes_are_an_error_in_front_matter_and_dropped_from_bodies() {
    let fm = "---\ntitle: \"a\0b\"\nobjective: \"1.1\"\nstatus: not_started\n---\n".to_string();
    build_action("nul-fm", fm.as_bytes()).assert_error_at(
        "NUL in a value",
        &format!("{FILE}:2:"),
        "control characters",
    );
    // In the body: the site builds, and no output carries the NUL.
    let (tmp, root) = base_site("nul-body");
    std::fs::write(root.join(FILE), format!("---\n{HEAD}---\nbo\0dy\0\n")).unwrap();
    let out = tmp.join("public");
    build_ok(&root, &out, &[]);
    for (path, bytes) in read_tree(&out) {
        assert!(!bytes.contains(&0), "{path} has a NUL byte");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_in_content_and_site_toml() {
    let (tmp, root) = base_site("bom");
    let toml = std::fs::read(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        [b"\xEF\xBB\xBF".as_slice(), &toml].concat(),
    )
    .unwrap();
    std::fs::write(
        root.join(FILE),
        "\u{feff}---\ntitle: \"With BOM\"\nobjective: \"1.1\"\nstatus: not_started\n---\nBody.\n",
    )
    .unwrap();
    let out = tmp.join("public");
    build_ok(&root, &out, &[]);
    let plan = String::from_utf8(read_tree(&out)["data/plan.json"].clone()).unwrap();
    assert!(
        plan.contains("\"With BOM\"") && !plan.contains('\u{feff}'),
        "the BOM is not part of any value"
    );
}

/// Editors on Windows save CRLF: the same site with CRLF line endings builds the same bytes.
#[test]
fn crlf_line_endings_build_the_same_site() {
    let (tmp, root) = base_site("crlf");
    let action = format!(
        "---\n{HEAD}summary: >-\n  Folded\n  summary\ntags:\n  - a\n  - b\nupdates:\n  - date: 2016-01-01\n    note: |\n      Two\n      lines\n---\nBody\nline.\n\n```\ncode\nblock\n```\n"
    );
    std::fs::write(root.join(FILE), &action).unwrap();
    let lf_out = tmp.join("lf");
    build_ok(&root, &lf_out, &[]);
    let crlf_root = tmp.join("crlf-site");
    copy_dir(&root, &crlf_root);
    for entry in walk_files(&crlf_root) {
        let text = std::fs::read_to_string(&entry).unwrap();
        std::fs::write(&entry, text.replace('\n', "\r\n")).unwrap();
    }
    let crlf_out = tmp.join("crlf");
    build_ok(&crlf_root, &crlf_out, &[]);
    assert_same_tree(
        &read_tree(&lf_out),
        &read_tree(&crlf_out),
        "LF and CRLF builds",
    );
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn unclosed_or_empty_front_matter_is_an_error_at_line_1() {
    for text in [
        "---",
        "---\n",
        "---\r\n",
        &format!("---\n{HEAD}Body without a closing line.\n"),
    ] {
        build_action("unclosed", text.as_bytes()).assert_error_at(
            &format!("{text:?}"),
            &format!("{FILE}:1:1:"),
            "never closed",
        );
    }
    build_action("empty", b"---\n---\n").assert_error_at(
        "empty front matter",
        &format!("{FILE}:1:"),
        "missing `title`",
    );
}

#[test]
fn non_utf8_bytes_are_an_error_at_their_position() {
    let text =
        b"---\ntitle: \"x\"\nobjective: \"1.1\"\nsummary: \"caf\xe9\"\nstatus: not_started\n---\n";
    build_action("latin1", text).assert_error_at(
        "Latin-1 é",
        &format!("{FILE}:4:14:"),
        "not valid UTF-8",
    );
}

#[test]
fn symlinks_under_content_are_refused_by_name() {
    let (tmp, root) = base_site("symlinks");
    let outside = tmp.join("outside.md");
    std::fs::write(&outside, format!("---\n{HEAD}---\nSecret.\n")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/actions/1.1.9.md")).unwrap();
    std::os::unix::fs::symlink("../actions", root.join("content/actions/loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("content/lines/up")).unwrap();
    let run = build_bounded(&root, Duration::from_secs(20), 512);
    for path in [
        "content/actions/1.1.9.md",
        "content/actions/loop",
        "content/lines/up",
    ] {
        run.assert_error_at(path, &format!("{path}:"), "symbolic link");
    }
}

/// `content/` itself may not be a link to content kept elsewhere, as `static/` may not:
/// the site must build the same from any checkout of its folder.
#[test]
fn a_content_folder_that_is_a_symlink_is_refused() {
    let (tmp, root) = base_site("content-link");
    let elsewhere = tmp.join("elsewhere");
    std::fs::rename(root.join("content"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, root.join("content")).unwrap();
    let run = build_bounded(&root, Duration::from_secs(20), 512);
    run.assert_error_at("content -> elsewhere", "content:", "symbolic link");
}

#[test]
fn symlinks_under_static_are_refused_by_name() {
    let (tmp, root) = base_site("static-links");
    let outside = tmp.join("secret.txt");
    std::fs::write(&outside, "secret").unwrap();
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("static/secret.txt")).unwrap();
    std::os::unix::fs::symlink(".", root.join("static/self")).unwrap();
    let run = build_bounded(&root, Duration::from_secs(20), 512);
    for path in ["static/secret.txt", "static/self"] {
        run.assert_error_at(path, &format!("{path}:"), "symbolic link");
    }
}

/// Deeply nested Markdown (lists, quotes, HTML blocks) builds or is refused;
/// it must never overflow the stack.
#[test]
fn deeply_nested_markdown_does_not_crash_the_build() {
    let mut failures = Vec::new();
    for (prefix, levels) in [
        ("- ", 10_000),
        ("> ", 10_000),
        ("1. ", 5_000),
        ("<div>", 10_000),
        ("> - ", 3_000),
        // Raw HTML that looks balanced or self-closed to a tag counter but
        // nests in an HTML parser: unmatched end tags are ignored, and `/>`
        // closes nothing on a `div`.
        ("<div></x>", 10_000),
        ("<div></br>", 10_000),
        ("<div/>", 10_000),
        ("<span></b>", 10_000),
    ] {
        let text = format!("---\n{HEAD}---\n{}deep\n", prefix.repeat(levels));
        let run = build_action("nested-md", text.as_bytes());
        if run.killed.is_some() || !matches!(run.code, Some(0 | 1)) {
            let why = run
                .stderr
                .lines()
                .find(|l| l.contains("overflow"))
                .unwrap_or("")
                .to_string();
            failures.push(format!(
                "{levels} × {prefix:?}: code {:?}, signal {:?} {why}",
                run.code, run.signal
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the build crashed on:\n{}",
        failures.join("\n")
    );
}

/// Without raw HTML, nested tags are text: 10,000 `<div>` build fine.
#[test]
fn nested_html_is_harmless_text_without_raw_html() {
    let (_tmp, root) = base_site("nested-html-off");
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap()
        + "\n[markdown]\nraw_html = false\n";
    std::fs::write(root.join("site.toml"), toml).unwrap();
    std::fs::write(
        root.join(FILE),
        format!("---\n{HEAD}---\n{}deep\n", "<div>".repeat(10_000)),
    )
    .unwrap();
    let run = build_bounded(&root, Duration::from_secs(20), 512);
    run.assert_clean("<div> × 10,000 as text");
    assert_eq!(run.code, Some(0), "{}", tail(&run.stderr));
}

/// Front matter refused whole (too big, too deep) is one error: the fields it
/// holds are not also reported missing.
#[test]
fn a_refused_front_matter_is_one_error_not_missing_fields() {
    let yaml = format!("---\n{HEAD}tags: {}\n---\n", "[".repeat(100));
    let run = build_action("refused-once", yaml.as_bytes());
    run.assert_error_at(
        "deep tags",
        &format!("{FILE}:5:"),
        "nested more than 32 levels",
    );
    let missing: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with(FILE) && l.contains("missing `"))
        .collect();
    assert!(
        missing.is_empty(),
        "title, objective and status are there, yet:\n{}",
        missing.join("\n")
    );
}

//! The raw HTML policy of Markdown bodies. By default (`[markdown] raw_html =
//! true`) editors are trusted committers and their HTML passes through; with
//! `raw_html = false` every tag is shown as text and links that would run
//! code (`javascript:` and the like, however they are spelled) are neutralised.

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

#[path = "security_scan.rs"]
#[allow(dead_code)]
mod scan;

use common::*;
use std::path::PathBuf;
use support::copy_dir;

const JS: &str = "https://example.org/plan/js/";

const HOSTILE_BODY: &str = r#"Raw <script>alert(1)</script> and <img src=x onerror=alert(1)> inline.

<div onmouseover="alert(1)"><iframe src="https://evil.example/"></iframe></div>

<script>
alert(1)
</script>

- [plain](javascript:alert(1))
- [upper](JaVaScRiPt:alert(1))
- [entity](java&#115;cript:alert(1))
- [hex entity](&#x6A;avascript:alert(1))
- [angle](<javascript:alert(1)>)
- [vb](vbscript:msgbox(1))
- [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
- [reference][evil]
- <javascript:alert(1)>
- ![image](javascript:alert(1))
- [good](https://example.org/ok) [internal](@/actions/1.1.1.md) [mail](mailto:a@example.org)

[evil]: javascript:alert(1)
"#;

/// The base site with the hostile body in an action, the home page and a free page.
fn site(tmp: &TempDir, raw_html: Option<bool>) -> PathBuf {
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    if let Some(raw) = raw_html {
        let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
        std::fs::write(
            root.join("site.toml"),
            format!("{toml}\n[markdown]\nraw_html = {raw}\n"),
        )
        .unwrap();
    }
    let head = "title: \"Body\"\nobjective: \"1.1\"\nstatus: not_started\n";
    std::fs::write(
        root.join("content/actions/1.1.2.md"),
        format!("---\n{head}---\n{HOSTILE_BODY}"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        format!("---\ntitle: \"Home\"\n---\n{HOSTILE_BODY}"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("content/pages")).unwrap();
    std::fs::write(
        root.join("content/pages/about.md"),
        format!("---\ntitle: \"About\"\n---\n{HOSTILE_BODY}"),
    )
    .unwrap();
    root
}

fn page(c: &retiment::Compiled, path: &str) -> String {
    let o = c
        .outputs
        .iter()
        .find(|o| o.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(o.bytes.clone()).unwrap()
}

#[test]
fn without_raw_html_nothing_in_a_body_can_run() {
    let tmp = TempDir::new("raw-off");
    let c = compile_ok(&site(&tmp, Some(false)), false);
    let mut problems = Vec::new();
    for o in c.outputs.iter().filter(|o| o.path.ends_with(".html")) {
        let html = String::from_utf8_lossy(&o.bytes);
        problems.extend(
            scan::dangerous(&html, JS)
                .into_iter()
                .map(|p| format!("{}: {p}", o.path)),
        );
    }
    assert!(
        problems.is_empty(),
        "with raw_html = false:\n{}",
        problems.join("\n")
    );
    for path in ["actions/1.1.2/index.html", "index.html", "about/index.html"] {
        let html = page(&c, path);
        let hrefs: Vec<String> = scan::start_tags(&html)
            .into_iter()
            .filter(|t| t.name == "a")
            .filter_map(|t| {
                t.attrs
                    .into_iter()
                    .find(|(a, _)| a == "href")
                    .map(|(_, v)| v)
            })
            .collect();
        for good in [
            "https://example.org/ok",
            "https://example.org/plan/actions/1.1.1/",
            "mailto:a@example.org",
        ] {
            assert!(
                hrefs.iter().any(|h| h == good),
                "{path}: the safe link {good} is kept; links: {hrefs:?}"
            );
        }
        assert!(
            html.contains("alert(1)"),
            "{path}: the HTML is shown as text, not dropped"
        );
    }
}

/// The default: editors are trusted committers, their HTML is published as written.
#[test]
fn with_raw_html_the_body_html_passes_through() {
    for setting in [None, Some(true)] {
        let tmp = TempDir::new("raw-on");
        let c = compile_ok(&site(&tmp, setting), false);
        let html = page(&c, "actions/1.1.2/index.html");
        let found = scan::dangerous(&html, JS);
        assert!(
            found.iter().any(|p| p.starts_with("script element"))
                && found.iter().any(|p| p.contains("onerror")),
            "raw_html = {setting:?}: the editor's HTML passes through; found {found:#?}"
        );
    }
}

/// The theme itself writes nothing that runs: only its own external scripts.
#[test]
fn the_theme_writes_no_inline_script_or_handler() {
    let tmp = TempDir::new("theme");
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    let c = compile_ok(&root, false);
    for o in c.outputs.iter().filter(|o| o.path.ends_with(".html")) {
        let found = scan::dangerous(&String::from_utf8_lossy(&o.bytes), JS);
        assert!(found.is_empty(), "{}: {found:#?}", o.path);
    }
}

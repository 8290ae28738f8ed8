//! Hostile content is escaped everywhere. tests/fixtures/hostile-content puts
//! markup, attribute breakers, spreadsheet formulas, `]]>`, `&`, quotes,
//! control characters and emoji in every field an editor writes; no page
//! may then hold an element or attribute that came from content, the XML
//! files must be well formed, the JSON files must give the text back as
//! written, and no CSV cell may start a formula. Front-matter links other
//! than http(s) and `@/` are refused, and facet names cannot leave the
//! output folder. The raw HTML policy is tested in security_raw_html.rs.

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

#[path = "security_scan.rs"]
#[allow(dead_code)]
mod scan;

use common::*;
use std::collections::BTreeMap;
use support::copy_dir;

const TITLE: &str = "=HYPERLINK(\"http://x\") <script>alert(1)</script> \"><img src=x onerror=alert(1)> </title><script>alert(2)</script> ]]> & ' \u{7}\u{1b} 😀";
const SUMMARY: &str =
    "+cmd|' /C calc'!A0 <script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> & ' \u{7} 😀";
const NOTE: &str =
    "-1+1 <script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> & ' \u{7} 😀";
const INDICATOR: &str = "=HYPERLINK(\"http://x\") <script>alert(1)</script> ]]> & ' \u{7} 😀";
const LINK_TITLE: &str =
    "@import <script>alert(1)</script> \"><img src=x onerror=alert(1)> ]]> & ' 😀";
const LINK_URL: &str = "https://example.org/\"><script>alert(1)</script>";

/// The hostile fixture compiled once, as a tree in memory.
fn outputs() -> &'static BTreeMap<String, Vec<u8>> {
    static TREE: std::sync::OnceLock<BTreeMap<String, Vec<u8>>> = std::sync::OnceLock::new();
    TREE.get_or_init(|| {
        let c = compile_ok(&fixture("hostile-content"), false);
        c.outputs.into_iter().map(|o| (o.path, o.bytes)).collect()
    })
}

fn text(path: &str) -> String {
    let bytes = outputs()
        .get(path)
        .unwrap_or_else(|| panic!("no output {path}"));
    String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
}

#[test]
fn no_page_holds_an_element_or_attribute_from_content() {
    let mut problems = Vec::new();
    let mut html_pages = 0;
    for (path, bytes) in outputs() {
        if path.ends_with(".html") {
            html_pages += 1;
            let html = String::from_utf8_lossy(bytes);
            problems.extend(
                scan::dangerous(&html, "https://example.org/plan/js/")
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        }
    }
    assert!(html_pages > 30, "the fixture builds its pages");
    assert!(
        problems.is_empty(),
        "unescaped content:\n{}",
        problems.join("\n")
    );
    // The text is shown, not dropped.
    let page = text("actions/1.1.1/index.html");
    assert!(
        page.contains("alert(1)") && page.contains("😀"),
        "the hostile title is shown as text"
    );
}

#[test]
fn feed_and_sitemap_are_well_formed_xml_with_the_text_as_written() {
    for path in ["feed.xml", "sitemap.xml"] {
        if let Err(e) = scan::xml_well_formed(&text(path)) {
            panic!("{path} is not well-formed XML: {e}");
        }
    }
    // XML 1.0 cannot hold C0 control characters: they are the only thing left out.
    let printable = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
    let titles = scan::xml_texts(&text("feed.xml"), "title");
    assert!(
        titles.iter().any(|t| t.contains(&printable(TITLE))),
        "the feed has the action's title as written; titles: {titles:#?}"
    );
    let summaries = scan::xml_texts(&text("feed.xml"), "summary");
    assert!(
        summaries.iter().any(|t| *t == printable(NOTE)),
        "the feed has the update's note: {summaries:#?}"
    );
    let locs = scan::xml_texts(&text("sitemap.xml"), "loc");
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.org/plan/") && !l.contains("..")),
        "{locs:#?}"
    );
}

#[test]
fn json_files_parse_and_give_the_text_back_as_written() {
    for (path, bytes) in outputs() {
        if path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
        }
    }
    let plan: serde_json::Value = serde_json::from_str(&text("data/plan.json")).unwrap();
    let a = &plan["actions"][0];
    assert_eq!(a["title"], TITLE);
    assert_eq!(a["summary"], SUMMARY);
    assert_eq!(a["updates"][0]["note"], NOTE);
    assert_eq!(a["indicators"][0]["name"], INDICATOR);
    assert_eq!(
        a["indicators"][0]["unit"],
        "\"><img src=x onerror=alert(1)>"
    );
    assert_eq!(a["links"][0]["title"], LINK_TITLE);
    assert_eq!(a["links"][0]["url"], LINK_URL);
    assert_eq!(a["partners"][5], "Tom & Jerry's ]]> 😀");
    assert_eq!(a["tags"][6], "\u{7}");
    let index: serde_json::Value = serde_json::from_str(&text("search/index.json")).unwrap();
    let doc = index
        .as_array()
        .and_then(|docs| docs.iter().find(|d| d["id"] == "1.1.1"))
        .expect("the action is in the search index");
    assert_eq!(doc["title"], TITLE);
    assert_eq!(doc["summary"], SUMMARY);
}

/// A cell that a spreadsheet would run as a formula starts with `'`.
#[test]
fn no_csv_cell_starts_a_formula() {
    let mut problems = Vec::new();
    let mut cells = BTreeMap::new();
    for (path, bytes) in outputs().iter().filter(|(p, _)| p.ends_with(".csv")) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes.as_slice());
        let header = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap_or_else(|e| panic!("{path} is not CSV: {e}"));
            for (name, cell) in header.iter().zip(record.iter()) {
                let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                if risky && cell.parse::<f64>().is_err() {
                    problems.push(format!("{path} {name}: {cell:?}"));
                }
                cells.insert(format!("{path} {name}"), cell.to_string());
            }
        }
    }
    assert!(
        problems.is_empty(),
        "cells a spreadsheet would run:\n{}",
        problems.join("\n")
    );
    assert_eq!(
        cells["data/actions.csv title"],
        format!("'{TITLE}"),
        "neutralised, otherwise as written"
    );
    assert_eq!(cells["data/actions.csv summary"], format!("'{SUMMARY}"));
    assert_eq!(
        cells["data/indicators.csv indicator"],
        format!("'{INDICATOR}")
    );
}

/// Partner and municipality names such as `..` and `../../etc/passwd` become pages inside the output folder.
#[test]
fn facet_names_cannot_leave_the_output_folder() {
    for path in outputs().keys() {
        assert!(
            retiment::output::is_safe_relative(path)
                && !path.contains('\\')
                && !path.split('/').any(|p| p == ".."),
            "unsafe output path {path:?}"
        );
    }
    let tmp = TempDir::new("facets");
    let out = tmp.join("out/public");
    build_ok(&fixture("hostile-content"), &out, &[]);
    let listed: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        listed,
        vec!["out"],
        "nothing is written beside the output folder"
    );
    let beside: Vec<_> = std::fs::read_dir(tmp.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        vec!["public"],
        "no temporary folder is left beside the output"
    );
    let tree = read_tree(&out);
    for page in [
        "partners/etc-passwd/index.html",
        "partners/-/index.html",
        "municipalities/-/index.html",
    ] {
        assert!(
            tree.contains_key(page),
            "{page} is built; pages: {:?}",
            tree.keys()
                .filter(|k| k.contains("partners/"))
                .collect::<Vec<_>>()
        );
    }
}

/// `links:` take http(s) and `@/` only: `javascript:` and every other scheme is an error at the url's line.
#[test]
fn front_matter_links_other_than_http_and_internal_are_refused() {
    let bad = [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "//evil.example/",
        "file:///etc/passwd",
        "ftp://example.org/",
        "https://example.org/a b",
        "\\thttps://example.org/",
    ];
    // Internal links that name no content file, in a file of their own: a
    // `links:` with a bad scheme is refused whole, so its targets are not looked up.
    let missing = [
        "@/actions/9.9.9.md",
        "@/../../etc/passwd",
        "@/",
        "@/content/actions/1.1.1.md",
    ];
    let tmp = TempDir::new("links");
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    for (file, urls) in [("1.1.2", &bad[..]), ("1.1.3", &missing[..])] {
        let mut yaml = String::from(
            "---\ntitle: \"Links\"\nobjective: \"1.1\"\nstatus: not_started\nlinks:\n",
        );
        for url in urls {
            yaml.push_str(&format!("  - title: \"x\"\n    url: \"{url}\"\n"));
        }
        yaml.push_str("---\n");
        std::fs::write(root.join(format!("content/actions/{file}.md")), yaml).unwrap();
    }
    let errors = compile_errors(&root);
    for (file, urls) in [("1.1.2", &bad[..]), ("1.1.3", &missing[..])] {
        for (i, url) in urls.iter().enumerate() {
            let (item_line, url_line) = (6 + 2 * i, 7 + 2 * i);
            assert!(
                errors
                    .iter()
                    .any(|d| d.path == format!("content/actions/{file}.md")
                        && (d.line == url_line || d.line == item_line)),
                "`{url}` (line {url_line}) is refused; errors:\n{}",
                show(&errors)
            );
        }
    }
}

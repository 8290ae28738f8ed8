//! Bad input never panics, hangs or exhausts memory: property tests over
//! random front matter, random Markdown bodies and random file names. Each
//! case builds a tiny site (tests/fixtures/hostile-base plus one file) in a
//! temporary folder with `retiment::compile`, on its own thread with a time
//! bound, and checks that every error names a file under `content/` (or
//! `site.toml`), a real line of it, and says something.
//!
//! The seed is fixed so runs are deterministic; set ROBUSTNESS_CASES to run
//! more cases (e.g. `ROBUSTNESS_CASES=2000 cargo test --test robustness_props`).

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
// The real keys of an action's front matter.
use retiment::load::kinds::ACTION_KEYS;
use std::time::Duration;

/// Far beyond what a tiny site takes even in a debug build.
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("ROBUSTNESS_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(0x7e71_3e47),
        max_shrink_iters: 200,
        ..Config::default()
    }
}

/// The base site in a fresh temporary folder, plus one file (`rel`, `bytes`).
fn site_with(rel: &str, bytes: &[u8]) -> TempDir {
    let tmp = TempDir::new("prop");
    support::copy_dir(&support::base_fixture(), tmp.path());
    let path = tmp.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    tmp
}

fn check(site: &TempDir, whole_file: bool) -> Result<(), TestCaseError> {
    let outcome = support::compile_bounded(site.path(), TIME_LIMIT).map_err(TestCaseError::fail)?;
    support::check_outcome(site.path(), outcome, whole_file).map_err(TestCaseError::fail)
}

fn run_case(rel: &str, bytes: &[u8], whole_file: bool) -> Result<(), TestCaseError> {
    check(&site_with(rel, bytes), whole_file)
}

// ---------------------------------------------------------------- values

/// A YAML value as a tree, rendered in flow or block style.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.,:!?#&*@%|>'\"{}\\[\\]-]{0,16}",
        "\"[^\"\\\\\n]{0,16}\"",
        "'[^'\n]{0,16}'",
        "\\PC{0,12}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        (1000u32..3000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        prop::sample::select(vec![
            "~",
            "null",
            "true",
            "no",
            "yes",
            ".nan",
            ".inf",
            "-.inf",
            "0x1F",
            "0o17",
            "1e400",
            "-0",
            "100",
            "101",
            "2.555",
            "\"@/actions/1.1.1.md\"",
            "\"@/nope.md\"",
            "@/bare",
            "javascript:alert(1)",
            "\"https://x.org/\"",
            "in_progress",
            "completed",
            "delayed",
            "not_started",
            "cancelled",
            "!!binary aGVsbG8=",
            "!!str 5",
            "!custom x",
            "*a",
            "&a anchored",
            "|\n  literal\n  text",
            ">-\n  folded",
            "? complex",
            "\"\\u0000\"",
            "\"\\x85\"",
            "%TAG",
            "<<: *a",
            "'''",
            "\"\"\"",
            "\t",
            "\u{feff}",
            "---",
            "...",
        ])
        .prop_map(str::to_string),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(ACTION_KEYS).prop_map(str::to_string),
        1 => prop::sample::select(vec![
            "year", "planned", "executed", "date", "note", "name", "unit", "baseline", "target",
            "values", "value", "url", "progres", "Title", "\"title\"", "'status'", "? x", "<<",
        ])
        .prop_map(str::to_string),
        1 => "[a-z_]{1,8}",
    ]
}

fn node() -> impl Strategy<Value = Node> {
    scalar()
        .prop_map(Node::Scalar)
        .prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Node::List),
                prop::collection::vec((key(), inner), 0..4).prop_map(Node::Map),
            ]
        })
}

fn flow(n: &Node) -> String {
    match n {
        Node::Scalar(s) => s.clone(),
        Node::List(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Node::Map(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `key:` followed by the value in block style, nested maps and lists indented.
fn block(key: &str, n: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match n {
        Node::Scalar(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
        Node::List(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for item in items {
                match item {
                    Node::Map(pairs) if !pairs.is_empty() => {
                        for (i, (k, v)) in pairs.iter().enumerate() {
                            let lead = if i == 0 { "- " } else { "  " };
                            out.push_str(&format!("{pad}  {lead}{k}: {}\n", flow(v)));
                        }
                    }
                    other => out.push_str(&format!("{pad}  - {}\n", flow(other))),
                }
            }
        }
        Node::Map(pairs) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in pairs {
                block(k, v, indent + 2, out);
            }
        }
    }
}

/// Realistic structured values with random numbers, dates and types inside.
fn realistic() -> impl Strategy<Value = String> {
    let num = prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        (0u32..100_000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        scalar(),
    ];
    let date = prop_oneof![
        (2010u32..2025, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        scalar(),
    ];
    prop_oneof![
        prop::collection::vec((num.clone(), num.clone(), num.clone()), 0..4).prop_map(|v| {
            let items: String = v.iter().map(|(y, p, e)| format!("  - {{ year: {y}, planned: {p}, executed: {e} }}\n")).collect();
            format!("budget:\n{items}")
        }),
        prop::collection::vec((date.clone(), scalar(), num.clone(), scalar()), 0..4).prop_map(|v| {
            let items: String = v.iter().map(|(d, n, p, s)| format!("  - date: {d}\n    note: {n}\n    progress: {p}\n    status: {s}\n")).collect();
            format!("updates:\n{items}")
        }),
        (scalar(), num.clone(), num.clone(), num.clone(), num).prop_map(|(n, b, t, y, v)| format!(
            "indicators:\n  - name: {n}\n    baseline: {b}\n    target: {t}\n    values: [{{ year: {y}, value: {v} }}]\n"
        )),
        (scalar(), scalar()).prop_map(|(t, u)| format!("links:\n  - title: {t}\n    url: {u}\n")),
        (date.clone(), date).prop_map(|(s, e)| format!("start: {s}\nend: {e}\n")),
        prop::collection::vec(scalar(), 0..4).prop_map(|v| format!("partners: [{}]\n", v.join(", "))),
    ]
}

/// One top-level entry: a real or random key with a random value, or a realistic field.
fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (key(), node(), any::<bool>()).prop_map(|(k, v, flow_style)| {
            if flow_style {
                format!("{k}: {}\n", flow(&v))
            } else {
                let mut s = String::new();
                block(&k, &v, 0, &mut s);
                s
            }
        }),
        2 => realistic(),
        1 => prop::sample::select(vec![
            "# a comment\n", "\n", "   \n", "\t\n", "a: &a [1, 2]\n", "b: *a\n", "title: *undefined\n",
            "? title\n: x\n", "title\n", ": x\n", "- x\n", "  indented: 1\n", "%YAML 1.2\n",
            "title: \"x\" # trailing\n", "---\n", "...\n", "title: x\r\n",
        ])
        .prop_map(str::to_string),
    ]
}

fn valid_head() -> &'static str {
    "title: \"Random action\"\nobjective: \"1.1\"\nstatus: not_started\n"
}

proptest! {
    #![proptest_config(config(64))]

    /// (a) Random YAML-ish front matter: real keys with random types, random keys, random structures.
    #[test]
    fn random_front_matter_is_an_error_or_a_site(
        with_head in any::<bool>(),
        entries in prop::collection::vec(entry(), 0..8),
        body in "\\PC{0,40}",
    ) {
        let head = if with_head { valid_head() } else { "" };
        let text = format!("---\n{head}{}---\n{body}\n", entries.concat());
        run_case("content/actions/1.1.2.md", text.as_bytes(), false)?;
    }

    /// (a) Random bytes as the front matter, and as the whole file.
    #[test]
    fn random_bytes_are_an_error_or_a_site(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        delimited in any::<bool>(),
    ) {
        let mut file = Vec::new();
        if delimited {
            file.extend_from_slice(b"---\n");
            file.extend_from_slice(&bytes);
            file.extend_from_slice(b"\n---\nBody.\n");
        } else {
            file = bytes;
        }
        run_case("content/actions/1.1.2.md", &file, false)?;
    }
}

// ---------------------------------------------------------------- bodies

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,24}",
        3 => prop::sample::select(vec![
            "[ok](@/actions/1.1.1.md)", "[frag](@/actions/1.1.1.md#budget)", "[bad](@/actions/9.md)",
            "[up](@/../../etc/passwd)", "[root](@/)", "[empty](@/#)", "![img](@/nope.png)",
            "![ok](@/actions/1.1.1.md)", "[js](javascript:alert(1))", "[ref][r]", "[r]: @/actions/1.1.1.md",
            "<https://x.org>", "<script>alert(1)</script>", "<div>", "</div>", "<!--", "-->",
            "<img src=x onerror=alert(1)>", "```", "~~~", "    code", "| a | b |\n|---|---|\n| 1 | 2 |",
            "[^1]", "[^1]: note", "[^1]:", "# heading {#id}", "## {#}", "#", "&amp;", "&#0;", "&#x110000;",
            "\u{0}", "\r\n", "\r", "\n\n", "<![CDATA[", "]]>", "*", "**", "_", "`", "\\", "- [ ] task",
            "- [x]", "~~", "---", "===", "\u{202e}", "\u{feff}", "😀", "a\u{301}",
        ])
        .prop_map(str::to_string),
        // Nesting a real body might have; thousands of levels are in robustness_hostile_input.rs,
        // run in a child process since they overflow the stack (an abort, not a panic).
        1 => (1usize..40, prop::sample::select(vec!["> ", "- ", "1. ", "* ", "  ", "> - ", "[", "*", "_"]))
            .prop_map(|(n, p)| format!("{}deep", p.repeat(n))),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    /// (b) Random Markdown bodies: `@/` links good and bad, HTML, deep nesting.
    #[test]
    fn random_bodies_are_an_error_or_a_site(
        parts in prop::collection::vec((fragment(), prop::sample::select(vec!["", " ", "\n", "\n\n"])), 0..24),
        raw_html in any::<bool>(),
    ) {
        let body: String = parts.iter().map(|(f, s)| format!("{f}{s}")).collect();
        let text = format!("---\n{}---\n{body}\n", valid_head());
        let site = site_with("content/actions/1.1.2.md", text.as_bytes());
        if !raw_html {
            let toml = site.join("site.toml");
            let mut s = std::fs::read_to_string(&toml).unwrap();
            s.push_str("\n[markdown]\nraw_html = false\n");
            std::fs::write(toml, s).unwrap();
        }
        check(&site, false)?;
    }
}

// ---------------------------------------------------------------- file names

fn file_name() -> impl Strategy<Value = String> {
    let stem = prop_oneof![
        "[a-zA-Z0-9._-]{1,12}",
        "\\PC{1,12}",
        prop::sample::select(vec![
            "1.1.3",
            "_index",
            "_draft",
            ".hidden",
            "..",
            "...",
            "-",
            "_",
            "1..2",
            "1.1.1",
            "1.1.1.es",
            "1.1.1.en",
            "1.1.1.xx",
            "1.1.1.ES",
            "1.1.1.es-ES",
            "2016",
            "20160",
            "con",
            "nul",
            "a b",
            "é",
            "😀",
            "%2e%2e",
            "\u{202e}dm",
            "\\",
            "*",
            "?",
        ])
        .prop_map(str::to_string),
    ];
    let ext = prop::sample::select(vec![
        ".md",
        ".md",
        ".md",
        ".MD",
        ".markdown",
        "",
        ".md.bak",
        ".es.md",
        ".md~",
    ]);
    (stem, ext).prop_map(|(s, e)| format!("{s}{e}"))
}

fn folder() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["", "actions/", "objectives/", "lines/", "reports/", "pages/"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["actions/sub/", "Actions/", "drafts/", "_drafts/", ".git/", "pages/x/y/"]).prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    /// (c) Random file names under content/, holding a valid action or a page.
    #[test]
    fn random_file_names_are_an_error_or_a_site(
        folder in folder(),
        name in file_name().prop_filter("a file name", |n| {
            n != "." && n != ".." && !n.contains(['/', '\0']) && n.len() < 200
        }),
        page in any::<bool>(),
    ) {
        let text = if page {
            "---\ntitle: \"A page\"\n---\nText.\n".to_string()
        } else {
            format!("---\n{}---\nText.\n", valid_head())
        };
        run_case(&format!("content/{folder}{name}"), text.as_bytes(), true)?;
    }
}

//! Markdown bodies written minified at once (`markdown_minified`) are byte
//! for byte what minify-html makes of pulldown-cmark's HTML of them, for
//! the constructs written at once, and bodies with anything else are
//! minified as before (docs/performance.md). Whole pages are compared in
//! tests/minify_templates.rs.

mod common;
use retiment::markdown::{events, render, render_minified, Context};
use retiment::markdown_minified::write;
use retiment::render::minify::fragment;

/// Both ways, and whether the body was written at once.
fn both(body: &str) -> (String, String, bool) {
    both_with(body, true)
}

/// `both`, with raw HTML passed through or shown as text.
fn both_with(body: &str, raw_html: bool) -> (String, String, bool) {
    let resolve = |p: &str| (p == "actions/1.1.7.md").then(|| "https://x.org/a/1.1.7/".into());
    let cx = Context {
        path: "content/a.md",
        body_line: 1,
        resolve: &resolve,
        raw_html,
    };
    let slow = fragment(render(body, &cx, &mut Vec::new()));
    let fast = render_minified(body, &cx, &mut Vec::new());
    let events = events(body, &cx, &mut Vec::new());
    (slow, fast, write(&events).is_some())
}

/// Each body the same both ways, and written at once or not, as `at_once` says.
fn assert_same_both_ways(bodies: &[&str], at_once: bool) {
    for body in bodies {
        let (slow, fast, fast_path) = both(body);
        assert_eq!(fast_path, at_once, "written at once or not: {body:?}");
        assert_eq!(fast, slow, "{body:?}");
    }
}

/// Bodies made of random pieces (words, spaces, breaks, emphasis, code,
/// links, signs, list items, table rows), the same both ways.
#[test]
fn random_bodies_are_the_same_both_ways() {
    const PIECES: &[&str] = &[
        "word",
        "mot",
        " ",
        "  ",
        "\n",
        "\n\n",
        "*em*",
        "**strong**",
        "~~del~~",
        "` code `",
        "`a  b`",
        "[link](https://example.org/p/)",
        "[int](@/actions/1.1.7.md)",
        "<",
        ">",
        "\"",
        "'",
        "-",
        "\n- item ",
        "\n1. item ",
        "\n## Title ",
        "\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n",
        "\t",
        "é",
        "*",
        "_",
        "&",
        "\n> q ",
        "\r\n",
        "\x0c",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut at_once, n) = (0, 3000);
    for _ in 0..n {
        let len = 1 + next() % 24;
        let body: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let (slow, fast, fast_path) = both(&body);
        assert_eq!(fast, slow, "{body:?}");
        at_once += usize::from(fast_path);
    }
    // Many are written at once: the comparison covers the fast path.
    assert!(at_once > n / 4, "{at_once} of {n} written at once");
}

/// Bodies written at once: each the same as minify-html makes of the HTML.
#[test]
fn common_bodies_are_written_as_minify_html_writes_them() {
    let bodies = [
        "Plain text.",
        "  Leading and trailing spaces  \n",
        "One line\nand a soft break\n   with   runs   of spaces.",
        "# Heading\n\nText *em* **strong** ~~del~~ and `code  with  spaces`.",
        "## Heading {#own-id}\n\ntext",
        "## Finançament i pròxims passos\n\n## Finançament i pròxims passos",
        "See [the action](@/actions/1.1.7.md) and [a site](https://example.org/x/y/).",
        "Signs: 1 < 2 > 0, \"quoted\" and 'single'.",
        "- one\n- two *with em*\n- three [link](https://example.org/)\n",
        "1. first\n2. second\n",
        "| Year | Amount (€) |\n|:-----|---------:|\n| 2016 | 50.646 |\n| 2017 |  63.336 |\n",
        "| a | b | c |\n|---|:-:|---|\n| x |  | z |\n",
        "| only head |\n|---|\n",
        "Text **bold *nested em* end** after.\n\nSecond paragraph.",
        "*emphasis at start* then text\nand ` leading code` end",
        "A paragraph\n\n- a list right after\n\n| t |\n|---|\n| 1 |\n\nEnd.",
        "<https://example.org/auto>",
        "Trailing space in em: *a *b",
        "Ünïcödé ß ç ñ — “quotes” … and a non-breaking\u{a0}space.",
        "Windows\r\nline ends\r\n\r\n- and\r\n- a list\r\n",
        "A NUL \0 and a form\x0cfeed",
    ];
    assert_same_both_ways(&bodies, true);
}

/// Constructs this writer leaves to minify-html: the result is still the same.
#[test]
fn other_bodies_are_minified_as_before() {
    // Nested past the minifier's depth limit: published as rendered, as before.
    let deep = format!("{}x{}", "*a ".repeat(300), "*".repeat(300));
    let bodies = [
        "R&D and &amp; entities",
        "Line<br>with raw <span class=\"x\">html</span>",
        "Hard  \nbreak",
        "> a quote",
        "```rust\nfn main() {}\n```",
        "    indented code",
        "- loose\n\n- list\n",
        "- nested\n  - list\n",
        "3. starts at three\n4. four\n",
        "[titled](https://example.org/ \"Title\")",
        "[query](https://example.org/?a=1&b=2)",
        "<mail@example.org>",
        "![image](https://example.org/i.png)",
        "- [x] task",
        "Text[^1]\n\n[^1]: note",
        "---",
        "# Heading {.class}",
        "≪\u{20D2} rare sequence",
        &deep,
    ];
    assert_same_both_ways(&bodies, false);
}

/// Every body of the example site, in every language, both ways.
#[test]
fn the_example_sites_bodies_are_the_same_both_ways() {
    let site = common::compile_ok(&common::repo_root(), false);
    let plan = &site.plan;
    let texts = plan.actions.iter().map(|a| &a.text);
    let texts = texts.chain(plan.objectives.iter().map(|o| &o.text));
    let texts = texts.chain(plan.reports.iter().map(|r| &r.text));
    let texts = texts.chain(plan.pages.iter().map(|p| &p.text));
    let mut at_once = 0;
    let mut n = 0;
    for t in texts.chain(plan.translations.values()) {
        let (slow, fast, fast_path) = both(&t.body);
        assert_eq!(fast, slow, "{}", t.path);
        at_once += usize::from(fast_path);
        n += 1;
    }
    assert!(
        n > 40 && at_once > n / 2,
        "{at_once} of {n} written at once"
    );
}

/// Without raw HTML (`markdown.raw_html = false`), tags are shown as text
/// and unsafe links lead nowhere: the same both ways, mostly written at once.
#[test]
fn bodies_without_raw_html_are_the_same_both_ways() {
    let bodies = [
        "[click](javascript:alert(1)) and [ok](https://example.org/)",
        "Text with <b>tags</b> and <span class=\"x\">more</span>.",
        "<div>\nA block of HTML\n</div>\n\nthen a paragraph",
        "- <i>item</i>\n- [x](vbscript:y)\n",
    ];
    for body in bodies {
        let (slow, fast, _) = both_with(body, false);
        assert_eq!(fast, slow, "{body:?}");
    }
    let (_, _, at_once) = both_with(bodies[0], false);
    assert!(at_once, "an unsafe link is written at once as `#`");
    let (_, _, at_once) = both_with(bodies[1], false);
    assert!(at_once, "inline tags shown as text are written at once");
}

//! The built-in theme writes some small components out where they run once
//! per action (`action.html`, `partials/timeline_item.html`, `money_table`), because a
//! component call costs a new context (docs/performance.md, seventh round).
//! Those copies must say exactly what the components say: a status badge or
//! an SDG chip is the same markup on an action page (a copy) as on the list
//! and facet pages (the component). (The "not available" dash is not
//! checked: the example site has no missing figure to show one.)

mod common;

use retiment::render;
use std::collections::{BTreeMap, BTreeSet};

/// A piece of markup: where it starts, and how many `</span>` end it.
struct Piece {
    name: &'static str,
    start: &'static str,
    closings: usize,
}

const PIECES: [Piece; 2] = [
    // Its markup and symbol; the words are `t.status` or, in the status
    // tables, `t.status_plural`.
    Piece {
        name: "status badge",
        start: "<span class=\"status status-",
        closings: 1,
    },
    Piece {
        name: "SDG chip",
        start: "<span class=\"sdg-chip sdg-",
        closings: 1,
    },
];

/// Every occurrence of `piece` in `html`: its opening tag (the key: one
/// status, one goal) and the whole piece.
fn occurrences<'a>(html: &'a str, piece: &Piece) -> Vec<(&'a str, &'a str)> {
    let mut found = Vec::new();
    for (at, _) in html.match_indices(piece.start) {
        let rest = &html[at..];
        let mut end = 0;
        for _ in 0..piece.closings {
            match rest[end..].find("</span>") {
                Some(i) => end += i + "</span>".len(),
                None => panic!("an unclosed {} in {rest:.200}", piece.name),
            }
        }
        let open = &rest[..rest.find('>').map_or(0, |i| i + 1)];
        found.push((open, &rest[..end]));
    }
    found
}

#[test]
fn written_out_components_are_the_components() {
    let site = common::repo_root();
    let c = common::compile_ok(&site, false);
    let mut diags = Vec::new();
    let outputs = render::render(&site, &c.config, &c.plan, &c.figures, None, &mut diags);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let languages = c.config.languages();
    for piece in &PIECES {
        // By language and opening tag: every form seen, and where.
        let mut forms: BTreeMap<(String, &str), BTreeSet<&str>> = BTreeMap::new();
        let mut on_action_pages = BTreeSet::new();
        let mut elsewhere = BTreeSet::new();
        for o in outputs.iter().filter(|o| o.path.ends_with(".html")) {
            let html = std::str::from_utf8(&o.bytes).expect("pages are UTF-8");
            let prefixed =
                (languages.iter()).find_map(|l| Some((l, o.path.strip_prefix(&format!("{l}/"))?)));
            let (lang, rest) = prefixed.map_or(
                (c.config.default_language.clone(), o.path.as_str()),
                |(l, rest)| (l.to_string(), rest),
            );
            // `actions/1.1.7/index.html`, not the list at `actions/index.html`.
            let action_page = rest.starts_with("actions/") && rest != "actions/index.html";
            for (open, whole) in occurrences(html, piece) {
                let key = (lang.clone(), open);
                forms.entry(key.clone()).or_default().insert(whole);
                match action_page {
                    true => on_action_pages.insert(key),
                    false => elsewhere.insert(key),
                };
            }
        }
        for ((lang, open), seen) in &forms {
            assert_eq!(
                seen.len(),
                1,
                "{} {open} in {lang} is written {} ways: {seen:#?}",
                piece.name,
                seen.len()
            );
        }
        // Both a copy and the component were compared, or nothing was.
        assert!(
            on_action_pages.intersection(&elsewhere).next().is_some(),
            "no {} is both on an action page and on another page",
            piece.name
        );
    }
}

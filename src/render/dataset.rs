//! The data files of one language (`plan.json`, the CSV tables, the feed)
//! and the templates' `data`, made entity by entity: each line's,
//! objective's, action's, report's and page's share of every file is made
//! on its own, on every core, then the files are joined. The preview keeps
//! each share between rebuilds (`DataMemo`) and makes again only those of
//! entities whose content changed, so that an edit does not cost the whole
//! site's open data (docs/performance.md).

use super::feeds::{self, Entry, FeedWords};
use super::tables::{self, ActionRows};
use super::Output;
use crate::config::Config;
use crate::data::{ActionOut, Document};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::Value;

/// Everything one entity contributes to its language's data.
pub struct Share {
    /// Its element of its list in `data`.
    value: Value,
    /// Its element of its list in `plan.json`, indented for its place there.
    json: Vec<u8>,
    /// An action's rows of the tables and entries of the feed.
    rows: ActionRows,
    entries: Vec<Entry>,
}

impl Share {
    fn of<T: Serialize>(item: &T) -> Share {
        let json = serde_json::to_vec_pretty(item).unwrap_or_default();
        Share {
            value: Value::from_serializable(item),
            json: indent(&json, ELEMENT_INDENT),
            rows: ActionRows::default(),
            entries: Vec::new(),
        }
    }

    fn of_action(a: &ActionOut, words: &FeedWords) -> Share {
        Share {
            rows: tables::action_rows(a),
            entries: feeds::action_entries(a, words),
            ..Share::of(a)
        }
    }
}

/// The shares of each language's entities, by what each was made from,
/// kept by the preview from one rebuild to the next.
#[derive(Default)]
pub struct DataMemo {
    langs: Mutex<HashMap<String, LangMemo>>,
}

#[derive(Default)]
struct LangMemo {
    /// What every share of the language also depends on (its interface
    /// words, the default language): when it changes, nothing is reused.
    context: Option<u128>,
    shares: HashMap<u128, Arc<Share>>,
}

/// The document's lists, in `plan.json`'s order.
const LISTS: [&str; 5] = ["lines", "objectives", "actions", "reports", "pages"];
const ACTIONS: usize = 2;

/// The data files of `doc`'s language and the templates' `data` (exactly
/// `doc`, as a template value). With `memo`, an entity whose content is the
/// same as at the last call reuses its share.
pub fn make(
    doc: &Document,
    config: &Config,
    prefix: &str,
    strings: &serde_json::Value,
    memo: Option<&DataMemo>,
) -> (Vec<Output>, Value) {
    let words = FeedWords::new(doc, config, strings);
    let lang = doc.site.language.to_string();
    let context = fingerprint(&(strings, &config.default_language));
    let old = memo
        .and_then(|m| m.langs.lock().ok()?.remove(&lang))
        .filter(|old| context.is_some() && old.context == context);
    let old = memo.map(|_| old.unwrap_or_default());
    let lists: [Vec<(Option<u128>, Arc<Share>)>; 5] = [
        shares(0, &doc.lines, old.as_ref(), Share::of),
        shares(1, &doc.objectives, old.as_ref(), Share::of),
        shares(2, &doc.actions, old.as_ref(), |a| {
            Share::of_action(a, &words)
        }),
        shares(3, &doc.reports, old.as_ref(), Share::of),
        shares(4, &doc.pages, old.as_ref(), Share::of),
    ];
    crate::timings::lap("  shares");
    let ((plan_json, tables), (feed, data)) = rayon::join(
        || {
            let json = plan_json(doc, &lists);
            let rows = lists[ACTIONS].iter().map(|(_, s)| &s.rows);
            (json, tables::tables(doc, prefix, rows))
        },
        || {
            let entries = lists[ACTIONS].iter().flat_map(|(_, s)| &s.entries);
            let feed = feeds::atom(doc, config, prefix, &words, entries);
            (feed, data_value(doc, &lists))
        },
    );
    if let Some(memo) = memo {
        // Only this run's shares are kept: a memo never outgrows the site.
        let shares = lists
            .into_iter()
            .flatten()
            .filter_map(|(key, share)| Some((key?, share)))
            .collect();
        if let Ok(mut m) = memo.langs.lock() {
            m.insert(lang, LangMemo { context, shares });
        }
    }
    let mut outputs = vec![Output {
        path: format!("{prefix}data/plan.json"),
        bytes: plan_json,
    }];
    outputs.extend(tables);
    outputs.push(feed);
    (outputs, data)
}

/// The shares of one list's items, each with its fingerprint when there is
/// a memo (then an item with a fingerprint seen last time reuses its share).
fn shares<T, F>(
    tag: u8,
    items: &[T],
    old: Option<&LangMemo>,
    make: F,
) -> Vec<(Option<u128>, Arc<Share>)>
where
    T: Serialize + Sync,
    F: Fn(&T) -> Share + Sync,
{
    items
        .par_iter()
        .with_min_len(16)
        .map(|item| {
            let key = old.and_then(|_| fingerprint(&(tag, item)));
            let kept = key.and_then(|k| old?.shares.get(&k).cloned());
            (key, kept.unwrap_or_else(|| Arc::new(make(item))))
        })
        .collect()
}

/// What tells two versions of a value apart: a 128-bit hash of its JSON.
fn fingerprint<T: Serialize>(value: &T) -> Option<u128> {
    struct Writer(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Writer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut w = std::io::BufWriter::with_capacity(4096, Writer(xxhash_rust::xxh3::Xxh3::new()));
    // A value that does not serialise whole has no fingerprint (never reused).
    serde_json::to_writer(&mut w, value).ok()?;
    Some(w.into_inner().ok()?.0.digest128())
}

/// Where `plan.json` (pretty-printed, two spaces a level) puts an element of
/// a top-level list: two levels in.
const ELEMENT_INDENT: &[u8] = b"    ";

/// `json` with every line after the first indented by `by`. JSON strings
/// escape their line breaks, so every line break is the printer's own.
fn indent(json: &[u8], by: &[u8]) -> Vec<u8> {
    let breaks = json.iter().filter(|&&b| b == b'\n').count();
    let mut out = Vec::with_capacity(json.len() + breaks * by.len());
    for line in json.split_inclusive(|&b| b == b'\n') {
        out.extend_from_slice(line);
        if line.ends_with(b"\n") {
            out.extend_from_slice(by);
        }
    }
    out
}

/// The document as `serde_json::to_vec_pretty` prints it (with a final line
/// break), its lists' elements given already printed.
fn plan_json(doc: &Document, lists: &[Vec<(Option<u128>, Arc<Share>)>; 5]) -> Vec<u8> {
    /// `Document` with empty lists: the same fields, in the same order.
    #[derive(Serialize)]
    struct Outline<'d, 'a> {
        site: &'d crate::data::SiteInfo<'a>,
        plan: &'a crate::derive::Rollup,
        lines: [(); 0],
        objectives: [(); 0],
        actions: [(); 0],
        reports: [(); 0],
        pages: [(); 0],
    }
    let outline = Outline {
        site: &doc.site,
        plan: doc.plan,
        lines: [],
        objectives: [],
        actions: [],
        reports: [],
        pages: [],
    };
    let mut outline = serde_json::to_vec_pretty(&outline).unwrap_or_default();
    outline.push(b'\n');
    const OPEN: &[u8] = b"[\n    ";
    const NEXT: &[u8] = b",\n    ";
    const CLOSE: &[u8] = b"\n  ]";
    let size: usize = lists
        .iter()
        .flatten()
        .map(|(_, s)| s.json.len() + NEXT.len())
        .sum();
    let mut out = Vec::with_capacity(outline.len() + size + LISTS.len() * CLOSE.len());
    let mut rest = outline.as_slice();
    for (key, list) in LISTS.iter().zip(lists) {
        // Each list is a top-level key: the only one of its name at the
        // start of a line two spaces in.
        let empty = format!("\n  \"{key}\": []");
        let Some(at) = find(rest, empty.as_bytes()) else {
            continue;
        };
        let list_at = at + empty.len() - 2;
        out.extend_from_slice(&rest[..list_at]);
        rest = &rest[list_at + 2..];
        if list.is_empty() {
            out.extend_from_slice(b"[]");
            continue;
        }
        for (n, (_, share)) in list.iter().enumerate() {
            out.extend_from_slice(if n == 0 { OPEN } else { NEXT });
            out.extend_from_slice(&share.json);
        }
        out.extend_from_slice(CLOSE);
    }
    out.extend_from_slice(rest);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The templates' `data`: `Value::from_serializable(doc)`, its lists' elements
/// given already converted.
fn data_value(doc: &Document, lists: &[Vec<(Option<u128>, Arc<Share>)>; 5]) -> Value {
    let mut m = HashMap::new();
    m.insert("site", Value::from_serializable(&doc.site));
    m.insert("plan", Value::from_serializable(doc.plan));
    for (key, list) in LISTS.iter().zip(lists) {
        let values: Vec<Value> = list.iter().map(|(_, s)| s.value.clone()).collect();
        m.insert(*key, Value::from(values));
    }
    Value::from(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joined from shares, with or without a memo, and again after a memo
    /// was filled: the files and `data` are those of the whole document.
    #[test]
    fn joined_shares_are_the_whole_document() {
        let c = crate::example_site();
        let memo = DataMemo::default();
        for lang in c.config.languages() {
            let doc = crate::data::document(&c.plan, &c.figures, &c.config, &lang);
            let strings = serde_json::json!({ "status": { "completed": "Done" } });
            let prefix = c.config.lang_prefix(&lang);
            let fresh = make(&doc, &c.config, &prefix, &strings, None);
            assert_eq!(fresh.1, Value::from_serializable(&doc));
            let mut whole = serde_json::to_vec_pretty(&doc).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&fresh.0[0].bytes),
                String::from_utf8_lossy(&whole)
            );
            for _ in 0..2 {
                let memoised = make(&doc, &c.config, &prefix, &strings, Some(&memo));
                assert_eq!(memoised.0, fresh.0);
                assert_eq!(memoised.1, fresh.1);
            }
        }
    }

    /// A document with empty lists prints them as `[]`, as serde_json does.
    #[test]
    fn empty_lists_print_as_serde_json_prints_them() {
        let c = crate::example_site();
        let mut doc = crate::data::document(&c.plan, &c.figures, &c.config, "en");
        doc.lines.clear();
        doc.pages.clear();
        let (files, _) = make(&doc, &c.config, "", &serde_json::json!({}), None);
        let mut whole = serde_json::to_vec_pretty(&doc).unwrap();
        whole.push(b'\n');
        assert_eq!(files[0].bytes, whole);
    }

    #[test]
    fn indenting_shifts_every_line_but_the_first() {
        assert_eq!(
            indent(b"{\n  \"a\": 1\n}", b"    "),
            b"{\n      \"a\": 1\n    }"
        );
    }
}

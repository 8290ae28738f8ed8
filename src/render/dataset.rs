//! The data files of one language (`plan.json`, the CSV tables, the feed)
//! and the templates' `data`, made entity by entity: each line's,
//! objective's, action's, report's and page's share of every file is made
//! on its own, on every core; a file is joined from the shares when it is
//! written or asked for, and its size is known before. The preview keeps
//! each share between rebuilds (`DataMemo`) and makes again only those of
//! entities whose content changed, so that an edit does not cost the whole
//! site's open data (docs/performance.md). Joining is `datafiles`' part.

use super::datafiles::DataFiles;
use super::feeds::{self, Entry, FeedWords};
use super::tables::{self, ActionRows};
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
    pub(super) json: Vec<u8>,
    /// An action's rows of the tables and entries of the feed.
    pub(super) rows: ActionRows,
    pub(super) entries: Vec<Entry>,
}

impl Share {
    fn of<T: Serialize>(item: &T) -> Share {
        Share {
            value: Value::from_serializable(item),
            json: element_json(item),
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
pub(super) const LISTS: [&str; 5] = ["lines", "objectives", "actions", "reports", "pages"];
pub(super) const ACTIONS: usize = 2;

/// The data files of `doc`'s language and the templates' `data` (exactly
/// `doc`, as a template value). With `memo`, an entity whose content is the
/// same as at the last call reuses its share.
pub fn make(
    doc: &Document,
    config: &Config,
    prefix: &str,
    strings: &serde_json::Value,
    memo: Option<&DataMemo>,
) -> (DataFiles, Value) {
    let words = FeedWords::new(doc, config, strings);
    let lang = doc.site.language.to_string();
    let context = super::fingerprint::of(&(strings, &config.default_language));
    let old = memo
        .and_then(|m| m.langs.lock().ok()?.remove(&lang))
        .filter(|old| context.is_some() && old.context == context);
    let old = memo.map(|_| old.unwrap_or_default());
    let old = old.as_ref();
    // All lists at once: a few reports are as large as thousands of actions.
    let ((lines, objectives), (actions, (reports, pages))) = rayon::join(
        || {
            rayon::join(
                || shares(0, &doc.lines, old, Share::of),
                || shares(1, &doc.objectives, old, Share::of),
            )
        },
        || {
            rayon::join(
                || shares(2, &doc.actions, old, |a| Share::of_action(a, &words)),
                || {
                    rayon::join(
                        || shares(3, &doc.reports, old, Share::of),
                        || shares(4, &doc.pages, old, Share::of),
                    )
                },
            )
        },
    );
    let lists = [lines, objectives, actions, reports, pages];
    crate::timings::lap("  data: shares");
    let data = data_value(doc, &lists);
    let lists = lists.map(|list| {
        let shares: Vec<Arc<Share>> = list.iter().map(|(_, s)| s.clone()).collect();
        if let Some(memo) = memo {
            // Only this run's shares are kept: a memo never outgrows the site.
            if let Ok(mut m) = memo.langs.lock() {
                let kept = m.entry(lang.clone()).or_default();
                kept.context = context;
                kept.shares
                    .extend(list.into_iter().filter_map(|(k, s)| Some((k?, s))));
            }
        }
        shares
    });
    let report_entries = feeds::report_entries(doc, &words);
    let newest = lists[ACTIONS]
        .iter()
        .flat_map(|s| &s.entries)
        .chain(&report_entries)
        .min_by(|a, b| feeds::feed_order(a, b));
    let feed_head = feeds::feed_head(doc, config, newest);
    let files = DataFiles::new(doc, prefix, lists, feed_head, report_entries);
    (files, data)
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
        .map(|item| {
            let key = old.and_then(|_| super::fingerprint::of(&(tag, item)));
            let kept = key.and_then(|k| old?.shares.get(&k).cloned());
            (key, kept.unwrap_or_else(|| Arc::new(make(item))))
        })
        .collect()
}

/// `item` pretty-printed as an element of a top-level list of `plan.json`
/// (two levels in): serde_json's own pretty printer, made to start there.
fn element_json<T: Serialize>(item: &T) -> Vec<u8> {
    use serde_json::ser::Formatter;
    let mut printer = serde_json::ser::PrettyFormatter::new();
    // Opening two lists (printed nowhere) is how the printer gets two levels in.
    for _ in 0..2 {
        let _ = printer.begin_array(&mut std::io::sink());
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, printer);
    match item.serialize(&mut serializer) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
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
            let (files, data) = make(&doc, &c.config, &prefix, &strings, None);
            assert_eq!(data, Value::from_serializable(&doc));
            let outputs = files.outputs();
            // (Which files: tests/validators.rs, every_language_publishes_every_data_file.)
            let paths: Vec<&String> = outputs.iter().map(|o| &o.path).collect();
            assert_eq!(files.paths().iter().collect::<Vec<_>>(), paths);
            let mut whole = serde_json::to_vec_pretty(&doc).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8_lossy(&outputs[0].bytes),
                String::from_utf8_lossy(&whole)
            );
            let sizes: Vec<(String, usize)> = outputs
                .iter()
                .map(|o| (o.path.clone(), o.bytes.len()))
                .collect();
            assert_eq!(files.sizes(), sizes);
            for o in &outputs {
                assert_eq!(files.file(&o.path).as_ref(), Some(o));
            }
            for _ in 0..2 {
                let memoised = make(&doc, &c.config, &prefix, &strings, Some(&memo));
                assert_eq!(memoised.0.outputs(), outputs);
                assert_eq!(memoised.1, data);
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
        assert_eq!(files.outputs()[0].bytes, whole);
    }

    #[test]
    fn elements_are_indented_for_their_place_but_their_first_line() {
        let item = serde_json::json!({ "a": 1 });
        assert_eq!(element_json(&item), b"{\n      \"a\": 1\n    }");
    }
}

//! The data files of one language (`plan.json`, the CSV tables, the feed)
//! and the templates' `data`, made entity by entity: each line's,
//! objective's, action's, report's and page's share of every file is made
//! on its own, on every core; a file is joined from the shares when it is
//! written or asked for, and its size is known before. The preview keeps
//! each share between rebuilds (`datamemo`) and makes again only those of
//! entities whose content changed, so that an edit does not cost the whole
//! site's open data (docs/performance.md). Joining is `datafiles`' part.

use super::datafiles::DataFiles;
use super::datamemo::LangMemo;
pub use super::datamemo::{origins_of, DataMemo, Origin, Origins};
use super::feeds::{self, Entry, FeedWords};
use super::tables::{self, ActionRows};
use crate::config::Config;
use crate::data::{ActionOut, Document};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;
use tera::Value;

/// Everything one entity contributes to its language's data.
pub struct Share {
    /// Its element of its list in `data` (none when `make` was not asked
    /// for the templates' values).
    value: Value,
    /// Its element of its list in `plan.json`, indented for its place there.
    pub(super) json: Vec<u8>,
    /// An action's rows of the tables and entries of the feed.
    pub(super) rows: ActionRows,
    pub(super) entries: Vec<Entry>,
}

impl Share {
    fn of<T: Serialize>(item: &T, value: bool) -> Share {
        Share {
            value: match value {
                true => Value::from_serializable(item),
                false => Value::none(),
            },
            json: element_json(item),
            rows: ActionRows::default(),
            entries: Vec::new(),
        }
    }

    fn of_action(a: &ActionOut, words: &FeedWords, value: bool) -> Share {
        Share {
            rows: tables::action_rows(a),
            entries: feeds::action_entries(a, words),
            ..Share::of(a, value)
        }
    }
}

/// What `make` gives: the language's data files, the templates' `data`
/// (made with a memo only, else see `template_data`), and whether both are
/// those of the last call.
pub struct Made {
    pub files: Arc<DataFiles>,
    pub data: Option<Value>,
    pub same: bool,
}

/// The document's lists, in `plan.json`'s order.
pub(super) const LISTS: [&str; 5] = ["lines", "objectives", "actions", "reports", "pages"];
pub(super) const ACTIONS: usize = 2;
const REPORTS: usize = 3;

/// The data files of `doc`'s language and the templates' `data` (exactly
/// `doc`, as a template value) when there is a `memo`. With `memo`, an
/// entity whose content is the same as at the last call reuses its share;
/// with `origins`, an action or report made from the same origin skips even
/// telling whether its content is the same. Without one, the build writes
/// the files before it makes `data` (`template_data`), so that a language's
/// open data and its template values are never in memory together.
pub fn make(
    doc: &Document,
    config: &Config,
    prefix: &str,
    strings: &serde_json::Value,
    memo: Option<&DataMemo>,
    origins: Option<Origins>,
) -> Made {
    let words = FeedWords::new(doc, config, strings);
    let lang = doc.site.language.to_string();
    let context = super::fingerprint::of(&(strings, &config.default_language));
    let old = memo
        .and_then(|m| m.langs.lock().ok()?.remove(&lang))
        .filter(|old| context.is_some() && old.context == context);
    let old_memo = memo.map(|_| old.unwrap_or_default());
    let old = old_memo.as_ref();
    let origins = origins
        .filter(|o| o.actions.len() == doc.actions.len() && o.reports.len() == doc.reports.len());
    let known = |url: &str, origin: Option<&Origin>| -> Option<u128> {
        let (old, origin, targets) = (old?, origin?, origins.as_ref()?.targets);
        let (was, key) = old.origins.get(url)?;
        (old.targets == targets && was.same(origin)).then_some(*key)
    };
    let action_known =
        |n: usize| known(&doc.actions[n].url, origins.as_ref().map(|o| &o.actions[n]));
    let report_known =
        |n: usize| known(&doc.reports[n].url, origins.as_ref().map(|o| &o.reports[n]));
    let values = memo.is_some();
    let lists = all_lists([
        &|| shares(0, &doc.lines, old, |_| None, |l| Share::of(l, values)),
        &|| shares(1, &doc.objectives, old, |_| None, |o| Share::of(o, values)),
        &|| {
            shares(2, &doc.actions, old, action_known, |a| {
                Share::of_action(a, &words, values)
            })
        },
        &|| shares(3, &doc.reports, old, report_known, |r| Share::of(r, values)),
        &|| shares(4, &doc.pages, old, |_| None, |p| Share::of(p, values)),
    ]);
    crate::timings::lap("  data: shares");
    let outline = memo.and_then(|_| super::fingerprint::of(&(&doc.site, doc.plan)));
    let last: Option<Vec<Arc<Share>>> =
        memo.map(|_| lists.iter().flatten().map(|(_, s)| s.clone()).collect());
    let reused = old
        .zip(last.as_ref())
        .filter(|(o, last)| {
            o.outline.is_some() && o.outline == outline && o.last.len() == last.len()
        })
        .filter(|(o, last)| o.last.iter().zip(*last).all(|(a, b)| Arc::ptr_eq(a, b)))
        .and_then(|(o, _)| o.made.clone());
    if let Some(memo) = memo {
        if let Ok(mut m) = memo.langs.lock() {
            let kept = m.entry(lang.clone()).or_default();
            kept.context = context;
            kept.outline = outline;
            kept.last = last.unwrap_or_default();
            // Only this run's shares are kept: a memo never outgrows the site.
            let made = lists.iter().flatten();
            kept.shares
                .extend(made.filter_map(|(k, s)| Some(((*k)?, s.clone()))));
            if let Some(origins) = origins {
                kept.targets = origins.targets;
                let urls = doc.actions.iter().map(|a| &a.url);
                let urls = urls.chain(doc.reports.iter().map(|r| &r.url));
                let keys = lists[ACTIONS]
                    .iter()
                    .chain(&lists[REPORTS])
                    .map(|(k, _)| *k);
                kept.origins = urls
                    .zip(origins.actions.into_iter().chain(origins.reports))
                    .zip(keys)
                    .filter_map(|((url, o), k)| Some((url.clone(), (o, k?))))
                    .collect();
            }
        }
    }
    let (files, data, same) = match reused {
        Some((files, data)) => (files, Some(data), true),
        None => {
            let data = values.then(|| {
                let shared = |list: &Vec<(Option<u128>, Arc<Share>)>| {
                    list.iter().map(|(_, s)| s.value.clone()).collect()
                };
                data_value(doc, lists.each_ref().map(shared))
            });
            let lists: [Vec<Arc<Share>>; 5] =
                lists.map(|list| list.into_iter().map(|(_, s)| s).collect());
            let report_entries = feeds::report_entries(doc, &words);
            let newest = lists[ACTIONS]
                .iter()
                .flat_map(|s| &s.entries)
                .chain(&report_entries)
                .min_by(|a, b| feeds::feed_order(a, b));
            let feed_head = feeds::feed_head(doc, config, newest);
            let files = DataFiles::new(doc, prefix, lists, feed_head, report_entries);
            (Arc::new(files), data, false)
        }
    };
    if let (Some(memo), Some(data)) = (memo, &data) {
        if let Ok(mut m) = memo.langs.lock() {
            m.entry(lang).or_default().made = Some((files.clone(), data.clone()));
        }
    }
    if let Some(old) = old_memo {
        // Freeing ten thousand shares no longer used: not on the way to the reload.
        std::thread::spawn(move || drop(old));
    }
    Made { files, data, same }
}

/// The shares of one list's items, each with its fingerprint when there is
/// a memo (then an item with a fingerprint seen last time reuses its share).
/// `known` gives the fingerprint of an item made as last time, if it was.
fn shares<T, K, F>(
    tag: u8,
    items: &[T],
    old: Option<&LangMemo>,
    known: K,
    make: F,
) -> Vec<(Option<u128>, Arc<Share>)>
where
    T: Serialize + Sync,
    K: Fn(usize) -> Option<u128> + Sync,
    F: Fn(&T) -> Share + Sync,
{
    items
        .par_iter()
        .enumerate()
        .map(|(n, item)| {
            let key = old.and_then(|_| known(n).or_else(|| super::fingerprint::of(&(tag, item))));
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

/// The templates' `data`, `Value::from_serializable(doc)`, converted on every core.
pub fn template_data(doc: &Document) -> Value {
    fn each<T: Serialize + Sync>(items: &[T]) -> Vec<Value> {
        items.par_iter().map(Value::from_serializable).collect()
    }
    let lists = all_lists([
        &|| each(&doc.lines),
        &|| each(&doc.objectives),
        &|| each(&doc.actions),
        &|| each(&doc.reports),
        &|| each(&doc.pages),
    ]);
    data_value(doc, lists)
}

/// Something made for each of the document's lists (`LISTS`' order), all
/// at once: a few reports are as large as thousands of actions.
fn all_lists<R: Send>(make: [&(dyn Fn() -> R + Sync); 5]) -> [R; 5] {
    let [lines, objectives, actions, reports, pages] = make;
    let ((lines, objectives), (actions, (reports, pages))) = rayon::join(
        || rayon::join(lines, objectives),
        || rayon::join(actions, || rayon::join(reports, pages)),
    );
    [lines, objectives, actions, reports, pages]
}

/// The templates' `data`: `Value::from_serializable(doc)`, its lists' elements
/// given already converted.
fn data_value(doc: &Document, lists: [Vec<Value>; 5]) -> Value {
    let mut m = tera::Map::default();
    m.insert("site".into(), Value::from_serializable(&doc.site));
    m.insert("plan".into(), Value::from_serializable(doc.plan));
    for (key, values) in LISTS.iter().zip(lists) {
        m.insert((*key).into(), Value::from(values));
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
        let origins = |lang: &str| Some(origins_of(&c.plan, &c.figures, lang));
        for lang in c.config.languages() {
            let doc = crate::data::document(&c.plan, &c.figures, &c.config, &lang);
            let strings = serde_json::json!({ "status": { "completed": "Done" } });
            let prefix = c.config.lang_prefix(&lang);
            let Made { files, data, .. } = make(&doc, &c.config, &prefix, &strings, None, None);
            // Without a memo, `data` is made after the files, by `template_data`.
            assert_eq!(data, None);
            let data = template_data(&doc);
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
            for run in 0..2 {
                let memoised = make(
                    &doc,
                    &c.config,
                    &prefix,
                    &strings,
                    Some(&memo),
                    origins(&lang),
                );
                assert_eq!(memoised.files.outputs(), outputs);
                assert_eq!(memoised.data.as_ref(), Some(&data));
                // The second time, nothing changed: the same files are given.
                assert_eq!(memoised.same, run == 1);
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
        let files = make(&doc, &c.config, "", &serde_json::json!({}), None, None).files;
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

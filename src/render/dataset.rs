//! The data files of one language (`plan.json`, the CSV tables, the feed)
//! and the templates' `data`, made entity by entity: each line's,
//! objective's, action's, report's and page's share of every file is made
//! on its own, on every core; a file is joined from the shares when it is
//! written or asked for, and its size is known before. The preview keeps
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
const LISTS: [&str; 5] = ["lines", "objectives", "actions", "reports", "pages"];
const ACTIONS: usize = 2;

/// The data files of one language, ready to be joined.
pub struct DataFiles {
    prefix: String,
    /// plan.json with every list empty (`"actions": []`).
    outline: Vec<u8>,
    lists: [Vec<Arc<Share>>; 5],
    headers: [Vec<u8>; 3],
    /// reports.csv and datapackage.json, made whole.
    whole: Vec<(&'static str, Vec<u8>)>,
    feed_head: String,
    report_entries: Vec<Entry>,
}

/// The files' paths under the language's folder.
const PLAN: &str = "data/plan.json";
const FEED: &str = "feed.xml";

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
    crate::timings::lap("  shares");
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
    let mut outline = serde_json::to_vec_pretty(&Outline::of(doc)).unwrap_or_default();
    outline.push(b'\n');
    let files = DataFiles {
        prefix: prefix.to_string(),
        outline,
        headers: tables::ACTION_TABLES.map(|(_, fields)| tables::header(fields)),
        whole: tables::whole_files(doc),
        feed_head: feeds::feed_head(doc, config, newest),
        report_entries,
        lists,
    };
    (files, data)
}

impl DataFiles {
    /// Every file's path (from the output folder) and size, without joining it.
    pub fn sizes(&self) -> Vec<(String, usize)> {
        self.names()
            .into_iter()
            .map(|name| {
                let size = if name == FEED {
                    // The same bytes as `parts` gives, without sorting the entries.
                    let head_end = self.feed_head.len() + feeds::FEED_END.len();
                    head_end + self.entries().map(|e| e.xml().len()).sum::<usize>()
                } else {
                    self.parts(name).iter().map(|p| p.len()).sum()
                };
                (format!("{}{name}", self.prefix), size)
            })
            .collect()
    }

    /// Every file's path (from the output folder).
    pub fn paths(&self) -> Vec<String> {
        let names = self.names().into_iter();
        names.map(|name| format!("{}{name}", self.prefix)).collect()
    }

    /// The file at `path` (from the output folder), joined now.
    pub fn file(&self, path: &str) -> Option<Output> {
        let name = path.strip_prefix(&self.prefix)?;
        let name = self.names().into_iter().find(|n| *n == name)?;
        Some(self.join(name))
    }

    /// Every file, joined now (on every core).
    pub fn outputs(&self) -> Vec<Output> {
        self.put(None)
    }

    /// Every file, joined now, or written into `spill` piece by piece (then
    /// it comes back without its bytes, see `Spill::put_parts`).
    pub fn put(&self, spill: Option<&crate::output::Spill>) -> Vec<Output> {
        let put = |name: &str| match spill {
            Some(s) => s.put_parts(format!("{}{name}", self.prefix), &self.parts(name)),
            None => self.join(name),
        };
        self.names().into_par_iter().map(put).collect()
    }

    fn join(&self, name: &str) -> Output {
        let parts = self.parts(name);
        let mut bytes = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
        for p in parts {
            bytes.extend_from_slice(p);
        }
        Output {
            path: format!("{}{name}", self.prefix),
            bytes,
        }
    }

    /// The files' names under the language's folder.
    fn names(&self) -> Vec<&str> {
        let mut names = vec![PLAN];
        names.extend(tables::ACTION_TABLES.map(|(name, _)| name));
        names.extend(self.whole.iter().map(|(name, _)| *name));
        names.push(FEED);
        names
    }

    /// The feed's entries, in no order.
    fn entries(&self) -> impl Iterator<Item = &Entry> {
        let actions = self.lists[ACTIONS].iter().flat_map(|s| &s.entries);
        actions.chain(&self.report_entries)
    }

    /// The pieces a file is joined from, in order.
    fn parts(&self, name: &str) -> Vec<&[u8]> {
        if name == PLAN {
            return self.plan_parts();
        }
        if name == FEED {
            let mut entries: Vec<&Entry> = self.entries().collect();
            entries.sort_by(|a, b| feeds::feed_order(a, b));
            let mut parts = vec![self.feed_head.as_bytes()];
            parts.extend(entries.into_iter().map(|e| e.xml().as_bytes()));
            parts.push(feeds::FEED_END.as_bytes());
            return parts;
        }
        if let Some(k) = tables::ACTION_TABLES.iter().position(|(n, _)| *n == name) {
            let mut parts = vec![self.headers[k].as_slice()];
            parts.extend(self.lists[ACTIONS].iter().map(|s| s.rows[k].as_slice()));
            return parts;
        }
        let whole = self.whole.iter().find(|(n, _)| *n == name);
        whole
            .map(|(_, bytes)| vec![bytes.as_slice()])
            .unwrap_or_default()
    }

    /// plan.json: the outline, each empty list filled with its elements.
    fn plan_parts(&self) -> Vec<&[u8]> {
        const OPEN: &[u8] = b"[\n    ";
        const NEXT: &[u8] = b",\n    ";
        const CLOSE: &[u8] = b"\n  ]";
        let mut parts = Vec::new();
        let mut rest = self.outline.as_slice();
        for (key, list) in LISTS.iter().zip(&self.lists) {
            if list.is_empty() {
                continue;
            }
            // Each list is a top-level key: the only one of its name at the
            // start of a line two spaces in.
            let empty = format!("\n  \"{key}\": []");
            let Some(at) = find(rest, empty.as_bytes()) else {
                continue;
            };
            let list_at = at + empty.len() - 2;
            parts.push(&rest[..list_at]);
            rest = &rest[list_at + 2..];
            for (n, share) in list.iter().enumerate() {
                parts.push(if n == 0 { OPEN } else { NEXT });
                parts.push(&share.json);
            }
            parts.push(CLOSE);
        }
        parts.push(rest);
        parts
    }
}

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

impl<'d, 'a> Outline<'d, 'a> {
    fn of(doc: &'d Document<'a>) -> Self {
        Outline {
            site: &doc.site,
            plan: doc.plan,
            lines: [],
            objectives: [],
            actions: [],
            reports: [],
            pages: [],
        }
    }
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

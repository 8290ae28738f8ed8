//! The data files of one language joined from its entities' shares
//! (`dataset`): plan.json as serde_json prints the whole document, the CSV
//! tables and the feed; their sizes known without joining them, each file
//! joined when asked for, or written piece by piece.

use super::dataset::{Share, ACTIONS, LISTS};
use super::feeds::{self, Entry};
use super::tables;
use super::Output;
use crate::data::Document;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

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

impl DataFiles {
    pub(super) fn new(
        doc: &Document,
        prefix: &str,
        lists: [Vec<Arc<Share>>; 5],
        feed_head: String,
        report_entries: Vec<Entry>,
    ) -> DataFiles {
        let mut outline = serde_json::to_vec_pretty(&Outline::of(doc)).unwrap_or_default();
        outline.push(b'\n');
        DataFiles {
            prefix: prefix.to_string(),
            outline,
            headers: tables::ACTION_TABLES.map(|(_, fields)| tables::header(fields)),
            whole: tables::whole_files(doc),
            feed_head,
            report_entries,
            lists,
        }
    }

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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

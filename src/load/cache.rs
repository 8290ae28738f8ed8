//! Parsed content files kept between rebuilds of the preview: a file is
//! read and parsed again only when its size or modification time changed,
//! or when the file watcher said it changed. While the watcher reports only
//! changes to files already known, `content/` is not even walked again.

use super::{read_and_parse, Found, Parsed, Sources};
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What was parsed of each content file, by path.
#[derive(Default)]
pub struct ParseCache {
    entries: HashMap<PathBuf, Entry>,
    /// The files of the last walk, while they are known to be all there is
    /// (the walk found no problem and every change since was to one of them).
    walk: Option<Vec<Found>>,
    /// What the last load made of them (sorted), while `walk` holds, and
    /// the files changed since: those are patched in (see `patched`).
    last: Option<Sources>,
    dirty: Vec<PathBuf>,
}

/// What reading one file gave.
pub(super) type FileResult = (Option<Parsed>, Vec<Diagnostic>);

struct Entry {
    stamp: Stamp,
    parsed: Option<Parsed>,
    diags: Vec<Diagnostic>,
}

/// What tells a file's versions apart without reading it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

impl ParseCache {
    /// The file watcher saw `path` change: parse it again next time,
    /// whatever its size and time say (two saves within the file system's
    /// time resolution look the same), and walk `content/` again unless it
    /// is a file already known and still there (a file added, removed or
    /// renamed changes the list).
    pub fn changed(&mut self, path: &Path) {
        let known = self.entries.remove(path).is_some();
        if !(known && path.is_file()) {
            self.walk = None;
            self.last = None;
        }
        self.dirty.push(path.to_path_buf());
    }

    /// Forget everything (the configuration changed how files are read, or
    /// the watcher lost track of changes).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.walk = None;
        self.last = None;
        self.dirty.clear();
    }

    /// The last load's sources with the files changed since parsed again and
    /// put in their places, and every file's problems; `None` when that
    /// cannot stand for a load (files added or removed, a file that now
    /// parses as something else or not at all): then the caller loads,
    /// reusing the parses. Sorting thousands of sources again, and finding
    /// each in the cache, is most of a load after one edit.
    pub(super) fn patched(&mut self) -> Option<(Sources, Vec<Diagnostic>)> {
        let dirty = std::mem::take(&mut self.dirty);
        let (walk, mut last) = (self.walk.as_ref()?, self.last.take()?);
        for path in &dirty {
            let found = walk
                .iter()
                .find(|f| f.path.as_os_str() == path.as_os_str())?;
            let now = stamp(path)?;
            let (parsed, diags) = read_and_parse(found);
            self.entries.insert(
                path.clone(),
                Entry {
                    stamp: now,
                    parsed: parsed.clone(),
                    diags,
                },
            );
            put_in_place(&mut last, parsed?, &found.rel)?;
        }
        let diags = self.entries.values().flat_map(|e| e.diags.iter().cloned());
        let diags = diags.collect();
        self.last = Some(last.clone());
        Some((last, diags))
    }

    /// Remember what a load made of the files, while the walk holds and
    /// every file has its entry (with its problems: `patched` reports them).
    pub(super) fn keep(&mut self, sources: &Sources) {
        self.dirty.clear();
        let complete = self
            .walk
            .as_ref()
            .is_some_and(|w| w.len() == self.entries.len());
        self.last = complete.then(|| sources.clone());
    }

    /// Files parsed the last time.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parse the files `walk` finds (with whether it found them without a
    /// problem), or those of the last walk while still valid, reusing what
    /// is unchanged; files no longer found are dropped.
    pub(super) fn parse(&mut self, walk: impl FnOnce() -> (Vec<Found>, bool)) -> Vec<FileResult> {
        let (found, trusted, keep) = match self.walk.take() {
            Some(found) => (found, true, true),
            None => {
                let (found, clean) = walk();
                (found, false, clean)
            }
        };
        let results = self.parse_found(&found, trusted);
        if keep {
            self.walk = Some(found);
        }
        results
    }

    /// With `trusted`, a file that still has an entry did not change (the
    /// watcher said which did): its stamp is not even read.
    fn parse_found(&mut self, found: &[Found], trusted: bool) -> Vec<FileResult> {
        let outcomes: Vec<Outcome> = found
            .par_iter()
            .map(|f| {
                let entry = self.entries.get(&f.path);
                let now = match entry {
                    Some(e) if trusted => return Outcome::Kept(e.result()),
                    // Stamped before reading: a save during the read shows next time.
                    _ => stamp(&f.path),
                };
                match entry {
                    Some(e) if Some(e.stamp) == now => Outcome::Kept(e.result()),
                    _ => Outcome::Parsed(read_and_parse(f), now),
                }
            })
            .collect();
        if !trusted {
            // Files no longer found are forgotten.
            let paths: HashSet<&Path> = found.iter().map(|f| f.path.as_path()).collect();
            self.entries.retain(|p, _| paths.contains(p.as_path()));
        }
        let mut results = Vec::with_capacity(found.len());
        for (f, outcome) in found.iter().zip(outcomes) {
            let result = match outcome {
                Outcome::Kept(r) => r,
                Outcome::Parsed(r, Some(stamp)) => {
                    let entry = Entry {
                        stamp,
                        parsed: r.0.clone(),
                        diags: r.1.clone(),
                    };
                    self.entries.insert(f.path.clone(), entry);
                    r
                }
                // A file whose stamp could not be read is parsed again next time.
                Outcome::Parsed(r, None) => {
                    self.entries.remove(&f.path);
                    r
                }
            };
            results.push(result);
        }
        results
    }
}

/// Replace the source read from `rel` with its new parse, of the same kind
/// (so of the same id: both come from the file's name).
fn put_in_place(sources: &mut Sources, parsed: Parsed, rel: &str) -> Option<()> {
    fn swap<T>(
        list: &mut [std::sync::Arc<T>],
        new: std::sync::Arc<T>,
        path: impl Fn(&T) -> &str,
    ) -> Option<()> {
        let slot = list.iter_mut().find(|s| path(s) == path(&new))?;
        *slot = new;
        Some(())
    }
    match parsed {
        Parsed::Index(s) if sources.index.as_ref().is_some_and(|i| i.path == rel) => {
            sources.index = Some(s);
            Some(())
        }
        Parsed::Index(_) => None,
        Parsed::Line(s) => swap(&mut sources.lines, s, |x| &x.path),
        Parsed::Objective(s) => swap(&mut sources.objectives, s, |x| &x.path),
        Parsed::Action(s) => swap(&mut sources.actions, s, |x| &x.path),
        Parsed::Report(s) => swap(&mut sources.reports, s, |x| &x.path),
        Parsed::Page(s) => swap(&mut sources.pages, s, |x| &x.path),
        Parsed::Translation(t) => swap(&mut sources.translations, t, |x| &x.source.path),
    }
}

/// What became of one file: its entry reused, or parsed (with its stamp).
enum Outcome {
    Kept(FileResult),
    Parsed(FileResult, Option<Stamp>),
}

impl Entry {
    fn result(&self) -> FileResult {
        (self.parsed.clone(), self.diags.clone())
    }
}

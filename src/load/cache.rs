//! Parsed content files kept between rebuilds of the preview: a file is
//! read and parsed again only when its size or modification time changed,
//! or when the file watcher said it changed. While the watcher reports only
//! changes to files already known, `content/` is not even walked again.

use super::{read_and_parse, Found, Parsed};
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
        }
    }

    /// Forget everything (the configuration changed how files are read, or
    /// the watcher lost track of changes).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.walk = None;
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

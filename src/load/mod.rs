//! Loading `content/`: a sorted walk, each file classified by where it sits,
//! split into front matter and body, and parsed into its kind's typed struct.
//! Anything unexpected is an error rather than silently skipped.

pub mod cache;
pub mod frontmatter;
pub mod kinds;
pub mod limits;
pub mod names;
pub mod values;
mod walk;

use crate::config::Config;
use crate::diagnostics::{line_col, Diagnostic};
pub use cache::ParseCache;
use kinds::*;
pub use names::is_valid_id;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walk::walk;

/// The kinds of content file, by folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Index,
    Line,
    Objective,
    Action,
    Report,
    Page,
}

impl Kind {
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Index => "",
            Kind::Line => "lines",
            Kind::Objective => "objectives",
            Kind::Action => "actions",
            Kind::Report => "reports",
            Kind::Page => "pages",
        }
    }
    fn from_folder(name: &str) -> Option<Kind> {
        Some(match name {
            "lines" => Kind::Line,
            "objectives" => Kind::Objective,
            "actions" => Kind::Action,
            "reports" => Kind::Report,
            "pages" => Kind::Page,
            _ => return None,
        })
    }
}

/// One parsed default-language content file.
#[derive(Debug, Clone)]
pub struct Source<F> {
    pub id: String,
    /// Path from the site root, `/`-separated: `content/actions/1.1.7.md`.
    pub path: String,
    pub fm: F,
    pub positions: frontmatter::Positions,
    /// Shared with the plan's texts (and the preview's parse cache), never copied.
    pub body: Arc<str>,
    pub body_line: usize,
}

impl<F> Source<F> {
    /// Position of a front-matter key, or of the file's first line when the key is absent.
    pub fn pos(&self, key: &str) -> (usize, usize) {
        self.positions.get(key).copied().unwrap_or((1, 1))
    }

    /// Position of item `i` of a front-matter list (`budget[2]`), or of the
    /// list's key when the item's is not known.
    pub fn item_pos(&self, key: &str, i: usize) -> (usize, usize) {
        let item = self.positions.get(&format!("{key}[{i}]")).copied();
        item.unwrap_or_else(|| self.pos(key))
    }
}

/// A translation file: `<stem>.<lang>.md`.
#[derive(Debug, Clone)]
pub struct Translation {
    pub kind: Kind,
    pub id: String,
    pub lang: String,
    pub source: Source<TranslationFm>,
}

/// Everything under `content/`, parsed, in natural id order within each kind.
/// Each file's parse is shared (`Arc`): the preview keeps the same parses
/// from one rebuild to the next instead of copying them.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub index: Option<Arc<Source<IndexFm>>>,
    pub lines: Vec<Arc<Source<LineFm>>>,
    pub objectives: Vec<Arc<Source<ObjectiveFm>>>,
    pub actions: Vec<Arc<Source<ActionFm>>>,
    pub reports: Vec<Arc<Source<ReportFm>>>,
    pub pages: Vec<Arc<Source<PageFm>>>,
    pub translations: Vec<Arc<Translation>>,
}

/// A file found by the walk, classified before it is read.
#[derive(Clone)]
struct Found {
    path: PathBuf,
    rel: String,
    kind: Kind,
    id: String,
    lang: Option<String>,
}

/// One file's parse; cloning it shares it.
#[derive(Clone)]
enum Parsed {
    Index(Arc<Source<IndexFm>>),
    Line(Arc<Source<LineFm>>),
    Objective(Arc<Source<ObjectiveFm>>),
    Action(Arc<Source<ActionFm>>),
    Report(Arc<Source<ReportFm>>),
    Page(Arc<Source<PageFm>>),
    Translation(Arc<Translation>),
}

/// Load `content/` under `root`. Diagnostics are appended; what could be parsed is returned.
pub fn load(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Sources {
    load_with(root, config, None, diags)
}

/// `load`, parsing only the files that changed since `cache` saw them.
pub fn load_cached(
    root: &Path,
    config: &Config,
    cache: &mut ParseCache,
    diags: &mut Vec<Diagnostic>,
) -> Sources {
    load_with(root, config, Some(cache), diags)
}

fn load_with(
    root: &Path,
    config: &Config,
    cache: Option<&mut ParseCache>,
    diags: &mut Vec<Diagnostic>,
) -> Sources {
    let content = root.join("content");
    let mut sources = Sources::default();
    if std::fs::symlink_metadata(&content).is_ok_and(|m| m.file_type().is_symlink()) {
        diags.push(
            Diagnostic::error("content", 0, 0, "`content/` is a symbolic link")
                .with_help("keep the content files in the site folder itself, so that the site builds the same anywhere"),
        );
        return sources;
    }
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("content", 0, 0, "the site has no `content/` folder")
                .with_help("create content/ with lines/, objectives/, actions/ and reports/ (or run `retiment init`)"),
        );
        return sources;
    }
    let mut cache = cache;
    if let Some((sources, found)) = cache.as_mut().and_then(|c| c.patched()) {
        diags.extend(found);
        return sources;
    }
    let parsed: Vec<(Option<Parsed>, Vec<Diagnostic>)> = match cache.as_mut() {
        Some(c) => c.parse(|| {
            let before = diags.len();
            let found = walk(&content, config, diags);
            let clean = diags.len() == before;
            (found, clean)
        }),
        None => walk(&content, config, diags)
            .par_iter()
            .map(read_and_parse)
            .collect(),
    };
    for (item, file_diags) in parsed {
        diags.extend(file_diags);
        match item {
            Some(Parsed::Index(s)) => sources.index = Some(s),
            Some(Parsed::Line(s)) => sources.lines.push(s),
            Some(Parsed::Objective(s)) => sources.objectives.push(s),
            Some(Parsed::Action(s)) => sources.actions.push(s),
            Some(Parsed::Report(s)) => sources.reports.push(s),
            Some(Parsed::Page(s)) => sources.pages.push(s),
            Some(Parsed::Translation(t)) => sources.translations.push(t),
            None => {}
        }
    }
    let by_id = |a: &String, b: &String| crate::natural::natural_cmp(a, b);
    sources.lines.sort_by(|a, b| by_id(&a.id, &b.id));
    sources.objectives.sort_by(|a, b| by_id(&a.id, &b.id));
    sources.actions.sort_by(|a, b| by_id(&a.id, &b.id));
    sources.reports.sort_by(|a, b| by_id(&a.id, &b.id));
    sources.pages.sort_by(|a, b| by_id(&a.id, &b.id));
    if let Some(c) = cache {
        c.keep(&sources);
    }
    sources
}

/// Largest content file read: a plan's page is a few kilobytes; a file this
/// big is a mistake, and reading it would only exhaust memory.
const MAX_FILE_BYTES: u64 = 8 << 20;

fn read_and_parse(f: &Found) -> (Option<Parsed>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if let Ok(meta) = std::fs::metadata(&f.path) {
        if meta.len() > MAX_FILE_BYTES {
            let d = Diagnostic::error(
                &f.rel,
                0,
                0,
                format!(
                    "the file is {} MiB; content files may be at most {} MiB",
                    meta.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
            )
            .with_help("put large documents under static/ and link to them");
            return (None, vec![d]);
        }
    }
    let bytes = match std::fs::read(&f.path) {
        Ok(b) => b,
        Err(e) => {
            return (
                None,
                vec![Diagnostic::error(
                    &f.rel,
                    0,
                    0,
                    format!("cannot read the file: {e}"),
                )],
            )
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let (line, column) = line_col(
                std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or(""),
                valid,
            );
            let d = Diagnostic::error(&f.rel, line, column, "the file is not valid UTF-8")
                .with_help(
                    "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
                );
            return (None, vec![d]);
        }
    };
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err((line, msg)) => {
            return (
                None,
                vec![Diagnostic::error(&f.rel, line, 1, msg)
                    .with_help("close it with a line holding only `---`")],
            )
        }
    };
    if split.yaml.is_empty() && f.kind != Kind::Index && !text.starts_with("---") {
        diags.push(
            Diagnostic::error(&f.rel, 1, 1, "the file has no front matter")
                .with_help("start the file with a line `---`, then `title: \"…\"` and the other fields, then `---`"),
        );
        return (None, diags);
    }
    let item = if let Some(lang) = &f.lang {
        let known = if f.kind == Kind::Action {
            TRANSLATION_KEYS
        } else {
            TRANSLATION_KEYS_NO_SUMMARY
        };
        let source = build::<TranslationFm>(f, &split, known, &mut diags);
        for d in diags.iter_mut() {
            if d.message.starts_with("unknown key") {
                d.help =
                    Some(format!(
                    "a translation sets only {} and the body; every other field comes from `{}.md`",
                    known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "),
                    f.id
                ));
            }
        }
        Parsed::Translation(Arc::new(Translation {
            kind: f.kind,
            id: f.id.clone(),
            lang: lang.clone(),
            source,
        }))
    } else {
        match f.kind {
            Kind::Index => Parsed::Index(build(f, &split, INDEX_KEYS, &mut diags).into()),
            Kind::Line => Parsed::Line(build(f, &split, LINE_KEYS, &mut diags).into()),
            Kind::Objective => {
                Parsed::Objective(build(f, &split, OBJECTIVE_KEYS, &mut diags).into())
            }
            Kind::Action => Parsed::Action(build(f, &split, ACTION_KEYS, &mut diags).into()),
            Kind::Report => Parsed::Report(build(f, &split, REPORT_KEYS, &mut diags).into()),
            Kind::Page => Parsed::Page(build(f, &split, PAGE_KEYS, &mut diags).into()),
        }
    };
    (Some(item), diags)
}

fn build<F: DeserializeOwned + Default>(
    f: &Found,
    split: &frontmatter::Split,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Source<F> {
    let (fm, positions) =
        frontmatter::parse::<F>(&f.rel, split.yaml, split.yaml_line, known, diags);
    Source {
        id: f.id.clone(),
        path: f.rel.clone(),
        fm,
        positions,
        // NUL is not allowed in HTML; a body never needs one.
        body: split.body.replace('\0', "").into(),
        body_line: split.body_line,
    }
}

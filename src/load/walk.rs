//! The sorted walk of `content/`: every entry classified (kind, id,
//! language) before any file is read, problems with the layout reported
//! with what it should be.

use super::names::{classify, is_ignored};
use super::{Found, Kind};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use std::path::Path;

const LAYOUT_HELP: &str = "content/ holds _index.md and the folders lines/, objectives/, actions/, reports/ and pages/, each with <id>.md files (and <id>.<lang>.md translations); names starting with `.` or `_` are ignored";

/// Walk `content/` in sorted order and classify every entry.
pub(super) fn walk(content: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    let mut walker =
        walker.filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e
                    .path()
                    .map(|p| rel_path(content, p))
                    .unwrap_or_else(|| "content".into());
                diags.push(Diagnostic::error(rel, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = rel_path(content, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path_is_symlink() {
            diags.push(
                Diagnostic::error(&rel, 0, 0, "symbolic links are not allowed under content/")
                    .with_help("replace the link with the file itself, so that the site builds the same anywhere"),
            );
            continue;
        }
        let is_dir = entry.file_type().is_dir();
        match (entry.depth(), is_dir) {
            (1, true) if Kind::from_folder(&name).is_some() => continue,
            (1, true) => {
                diags.push(
                    Diagnostic::error(
                        &rel,
                        0,
                        0,
                        format!("unexpected folder `{name}` in content/"),
                    )
                    .with_help(LAYOUT_HELP),
                );
                walker.skip_current_dir();
                continue;
            }
            (_, true) => {
                diags.push(
                    Diagnostic::error(&rel, 0, 0, "unexpected nested folder")
                        .with_help(LAYOUT_HELP),
                );
                walker.skip_current_dir();
                continue;
            }
            _ => {}
        }
        let kind = if entry.depth() == 1 {
            if name == "_index.md" || (name.starts_with("_index.") && name.ends_with(".md")) {
                Kind::Index
            } else {
                diags.push(
                    Diagnostic::error(&rel, 0, 0, format!("unexpected file `{name}` in content/"))
                        .with_help(LAYOUT_HELP),
                );
                continue;
            }
        } else {
            let folder = entry
                .path()
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().to_string());
            match folder.as_deref().and_then(Kind::from_folder) {
                Some(k) => k,
                None => continue,
            }
        };
        match classify(&name, kind, config) {
            Ok((id, lang)) => found.push(Found {
                path: entry.path().to_path_buf(),
                rel,
                kind,
                id,
                lang,
            }),
            Err(d) => diags.push(Diagnostic::error(&rel, 0, 0, d.0).with_help(d.1)),
        }
    }
    found
}

fn rel_path(content: &Path, path: &Path) -> String {
    format!("content/{}", crate::diagnostics::rel_path(content, path))
}

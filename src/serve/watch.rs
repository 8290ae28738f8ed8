//! Watching the site's sources for `retiment serve`: site.toml, content/,
//! static/, templates/ and themes/ — never the whole folder, which may hold
//! the output and, in a checkout, `target/`.

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The folders whose changes rebuild the site.
pub const FOLDERS: &[&str] = &["content", "static", "templates", "themes"];

/// Saves arriving this close together (an editor writing a temporary file
/// and renaming it) make one rebuild. Short, because it is waited on every
/// save; a longer burst (a `git checkout`) may make two rebuilds, the last
/// of which sees every file.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// How often the debouncer looks for bursts that ended: a save is seen
/// between 20 and 30 ms after it is written.
const TICK: Duration = Duration::from_millis(10);

/// What changed in a burst of events.
#[derive(Default)]
pub struct Changes {
    pub paths: Vec<PathBuf>,
    /// Events were lost or failed: any source may have changed.
    pub lost_track: bool,
}

pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
    pub events: mpsc::Receiver<DebounceEventResult>,
}

impl Watcher {
    /// Watch `root` (itself not recursively: site.toml, and folders that
    /// appear later) and each source folder that exists.
    pub fn new(root: &Path) -> Result<Watcher, String> {
        let (tx, events) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), tx)
            .map_err(|e| format!("cannot watch files: {e}"))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: Vec::new(),
            events,
        };
        w.watch_new_folders();
        Ok(w)
    }

    /// Start watching source folders created since the last call (an editor
    /// adding `static/` while the preview runs).
    pub fn watch_new_folders(&mut self) {
        for name in FOLDERS {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                match self.debouncer.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(dir),
                    Err(e) => eprintln!(
                        "warning: cannot watch {name}/: {e}; changes there need a restart"
                    ),
                }
            }
        }
        // A folder that was removed is watched again if it comes back.
        self.watched.retain(|d| d.is_dir());
    }

    /// The source files an event batch changed, added to `changes`. Reads
    /// are left out: the build itself opens every file, and must not
    /// trigger another build.
    pub fn changed(&self, result: DebounceEventResult, changes: &mut Changes) {
        match result {
            Ok(events) => {
                for e in events.into_iter().filter(|e| !e.event.kind.is_access()) {
                    // The system dropped events: whatever changed is unknown.
                    changes.lost_track |= e.event.need_rescan();
                    let sources = e
                        .event
                        .paths
                        .into_iter()
                        .filter(|p| is_source(&self.root, p));
                    changes.paths.extend(sources);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching files: {e}");
                }
                changes.lost_track = true;
            }
        }
    }
}

/// site.toml and anything under a source folder, except editors' hidden
/// swap and backup files, which change on every keystroke.
pub fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
        return false;
    }
    let mut parts = rel.components();
    match parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
    {
        Some(first) if first == crate::config::CONFIG_FILE => parts.next().is_none(),
        Some(first) => FOLDERS.contains(&first.as_str()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/site.toml")));
        assert!(is_source(root, Path::new("/site/content/actions/1.md")));
        assert!(is_source(
            root,
            Path::new("/site/themes/default/templates/base.html")
        ));
        assert!(is_source(root, Path::new("/site/static")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/target/debug/x")));
        assert!(!is_source(
            root,
            Path::new("/site/content/actions/.1.md.swp")
        ));
        assert!(!is_source(root, Path::new("/site/content/actions/1.md~")));
        assert!(!is_source(root, Path::new("/elsewhere/site.toml")));
    }
}

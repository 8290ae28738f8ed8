//! The site's change history: when the site folder is in a git repository,
//! the commits that changed each content file (law 19/2014 art. 12.5: every
//! modification of a plan is published). Read with gix at build time; the
//! history is an input like the files, so the same commit builds the same site.

use crate::load::values::Date;
use gix::bstr::ByteSlice;
use std::collections::BTreeMap;
use std::path::Path;

/// One commit that changed a file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Change {
    pub id: String,
    pub short: String,
    pub date: Date,
    /// The first line of the commit message.
    pub message: String,
}

/// Commits per content path (`content/actions/1.1.7.md`), newest first.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct History {
    pub by_path: BTreeMap<String, Vec<Change>>,
}

impl History {
    /// Commits that changed any of `paths`, newest first, each once.
    pub fn of(&self, paths: &[&str]) -> Vec<&Change> {
        let mut out: Vec<&Change> = paths
            .iter()
            .filter_map(|p| self.by_path.get(*p))
            .flatten()
            .collect();
        out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
        out.dedup_by(|a, b| a.id == b.id);
        out
    }
}

/// Walking more commits than this is refused: far beyond a plan's lifetime of edits.
const MAX_COMMITS: usize = 100_000;

/// Read the history of `root/content`. `Ok(None)` when the site is not in a git repository.
pub fn read(root: &Path) -> Result<Option<History>, String> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(None);
    };
    let Some(workdir) = repo.workdir() else {
        return Ok(None);
    };
    let workdir = workdir.canonicalize().map_err(|e| e.to_string())?;
    let root = root.canonicalize().map_err(|e| e.to_string())?;
    let Ok(prefix) = root.strip_prefix(&workdir) else {
        return Ok(None);
    };
    let mut site_prefix: Vec<String> = prefix
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    let shown_prefix = site_prefix.join("/");
    site_prefix.push("content".into());
    let head = match repo.head_commit() {
        Ok(c) => c,
        Err(_) => return Ok(None), // a repository without commits yet
    };
    let walk = repo
        .rev_walk([head.id])
        .first_parent_only()
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut history = History::default();
    for (n, info) in walk.enumerate() {
        if n >= MAX_COMMITS {
            break;
        }
        let info = info.map_err(|e| format!("cannot read the history: {e}"))?;
        let commit = info.object().map_err(|e| e.to_string())?;
        let tree = commit.tree_id().map_err(|e| e.to_string())?.detach();
        let parent_tree = match info.parent_ids().next() {
            Some(p) => Some(
                p.object()
                    .map_err(|e| e.to_string())?
                    .into_commit()
                    .tree_id()
                    .map_err(|e| e.to_string())?
                    .detach(),
            ),
            None => None,
        };
        let here = subtree(&repo, Some(tree), &site_prefix)?;
        let before = subtree(&repo, parent_tree, &site_prefix)?;
        if here == before {
            continue;
        }
        let mut changed = Vec::new();
        diff(&repo, here, before, "content", &mut changed)?;
        if changed.is_empty() {
            continue;
        }
        let time = commit.time().map_err(|e| e.to_string())?;
        let message = commit
            .message_raw_sloppy()
            .lines()
            .next()
            .unwrap_or_default()
            .to_str_lossy()
            .trim()
            .chars()
            .take(200)
            .collect();
        let id = commit.id.to_string();
        let change = Change {
            short: id[..10.min(id.len())].to_string(),
            id,
            date: Date::from_unix(time.seconds),
            message,
        };
        for path in changed {
            let key = path.to_string();
            history.by_path.entry(key).or_default().push(change.clone());
        }
    }
    let _ = shown_prefix;
    Ok(Some(history))
}

/// The id of the tree at `path` under `tree`, if there is one.
fn subtree(
    repo: &gix::Repository,
    tree: Option<gix::ObjectId>,
    path: &[String],
) -> Result<Option<gix::ObjectId>, String> {
    let mut current = tree;
    for part in path {
        let Some(id) = current else { return Ok(None) };
        let t = repo.find_tree(id).map_err(|e| e.to_string())?;
        let decoded = t.decode().map_err(|e| e.to_string())?;
        current = decoded
            .entries
            .iter()
            .find(|e| e.filename == part.as_bytes() && e.mode.is_tree())
            .map(|e| e.oid.to_owned());
    }
    Ok(current)
}

/// Paths of the blobs that differ between two trees (either may be absent).
fn diff(
    repo: &gix::Repository,
    a: Option<gix::ObjectId>,
    b: Option<gix::ObjectId>,
    prefix: &str,
    out: &mut Vec<String>,
) -> Result<(), String> {
    if a == b {
        return Ok(());
    }
    let entries =
        |id: Option<gix::ObjectId>| -> Result<BTreeMap<String, (bool, gix::ObjectId)>, String> {
            let mut m = BTreeMap::new();
            if let Some(id) = id {
                let t = repo.find_tree(id).map_err(|e| e.to_string())?;
                for e in t.decode().map_err(|e| e.to_string())?.entries {
                    m.insert(
                        e.filename.to_str_lossy().to_string(),
                        (e.mode.is_tree(), e.oid.to_owned()),
                    );
                }
            }
            Ok(m)
        };
    let (ea, eb) = (entries(a)?, entries(b)?);
    let names: std::collections::BTreeSet<&String> = ea.keys().chain(eb.keys()).collect();
    for name in names {
        let (x, y) = (ea.get(name), eb.get(name));
        if x == y {
            continue;
        }
        let path = format!("{prefix}/{name}");
        let tree_of = |e: Option<&(bool, gix::ObjectId)>| e.filter(|(t, _)| *t).map(|(_, id)| *id);
        let blob_of = |e: Option<&(bool, gix::ObjectId)>| e.filter(|(t, _)| !*t).map(|(_, id)| *id);
        if tree_of(x).is_some() || tree_of(y).is_some() {
            diff(repo, tree_of(x), tree_of(y), &path, out)?;
        }
        if blob_of(x) != blob_of(y) {
            out.push(path);
        }
    }
    Ok(())
}

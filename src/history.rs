//! The site's change history: when the site folder is in a git repository,
//! the commits that changed each content file (law 19/2014 art. 12.5: every
//! modification of a plan is published). Read with gix at build time; the
//! history is an input like the files, so the same commit builds the same site.

use crate::history_store::{DiffStore, Pair};
use crate::load::values::Date;
use gix::bstr::ByteSlice;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

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
    /// The commit read from (its id): the history is that of this commit.
    pub head: String,
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

/// Decoded objects kept while walking: a commit's trees are its child's
/// parent trees, read again one step later. A folder of 10,000 actions is a
/// tree of about 0.5 MB; each step reads a few.
const OBJECT_CACHE_BYTES: usize = 32 << 20;

/// The history as last read, for the preview: read again only from the
/// commits made since (none, while an editor only edits files).
#[derive(Default)]
pub struct HistoryCache {
    /// The history last read; its `head` is the commit it was read at.
    kept: Option<Arc<History>>,
}

/// Read the history of `root/content`. `Ok(None)` when the site is not in a git repository.
pub fn read(root: &Path) -> Result<Option<Arc<History>>, String> {
    read_cached(root, &mut HistoryCache::default())
}

/// `read`, walking only the commits on top of the one `cache` was read at
/// (all of them when that one is no longer in the history).
pub fn read_cached(root: &Path, cache: &mut HistoryCache) -> Result<Option<Arc<History>>, String> {
    let Some((repo, content)) = open(root) else {
        *cache = HistoryCache::default();
        return Ok(None);
    };
    let head = match repo.head_id() {
        Ok(id) => id.detach(),
        Err(_) => return Ok(None), // a repository without commits yet
    };
    let head_hex = head.to_string();
    if let Some(kept) = cache.kept.as_ref().filter(|k| k.head == head_hex) {
        return Ok(Some(kept.clone()));
    }
    let stop = (cache.kept.as_ref()).and_then(|k| gix::ObjectId::from_hex(k.head.as_bytes()).ok());
    let (newer, stopped) = walk(&repo, &content, head, stop)?;
    let mut history = match (stopped, cache.kept.take()) {
        (true, Some(older)) => newer.followed_by(&older),
        _ => newer,
    };
    history.head = head_hex;
    let history = Arc::new(history);
    cache.kept = Some(history.clone());
    Ok(Some(history))
}

impl History {
    /// These changes, then `older`'s (commits made before them).
    fn followed_by(mut self, older: &History) -> History {
        for (path, changes) in &older.by_path {
            let list = self.by_path.entry(path.clone()).or_default();
            list.extend(changes.iter().cloned());
        }
        self
    }
}

/// The repository holding the site at `root`, and the path of the site's
/// `content` folder in it; `None` outside any repository.
fn open(root: &Path) -> Option<(gix::Repository, Vec<String>)> {
    let mut repo = gix::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    let prefix = root.strip_prefix(&workdir).ok()?;
    let mut content: Vec<String> = prefix
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    content.push("content".into());
    repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
    Some((repo, content))
}

/// The content files each first-parent commit from `head` changed, down to
/// (not including) `stop`; and whether `stop` was met.
fn walk(
    repo: &gix::Repository,
    content: &[String],
    head: gix::ObjectId,
    stop: Option<gix::ObjectId>,
) -> Result<(History, bool), String> {
    let (steps, stopped) = steps(repo, content, head, stop)?;
    let store = DiffStore::open(repo.common_dir(), content);
    let pair = |step: &Step| (step.here, step.before);
    let (kept, todo): (Vec<&Step>, Vec<&Step>) =
        (steps.iter()).partition(|s| store.get(&pair(s)).is_some());
    let made = diff_all(repo, &todo)?;
    let new: Vec<(Pair, &[String])> = (todo.iter().map(|s| pair(s)))
        .zip(made.iter().map(Vec::as_slice))
        .collect();
    let used: Vec<Pair> = kept.iter().map(|s| pair(s)).collect();
    // A walk that met `stop` saw only the newest commits.
    store.add(&new, (!stopped).then_some(used.as_slice()));
    let made: HashMap<Pair, &[String]> = new.into_iter().collect();
    let mut history = History::default();
    for step in &steps {
        let changed = (store.get(&pair(step)))
            .or_else(|| made.get(&pair(step)).copied())
            .unwrap_or_default();
        for path in changed {
            let list = history.by_path.entry(path.clone()).or_default();
            list.push(step.change.clone());
        }
    }
    Ok((history, stopped))
}

/// The diffs of `steps`, in stretches of consecutive commits on every core,
/// each with the repository opened again as it was (handles are not shared
/// between threads without gix's `parallel`) and its own cache: neighbouring
/// commits share trees.
fn diff_all(repo: &gix::Repository, steps: &[&Step]) -> Result<Vec<Vec<String>>, String> {
    let (git_dir, options) = (repo.git_dir().to_path_buf(), repo.open_options().clone());
    let stretch = steps
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    let made: Vec<Vec<Vec<String>>> = steps
        .par_chunks(stretch)
        .map(|stretch| {
            let opened = gix::open_opts(&git_dir, options.clone());
            let mut repo = opened.map_err(|e| e.to_string())?;
            repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
            (stretch.iter())
                .map(|step| {
                    let mut changed = Vec::new();
                    diff(&repo, step.here, step.before, "content", &mut changed)?;
                    Ok(changed)
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .collect::<Result<_, String>>()?;
    Ok(made.into_iter().flatten().collect())
}

/// A commit whose content folder differs from its parent's.
struct Step {
    change: Change,
    here: Option<gix::ObjectId>,
    before: Option<gix::ObjectId>,
}

/// The commits of the first-parent chain from `head` (newest first, down to
/// `stop`) that changed the content folder; and whether `stop` was met.
fn steps(
    repo: &gix::Repository,
    content: &[String],
    head: gix::ObjectId,
    stop: Option<gix::ObjectId>,
) -> Result<(Vec<Step>, bool), String> {
    let walk = repo
        .rev_walk([head])
        .first_parent_only()
        .all()
        .map_err(|e| format!("cannot walk the history: {e}"))?;
    let mut steps = Vec::new();
    for (n, info) in walk.enumerate() {
        if n >= MAX_COMMITS {
            break;
        }
        let info = info.map_err(|e| format!("cannot read the history: {e}"))?;
        if Some(info.id) == stop {
            return Ok((steps, true));
        }
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
        let here = subtree(repo, Some(tree), content)?;
        let before = subtree(repo, parent_tree, content)?;
        if here == before {
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
        steps.push(Step {
            change,
            here,
            before,
        });
    }
    Ok((steps, false))
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
/// Git keeps a tree's entries sorted, so the two lists are merged in one
/// pass: a folder of 10,000 actions is read, not copied into maps.
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
    let (ta, tb) = (tree(repo, a)?, tree(repo, b)?);
    let (ea, eb) = (entries(ta.as_ref())?, entries(tb.as_ref())?);
    let (mut i, mut j) = (0, 0);
    while i < ea.len() || j < eb.len() {
        // The entry that comes first in git's order, or the two with one name.
        let (x, y) = match (ea.get(i), eb.get(j)) {
            (Some(x), Some(y)) => match git_order(x, y) {
                Ordering::Less => (Some(x), None),
                Ordering::Greater => (None, Some(y)),
                Ordering::Equal => (Some(x), Some(y)),
            },
            (x, y) => (x, y),
        };
        i += usize::from(x.is_some());
        j += usize::from(y.is_some());
        let key = |e: Option<&EntryRef>| e.map(|e| (e.mode.is_tree(), e.oid.to_owned()));
        if key(x) == key(y) {
            continue;
        }
        let name = x
            .or(y)
            .map(|e| e.filename.to_str_lossy())
            .unwrap_or_default();
        let path = format!("{prefix}/{name}");
        let tree_of =
            |e: Option<&EntryRef>| e.filter(|e| e.mode.is_tree()).map(|e| e.oid.to_owned());
        let blob_of =
            |e: Option<&EntryRef>| e.filter(|e| !e.mode.is_tree()).map(|e| e.oid.to_owned());
        if tree_of(x).is_some() || tree_of(y).is_some() {
            diff(repo, tree_of(x), tree_of(y), &path, out)?;
        }
        if blob_of(x) != blob_of(y) {
            out.push(path);
        }
    }
    Ok(())
}

type EntryRef<'a> = gix::objs::tree::EntryRef<'a>;

fn tree(
    repo: &gix::Repository,
    id: Option<gix::ObjectId>,
) -> Result<Option<gix::Tree<'_>>, String> {
    id.map(|id| repo.find_tree(id).map_err(|e| e.to_string()))
        .transpose()
}

fn entries<'t>(tree: Option<&'t gix::Tree<'_>>) -> Result<Vec<EntryRef<'t>>, String> {
    match tree {
        Some(t) => Ok(t.decode().map_err(|e| e.to_string())?.entries),
        None => Ok(Vec::new()),
    }
}

/// Git's order of a tree's entries: by name, a folder's name read as if it
/// ended in `/`. Two entries of one name but not one kind are not equal.
fn git_order(a: &EntryRef, b: &EntryRef) -> Ordering {
    let (an, bn): (&[u8], &[u8]) = (a.filename, b.filename);
    let common = an.len().min(bn.len());
    an[..common].cmp(&bn[..common]).then_with(|| {
        let next = |name: &[u8], e: &EntryRef| {
            name.get(common)
                .copied()
                .or(e.mode.is_tree().then_some(b'/'))
        };
        next(an, a).cmp(&next(bn, b))
    })
}

//! The history's diffs kept on disk between builds: which content files
//! differ between two versions of the content folder, keyed by the two
//! folders' tree ids. A tree id names its whole contents and never changes,
//! so a diff made once holds for every later build of any commit that has
//! the same pair; a build then diffs only the commits made since the last one.
//!
//! The file lives in the repository's git folder (shared by its worktrees,
//! never committed, not under the site), one JSON object per line, each with
//! a checksum of its fields (git checks every object it reads by its id; a
//! line read back is checked too). It is only ever a shortcut: a file that
//! is missing, unreadable, of another version or with damaged lines costs
//! those diffs again, and a failed write is ignored (a read-only repository
//! builds as before).

use gix::ObjectId;
use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name (for a site at the root of its repository); the number
/// changes whenever what a diff lists does.
const FILE_NAME: &str = "retiment-history-v1.jsonl";

/// The file of the content folder at `content` (its path in the repository,
/// folder by folder): `FILE_NAME` for `content` at the root, else one named
/// by a hash of the path, so that the sites of one repository never drop
/// each other's lines when one of them rewrites its file.
fn file_name(content: &[String]) -> String {
    if content.len() == 1 && content[0] == "content" {
        return FILE_NAME.to_string();
    }
    let hash = xxhash_rust::xxh3::xxh3_64(content.join("/").as_bytes());
    format!("{}-{hash:016x}.jsonl", FILE_NAME.trim_end_matches(".jsonl"))
}

/// The two content folders of a commit and its parent (`None`: no folder).
pub type Pair = (Option<ObjectId>, Option<ObjectId>);

/// One line of the file.
#[derive(serde::Serialize, serde::Deserialize)]
struct Line {
    /// The content folder after the commit (`""`: none).
    after: String,
    /// The content folder before it, in the first parent (`""`: none).
    before: String,
    /// The files that differ, with the content folder's name in front
    /// (`content/actions/1.1.7.md`).
    changed: Vec<String>,
    /// `checksum` of the fields above.
    check: String,
}

/// XXH3 (64 bits, hex) of a line's fields, each ended by a NUL (which no
/// field holds).
fn checksum(after: &str, before: &str, changed: &[String]) -> String {
    let mut bytes = Vec::new();
    for field in [after, before]
        .into_iter()
        .chain(changed.iter().map(String::as_str))
    {
        bytes.extend_from_slice(field.as_bytes());
        bytes.push(0);
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// The diffs read from the file, and where to add new ones.
pub struct DiffStore {
    path: PathBuf,
    known: HashMap<Pair, Vec<String>>,
    /// Lines in the file, read or not (a rewrite drops the ones no longer used).
    lines: usize,
    /// The file ends inside a line (a write cut short): an append starts
    /// with a line break, so that its first line is not joined to the damage.
    cut_short: bool,
}

impl DiffStore {
    /// The diffs of the content folder at `content` (its path in the
    /// repository) kept in the git folder `common_dir`; none if there are
    /// none or the file cannot be read.
    pub fn open(common_dir: &Path, content: &[String]) -> DiffStore {
        let path = common_dir.join(file_name(content));
        let bytes = std::fs::read(&path).unwrap_or_default();
        let mut store = DiffStore {
            path,
            known: HashMap::new(),
            lines: 0,
            cut_short: bytes.last().is_some_and(|b| *b != b'\n'),
        };
        for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            store.lines += 1;
            // A damaged line (a write cut short, a changed byte, an edit by
            // hand) is skipped: its diff is made again.
            let Ok(line) = serde_json::from_slice::<Line>(line) else {
                continue;
            };
            if line.check != checksum(&line.after, &line.before, &line.changed) {
                continue;
            }
            let (Ok(after), Ok(before)) = (parse_id(&line.after), parse_id(&line.before)) else {
                continue;
            };
            store.known.insert((after, before), line.changed);
        }
        store
    }

    /// The files that differ between the pair's folders, if kept.
    pub fn get(&self, pair: &Pair) -> Option<&[String]> {
        self.known.get(pair).map(Vec::as_slice)
    }

    /// Add the diffs made by a walk (`new`). `used`: the kept diffs a walk
    /// of the whole history read (`None` for a walk of the newest commits
    /// only). When the file holds far more lines than the whole history
    /// needs (history rewritten, branches gone), it is written again with
    /// the lines used and the new ones; otherwise the new lines are appended.
    pub fn add(&self, new: &[(Pair, &[String])], used: Option<&[Pair]>) {
        if new.is_empty() {
            return;
        }
        let used = used.filter(|u| self.lines > 2 * (u.len() + new.len()) + 64);
        let result = if let Some(used) = used {
            let kept = (used.iter()).filter_map(|p| self.known.get(p).map(|c| (*p, c.as_slice())));
            let text = lines_of(kept.chain(new.iter().copied()));
            rewrite(&self.path, &text)
        } else {
            let start = if self.cut_short { "\n" } else { "" };
            append(
                &self.path,
                &(start.to_string() + &lines_of(new.iter().copied())),
            )
        };
        // Only a shortcut: a repository that cannot be written to builds as before.
        let _ = result;
    }
}

fn parse_id(hex: &str) -> Result<Option<ObjectId>, ()> {
    if hex.is_empty() {
        return Ok(None);
    }
    ObjectId::from_hex(hex.as_bytes()).map(Some).map_err(|_| ())
}

fn lines_of<'a>(pairs: impl Iterator<Item = (Pair, &'a [String])>) -> String {
    let hex = |id: Option<ObjectId>| id.map(|i| i.to_string()).unwrap_or_default();
    let mut text = String::new();
    for ((after, before), changed) in pairs {
        let (after, before) = (hex(after), hex(before));
        let line = Line {
            check: checksum(&after, &before, changed),
            after,
            before,
            changed: changed.to_vec(),
        };
        if let Ok(json) = serde_json::to_string(&line) {
            text.push_str(&json);
            text.push('\n');
        }
    }
    text
}

/// One write in append mode, so that two builds adding at once do not mix
/// their lines.
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// A new file beside the old one, then renamed over it: a reader sees the
/// old file or the new one, never half of one.
fn rewrite(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Option<ObjectId> {
        Some(ObjectId::from_bytes_or_panic(&[n; 20]))
    }

    /// The store of a site at the root of its repository.
    fn open(dir: &Path) -> DiffStore {
        DiffStore::open(dir, &paths(&["content"]))
    }

    fn paths(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn diffs_added_are_read_back_by_their_pair() {
        let dir = tempfile::tempdir().unwrap();
        let a = paths(&["content/actions/1.1.1.md"]);
        let b = paths(&["content/actions/1.1.2.md", "content/reports/2016.md"]);
        open(dir.path()).add(&[((id(1), id(2)), &a)], None);
        open(dir.path()).add(&[((id(3), None), &b)], None);
        let store = open(dir.path());
        assert_eq!(store.get(&(id(1), id(2))), Some(a.as_slice()));
        assert_eq!(store.get(&(id(3), None)), Some(b.as_slice()));
        assert_eq!(store.get(&(id(2), id(1))), None, "a pair is ordered");
        assert_eq!(store.lines, 2);
    }

    #[test]
    fn damaged_lines_are_skipped_and_the_others_kept() {
        // A changed path, a bad id, a line that is no JSON, one that is not
        // UTF-8, one cut short.
        let dir = tempfile::tempdir().unwrap();
        let a = paths(&["content/x.md"]);
        open(dir.path()).add(&[((id(1), id(2)), &a)], None);
        let file = dir.path().join(FILE_NAME);
        let mut text = std::fs::read_to_string(&file).unwrap();
        // The same pair again with a path changed: its checksum no longer fits.
        let changed = text.replace("content/x.md", "content/y.md");
        text.push_str(&changed);
        let bad_id = checksum("zz", "", &[]);
        text.push_str(&format!(
            "{{\"after\":\"zz\",\"before\":\"\",\"changed\":[],\"check\":\"{bad_id}\"}}\n"
        ));
        text.push_str("not json\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\xff\xfe\n{\"after\":\"");
        std::fs::write(&file, bytes).unwrap();
        let store = open(dir.path());
        assert_eq!(store.known.len(), 1);
        assert_eq!(store.get(&(id(1), id(2))), Some(a.as_slice()));
        // A line added after the cut-short one is read back whole.
        store.add(&[((id(3), None), &a)], None);
        let store = open(dir.path());
        assert_eq!(store.get(&(id(3), None)), Some(a.as_slice()));
    }

    #[test]
    fn a_file_of_mostly_unused_lines_is_written_again_with_the_used_ones() {
        let dir = tempfile::tempdir().unwrap();
        let a = paths(&["content/a.md"]);
        let old: Vec<(Pair, &[String])> = (0..100).map(|n| ((id(n), None), a.as_slice())).collect();
        open(dir.path()).add(&old, None);
        // A walk of the newest commits only appends: it does not know which
        // of the older lines the history still needs.
        open(dir.path()).add(&[((id(150), None), &a)], None);
        let store = open(dir.path());
        assert_eq!(store.lines, 101);
        store.add(&[((id(200), id(201)), &a)], Some(&[(id(5), None)]));
        let store = open(dir.path());
        assert_eq!(store.lines, 2);
        assert!(store.get(&(id(5), None)).is_some());
        assert!(store.get(&(id(200), id(201))).is_some());
        assert!(store.get(&(id(6), None)).is_none());
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_no_error() {
        let store = open(Path::new("/nonexistent/retiment/git"));
        assert!(store.known.is_empty());
        store.add(&[((id(1), None), &paths(&["content/a.md"]))], None);
    }

    #[test]
    fn each_site_of_a_repository_keeps_its_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = paths(&["content/a.md"]);
        let other = paths(&["plans", "metro", "content"]);
        let many: Vec<(Pair, &[String])> =
            (0..100).map(|n| ((id(n), None), a.as_slice())).collect();
        DiffStore::open(dir.path(), &other).add(&many, None);
        // The root site's walk of its whole history, far shorter, would
        // rewrite a shared file without the other site's lines.
        open(dir.path()).add(&[((id(200), None), &a)], Some(&[]));
        let store = DiffStore::open(dir.path(), &other);
        assert_eq!(store.lines, 100);
        assert!(store.get(&(id(7), None)).is_some());
        assert_eq!(open(dir.path()).lines, 1);
        assert!(dir.path().join(FILE_NAME).exists());
    }
}

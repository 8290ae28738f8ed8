//! Helpers shared by the integration tests: fixtures, temporary folders,
//! running the binary, reading output trees and diagnostics.
#![allow(dead_code)]

pub mod links;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{self, AtomicUsize};

/// The repository root (the example site lives there too).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests").join("fixtures").join(name)
}

/// A fresh, empty folder under the system's temporary folder, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, atomic::Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "retiment-test-{}-{n}-{nanos}-{label}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a temporary folder");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the folder (not created).
    pub fn join(&self, rel: &str) -> PathBuf {
        self.path.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Run the `retiment` binary with arguments.
pub fn retiment(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retiment"))
        .args(args)
        .output()
        .expect("run the retiment binary")
}

/// The command `retiment build --root ROOT --output OUT`, to add to and run.
pub fn build_command(root: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_retiment"));
    cmd.args(["build", "--root", root.to_str().unwrap()])
        .args(["--output", out.to_str().unwrap()]);
    cmd
}

/// `retiment build --root ROOT --output OUT` plus extra arguments.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    build_command(root, out)
        .args(extra)
        .output()
        .expect("run the retiment binary")
}

/// Copy a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Build and panic with the binary's messages when it fails.
pub fn build_ok(root: &Path, out: &Path, extra: &[&str]) {
    let o = build(root, out, extra);
    assert!(
        o.status.success(),
        "building {} failed ({:?}):\n{}",
        root.display(),
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (dotfiles included), by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("read a folder")
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>();
                out.insert(rel.join("/"), std::fs::read(&p).expect("read a file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The `good-en` fixture built once per test binary with default options, as a tree in memory.
pub fn good_tree() -> &'static BTreeMap<String, Vec<u8>> {
    static TREE: std::sync::OnceLock<BTreeMap<String, Vec<u8>>> = std::sync::OnceLock::new();
    TREE.get_or_init(|| {
        let tmp = TempDir::new("good-shared");
        let out = tmp.join("public");
        build_ok(&fixture("good-en"), &out, &[]);
        read_tree(&out)
    })
}

/// Write a tree in memory into a folder.
pub fn write_tree(tree: &BTreeMap<String, Vec<u8>>, to: &Path) {
    for (rel, bytes) in tree {
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// Compare two trees file by file; the message names the first differences.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    let differ: Vec<_> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty() && differ.is_empty(),
        "{what}: only in the first: {only_a:?}; only in the second: {only_b:?}; different bytes: {differ:?}"
    );
}

/// Panics, showing where, unless `page` (rendered from the built-in theme's
/// templates, minified once when loaded) minified again as a whole is
/// `reference` (a page minified whole after rendering), named `what`.
pub fn assert_same_minified_page(path: &str, page: &[u8], reference: &[u8], what: &str) {
    let again = retiment::render::minify::page(page);
    if again == reference {
        return;
    }
    let at = again
        .iter()
        .zip(reference)
        .take_while(|(x, y)| x == y)
        .count();
    let near = |s: &[u8]| {
        String::from_utf8_lossy(&s[at.saturating_sub(80)..(at + 80).min(s.len())]).to_string()
    };
    panic!(
        "{path}: differs from {what} at byte {at}:\n  built-in templates: {}\n  {what}: {}",
        near(&again),
        near(reference),
    );
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compile a site in memory.
pub fn compile(
    root: &Path,
    drafts: bool,
) -> Result<retiment::Compiled, Vec<retiment::diagnostics::Diagnostic>> {
    retiment::compile(&retiment::Options {
        root: root.to_path_buf(),
        output: None,
        base_url: None,
        drafts,
    })
}

/// Diagnostics as the user reads them: `path:line:column: error: message`.
pub fn show(diags: &[retiment::diagnostics::Diagnostic]) -> String {
    diags.iter().map(|d| format!("  {d}\n")).collect()
}

/// Compile a site that must fail; its errors (warnings left out).
pub fn compile_errors(root: &Path) -> Vec<retiment::diagnostics::Diagnostic> {
    match compile(root, false) {
        Ok(c) => panic!(
            "{} compiled without errors; warnings:\n{}",
            root.display(),
            show(&c.warnings)
        ),
        Err(diags) => diags.into_iter().filter(|d| d.is_error()).collect(),
    }
}

/// An output file of a compiled site, as JSON.
pub fn output_json(c: &retiment::Compiled, path: &str) -> serde_json::Value {
    let o = c
        .outputs
        .iter()
        .find(|o| o.path == path)
        .unwrap_or_else(|| panic!("no output {path}"));
    serde_json::from_slice(&o.bytes).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// Compile a site that must build, with a readable failure.
pub fn compile_ok(root: &Path, drafts: bool) -> retiment::Compiled {
    compile(root, drafts)
        .unwrap_or_else(|d| panic!("{} does not compile:\n{}", root.display(), show(&d)))
}

/// `1.1.2` < `1.1.10`: digit runs compare as numbers, the rest byte by byte.
pub fn natural(a: &str, b: &str) -> Ordering {
    fn runs(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    for (x, y) in runs(a).iter().zip(runs(b).iter()) {
        let ord = match (x, y) {
            ((true, p), (true, q)) => {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then(p.cmp(q))
            }
            _ => x.1.cmp(&y.1),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    runs(a).len().cmp(&runs(b).len())
}

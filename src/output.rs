//! Output: the only stage that touches the disk. Files are written into a
//! fresh folder beside the output folder, which is swapped in only when
//! everything was written, so a failed or interrupted build leaves the
//! previous site untouched. Also writes `data/manifest.json`.

use crate::render::Output;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// File that marks a folder as written by retiment, so it may be replaced.
pub const MARKER: &str = ".retiment-output";
pub const MANIFEST: &str = "data/manifest.json";

/// Add `data/manifest.json`: the SHA-256 of every other output file.
pub fn add_manifest(outputs: &mut Vec<Output>) {
    add_manifest_with(outputs, None)
}

/// `add_manifest`, taking the hashes of files already written from `spill`.
pub fn add_manifest_with(outputs: &mut Vec<Output>, spill: Option<&Spill>) {
    outputs.retain(|o| o.path != MANIFEST);
    let files: BTreeMap<&str, String> = outputs
        .par_iter()
        .map(|o| {
            let hash = spill.and_then(|s| s.hash_of(&o.path));
            (
                o.path.as_str(),
                hash.unwrap_or_else(|| hex(&Sha256::digest(&o.bytes))),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let doc = serde_json::json!({ "algorithm": "sha256", "files": files });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    outputs.push(Output {
        path: MANIFEST.into(),
        bytes,
    });
    outputs.sort_by(|a, b| a.path.cmp(&b.path));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why an output folder may not be used.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let root = fs::canonicalize(root).map_err(|e| format!("cannot read the site folder: {e}"))?;
    let out_abs = absolute(out)?;
    if out_abs.exists() && !out_abs.is_dir() {
        return Err(format!(
            "the output folder `{}` is a file: choose a folder such as `public`",
            out.display()
        ));
    }
    if root.starts_with(&out_abs) {
        return Err(format!("the output folder `{}` is the site folder or contains it: choose a folder such as `public`", out.display()));
    }
    for protected in ["content", "themes", "static", "templates", "site.toml"] {
        if out_abs.starts_with(root.join(protected)) {
            return Err(format!(
                "the output folder `{}` is inside `{protected}`: choose a folder such as `public`",
                out.display()
            ));
        }
    }
    if out_abs.is_dir()
        && !out_abs.join(MARKER).exists()
        && fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
    {
        return Err(format!(
            "the output folder `{}` exists and was not made by retiment (no `{MARKER}` file): refusing to replace it; remove it or choose another folder",
            out.display()
        ));
    }
    Ok(())
}

/// `out` as an absolute path, resolved one component at a time: symlinks of
/// existing parts are followed and `..` climbs from what a part really is,
/// so `missing/../content` cannot slip past the checks.
fn absolute(out: &Path) -> Result<PathBuf, String> {
    use std::path::Component;
    let abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(out)
    };
    let mut resolved = PathBuf::new();
    for part in abs.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => resolved.push(part.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(real) = fs::canonicalize(&resolved) {
                    resolved = real;
                }
            }
        }
    }
    Ok(resolved)
}

/// Write every output into a new sibling folder, then swap it in for `out`.
pub fn write_atomically(out: &Path, outputs: &[Output]) -> io::Result<()> {
    Spill::create(out)?.finish(outputs)
}

/// A build being written: a fresh folder beside the output folder, where
/// pages go as soon as they are rendered ([`Spill::put`]), so that a build's
/// memory does not grow with the site, and which [`Spill::finish`] swaps in
/// for the output folder once everything was written. Until then the
/// previous site is untouched; [`Spill::abandon`] removes the folder.
pub struct Spill {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    /// SHA-256 of every file already written, by path, for the manifest.
    written: Mutex<HashMap<String, String>>,
    /// The first write that failed: `finish` reports it.
    failed: Mutex<Option<io::Error>>,
}

impl Spill {
    /// Make the temporary folder beside `out` (removing any a killed build left).
    pub fn create(out: &Path) -> io::Result<Spill> {
        let out = absolute(out).map_err(io::Error::other)?;
        let parent = out
            .parent()
            .ok_or_else(|| io::Error::other("the output folder has no parent"))?
            .to_path_buf();
        let name = out
            .file_name()
            .ok_or_else(|| io::Error::other("the output folder has no name"))?
            .to_string_lossy()
            .to_string();
        fs::create_dir_all(&parent)?;
        clean_leftovers(&parent, &name);
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        let old = parent.join(format!(".{name}.old-{pid}"));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(&tmp)?;
        Ok(Spill {
            out,
            tmp,
            old,
            written: Mutex::default(),
            failed: Mutex::default(),
        })
    }

    /// Write one output now and give it back without its bytes (its path stays,
    /// for listings). An output that cannot be written keeps its bytes, and
    /// `finish` reports the error.
    pub fn put(&self, o: Output) -> Output {
        // An unsafe path is refused by `finish`, with the others.
        if is_safe_relative(&o.path) && self.write(&o.path, &[&o.bytes]) {
            return Output {
                path: o.path,
                bytes: Vec::new(),
            };
        }
        o
    }

    /// `put` for a file given as the pieces it is joined from, written one
    /// after the other (never joined in memory, but to keep it when it
    /// cannot be written).
    pub fn put_parts(&self, path: String, parts: &[&[u8]]) -> Output {
        if is_safe_relative(&path) && self.write(&path, parts) {
            return Output {
                path,
                bytes: Vec::new(),
            };
        }
        Output {
            path,
            bytes: parts.concat(),
        }
    }

    /// Write `parts` as the file at `path` and note its SHA-256; a failure
    /// is kept for `finish` to report.
    fn write(&self, path: &str, parts: &[&[u8]]) -> bool {
        let full = self.tmp.join(path);
        let mut digest = Sha256::new();
        let result = full
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|_| {
                parts.iter().for_each(|part| digest.update(part));
                if let [whole] = parts {
                    return fs::write(&full, whole);
                }
                // Thousands of small pieces: gathered into large writes.
                let mut file = io::BufWriter::with_capacity(1 << 20, fs::File::create(&full)?);
                for part in parts {
                    io::Write::write_all(&mut file, part)?;
                }
                io::Write::flush(&mut file)
            });
        match result {
            Ok(()) => {
                let hash = hex(&digest.finalize());
                lock(&self.written).insert(path.to_string(), hash);
                true
            }
            Err(e) => {
                lock(&self.failed).get_or_insert(e);
                false
            }
        }
    }

    /// The SHA-256 of an output already written by `put`.
    pub fn hash_of(&self, path: &str) -> Option<String> {
        lock(&self.written).get(path).cloned()
    }

    /// Write the outputs not written yet, then swap the folder in for the output folder.
    pub fn finish(self, outputs: &[Output]) -> io::Result<()> {
        let (out, tmp, old) = (&self.out, &self.tmp, &self.old);
        let failed = lock(&self.failed).take();
        let result = match failed {
            Some(e) => Err(e),
            None => {
                let written = lock(&self.written);
                let rest: Vec<&Output> = outputs
                    .iter()
                    .filter(|o| !written.contains_key(&o.path))
                    .collect();
                write_all(tmp, &rest)
            }
        };
        let result = result.and_then(|_| {
            fs::write(
                tmp.join(MARKER),
                b"This folder is written by retiment; it is replaced whole on every build.\n",
            )?;
            if out.exists() {
                if exchange(tmp, out).is_ok() {
                    // `tmp` now holds the previous site: move it aside to be removed.
                    return fs::rename(tmp, old);
                }
                fs::rename(out, old)?;
            }
            fs::rename(tmp, out)
        });
        match result {
            Ok(()) => {
                let _ = fs::remove_dir_all(old);
                Ok(())
            }
            Err(e) => {
                let _ = fs::remove_dir_all(tmp);
                if old.exists() && !out.exists() {
                    let _ = fs::rename(old, out);
                }
                Err(e)
            }
        }
    }

    /// Remove the temporary folder: the build failed, the output folder stays as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Swap two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`), so
/// that even a build killed at the worst moment leaves a whole site at the
/// output path. Elsewhere, or on file systems without it, an error: the
/// caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::other("atomic exchange is not available"))
}

/// Remove the temporary folders a killed build may have left beside the output.
fn clean_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with(&format!(".{name}.tmp-")) || n.starts_with(&format!(".{name}.old-")) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

fn write_all(dir: &Path, outputs: &[&Output]) -> io::Result<()> {
    for o in outputs {
        if !is_safe_relative(&o.path) {
            return Err(io::Error::other(format!(
                "refusing to write outside the output folder: {}",
                o.path
            )));
        }
    }
    let dirs: std::collections::BTreeSet<PathBuf> = outputs
        .iter()
        .filter_map(|o| dir.join(&o.path).parent().map(Path::to_path_buf))
        .collect();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    outputs
        .par_iter()
        .try_for_each(|o| fs::write(dir.join(&o.path), &o.bytes))
}

/// A relative path with no `..`, no root and no empty parts.
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lists_every_other_file() {
        let mut outs = vec![
            Output {
                path: "b.html".into(),
                bytes: b"b".to_vec(),
            },
            Output {
                path: "a.html".into(),
                bytes: b"".to_vec(),
            },
        ];
        add_manifest(&mut outs);
        let m = &outs.iter().find(|o| o.path == MANIFEST).unwrap().bytes;
        let v: serde_json::Value = serde_json::from_slice(m).unwrap();
        assert_eq!(
            v["files"]["a.html"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(v["files"].get(MANIFEST).is_none());
        assert_eq!(outs[0].path, "a.html");
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe_relative("actions/1.1/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/x"));
        assert!(!is_safe_relative("a//b"));
    }
}

//! Helpers of the robustness tests, included by them as a module: a copy of
//! the base site, `compile` on a thread with a time bound, the `retiment`
//! binary in a child process bounded in time and memory, and the check that
//! every diagnostic names a real file and line. Built on its own, it checks
//! that these helpers catch what they must.

use retiment::diagnostics::Diagnostic;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The fixture every robustness test starts from: one line, one objective, one action.
pub fn base_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile-base")
}

// Built on its own too, so it brings the shared helpers, for itself and
// for the tests that include it.
#[path = "common/mod.rs"]
pub mod common;
pub use common::copy_dir;

/// Compile on a thread with the main thread's stack size, within `limit`.
/// Ok: the output paths; Err: the diagnostics. A panic or a hang is an Err(String).
pub fn compile_bounded(
    root: &Path,
    limit: Duration,
) -> Result<Result<Vec<String>, Vec<Diagnostic>>, String> {
    let (tx, rx) = mpsc::channel();
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let r = std::panic::catch_unwind(|| {
                retiment::compile(&retiment::Options {
                    root,
                    ..Default::default()
                })
                .map(|c| c.outputs.into_iter().map(|o| o.path).collect::<Vec<_>>())
            });
            let _ = tx.send(r.map_err(|p| {
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            }));
        })
        .unwrap();
    match rx.recv_timeout(limit) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(msg)) => Err(format!("compile panicked: {msg}")),
        Err(_) => Err(format!("compile took more than {limit:?} (or died)")),
    }
}

/// Every error is located in a real file and line and says what is wrong;
/// every output path stays inside the output folder. With `whole_file`,
/// errors about a file's name or place may name no line (line 0).
pub fn check_outcome(
    root: &Path,
    outcome: Result<Vec<String>, Vec<Diagnostic>>,
    whole_file: bool,
) -> Result<(), String> {
    let diags = match outcome {
        Ok(paths) => {
            return match paths
                .iter()
                .find(|p| !retiment::output::is_safe_relative(p))
            {
                Some(p) => Err(format!("output path escapes the output folder: {p:?}")),
                None => Ok(()),
            }
        }
        Err(diags) => diags,
    };
    if !diags.iter().any(Diagnostic::is_error) {
        return Err(format!("compile failed without an error: {diags:?}"));
    }
    for d in &diags {
        let located =
            d.path == "site.toml" || d.path == "content" || d.path.starts_with("content/");
        if !located || d.message.trim().is_empty() {
            return Err(format!(
                "diagnostic without a content path or message: {d:?}"
            ));
        }
        let file = root.join(&d.path);
        if file.is_file() {
            let bytes = std::fs::read(&file).unwrap_or_default();
            let lines = bytes.split(|b| *b == b'\n').count();
            let whole = whole_file && d.line == 0;
            if !bytes.is_empty() && !whole && (d.line < 1 || d.line > lines) {
                return Err(format!(
                    "diagnostic at line {} of a {lines}-line file: {d}",
                    d.line
                ));
            }
        }
    }
    Ok(())
}

/// How a child build ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stderr: String,
    pub peak_mib: u64,
    /// Why the child was killed: over time or over memory.
    pub killed: Option<String>,
}

impl Run {
    /// Ended by itself with 0 (built) or 1 (content errors), in bounds.
    pub fn assert_clean(&self, what: &str) {
        assert!(
            self.killed.is_none() && matches!(self.code, Some(0 | 1)),
            "{what}: expected exit 0 or 1, got code {:?}, signal {:?}, killed: {:?}, peak {} MiB\n{}",
            self.code,
            self.signal,
            self.killed,
            self.peak_mib,
            tail(&self.stderr)
        );
    }

    /// Exit 1 with an error line starting with `at` (`path:line:`) and containing `message`.
    pub fn assert_error_at(&self, what: &str, at: &str, message: &str) {
        self.assert_clean(what);
        assert_eq!(
            self.code,
            Some(1),
            "{what}: expected a content error\n{}",
            tail(&self.stderr)
        );
        assert!(
            self.stderr
                .lines()
                .any(|l| l.starts_with(at) && l.contains(message)),
            "{what}: expected `{at}…{message}…` in:\n{}",
            tail(&self.stderr)
        );
    }
}

/// The last lines of a long output, each cut to a readable length.
pub fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    let from = lines.len().saturating_sub(30);
    lines[from..]
        .iter()
        .map(|l| l.chars().take(300).collect::<String>() + "\n")
        .collect()
}

/// Peak resident memory of a live process, in KiB (Linux).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `retiment build` of `root` into a folder beside it, killed past `limit` or `max_mib`.
pub fn build_bounded(root: &Path, limit: Duration, max_mib: u64) -> Run {
    let out = root.with_extension("public");
    let mut child = Command::new(env!("CARGO_BIN_EXE_retiment"))
        .args(["build", "--root", root.to_str().unwrap()])
        .args(["--output", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start retiment");
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = pipe.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let start = Instant::now();
    let (mut peak, mut killed) = (0u64, None);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        peak = peak.max(peak_kib(child.id()).unwrap_or(0));
        if start.elapsed() > limit {
            killed = Some(format!("still running after {limit:?}"));
        } else if peak > max_mib * 1024 {
            killed = Some(format!("used more than {max_mib} MiB"));
        }
        if killed.is_some() {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = std::fs::remove_dir_all(&out);
    Run {
        code: status.code(),
        signal: status.signal(),
        stderr: reader.join().unwrap(),
        peak_mib: peak / 1024,
        killed,
    }
}

/// True when this file is a module of another test target: its own tests
/// then return at once, so that they run only in the `robustness_support` target.
#[cfg(test)]
fn included() -> bool {
    module_path!().contains("::")
}

#[cfg(test)]
fn temp(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("retiment-support-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&base_fixture(), &dir.join("site"));
    dir
}

#[test]
fn the_helpers_see_a_good_site_build_and_a_bad_one_fail() {
    if included() {
        return;
    }
    let dir = temp("helpers");
    let root = dir.join("site");
    let run = build_bounded(&root, Duration::from_secs(60), 1024);
    run.assert_clean("the base site");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let ok = compile_bounded(&root, Duration::from_secs(60)).unwrap();
    assert_eq!(check_outcome(&root, ok, false), Ok(()));
    std::fs::write(root.join("content/lines/1.md"), "---\ntitle: [1]\n---\n").unwrap();
    let bad = compile_bounded(&root, Duration::from_secs(60)).unwrap();
    assert!(bad.is_err() && check_outcome(&root, bad, false).is_ok());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_outcome_check_refuses_unlocated_errors() {
    if included() {
        return;
    }
    let dir = temp("check");
    let root = dir.join("site");
    let at = |path: &str, line| Err(vec![Diagnostic::error(path, line, 1, "bad")]);
    assert!(check_outcome(&root, at("content/lines/1.md", 0), false).is_err());
    assert!(check_outcome(&root, at("content/lines/1.md", 99), false).is_err());
    assert!(check_outcome(&root, at("/etc/passwd", 1), false).is_err());
    assert!(check_outcome(&root, at("content/lines/1.md", 0), true).is_ok());
    assert!(check_outcome(&root, at("content/lines/1.md", 2), false).is_ok());
    let unsafe_path = Ok(vec!["../index.html".to_string()]);
    assert!(check_outcome(&root, unsafe_path, false).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

//! Killed and interrupted builds lose nothing: after SIGKILL or SIGINT at any
//! moment, the output folder is exactly the previous site or exactly the new
//! one, never a mix or nothing; the next build succeeds and leaves no
//! temporary folders beside the output.

// The shared helpers come with the robustness helpers (one copy per test).
use support::common;

#[path = "robustness_support.rs"]
#[allow(dead_code)]
mod support;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::copy_dir;

/// Actions in the generated site: enough that a debug build takes a while.
const ACTIONS: usize = 80;

type Tree = BTreeMap<String, Vec<u8>>;

/// The base fixture plus ACTIONS generated actions, in `tmp/site`.
fn large_site(tmp: &TempDir) -> PathBuf {
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    for i in 2..=ACTIONS {
        let text = format!(
            "---\ntitle: \"Action {i}\"\nobjective: \"1.1\"\nstatus: in_progress\nprogress: {}\npartners: [\"Partner {}\"]\nbudget:\n  - {{ year: 2016, planned: {}, executed: {} }}\n---\nBody of action {i}, see [the first](@/actions/1.1.1.md).\n",
            i % 100,
            i % 20,
            i * 10,
            i * 5
        );
        std::fs::write(root.join(format!("content/actions/1.1.{i}.md")), text).unwrap();
    }
    root
}

/// Change every page: a new site title.
fn edit_title(root: &Path, title: &str) {
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    let edited: String = toml
        .lines()
        .map(|l| {
            if l.starts_with("title = ") {
                format!("title = \"{title}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(root.join("site.toml"), edited).unwrap();
}

fn spawn_build(root: &Path, out: &Path) -> Child {
    build_command(root, out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Names beside the output folder that a build leaves while it writes.
fn temporaries(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

#[derive(Debug, Clone, Copy)]
enum When {
    After(u64),
    /// As soon as the temporary folder appears: in the middle of writing.
    Writing,
}

#[derive(Debug, Clone, Copy)]
enum Signal {
    Kill,
    Int,
}

/// Start a build, signal it at `when`, wait for it to end; the output folder then.
fn interrupt(root: &Path, out: &Path, when: When, signal: Signal) -> Option<Tree> {
    let mut child = spawn_build(root, out);
    let start = Instant::now();
    match when {
        When::After(ms) => std::thread::sleep(Duration::from_millis(ms)),
        When::Writing => {
            while temporaries(out).is_empty() && start.elapsed() < Duration::from_secs(60) {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
    match signal {
        Signal::Kill => {
            let _ = child.kill();
        }
        Signal::Int => {
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
        }
    }
    child.wait().unwrap();
    out.is_dir().then(|| read_tree(out))
}

#[test]
fn killed_or_interrupted_builds_leave_the_old_site_or_the_new_one() {
    let tmp = TempDir::new("kill");
    let root = large_site(&tmp);
    let out = tmp.join("public");
    edit_title(&root, "Version A");
    build_ok(&root, &out, &[]);
    let old = read_tree(&out);
    edit_title(&root, "Version B");
    let cases = [
        (When::After(50), Signal::Kill),
        (When::After(200), Signal::Kill),
        (When::After(500), Signal::Kill),
        (When::Writing, Signal::Kill),
        (When::After(200), Signal::Int),
        (When::Writing, Signal::Int),
    ];
    let states: Vec<_> = cases
        .iter()
        .map(|&(when, signal)| ((when, signal), interrupt(&root, &out, when, signal)))
        .collect();
    build_ok(&root, &out, &[]);
    let new = read_tree(&out);
    assert_ne!(old, new, "the two versions differ");
    assert!(
        temporaries(&out).is_empty(),
        "a normal build leaves nothing beside the output: {:?}",
        temporaries(&out)
    );
    for ((when, signal), state) in states {
        match state {
            None => panic!("{signal:?} at {when:?}: the output folder is gone"),
            Some(t) if t == old || t == new => {
                eprintln!("{signal:?} at {when:?}: the {} site", if t == old { "old" } else { "new" });
            }
            Some(t) => panic!(
                "{signal:?} at {when:?}: the output folder is neither the old nor the new site ({} files; old {}, new {})",
                t.len(),
                old.len(),
                new.len()
            ),
        }
    }
}

/// The swap is two renames (output → .old, .tmp → output). A build killed
/// between them must not leave the site without its output folder. strace
/// (in the machine image) holds the process right after the first rename so
/// that the kill lands there every time.
#[test]
fn a_build_killed_between_the_two_renames_keeps_an_output_folder() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("strace is not installed: skipping the kill between the two renames");
        return;
    }
    let tmp = TempDir::new("kill-swap");
    let root = tmp.join("site");
    copy_dir(&support::base_fixture(), &root);
    let out = tmp.join("public");
    build_ok(&root, &out, &[]);
    let old = read_tree(&out);
    let renames = "rename,renameat,renameat2";
    let log = tmp.join("strace.log");
    let mut tracer = Command::new("strace")
        .args(["-f", "--seccomp-bpf", "-o", log.to_str().unwrap()])
        .args(["-e", &format!("trace={renames}")])
        .arg("-e")
        .arg(format!("inject={renames}:delay_exit=5000000:when=1"))
        .args([
            env!("CARGO_BIN_EXE_retiment"),
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the first rename (or exchange) has been made and is held, then kill the build.
    let start = Instant::now();
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("DELAYED")
        && start.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", tracer.id()))
        .unwrap_or_default();
    for pid in children.split_whitespace() {
        let _ = Command::new("kill").args(["-KILL", pid]).status();
    }
    // strace would sit out the rest of the delay: it is no longer needed.
    let _ = tracer.kill();
    tracer.wait().unwrap();
    let held = std::fs::read_to_string(&log).unwrap_or_default();
    eprintln!(
        "held and killed at: {}",
        held.lines().find(|l| l.contains("DELAYED")).unwrap_or("?")
    );
    let state = out.is_dir().then(|| read_tree(&out));
    // Whatever is left, the next build must still work and clean up.
    let after = temporaries(&out);
    build_ok(&root, &out, &[]);
    assert!(
        temporaries(&out).is_empty(),
        "leftovers after a normal build: {:?}",
        temporaries(&out)
    );
    assert!(
        state.as_ref() == Some(&old),
        "killed between the two renames: the output folder is {} (left beside it: {after:?})",
        if state.is_none() {
            "gone".to_string()
        } else {
            "changed".to_string()
        }
    );
}

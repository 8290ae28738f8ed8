//! `bench/report.py` judges the performance targets from a run's figures:
//! given made-up results of the harness, each target is called met or not
//! by its threshold, and a growth measured with two commits says so.

use std::fs;
use std::path::Path;
use std::process::Command;

/// One size's results as `bench/run` leaves them: medians in seconds (Hugo's
/// 0 when it was left out), peak RSS in KiB, and the edit → page times of
/// the preview when given.
fn write_size(
    dir: &Path,
    n: u32,
    version: &str,
    medians: [f64; 3],
    rss_kib: [u64; 3],
    serve: Option<[f64; 3]>,
) {
    let d = dir.join(n.to_string());
    fs::create_dir_all(&d).unwrap();
    let counts = serde_json::json!({
        "retiment_files": 10, "retiment_pages": 8, "retiment_action_pages": 4, "retiment_bytes": 1_000_000,
        "hugo_files": 6, "hugo_pages": 6, "hugo_action_pages": 4, "hugo_bytes": 500_000, "hugo_note": "",
        "input_files": 5, "input_bytes": 100_000, "load_before": "0.1 0.1 0.1", "date": "2026-01-01",
        "retiment_version": version, "hugo_version": "v0", "filesystem": "tmpfs", "runs": 3
    });
    fs::write(d.join("counts.json"), counts.to_string()).unwrap();
    let tools = ["retiment", "hugo", "io-floor"];
    let results: Vec<_> = (tools.iter().zip(medians))
        .filter(|(_, m)| *m > 0.0)
        .map(|(t, m)| serde_json::json!({ "command": t, "mean": m, "median": m, "min": m, "max": m, "user": m, "system": 0.0 }))
        .collect();
    fs::write(
        d.join("hyperfine.json"),
        serde_json::json!({ "results": results }).to_string(),
    )
    .unwrap();
    for (name, kib) in ["retiment", "hugo", "floor"].iter().zip(rss_kib) {
        if kib == 0 {
            continue;
        }
        fs::write(
            d.join(format!("time-{name}.txt")),
            format!("{kib} 1.0 1.0 0.1\n"),
        )
        .unwrap();
    }
    let edits = ["title", "body", "progress"].iter();
    for (edit, ms) in edits.zip(serve.into_iter().flatten()) {
        let times = [ms - 5.0, ms, ms + 5.0];
        let json = serde_json::json!({ "edit": edit, "total_ms": times, "reload_ms": times, "page_ms": [1, 1, 1] });
        fs::write(d.join(format!("serve-{edit}.json")), json.to_string()).unwrap();
    }
}

/// 10,000 actions: 3 s against Hugo's 10 s and a floor of 0.5 s (6×), 500 MiB.
fn ten_thousand(dir: &Path, version: &str, serve: Option<[f64; 3]>) {
    let mib = 1024;
    let rss = [500 * mib, 3000 * mib, 60 * mib];
    write_size(dir, 10_000, version, [3.0, 10.0, 0.5], rss, serve);
}

/// The targets table's row that starts with `target`.
fn row<'a>(report: &'a str, target: &str) -> &'a str {
    let found = report
        .lines()
        .find(|l| l.starts_with(&format!("| {target}")));
    found.unwrap_or_else(|| panic!("no row for {target:?} in:\n{report}"))
}

fn report(dir: &Path, sizes: &[&str]) -> String {
    let out = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/report.py"))
        .arg(dir)
        .args(sizes)
        .output()
        .expect("python3 runs bench/report.py");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn each_target_is_judged_by_its_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    ten_thousand(tmp.path(), "abc", Some([70.0, 60.0, 101.0]));
    // 100,000 actions: 36 s (12×), 5,800 MiB (6.08 GB: over 6 GB).
    let mib = 1024;
    write_size(
        tmp.path(),
        100_000,
        "abc",
        [36.0, 0.0, 5.0],
        [5800 * mib, 0, 600 * mib],
        None,
    );
    // The preview of the same site in a git repository: 120 ms is too slow.
    let d = tmp.path().join("10000");
    let build = serde_json::json!({ "results": [{ "command": "retiment-git", "median": 3.5, "user": 6.0, "system": 1.0 }] });
    fs::write(d.join("hyperfine-git.json"), build.to_string()).unwrap();
    let kept = serde_json::json!({ "results": [{ "command": "retiment-git-kept", "median": 3.1, "user": 5.5, "system": 1.0 }] });
    fs::write(d.join("hyperfine-git-kept.json"), kept.to_string()).unwrap();
    fs::write(d.join("history-commits.txt"), "300\n").unwrap();
    let serve = serde_json::json!({ "edit": "title", "total_ms": [110.0, 120.0, 130.0] });
    fs::write(d.join("serve-git-title.json"), serve.to_string()).unwrap();
    let text = report(tmp.path(), &["10000", "100000"]);
    let git = row(
        &text,
        "the same, the site in a git repository of 301 commits",
    );
    assert!(
        git.contains("median 120 ms") && git.ends_with("| **no** (median) |"),
        "{git}"
    );
    assert!(
        text.contains("| 10,000 | 301 | 3.50 | 7.00 | 3.10 | 3.00 | 120 (max 130) |"),
        "{text}"
    );
    assert!(
        row(&text, "10,000 actions: wall time ≤ Hugo's").ends_with("| yes, and half |"),
        "{text}"
    );
    let floor = row(&text, "10,000 actions: wall time ≤ 4× the I/O floor");
    assert!(
        floor.contains("6.00×") && floor.ends_with("| **no** |"),
        "{floor}"
    );
    assert!(
        row(&text, "10,000 actions: peak RSS").ends_with("| yes |"),
        "{text}"
    );
    let big = row(&text, "100,000 actions: peak RSS ≤ 6 GB");
    assert!(
        big.contains("6.08 GB") && big.ends_with("| **no** |"),
        "{big}"
    );
    // 12 exactly is within the target.
    let growth = row(&text, "100,000 ÷ 10,000");
    assert!(
        growth.contains("| 12.0 |") && growth.ends_with("| yes |"),
        "{growth}"
    );
    // One kind of edit's median over 100 ms fails the preview's target.
    let serve = row(&text, "10,000 actions: `serve`");
    assert!(
        serve.contains("progress 101 ms") && serve.ends_with("| **no** (medians) |"),
        "{serve}"
    );
}

#[test]
fn a_growth_measured_with_two_commits_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let mib = 1024;
    ten_thousand(tmp.path(), "new", None);
    write_size(
        tmp.path(),
        100_000,
        "old",
        [30.0, 0.0, 5.0],
        [4000 * mib, 0, 600 * mib],
        None,
    );
    let text = report(tmp.path(), &["10000"]);
    assert!(
        row(&text, "100,000 ÷ 10,000").contains("not the same retiment"),
        "{text}"
    );
    assert!(
        text.contains("Not the same retiment: new for 10,000, old for 100,000."),
        "{text}"
    );
    // Without the preview's times there is no row for it, rather than a guess.
    assert!(!text.contains("`serve`"), "{text}");
}

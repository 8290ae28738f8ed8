//! The independent computation: the content model's figures (§4, §8) worked
//! out from the content files with serde_yaml and exact integer arithmetic,
//! without any of retiment's own modules.

pub mod compare;

use crate::common::natural;
use serde_yaml::Value as Y;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const STATUSES: [&str; 5] = [
    "not_started",
    "in_progress",
    "delayed",
    "completed",
    "cancelled",
];

pub struct Action {
    pub id: String,
    pub objective: String,
    pub status: String,
    pub progress: i64,
    /// year → (planned, executed) in cents.
    pub budget: BTreeMap<i64, (i64, i64)>,
    /// (date, status, progress), oldest first (same-day updates in file order).
    pub updates: Vec<(String, Option<String>, Option<i64>)>,
}

pub struct Report {
    pub year: i64,
    pub own_revenue: Option<i64>,
    pub spending: Option<i64>,
}

pub struct Site {
    pub target: Option<f64>,
    /// (id, order)
    pub lines: Vec<(String, Option<i64>)>,
    /// (id, line)
    pub objectives: Vec<(String, String)>,
    pub actions: Vec<Action>,
    pub reports: Vec<Report>,
}

/// Front matter of a file as YAML: the lines between the first `---` and the next.
pub fn front_matter(path: &Path) -> Y {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().map(str::trim_end),
        Some("---"),
        "{}",
        path.display()
    );
    let yaml: Vec<&str> = lines.take_while(|l| l.trim_end() != "---").collect();
    serde_yaml::from_str(&yaml.join("\n")).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Default-language content files of a folder: (id, front matter).
pub fn files(root: &Path, folder: &str, languages: &BTreeSet<String>) -> Vec<(String, Y)> {
    let dir = root.join("content").join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        if name.starts_with('.')
            || name.starts_with('_')
            || stem
                .rsplit_once('.')
                .is_some_and(|(_, l)| languages.contains(l))
        {
            continue;
        }
        out.push((stem.to_string(), front_matter(&dir.join(&name))));
    }
    out.sort_by(|a, b| natural(&a.0, &b.0));
    out
}

pub fn cents(v: &Y) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("not money: {v:?}")) * 100.0).round() as i64
}

pub fn text(v: &Y) -> String {
    v.as_str()
        .map(str::to_string)
        .or_else(|| v.as_i64().map(|n| n.to_string()))
        .unwrap_or_else(|| panic!("not text: {v:?}"))
}

pub fn load(root: &Path, drafts: bool) -> Site {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("site.toml")).unwrap()).unwrap();
    let mut languages: BTreeSet<String> = config
        .get("languages")
        .and_then(|l| l.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    languages.insert(config["default_language"].as_str().unwrap().to_string());
    let target = config
        .get("accountability")
        .and_then(|a| a.get("cooperation_target_pct"))
        .and_then(|t| t.as_float().or(t.as_integer().map(|i| i as f64)));

    let mut lines: Vec<(String, Option<i64>)> = files(root, "lines", &languages)
        .into_iter()
        .map(|(id, fm)| (id, fm["order"].as_i64()))
        .collect();
    lines.sort_by(|a, b| {
        a.1.unwrap_or(i64::MAX)
            .cmp(&b.1.unwrap_or(i64::MAX))
            .then_with(|| natural(&a.0, &b.0))
    });
    let objectives = files(root, "objectives", &languages)
        .into_iter()
        .map(|(id, fm)| (id, text(&fm["line"])))
        .collect();
    let mut actions = Vec::new();
    for (id, fm) in files(root, "actions", &languages) {
        if fm["draft"].as_bool() == Some(true) && !drafts {
            continue;
        }
        let status = fm["status"].as_str().unwrap().to_string();
        let progress = match status.as_str() {
            "not_started" => 0,
            "completed" => 100,
            _ => fm["progress"].as_i64().unwrap_or(0),
        };
        let mut budget = BTreeMap::new();
        for b in fm["budget"].as_sequence().into_iter().flatten() {
            budget.insert(
                b["year"].as_i64().unwrap(),
                (cents(&b["planned"]), b.get("executed").map_or(0, cents)),
            );
        }
        let mut updates: Vec<_> = fm["updates"]
            .as_sequence()
            .into_iter()
            .flatten()
            .map(|u| {
                (
                    text(&u["date"]),
                    u["status"].as_str().map(str::to_string),
                    u["progress"].as_i64(),
                )
            })
            .collect();
        updates.sort_by(|a, b| a.0.cmp(&b.0));
        actions.push(Action {
            id,
            objective: text(&fm["objective"]),
            status,
            progress,
            budget,
            updates,
        });
    }
    let reports = files(root, "reports", &languages)
        .into_iter()
        .map(|(id, fm)| Report {
            year: id.parse().unwrap(),
            own_revenue: fm.get("own_revenue").map(cents),
            spending: fm.get("cooperation_spending").map(cents),
        })
        .collect();
    Site {
        target,
        lines,
        objectives,
        actions,
        reports,
    }
}

/// num ÷ den rounded half up (both non-negative).
pub fn div_round(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

/// Mean progress in tenths (cancelled left out) and counts per status.
pub fn rollup(states: &[(String, i64)]) -> (i64, BTreeMap<&'static str, i64>) {
    let counts = STATUSES
        .iter()
        .map(|s| (*s, states.iter().filter(|(st, _)| st == s).count() as i64))
        .collect();
    let kept: Vec<i64> = states
        .iter()
        .filter(|(s, _)| s != "cancelled")
        .map(|(_, p)| *p)
        .collect();
    let tenths = if kept.is_empty() {
        0
    } else {
        div_round(kept.iter().sum::<i64>() as i128 * 10, kept.len() as i128) as i64
    };
    (tenths, counts)
}

/// The action's (status, progress) on a day.
pub fn state_at(a: &Action, day: &str) -> (String, i64) {
    let (mut status, mut progress) = ("not_started".to_string(), 0);
    for (_, s, p) in a.updates.iter().filter(|u| u.0.as_str() <= day) {
        if let Some(s) = s {
            status = s.clone();
        }
        if let Some(p) = p {
            progress = *p;
        }
    }
    match status.as_str() {
        "not_started" => (status, 0),
        "completed" => (status, 100),
        _ => (status, progress),
    }
}

//! An independent computation of every derived figure of `data/plan.json`
//! (content model §4 and §8), straight from the content files with
//! serde_yaml and exact integer arithmetic, without retiment's own modules.

mod common;

use common::*;
use serde_json::Value as J;
use serde_yaml::Value as Y;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const STATUSES: [&str; 5] = ["not_started", "in_progress", "delayed", "completed", "cancelled"];

struct Action {
    id: String,
    objective: String,
    status: String,
    progress: i64,
    /// year → (planned, executed) in cents.
    budget: BTreeMap<i64, (i64, i64)>,
    /// (date, status, progress), oldest first (same-day updates in file order).
    updates: Vec<(String, Option<String>, Option<i64>)>,
}

struct Report {
    year: i64,
    own_revenue: Option<i64>,
    spending: Option<i64>,
}

struct Site {
    target: Option<f64>,
    /// (id, order)
    lines: Vec<(String, Option<i64>)>,
    /// (id, line)
    objectives: Vec<(String, String)>,
    actions: Vec<Action>,
    reports: Vec<Report>,
}

/// Front matter of a file as YAML: the lines between the first `---` and the next.
fn front_matter(path: &Path) -> Y {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().map(str::trim_end), Some("---"), "{}", path.display());
    let yaml: Vec<&str> = lines.take_while(|l| l.trim_end() != "---").collect();
    serde_yaml::from_str(&yaml.join("\n")).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Default-language content files of a folder: (id, front matter).
fn files(root: &Path, folder: &str, languages: &BTreeSet<String>) -> Vec<(String, Y)> {
    let dir = root.join("content").join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out = Vec::new();
    for e in entries {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md") else { continue };
        if name.starts_with('.') || name.starts_with('_') || stem.rsplit_once('.').is_some_and(|(_, l)| languages.contains(l)) {
            continue;
        }
        out.push((stem.to_string(), front_matter(&dir.join(&name))));
    }
    out.sort_by(|a, b| natural(&a.0, &b.0));
    out
}

fn cents(v: &Y) -> i64 {
    (v.as_f64().unwrap_or_else(|| panic!("not money: {v:?}")) * 100.0).round() as i64
}

fn text(v: &Y) -> String {
    v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())).unwrap_or_else(|| panic!("not text: {v:?}"))
}

fn load(root: &Path, drafts: bool) -> Site {
    let config: toml::Table = toml::from_str(&std::fs::read_to_string(root.join("site.toml")).unwrap()).unwrap();
    let mut languages: BTreeSet<String> = config.get("languages").and_then(|l| l.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default();
    languages.insert(config["default_language"].as_str().unwrap().to_string());
    let target = config.get("accountability").and_then(|a| a.get("cooperation_target_pct")).and_then(|t| t.as_float().or(t.as_integer().map(|i| i as f64)));

    let mut lines: Vec<(String, Option<i64>)> = files(root, "lines", &languages).into_iter().map(|(id, fm)| (id, fm["order"].as_i64())).collect();
    lines.sort_by(|a, b| a.1.unwrap_or(i64::MAX).cmp(&b.1.unwrap_or(i64::MAX)).then_with(|| natural(&a.0, &b.0)));
    let objectives = files(root, "objectives", &languages).into_iter().map(|(id, fm)| (id, text(&fm["line"]))).collect();
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
            budget.insert(b["year"].as_i64().unwrap(), (cents(&b["planned"]), b.get("executed").map_or(0, cents)));
        }
        let mut updates: Vec<_> = fm["updates"]
            .as_sequence()
            .into_iter()
            .flatten()
            .map(|u| (text(&u["date"]), u["status"].as_str().map(str::to_string), u["progress"].as_i64()))
            .collect();
        updates.sort_by(|a, b| a.0.cmp(&b.0));
        actions.push(Action { id, objective: text(&fm["objective"]), status, progress, budget, updates });
    }
    let reports = files(root, "reports", &languages)
        .into_iter()
        .map(|(id, fm)| Report {
            year: id.parse().unwrap(),
            own_revenue: fm.get("own_revenue").map(cents),
            spending: fm.get("cooperation_spending").map(cents),
        })
        .collect();
    Site { target, lines, objectives, actions, reports }
}

/// num ÷ den rounded half up (both non-negative).
fn div_round(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

/// Mean progress in tenths (cancelled left out) and counts per status.
fn rollup(states: &[(String, i64)]) -> (i64, BTreeMap<&'static str, i64>) {
    let counts = STATUSES.iter().map(|s| (*s, states.iter().filter(|(st, _)| st == s).count() as i64)).collect();
    let kept: Vec<i64> = states.iter().filter(|(s, _)| s != "cancelled").map(|(_, p)| *p).collect();
    let tenths = if kept.is_empty() { 0 } else { div_round(kept.iter().sum::<i64>() as i128 * 10, kept.len() as i128) as i64 };
    (tenths, counts)
}

/// The action's (status, progress) on a day.
fn state_at(a: &Action, day: &str) -> (String, i64) {
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

/// Collects every disagreement instead of stopping at the first.
struct Checker {
    problems: Vec<String>,
}

impl Checker {
    fn eq_f(&mut self, what: &str, got: &J, want: Option<f64>) {
        let ok = match (got.as_f64(), want) {
            (Some(g), Some(w)) => (g - w).abs() < 1e-9,
            (None, None) => got.is_null(),
            _ => false,
        };
        if !ok {
            self.problems.push(format!("{what}: plan.json has {got}, expected {want:?}"));
        }
    }
    fn money_eq(&mut self, what: &str, got: &J, cents: i64) {
        self.eq_f(what, got, Some(cents as f64 / 100.0));
    }
    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.problems.push(format!("{what}: plan.json has {got:?}, expected {want:?}"));
        }
    }
    fn rate(&mut self, what: &str, got: &J, planned: i64, executed: i64) {
        let want = (planned > 0).then(|| div_round(executed as i128 * 10_000, planned as i128) as f64 / 100.0);
        self.eq_f(what, got, want);
    }
    fn counts(&mut self, what: &str, got: &J, want: &BTreeMap<&str, i64>) {
        for (s, n) in want {
            self.eq(&format!("{what}.{s}"), got[*s].as_i64(), Some(*n));
        }
    }
    fn money(&mut self, what: &str, got: &J, actions: &[&Action]) {
        let mut years: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for a in actions {
            for (y, (p, e)) in &a.budget {
                let t = years.entry(*y).or_default();
                t.0 += p;
                t.1 += e;
            }
        }
        let (planned, executed) = years.values().fold((0, 0), |t, (p, e)| (t.0 + p, t.1 + e));
        self.money_eq(&format!("{what}.money.planned"), &got["planned"], planned);
        self.money_eq(&format!("{what}.money.executed"), &got["executed"], executed);
        self.rate(&format!("{what}.money.execution_rate_pct"), &got["execution_rate_pct"], planned, executed);
        let keys: Vec<String> = got["by_year"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        self.eq(&format!("{what}.money.by_year years"), keys, years.keys().map(|y| y.to_string()).collect());
        for (y, (p, e)) in &years {
            let g = &got["by_year"][y.to_string()];
            self.money_eq(&format!("{what}.money.by_year.{y}.planned"), &g["planned"], *p);
            self.money_eq(&format!("{what}.money.by_year.{y}.executed"), &g["executed"], *e);
            self.rate(&format!("{what}.money.by_year.{y}.execution_rate_pct"), &g["execution_rate_pct"], *p, *e);
        }
    }
    fn group(&mut self, what: &str, got: &J, states: &[(String, i64)]) -> i64 {
        let (tenths, counts) = rollup(states);
        self.eq_f(&format!("{what}.progress"), &got["progress"], Some(tenths as f64 / 10.0));
        self.counts(&format!("{what}.status_counts"), &got["status_counts"], &counts);
        tenths
    }
}

fn ids(list: &J, key: &str) -> Vec<String> {
    list.as_array().map(|a| a.iter().map(|x| x[key].to_string().trim_matches('"').to_string()).collect()).unwrap_or_default()
}

/// Compare every figure of `plan` with the independent computation; returns the disagreements.
fn compare(site: &Site, plan: &J) -> Vec<String> {
    let mut c = Checker { problems: Vec::new() };
    let all: Vec<&Action> = site.actions.iter().collect();
    let now: Vec<(String, i64)> = all.iter().map(|a| (a.status.clone(), a.progress)).collect();
    c.group("plan", &plan["plan"], &now);
    c.money("plan", &plan["plan"]["money"], &all);

    c.eq("lines (order)", ids(&plan["lines"], "id"), site.lines.iter().map(|l| l.0.clone()).collect());
    c.eq("objectives (order)", ids(&plan["objectives"], "id"), site.objectives.iter().map(|o| o.0.clone()).collect());
    c.eq("actions (order)", ids(&plan["actions"], "id"), site.actions.iter().map(|a| a.id.clone()).collect());
    let line_of = |a: &Action| site.objectives.iter().find(|o| o.0 == a.objective).map(|o| o.1.clone()).unwrap_or_default();
    for (i, (id, _)) in site.lines.iter().enumerate() {
        let mine: Vec<&Action> = all.iter().copied().filter(|a| line_of(a) == *id).collect();
        let j = &plan["lines"][i];
        c.group(&format!("line {id}"), j, &mine.iter().map(|a| (a.status.clone(), a.progress)).collect::<Vec<_>>());
        c.money(&format!("line {id}"), &j["money"], &mine);
        let objectives: Vec<String> = site.objectives.iter().filter(|o| o.1 == *id).map(|o| o.0.clone()).collect();
        c.eq(&format!("line {id}.objectives"), j["objectives"].clone(), J::from(objectives));
    }
    for (i, (id, _)) in site.objectives.iter().enumerate() {
        let mine: Vec<&Action> = all.iter().copied().filter(|a| a.objective == *id).collect();
        let j = &plan["objectives"][i];
        c.group(&format!("objective {id}"), j, &mine.iter().map(|a| (a.status.clone(), a.progress)).collect::<Vec<_>>());
        c.money(&format!("objective {id}"), &j["money"], &mine);
        c.eq(&format!("objective {id}.actions"), j["actions"].clone(), J::from(mine.iter().map(|a| a.id.clone()).collect::<Vec<_>>()));
    }
    for (i, a) in all.iter().enumerate() {
        let j = &plan["actions"][i];
        c.eq(&format!("action {}.status", a.id), j["status"].as_str(), Some(a.status.as_str()));
        c.eq(&format!("action {}.progress", a.id), j["progress"].as_i64(), Some(a.progress));
        c.eq(&format!("action {}.line", a.id), j["line"].as_str().map(str::to_string), Some(line_of(a)));
        c.money(&format!("action {}", a.id), &j["money"], &[a]);
    }

    let years: Vec<String> = site.reports.iter().map(|r| r.year.to_string()).collect();
    c.eq("reports (order)", ids(&plan["reports"], "year"), years);
    let snapshot = |year: i64| -> Vec<(String, i64)> { all.iter().map(|a| state_at(a, &format!("{year:04}-12-31"))).collect() };
    let mut previous: Option<(i64, Vec<(String, i64)>)> = None;
    for (i, r) in site.reports.iter().enumerate() {
        let j = &plan["reports"][i];
        let what = format!("report {}", r.year);
        let executed_that_year: i64 = all.iter().filter_map(|a| a.budget.get(&r.year)).map(|b| b.1).sum();
        let planned_that_year: i64 = all.iter().filter_map(|a| a.budget.get(&r.year)).map(|b| b.0).sum();
        let spending = r.spending.unwrap_or(executed_that_year);
        c.eq_f(&format!("{what}.own_revenue"), &j["own_revenue"], r.own_revenue.map(|x| x as f64 / 100.0));
        c.money_eq(&format!("{what}.cooperation_spending"), &j["cooperation_spending"], spending);
        if let Some(derived) = j.get("cooperation_spending_derived") {
            c.eq(&format!("{what}.cooperation_spending_derived"), derived.as_bool(), Some(r.spending.is_none()));
        }
        let share = r.own_revenue.filter(|x| *x > 0).map(|rev| div_round(spending as i128 * 10_000, rev as i128) as f64 / 100.0);
        c.eq_f(&format!("{what}.cooperation_share_pct"), &j["cooperation_share_pct"], share);
        c.eq_f(&format!("{what}.target_pct"), &j["target_pct"], site.target);
        let met = share.zip(site.target).map(|(s, t)| s >= t);
        c.eq(&format!("{what}.target_met"), j["target_met"].as_bool(), met);
        if j.get("money").is_some() {
            c.money_eq(&format!("{what}.money.planned"), &j["money"]["planned"], planned_that_year);
            c.money_eq(&format!("{what}.money.executed"), &j["money"]["executed"], executed_that_year);
            c.rate(&format!("{what}.money.execution_rate_pct"), &j["money"]["execution_rate_pct"], planned_that_year, executed_that_year);
        }

        let now = snapshot(r.year);
        let tenths = c.group(&format!("{what}.snapshot"), &j["snapshot"], &now);
        if let Some(lines) = j["snapshot"]["lines"].as_array() {
            for (k, (id, _)) in site.lines.iter().enumerate() {
                let states: Vec<_> = all.iter().zip(&now).filter(|(a, _)| line_of(a) == *id).map(|(_, s)| s.clone()).collect();
                c.group(&format!("{what}.snapshot.line {id}"), lines.get(k).unwrap_or(&J::Null), &states);
            }
        }
        if let Some(objectives) = j["snapshot"]["objectives"].as_array() {
            for (k, (id, _)) in site.objectives.iter().enumerate() {
                let states: Vec<_> = all.iter().zip(&now).filter(|(a, _)| a.objective == *id).map(|(_, s)| s.clone()).collect();
                c.group(&format!("{what}.snapshot.objective {id}"), objectives.get(k).unwrap_or(&J::Null), &states);
            }
        }
        if let Some(actions) = j["snapshot"]["actions"].as_array() {
            for (k, (a, (s, p))) in all.iter().zip(&now).enumerate() {
                let g = actions.get(k).unwrap_or(&J::Null);
                c.eq(&format!("{what}.snapshot.action {}", a.id), (g["status"].as_str(), g["progress"].as_i64()), (Some(s.as_str()), Some(*p)));
            }
        }

        // The first report is compared with 31 December of the year before.
        let (since, before) = previous.take().map_or_else(|| (None, snapshot(r.year - 1)), |(y, s)| (Some(y), s));
        if let Some(got) = j["changes"].get("since") {
            c.eq(&format!("{what}.changes.since"), got.as_i64(), since);
        }
        let changed: Vec<String> = all.iter().zip(before.iter().zip(&now)).filter(|(_, (b, n))| b.0 != n.0).map(|(a, _)| a.id.clone()).collect();
        c.eq(&format!("{what}.changes.status_changed"), j["changes"]["status_changed"].clone(), J::from(changed));
        let gained = tenths - rollup(&before).0;
        c.eq_f(&format!("{what}.changes.progress_gained"), &j["changes"]["progress_gained"], Some(gained as f64 / 10.0));
        c.money_eq(&format!("{what}.changes.executed"), &j["changes"]["executed"], executed_that_year);
        previous = Some((r.year, now));
    }
    c.problems
}

/// Compile `root` and compare its plan.json (default language) with the independent figures.
fn check_site(root: &Path, drafts: bool) -> J {
    let compiled = compile_ok(root, drafts);
    let plan = output_json(&compiled, "data/plan.json");
    let problems = compare(&load(root, drafts), &plan);
    assert!(problems.is_empty(), "{}: plan.json disagrees with the content:\n  {}", root.display(), problems.join("\n  "));
    // Every language publishes the same figures.
    for lang in plan["site"]["languages"].as_array().unwrap().iter().skip(1) {
        let other = output_json(&compiled, &format!("{}/data/plan.json", lang.as_str().unwrap()));
        assert_eq!(other["plan"], plan["plan"], "{lang}: plan figures differ from the default language's");
        for (a, b) in other["reports"].as_array().unwrap().iter().zip(plan["reports"].as_array().unwrap()) {
            assert_eq!((&a["snapshot"], &a["changes"]), (&b["snapshot"], &b["changes"]), "{lang}: report figures differ");
        }
    }
    plan
}

#[test]
fn good_en_figures_match_an_independent_computation() {
    let plan = check_site(&fixture("good-en"), false);
    // A few figures worked out by hand, to check the independent computation itself.
    assert_eq!(plan["plan"]["progress"], 48.0); // (100 + 45 + 25 + 0 + 70) / 5, B.1.1 cancelled
    assert_eq!(plan["reports"][0]["snapshot"]["progress"], 16.7); // (60 + 0 + 10 + 0 + 30 + 0) / 6
    assert_eq!(plan["reports"][0]["changes"]["status_changed"], serde_json::json!(["A.1.1", "A.1.10", "B.1.1"]));
    assert_eq!(plan["reports"][0]["cooperation_share_pct"], 0.5);
    assert_eq!(plan["reports"][0]["target_met"], false);
    assert_eq!(plan["reports"][1]["snapshot"]["progress"], 39.0); // A.1.2 is at 30 on 31 December 2017
    assert_eq!(plan["reports"][1]["changes"]["progress_gained"], 22.3);
    assert_eq!(plan["reports"][1]["cooperation_spending"], 24999.99); // derived: 5000 + 8000 + 0 + 11999.99
    assert_eq!(plan["reports"][1]["cooperation_share_pct"], 1.67);
    assert_eq!(plan["reports"][1]["target_met"], true);
    assert_eq!(plan["plan"]["money"]["by_year"]["2019"]["execution_rate_pct"], J::Null);
}

#[test]
fn good_en_figures_with_drafts_match_too() {
    let plan = check_site(&fixture("good-en"), true);
    assert_eq!(plan["plan"]["action_count"], 7);
}

#[test]
fn example_site_figures_match_an_independent_computation() {
    let root = repo_root();
    if !root.join("site.toml").exists() || !root.join("content").is_dir() {
        panic!("the example site (site.toml and content/ at the repository root) is not there yet: rerun this test once it is written");
    }
    if let Err(diags) = compile(&root, false) {
        panic!("the example site at the repository root does not build yet, so its figures cannot be checked:\n{}", show(&diags));
    }
    check_site(&root, false);
}

#[test]
fn the_comparison_notices_wrong_figures() {
    let root = fixture("good-en");
    let mut plan = output_json(&compile_ok(&root, false), "data/plan.json");
    plan["plan"]["progress"] = J::from(48.1);
    plan["plan"]["money"]["by_year"]["2016"]["executed"] = J::from(11700.74);
    plan["objectives"][0]["status_counts"]["delayed"] = J::from(0);
    plan["reports"][0]["target_met"] = J::from(true);
    plan["reports"][1]["snapshot"]["progress"] = J::from(39.1);
    plan["reports"][1]["changes"]["status_changed"] = serde_json::json!(["A.1.1"]);
    let problems = compare(&load(&root, false), &plan).join("\n");
    for what in [
        "plan.progress",
        "plan.money.by_year.2016.executed",
        "objective A.1.status_counts.delayed",
        "report 2016.target_met",
        "report 2017.snapshot.progress",
        "report 2017.changes.status_changed",
    ] {
        assert!(problems.contains(&format!("{what}:")), "the comparison missed a wrong {what}:\n{problems}");
    }
}

#[test]
fn natural_order_of_the_independent_computation() {
    let mut v = vec!["A.1.10", "A.1.2", "B.1.1", "A.1.1", "A.2.1", "1.10", "1.9"];
    v.sort_by(|a, b| natural(a, b));
    assert_eq!(v, ["1.9", "1.10", "A.1.1", "A.1.2", "A.1.10", "A.2.1", "B.1.1"]);
}

//! Comparing `plan.json` with the independent computation, figure by figure.

use super::{div_round, rollup, state_at, Action, Site};
use serde_json::Value as J;
use std::collections::BTreeMap;

/// Collects every disagreement instead of stopping at the first.
pub struct Checker {
    pub problems: Vec<String>,
}

impl Checker {
    pub fn eq_f(&mut self, what: &str, got: &J, want: Option<f64>) {
        let ok = match (got.as_f64(), want) {
            (Some(g), Some(w)) => (g - w).abs() < 1e-9,
            (None, None) => got.is_null(),
            _ => false,
        };
        if !ok {
            self.problems
                .push(format!("{what}: plan.json has {got}, expected {want:?}"));
        }
    }
    pub fn money_eq(&mut self, what: &str, got: &J, cents: i64) {
        self.eq_f(what, got, Some(cents as f64 / 100.0));
    }
    pub fn eq<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, got: T, want: T) {
        if got != want {
            self.problems
                .push(format!("{what}: plan.json has {got:?}, expected {want:?}"));
        }
    }
    pub fn rate(&mut self, what: &str, got: &J, planned: i64, executed: i64) {
        let want = (planned > 0)
            .then(|| div_round(executed as i128 * 10_000, planned as i128) as f64 / 100.0);
        self.eq_f(what, got, want);
    }
    pub fn counts(&mut self, what: &str, got: &J, want: &BTreeMap<&str, i64>) {
        for (s, n) in want {
            self.eq(&format!("{what}.{s}"), got[*s].as_i64(), Some(*n));
        }
    }
    pub fn money(&mut self, what: &str, got: &J, actions: &[&Action]) {
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
        self.money_eq(
            &format!("{what}.money.executed"),
            &got["executed"],
            executed,
        );
        self.rate(
            &format!("{what}.money.execution_rate_pct"),
            &got["execution_rate_pct"],
            planned,
            executed,
        );
        let keys: Vec<String> = got["by_year"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        self.eq(
            &format!("{what}.money.by_year years"),
            keys,
            years.keys().map(|y| y.to_string()).collect(),
        );
        for (y, (p, e)) in &years {
            let g = &got["by_year"][y.to_string()];
            self.money_eq(
                &format!("{what}.money.by_year.{y}.planned"),
                &g["planned"],
                *p,
            );
            self.money_eq(
                &format!("{what}.money.by_year.{y}.executed"),
                &g["executed"],
                *e,
            );
            self.rate(
                &format!("{what}.money.by_year.{y}.execution_rate_pct"),
                &g["execution_rate_pct"],
                *p,
                *e,
            );
        }
    }
    pub fn group(&mut self, what: &str, got: &J, states: &[(String, i64)]) -> i64 {
        let (tenths, counts) = rollup(states);
        self.eq_f(
            &format!("{what}.progress"),
            &got["progress"],
            Some(tenths as f64 / 10.0),
        );
        self.counts(
            &format!("{what}.status_counts"),
            &got["status_counts"],
            &counts,
        );
        tenths
    }
}

pub fn ids(list: &J, key: &str) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x[key].to_string().trim_matches('"').to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Compare every figure of `plan` with the independent computation; returns the disagreements.
pub fn compare(site: &Site, plan: &J) -> Vec<String> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let all: Vec<&Action> = site.actions.iter().collect();
    let now: Vec<(String, i64)> = all.iter().map(|a| (a.status.clone(), a.progress)).collect();
    c.group("plan", &plan["plan"], &now);
    c.money("plan", &plan["plan"]["money"], &all);

    c.eq(
        "lines (order)",
        ids(&plan["lines"], "id"),
        site.lines.iter().map(|l| l.0.clone()).collect(),
    );
    c.eq(
        "objectives (order)",
        ids(&plan["objectives"], "id"),
        site.objectives.iter().map(|o| o.0.clone()).collect(),
    );
    c.eq(
        "actions (order)",
        ids(&plan["actions"], "id"),
        site.actions.iter().map(|a| a.id.clone()).collect(),
    );
    let line_of = |a: &Action| {
        site.objectives
            .iter()
            .find(|o| o.0 == a.objective)
            .map(|o| o.1.clone())
            .unwrap_or_default()
    };
    for (i, (id, _)) in site.lines.iter().enumerate() {
        let mine: Vec<&Action> = all.iter().copied().filter(|a| line_of(a) == *id).collect();
        let j = &plan["lines"][i];
        c.group(
            &format!("line {id}"),
            j,
            &mine
                .iter()
                .map(|a| (a.status.clone(), a.progress))
                .collect::<Vec<_>>(),
        );
        c.money(&format!("line {id}"), &j["money"], &mine);
        let objectives: Vec<String> = site
            .objectives
            .iter()
            .filter(|o| o.1 == *id)
            .map(|o| o.0.clone())
            .collect();
        c.eq(
            &format!("line {id}.objectives"),
            j["objectives"].clone(),
            J::from(objectives),
        );
    }
    for (i, (id, _)) in site.objectives.iter().enumerate() {
        let mine: Vec<&Action> = all.iter().copied().filter(|a| a.objective == *id).collect();
        let j = &plan["objectives"][i];
        c.group(
            &format!("objective {id}"),
            j,
            &mine
                .iter()
                .map(|a| (a.status.clone(), a.progress))
                .collect::<Vec<_>>(),
        );
        c.money(&format!("objective {id}"), &j["money"], &mine);
        c.eq(
            &format!("objective {id}.actions"),
            j["actions"].clone(),
            J::from(mine.iter().map(|a| a.id.clone()).collect::<Vec<_>>()),
        );
    }
    for (i, a) in all.iter().enumerate() {
        let j = &plan["actions"][i];
        c.eq(
            &format!("action {}.status", a.id),
            j["status"].as_str(),
            Some(a.status.as_str()),
        );
        c.eq(
            &format!("action {}.progress", a.id),
            j["progress"].as_i64(),
            Some(a.progress),
        );
        c.eq(
            &format!("action {}.line", a.id),
            j["line"].as_str().map(str::to_string),
            Some(line_of(a)),
        );
        c.money(&format!("action {}", a.id), &j["money"], &[a]);
    }

    let years: Vec<String> = site.reports.iter().map(|r| r.year.to_string()).collect();
    c.eq("reports (order)", ids(&plan["reports"], "year"), years);
    let snapshot = |year: i64| -> Vec<(String, i64)> {
        all.iter()
            .map(|a| state_at(a, &format!("{year:04}-12-31")))
            .collect()
    };
    let mut previous: Option<(i64, Vec<(String, i64)>)> = None;
    for (i, r) in site.reports.iter().enumerate() {
        let j = &plan["reports"][i];
        let what = format!("report {}", r.year);
        let executed_that_year: i64 = all
            .iter()
            .filter_map(|a| a.budget.get(&r.year))
            .map(|b| b.1)
            .sum();
        let planned_that_year: i64 = all
            .iter()
            .filter_map(|a| a.budget.get(&r.year))
            .map(|b| b.0)
            .sum();
        let spending = r.spending.unwrap_or(executed_that_year);
        c.eq_f(
            &format!("{what}.own_revenue"),
            &j["own_revenue"],
            r.own_revenue.map(|x| x as f64 / 100.0),
        );
        c.money_eq(
            &format!("{what}.cooperation_spending"),
            &j["cooperation_spending"],
            spending,
        );
        if let Some(derived) = j.get("cooperation_spending_derived") {
            c.eq(
                &format!("{what}.cooperation_spending_derived"),
                derived.as_bool(),
                Some(r.spending.is_none()),
            );
        }
        let share = r
            .own_revenue
            .filter(|x| *x > 0)
            .map(|rev| div_round(spending as i128 * 10_000, rev as i128) as f64 / 100.0);
        c.eq_f(
            &format!("{what}.cooperation_share_pct"),
            &j["cooperation_share_pct"],
            share,
        );
        c.eq_f(&format!("{what}.target_pct"), &j["target_pct"], site.target);
        let met = share.zip(site.target).map(|(s, t)| s >= t);
        c.eq(
            &format!("{what}.target_met"),
            j["target_met"].as_bool(),
            met,
        );
        if j.get("money").is_some() {
            c.money_eq(
                &format!("{what}.money.planned"),
                &j["money"]["planned"],
                planned_that_year,
            );
            c.money_eq(
                &format!("{what}.money.executed"),
                &j["money"]["executed"],
                executed_that_year,
            );
            c.rate(
                &format!("{what}.money.execution_rate_pct"),
                &j["money"]["execution_rate_pct"],
                planned_that_year,
                executed_that_year,
            );
        }

        let now = snapshot(r.year);
        let tenths = c.group(&format!("{what}.snapshot"), &j["snapshot"], &now);
        if let Some(lines) = j["snapshot"]["lines"].as_array() {
            for (k, (id, _)) in site.lines.iter().enumerate() {
                let states: Vec<_> = all
                    .iter()
                    .zip(&now)
                    .filter(|(a, _)| line_of(a) == *id)
                    .map(|(_, s)| s.clone())
                    .collect();
                c.group(
                    &format!("{what}.snapshot.line {id}"),
                    lines.get(k).unwrap_or(&J::Null),
                    &states,
                );
            }
        }
        if let Some(objectives) = j["snapshot"]["objectives"].as_array() {
            for (k, (id, _)) in site.objectives.iter().enumerate() {
                let states: Vec<_> = all
                    .iter()
                    .zip(&now)
                    .filter(|(a, _)| a.objective == *id)
                    .map(|(_, s)| s.clone())
                    .collect();
                c.group(
                    &format!("{what}.snapshot.objective {id}"),
                    objectives.get(k).unwrap_or(&J::Null),
                    &states,
                );
            }
        }
        if let Some(actions) = j["snapshot"]["actions"].as_array() {
            for (k, (a, (s, p))) in all.iter().zip(&now).enumerate() {
                let g = actions.get(k).unwrap_or(&J::Null);
                c.eq(
                    &format!("{what}.snapshot.action {}", a.id),
                    (g["status"].as_str(), g["progress"].as_i64()),
                    (Some(s.as_str()), Some(*p)),
                );
            }
        }

        // The first report is compared with 31 December of the year before.
        let (since, before) = previous
            .take()
            .map_or_else(|| (None, snapshot(r.year - 1)), |(y, s)| (Some(y), s));
        if let Some(got) = j["changes"].get("since") {
            c.eq(&format!("{what}.changes.since"), got.as_i64(), since);
        }
        let changed: Vec<String> = all
            .iter()
            .zip(before.iter().zip(&now))
            .filter(|(_, (b, n))| b.0 != n.0)
            .map(|(a, _)| a.id.clone())
            .collect();
        c.eq(
            &format!("{what}.changes.status_changed"),
            j["changes"]["status_changed"].clone(),
            J::from(changed),
        );
        let gained = tenths - rollup(&before).0;
        c.eq_f(
            &format!("{what}.changes.progress_gained"),
            &j["changes"]["progress_gained"],
            Some(gained as f64 / 10.0),
        );
        c.money_eq(
            &format!("{what}.changes.executed"),
            &j["changes"]["executed"],
            executed_that_year,
        );
        previous = Some((r.year, now));
    }
    c.problems
}

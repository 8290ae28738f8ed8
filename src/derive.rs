//! Derived figures, never typed by hand: status and progress at a date,
//! progress roll-ups, money per year and in total, and execution rates.
//! Annual-report figures live in `derive_reports`.

use crate::load::values::{Date, Money, Status};
use crate::model::{Action, Plan};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Counts of actions per status; all five keys are always present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub not_started: u32,
    pub in_progress: u32,
    pub delayed: u32,
    pub completed: u32,
    pub cancelled: u32,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        *match s {
            Status::NotStarted => &mut self.not_started,
            Status::InProgress => &mut self.in_progress,
            Status::Delayed => &mut self.delayed,
            Status::Completed => &mut self.completed,
            Status::Cancelled => &mut self.cancelled,
        } += 1;
    }
}

/// Planned and executed money of one year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct YearMoney {
    pub planned: Money,
    pub executed: Money,
    pub execution_rate_pct: Option<f64>,
}

/// Money of an action, objective, line or the plan: per year and in total.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MoneyFigures {
    pub planned: Money,
    pub executed: Money,
    pub execution_rate_pct: Option<f64>,
    /// Keyed by year as text, as in plan.json.
    pub by_year: BTreeMap<String, YearMoney>,
}

impl MoneyFigures {
    fn add(&mut self, other: &MoneyFigures) {
        self.planned.0 += other.planned.0;
        self.executed.0 += other.executed.0;
        for (y, m) in &other.by_year {
            // Summing thousands of actions: a year already there is not copied.
            let e = match self.by_year.get_mut(y) {
                Some(e) => e,
                None => self.by_year.entry(y.clone()).or_default(),
            };
            e.planned.0 += m.planned.0;
            e.executed.0 += m.executed.0;
        }
    }

    fn finish(mut self) -> Self {
        self.execution_rate_pct = rate(self.planned, self.executed);
        for m in self.by_year.values_mut() {
            m.execution_rate_pct = rate(m.planned, m.executed);
        }
        self
    }

    pub fn year(&self, year: i32) -> YearMoney {
        self.by_year
            .get(&year.to_string())
            .copied()
            .unwrap_or_default()
    }
}

/// executed ÷ planned × 100, to two decimals; none when nothing was planned.
pub fn rate(planned: Money, executed: Money) -> Option<f64> {
    (planned.0 > 0).then(|| percent2(executed.0, planned.0))
}

/// `part ÷ whole × 100` to two decimals, rounded half up in exact integer
/// arithmetic: 2.03 of 200 is 1.02 %, where floating point would say 1.01.
pub fn percent2(part: i64, whole: i64) -> f64 {
    rounded_ratio(i128::from(part) * 10_000, i128::from(whole)) as f64 / 100.0
}

/// `num ÷ den` rounded half away from zero, for non-negative `den`.
pub fn rounded_ratio(num: i128, den: i128) -> i128 {
    if den == 0 {
        return 0;
    }
    let q = (2 * num.abs() + den) / (2 * den);
    if num < 0 {
        -q
    } else {
        q
    }
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Progress and counts of a group of actions (objective, line, plan).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rollup {
    /// Mean progress of the non-cancelled actions, to one decimal (0 when there are none).
    pub progress: f64,
    pub status_counts: StatusCounts,
    pub money: MoneyFigures,
    pub action_count: u32,
}

/// Mean progress (cancelled left out) and counts over (status, progress) pairs.
pub fn progress_and_counts(states: impl Iterator<Item = (Status, u8)>) -> (f64, StatusCounts) {
    let mut counts = StatusCounts::default();
    let (mut sum, mut n) = (0u64, 0u64);
    for (status, progress) in states {
        counts.add(status);
        if status != Status::Cancelled {
            sum += u64::from(progress);
            n += 1;
        }
    }
    let mean = if n == 0 {
        0.0
    } else {
        // Exact tenths: the mean of whole numbers, rounded half up.
        rounded_ratio(i128::from(sum) * 10, i128::from(n)) as f64 / 10.0
    };
    (mean, counts)
}

/// Per-action derived figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActionFigures {
    pub money: MoneyFigures,
    /// Date of the latest update, if any.
    pub last_update: Option<Date>,
}

/// Everything derived from the plan; lists are parallel to the plan's lists.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub plan: Rollup,
    pub lines: Vec<Rollup>,
    pub objectives: Vec<Rollup>,
    /// Shared: the preview keeps them while budgets and updates are alike.
    pub actions: Arc<Vec<ActionFigures>>,
    /// Shared: the preview tells a report's figures unchanged by address.
    pub reports: Vec<Arc<crate::derive_reports::ReportFigures>>,
}

/// The action's state on day `d`: the last update dated ≤ d that sets each
/// of status and progress; not_started/0 before the first one.
pub fn state_at(action: &Action, d: Date) -> (Status, u8) {
    let mut status = Status::NotStarted;
    let mut progress = None;
    for u in action.updates.iter().take_while(|u| u.date <= d) {
        if let Some(s) = u.status {
            status = s;
        }
        if let Some(p) = u.progress {
            progress = Some(p.0);
        }
    }
    // Keep the contract's pairing: not started is 0, completed is 100.
    let progress = match status {
        Status::NotStarted => 0,
        Status::Completed => 100,
        _ => progress.unwrap_or(0),
    };
    (status, progress)
}

fn action_money(a: &Action) -> MoneyFigures {
    let mut m = MoneyFigures::default();
    for b in &a.budget {
        let executed = b.executed.unwrap_or_default();
        m.planned.0 += b.planned.0;
        m.executed.0 += executed.0;
        let y = m.by_year.entry(b.year.0.to_string()).or_default();
        y.planned.0 += b.planned.0;
        y.executed.0 += executed.0;
    }
    m.finish()
}

/// Compute every figure. `target_pct` is the cooperation target from site.toml.
pub fn derive(plan: &Plan, target_pct: Option<f64>) -> Figures {
    derive_keeping(plan, target_pct, None)
}

/// `derive`, with the action and report figures of `kept` when they still
/// hold (neither reads an action's own status or progress).
fn derive_keeping(plan: &Plan, target_pct: Option<f64>, kept: Option<&Figures>) -> Figures {
    let actions = match kept {
        Some(k) => k.actions.clone(),
        None => Arc::new(
            plan.actions
                .par_iter()
                .map(|a| ActionFigures {
                    money: action_money(a),
                    last_update: a.updates.last().map(|u| u.date),
                })
                .collect(),
        ),
    };
    let group = |members: &mut dyn Iterator<Item = usize>| -> Rollup {
        let mut money = MoneyFigures::default();
        let mut states = Vec::new();
        for i in members {
            money.add(&actions[i].money);
            states.push((plan.actions[i].status, plan.actions[i].progress));
        }
        let (progress, status_counts) = progress_and_counts(states.iter().copied());
        Rollup {
            progress,
            status_counts,
            money: money.finish(),
            action_count: states.len() as u32,
        }
    };
    let groups = plan.groups();
    let lines = groups
        .actions_by_line
        .iter()
        .map(|m| group(&mut m.iter().copied()))
        .collect();
    let objectives = groups
        .actions_by_objective
        .iter()
        .map(|m| group(&mut m.iter().copied()))
        .collect();
    let total = group(&mut (0..plan.actions.len()));
    let reports = match kept {
        Some(k) => k.reports.clone(),
        None => crate::derive_reports::derive_reports(plan, &actions, &total, target_pct)
            .into_iter()
            .map(Arc::new)
            .collect(),
    };
    Figures {
        plan: total,
        lines,
        objectives,
        actions,
        reports,
    }
}

/// `derive`, or the figures of the last call while nothing they are made
/// from changed (see `reuse`): the actions' ids, groups, statuses,
/// progress, budgets and updates; the lines, objectives and reports. When
/// only statuses or progress changed, only the roll-ups are made again:
/// the action and report figures read neither.
pub fn derive_reusing(
    plan: &Plan,
    target_pct: Option<f64>,
    kept: &mut Option<crate::reuse::Reused<Arc<Figures>>>,
) -> Arc<Figures> {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    target_pct.map(f64::to_bits).hash(&mut h);
    plan.lines.iter().for_each(|l| l.id.hash(&mut h));
    plan.objectives
        .iter()
        .for_each(|o| (&o.id, &o.line).hash(&mut h));
    for r in &plan.reports {
        (r.year, r.own_revenue.map(|m| m.0)).hash(&mut h);
        r.cooperation_spending.map(|m| m.0).hash(&mut h);
    }
    let rest = h.finish();
    let money_and_history_alike = |a: &Action, b: &Action| {
        a.id == b.id
            && a.objective == b.objective
            && a.line == b.line
            && a.budget == b.budget
            && a.updates == b.updates
    };
    let alike = |a: &Action, b: &Action| {
        money_and_history_alike(a, b) && a.status == b.status && a.progress == b.progress
    };
    if let Some(figures) = crate::reuse::Reused::get(kept, &plan.actions, rest, alike) {
        return figures;
    }
    let still = crate::reuse::Reused::get(kept, &plan.actions, rest, money_and_history_alike);
    let figures = Arc::new(derive_keeping(plan, target_pct, still.as_deref()));
    *kept = Some(crate::reuse::Reused::keep(
        &plan.actions,
        rest,
        figures.clone(),
    ));
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_leaves_cancelled_out_and_rounds() {
        let (p, c) = progress_and_counts(
            [
                (Status::Completed, 100),
                (Status::InProgress, 33),
                (Status::Cancelled, 10),
                (Status::NotStarted, 0),
            ]
            .into_iter(),
        );
        assert_eq!(p, 44.3);
        assert_eq!(
            (c.completed, c.cancelled, c.not_started, c.in_progress),
            (1, 1, 1, 1)
        );
        assert_eq!(progress_and_counts(std::iter::empty()).0, 0.0);
    }

    #[test]
    fn rate_is_two_decimals_or_none() {
        assert_eq!(rate(Money(300), Money(100)), Some(33.33));
        assert_eq!(rate(Money(0), Money(100)), None);
        assert_eq!(rate(Money(20000), Money(203)), Some(1.02));
        assert_eq!(percent2(1, 8), 12.5);
        assert_eq!(rounded_ratio(-5, 2), -3);
    }
}

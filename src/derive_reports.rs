//! Annual-report figures: the plan's state on 31 December, the money of the
//! year, the cooperation share against its target, and what changed since
//! the previous report.

use crate::derive::{
    progress_and_counts, round1, state_at, ActionFigures, Rollup, StatusCounts, YearMoney,
};
use crate::load::values::{Date, Money, Status};
use crate::model::{Groups, Plan};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupState {
    pub id: String,
    pub progress: f64,
    pub status_counts: StatusCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionState {
    pub id: String,
    pub status: Status,
    pub progress: u8,
}

/// The plan's state at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub date: Date,
    pub progress: f64,
    pub status_counts: StatusCounts,
    pub lines: Vec<GroupState>,
    pub objectives: Vec<GroupState>,
    pub actions: Vec<ActionState>,
}

/// An action whose status differs between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    pub id: String,
    pub from: Status,
    pub to: Status,
    pub progress_from: u8,
    pub progress_to: u8,
}

/// An update of an action, as listed in a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UpdateRef {
    pub action: String,
    pub date: Date,
    pub note: String,
    pub status: Option<Status>,
    pub progress: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    /// Year of the previous report; none for the first report, which is
    /// compared with the state on 31 December of the year before.
    pub since: Option<i32>,
    pub status_changed: Vec<String>,
    pub moves: Vec<Move>,
    pub progress_gained: f64,
    pub executed: Money,
    pub updates: Vec<UpdateRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportFigures {
    pub year: i32,
    pub own_revenue: Option<Money>,
    pub cooperation_spending: Money,
    /// True when `cooperation_spending` was not given and is the sum of the actions' executed budgets.
    pub cooperation_spending_derived: bool,
    pub cooperation_share_pct: Option<f64>,
    pub target_pct: Option<f64>,
    pub target_met: Option<bool>,
    pub money: YearMoney,
    pub snapshot: Snapshot,
    pub changes: Changes,
}

/// The plan's state on day `d`.
pub fn snapshot(plan: &Plan, groups: &Groups, d: Date) -> Snapshot {
    let states: Vec<(Status, u8)> = plan.actions.iter().map(|a| state_at(a, d)).collect();
    let (progress, status_counts) = progress_and_counts(states.iter().copied());
    let group = |id: &str, members: &[usize]| {
        let (progress, status_counts) = progress_and_counts(members.iter().map(|&i| states[i]));
        GroupState {
            id: id.to_string(),
            progress,
            status_counts,
        }
    };
    let lines = plan
        .lines
        .iter()
        .zip(&groups.actions_by_line)
        .map(|(l, m)| group(&l.id, m))
        .collect();
    let objectives = plan
        .objectives
        .iter()
        .zip(&groups.actions_by_objective)
        .map(|(o, m)| group(&o.id, m))
        .collect();
    let actions = plan
        .actions
        .iter()
        .zip(&states)
        .map(|(a, (status, progress))| ActionState {
            id: a.id.clone(),
            status: *status,
            progress: *progress,
        })
        .collect();
    Snapshot {
        date: d,
        progress,
        status_counts,
        lines,
        objectives,
        actions,
    }
}

/// Figures of every report, in year order.
pub fn derive_reports(
    plan: &Plan,
    actions: &[ActionFigures],
    total: &Rollup,
    target_pct: Option<f64>,
) -> Vec<ReportFigures> {
    let groups = plan.groups();
    // The state at the end of each report's year, and of the year before the
    // first (what it is compared with): each on its own, on every core.
    let first = plan.reports.first().map(|r| Date::year_end(r.year - 1));
    let ends = plan.reports.iter().map(|r| Date::year_end(r.year));
    let dates: Vec<Date> = first.into_iter().chain(ends).collect();
    let snapshots: Vec<Snapshot> = dates
        .par_iter()
        .map(|d| snapshot(plan, &groups, *d))
        .collect();
    plan.reports
        .par_iter()
        .enumerate()
        .map(|(i, r)| {
            let (before, snap) = (&snapshots[i], snapshots[i + 1].clone());
            let previous_year = if i == 0 {
                None
            } else {
                Some(plan.reports[i - 1].year)
            };
            let money = total.money.year(r.year);
            let year = r.year.to_string();
            let derived_spending = Money(
                actions
                    .iter()
                    .filter_map(|f| f.money.by_year.get(&year))
                    .map(|m| m.executed.0)
                    .sum(),
            );
            let spending = r.cooperation_spending.unwrap_or(derived_spending);
            let share = r
                .own_revenue
                .filter(|rev| rev.0 > 0)
                .map(|rev| crate::derive::percent2(spending.0, rev.0));
            let target_met = match (share, target_pct) {
                (Some(s), Some(t)) => Some(s >= t),
                _ => None,
            };
            let moves: Vec<Move> = before
                .actions
                .iter()
                .zip(&snap.actions)
                .filter(|(b, a)| b.status != a.status)
                .map(|(b, a)| Move {
                    id: a.id.clone(),
                    from: b.status,
                    to: a.status,
                    progress_from: b.progress,
                    progress_to: a.progress,
                })
                .collect();
            let start = Date::year_end(previous_year.unwrap_or(r.year - 1));
            let mut updates: Vec<UpdateRef> = plan
                .actions
                .iter()
                .flat_map(|a| {
                    a.updates
                        .iter()
                        .filter(|u| u.date > start && u.date.year <= r.year)
                        .map(|u| UpdateRef {
                            action: a.id.clone(),
                            date: u.date,
                            note: u.note.clone(),
                            status: u.status,
                            progress: u.progress.map(|p| p.0),
                        })
                })
                .collect();
            // Date order; same-day updates keep the natural order of the actions.
            updates.sort_by_key(|u| u.date);
            let changes = Changes {
                since: previous_year,
                status_changed: moves.iter().map(|m| m.id.clone()).collect(),
                moves,
                progress_gained: round1(snap.progress - before.progress),
                executed: money.executed,
                updates,
            };
            ReportFigures {
                year: r.year,
                own_revenue: r.own_revenue,
                cooperation_spending: spending,
                cooperation_spending_derived: r.cooperation_spending.is_none(),
                cooperation_share_pct: share,
                target_pct,
                target_met,
                money,
                snapshot: snap,
                changes,
            }
        })
        .collect()
}

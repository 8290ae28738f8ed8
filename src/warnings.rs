//! Warnings: what is legal but suspicious, so an editor looks twice.

use crate::diagnostics::Diagnostic;
use crate::load::values::{Date, Status};
use crate::model::Plan;

/// Today's date (UTC), only ever used for warnings, never for output.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_unix(secs as i64)
}

pub fn check(plan: &Plan, diags: &mut Vec<Diagnostic>) {
    let today = today();
    for a in &plan.actions {
        let path = &a.text.path;
        if a.status != Status::NotStarted && a.updates.is_empty() {
            diags.push(
                Diagnostic::warning(path, 1, 1, format!("status is `{}` but the action has no `updates`", a.status.as_str()))
                    .with_help("add an update saying when and why the status changed: annual reports read the state from the updates"),
            );
        }
        if let Some(u) = a.updates.iter().find(|u| u.date > today) {
            diags.push(Diagnostic::warning(
                path,
                1,
                1,
                format!("an update is dated {}, in the future", u.date),
            ));
        }
        for b in &a.budget {
            if let Some(e) = b.executed {
                if b.planned.0 > 0 && e.0 > b.planned.0 * 2 {
                    diags.push(Diagnostic::warning(
                        path,
                        1,
                        1,
                        format!(
                            "in {} the executed money is more than twice the planned money",
                            b.year.0
                        ),
                    ));
                }
            }
        }
    }
    for r in &plan.reports {
        if r.own_revenue.is_none() {
            diags.push(
                Diagnostic::warning(
                    &r.text.path,
                    1,
                    1,
                    "the report has no `own_revenue`, so its cooperation share cannot be computed",
                )
                .with_help("add `own_revenue:` with the body's own revenue that year"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_real_date() {
        let t = super::today();
        assert!(t.year >= 2024 && (1..=12).contains(&t.month));
    }
}

//! Validation of one action's front matter: its objective, status and
//! progress, dates, budget, timeline of updates and references.

use crate::diagnostics::Diagnostic;
use crate::load::kinds::ActionFm;
use crate::load::values::Status;
use crate::load::Source;
use crate::model::{unknown_ref, Action, Text};
use std::collections::{BTreeSet, HashMap};

/// Check one action and link it to its objective and line.
pub fn link_action(
    s: &Source<ActionFm>,
    lang: &str,
    objective_line: &HashMap<&str, &str>,
    objective_ids: &BTreeSet<&str>,
    action_ids: &BTreeSet<&str>,
    draft_ids: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Action> {
    let fm = &s.fm;
    let path = s.path.as_str();
    // A key that was written but failed to parse has already been reported.
    let written = |key: &str| s.positions.contains_key(key);
    if !written("title") && fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        diags.push(
            Diagnostic::error(path, 1, 1, "missing `title`")
                .with_help("add a line `title: \"…\"` to the front matter"),
        );
    }
    let objective = match &fm.objective {
        None if written("objective") => String::new(),
        None => {
            diags.push(
                Diagnostic::error(path, 1, 1, "missing `objective`")
                    .with_help("add `objective: \"<id>\"` naming a file in content/objectives/"),
            );
            String::new()
        }
        Some(o) if !objective_ids.contains(o.as_str()) => {
            let (l, c) = s.pos("objective");
            diags.push(unknown_ref(path, l, c, "objective", o, objective_ids));
            o.clone()
        }
        Some(o) => o.clone(),
    };
    let line = objective_line
        .get(objective.as_str())
        .map(|l| l.to_string())
        .unwrap_or_default();

    let status = match fm.status {
        Some(st) => st,
        None if written("status") => Status::NotStarted,
        None => {
            diags.push(
                Diagnostic::error(path, 1, 1, "missing `status`")
                    .with_help("add `status:` with one of: not_started, in_progress, delayed, completed, cancelled"),
            );
            Status::NotStarted
        }
    };
    let progress = if written("status") && fm.status.is_none() {
        0
    } else {
        check_progress(
            s,
            status,
            fm.progress.map(|p| p.0),
            s.pos("progress"),
            "",
            diags,
        )
    };

    if let (Some(start), Some(end)) = (fm.start, fm.end) {
        if end < start {
            let (l, c) = s.pos("end");
            diags.push(
                Diagnostic::error(
                    path,
                    l,
                    c,
                    format!("`end` ({end}) is before `start` ({start})"),
                )
                .with_help("an action ends on or after the day it starts"),
            );
        }
    }

    let mut budget = fm.budget.clone();
    budget.sort_by_key(|b| b.year);
    for (i, b) in fm.budget.iter().enumerate() {
        if fm.budget[..i].iter().any(|x| x.year == b.year) {
            let (l, c) = s
                .positions
                .get(&format!("budget[{i}]"))
                .copied()
                .unwrap_or_else(|| s.pos("budget"));
            diags.push(
                Diagnostic::error(
                    path,
                    l,
                    c,
                    format!("`budget` has two entries for {}", b.year.0),
                )
                .with_help("one entry per year: add the amounts together"),
            );
        }
    }

    let mut names = BTreeSet::new();
    for ind in &fm.indicators {
        let (l, c) = s.pos("indicators");
        if !names.insert(ind.name.as_str()) {
            diags.push(
                Diagnostic::error(
                    path,
                    l,
                    c,
                    format!("two indicators are named `{}`", ind.name),
                )
                .with_help("give each indicator of an action its own name"),
            );
        }
        let mut years = BTreeSet::new();
        for v in &ind.values {
            if !years.insert(v.year) {
                diags.push(
                    Diagnostic::error(
                        path,
                        l,
                        c,
                        format!("indicator `{}` has two values for {}", ind.name, v.year.0),
                    )
                    .with_help("one value per year"),
                );
            }
        }
    }

    let mut updates = fm.updates.clone();
    updates.sort_by_key(|u| u.date);
    for (i, u) in fm.updates.iter().enumerate() {
        let what = format!("updates[{i}] ({}): ", u.date);
        let at = s
            .positions
            .get(&format!("updates[{i}]"))
            .copied()
            .unwrap_or_else(|| s.pos("updates"));
        if let Some(st) = u.status {
            check_progress(s, st, u.progress.map(|p| p.0), at, &what, diags);
        } else if u.progress.is_some_and(|p| p.0 == 100) {
            // Progress 100 without a status is legal; the status comes from an earlier update.
        }
    }

    let mut related = Vec::new();
    for (i, r) in fm.related.iter().enumerate() {
        let (l, c) = s
            .positions
            .get(&format!("related[{i}]"))
            .copied()
            .unwrap_or_else(|| s.pos("related"));
        if *r == s.id {
            diags.push(
                Diagnostic::error(
                    path,
                    l,
                    c,
                    format!("action `{r}` lists itself in `related`"),
                )
                .with_help("remove it"),
            );
        } else if draft_ids.contains(r.as_str()) {
            diags.push(Diagnostic::warning(
                path,
                l,
                c,
                format!("related action `{r}` is a draft and is left out of this build"),
            ));
        } else if !action_ids.contains(r.as_str()) {
            diags.push(unknown_ref(path, l, c, "action", r, action_ids));
        } else if !related.contains(r) {
            related.push(r.clone());
        }
    }

    let text = Text {
        lang: lang.to_string(),
        title: fm.title.clone().unwrap_or_default(),
        summary: fm.summary.clone(),
        body: s.body.clone(),
        body_line: s.body_line,
        path: s.path.clone(),
    };
    // Kept even when broken, so that its body's links are checked in the same run;
    // a plan with errors is never rendered.
    Some(Action {
        id: s.id.clone(),
        objective,
        line,
        text,
        status,
        progress,
        start: fm.start,
        end: fm.end,
        responsible: fm.responsible.clone(),
        partners: fm.partners.clone(),
        municipalities: fm.municipalities.clone(),
        sdgs: fm.sdgs.iter().map(|g| g.0).collect(),
        tags: fm.tags.clone(),
        budget,
        indicators: fm.indicators.clone(),
        updates,
        related,
        links: fm.links.clone(),
        draft: fm.draft,
    })
}

/// The status/progress rules: `not_started` is 0, `completed` is 100,
/// `in_progress` and `delayed` need a value. Returns the effective progress.
fn check_progress<F>(
    s: &Source<F>,
    status: Status,
    progress: Option<u8>,
    at: (usize, usize),
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> u8 {
    let (l, c) = at;
    match (status, progress) {
        (Status::NotStarted, None) => 0,
        (Status::Completed, None) => 100,
        (Status::NotStarted, Some(p)) if p != 0 => {
            diags.push(
                Diagnostic::error(&s.path, l, c, format!("{what}status `not_started` with progress {p}"))
                    .with_help("an action that has not started has progress 0: set `progress: 0` or status `in_progress`"),
            );
            p
        }
        (Status::Completed, Some(p)) if p != 100 => {
            diags.push(
                Diagnostic::error(&s.path, l, c, format!("{what}status `completed` with progress {p}"))
                    .with_help("a completed action has progress 100: set `progress: 100`, or status `in_progress`"),
            );
            p
        }
        (Status::InProgress | Status::Delayed, None)
            if what.is_empty() && !s.positions.contains_key("progress") =>
        {
            diags.push(
                Diagnostic::error(
                    &s.path,
                    1,
                    1,
                    format!("status `{}` needs `progress`", status.as_str()),
                )
                .with_help("add `progress:` with a whole number from 0 to 100"),
            );
            0
        }
        (_, p) => p.unwrap_or(0),
    }
}

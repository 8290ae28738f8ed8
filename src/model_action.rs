//! Validation of one action's front matter: its objective, status and
//! progress, dates, budget, timeline of updates and references.

use crate::diagnostics::Diagnostic;
use crate::load::kinds::ActionFm;
use crate::load::values::Status;
use crate::load::Source;
use crate::model::{unknown_ref, Action, Text};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// What an action is checked against besides its own file.
pub struct Ids<'a> {
    /// The default language (the language of the action's text).
    pub lang: &'a str,
    /// Objective id → its line.
    pub objective_line: HashMap<&'a str, &'a str>,
    pub objective_ids: BTreeSet<&'a str>,
    /// Every action, drafts included.
    pub action_ids: BTreeSet<&'a str>,
    /// Drafts left out of this build.
    pub draft_ids: BTreeSet<&'a str>,
}

impl Ids<'_> {
    /// One number for all of it: equal numbers, same checks.
    fn fingerprint(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        self.lang.hash(&mut h);
        for o in &self.objective_ids {
            (o, self.objective_line.get(o)).hash(&mut h);
        }
        self.action_ids.hash(&mut h);
        self.draft_ids.hash(&mut h);
        h.finish()
    }
}

/// The preview's linked actions from its last rebuild, by file: an action
/// is linked again only when its file was parsed again or the ids it is
/// checked against changed.
#[derive(Default)]
pub struct LinkMemo {
    ids: u64,
    by_path: HashMap<String, Linked>,
    /// The translations attached at the last rebuild.
    pub translations: crate::model_refs::TranslationMemo,
}

struct Linked {
    source: Arc<Source<ActionFm>>,
    action: Option<Arc<Action>>,
    found: Vec<Diagnostic>,
}

/// Check and link every action but the drafts left out, on every core.
pub fn link_actions(
    sources: &[Arc<Source<ActionFm>>],
    ids: &Ids,
    memo: Option<&mut LinkMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Arc<Action>> {
    let fingerprint = ids.fingerprint();
    let old = memo
        .as_ref()
        .filter(|m| m.ids == fingerprint)
        .map(|m| &m.by_path);
    let linked: Vec<Linked> = sources
        .par_iter()
        .filter(|s| !ids.draft_ids.contains(s.id.as_str()))
        .map(|s| {
            let kept = old
                .and_then(|o| o.get(&s.path))
                .filter(|l| Arc::ptr_eq(&l.source, s));
            if let Some(l) = kept {
                let (action, found) = (l.action.clone(), l.found.clone());
                return Linked {
                    source: s.clone(),
                    action,
                    found,
                };
            }
            let mut found = Vec::new();
            let action = link_action(s, ids, &mut found).map(Arc::new);
            Linked {
                source: s.clone(),
                action,
                found,
            }
        })
        .collect();
    let actions = linked
        .iter()
        .flat_map(|l| {
            diags.extend(l.found.iter().cloned());
            l.action.clone()
        })
        .collect();
    if let Some(memo) = memo {
        memo.ids = fingerprint;
        // Updated in place: after an edit, every path but one is already there.
        let count = linked.len();
        for l in linked {
            match memo.by_path.get_mut(&l.source.path) {
                Some(slot) => *slot = l,
                None => {
                    memo.by_path.insert(l.source.path.clone(), l);
                }
            }
        }
        if memo.by_path.len() != count {
            // A file went away (or became a draft left out): keep only this run's.
            let paths: std::collections::HashSet<&str> = sources
                .iter()
                .filter(|s| !ids.draft_ids.contains(s.id.as_str()))
                .map(|s| s.path.as_str())
                .collect();
            memo.by_path.retain(|p, _| paths.contains(p.as_str()));
        }
    }
    actions
}

/// Check one action and link it to its objective and line.
fn link_action(s: &Source<ActionFm>, ids: &Ids, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let Ids {
        lang,
        objective_line,
        objective_ids,
        action_ids,
        draft_ids,
    } = ids;
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
            let (l, c) = s.item_pos("budget", i);
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
        let at = s.item_pos("updates", i);
        if let Some(st) = u.status {
            check_progress(s, st, u.progress.map(|p| p.0), at, &what, diags);
        } else if u.progress.is_some_and(|p| p.0 == 100) {
            // Progress 100 without a status is legal; the status comes from an earlier update.
        }
    }

    let mut related = Vec::new();
    for (i, r) in fm.related.iter().enumerate() {
        let (l, c) = s.item_pos("related", i);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Sources;

    fn example() -> (crate::config::Config, Sources) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap();
        let config = crate::config::parse(&text, None).unwrap();
        let sources = crate::load::load(root, &config, &mut Vec::new());
        (config, sources)
    }

    /// Linked with the memo of an earlier run: the same actions and problems
    /// as linked afresh, also once the ids they are checked against changed.
    #[test]
    fn remembered_links_are_fresh_links() {
        let (config, mut sources) = example();
        let link = |s: &Sources, memo: Option<&mut LinkMemo>| {
            let mut diags = Vec::new();
            let plan = crate::model::link(s.clone(), &config, false, memo, &mut diags);
            let actions: Vec<String> = plan.actions.iter().map(|a| format!("{a:?}")).collect();
            (actions, diags)
        };
        let mut memo = LinkMemo::default();
        let fresh = link(&sources, None);
        assert!(fresh.1.is_empty(), "{:?}", fresh.1);
        assert_eq!(link(&sources, Some(&mut memo)), fresh);
        assert_eq!(link(&sources, Some(&mut memo)), fresh);
        // Without the first objective, its actions point at nothing.
        sources.objectives.remove(0);
        let fresh = link(&sources, None);
        assert!(!fresh.1.is_empty());
        assert_eq!(link(&sources, Some(&mut memo)), fresh);
    }
}

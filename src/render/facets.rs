//! Browse by facet: one static page per status, SDG, partner and
//! municipality, listing its actions, plus an overview page per facet kind.
//! Built from an index made in one pass over the actions.

use crate::derive::StatusCounts;
use crate::diagnostics::Diagnostic;
use crate::model::{Action, Plan};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One value of a facet and the actions that have it.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// `status`, `sdg`, `partner` or `municipality`.
    pub kind: &'static str,
    /// URL segment: `in_progress`, `11`, `metropolis`.
    pub key: String,
    /// What the editor wrote (partners, municipalities) or the key (statuses, SDGs).
    pub name: String,
    /// URL path relative to the language root.
    pub path: String,
    /// Action ids, in natural order.
    pub actions: Vec<String>,
    /// How many of them have each status.
    pub status_counts: StatusCounts,
}

/// The folder of each facet kind, and its overview template.
pub const KINDS: &[(&str, &str)] = &[
    ("status", "status"),
    ("sdg", "sdgs"),
    ("partner", "partners"),
    ("municipality", "municipalities"),
];

pub fn folder(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, f)| f)
}

/// Every facet value. Two names that give the same slug are an error, since
/// they would share one page.
pub fn facets(plan: &Plan, diags: &mut Vec<Diagnostic>) -> Vec<Facet> {
    use crate::load::values::Status;
    let mut out = Vec::new();
    // Statuses and goals in one pass over the actions (they come in order).
    let mut by_status: Vec<(Vec<String>, StatusCounts)> =
        vec![Default::default(); Status::ALL.len()];
    let mut by_goal: Vec<(Vec<String>, StatusCounts)> = vec![Default::default(); 17];
    for a in &plan.actions {
        if let Some(n) = Status::ALL.iter().position(|s| *s == a.status) {
            by_status[n].0.push(a.id.clone());
            by_status[n].1.add(a.status);
        }
        for &goal in &a.sdgs {
            if let Some((list, counts)) = by_goal.get_mut(usize::from(goal).wrapping_sub(1)) {
                // A goal written twice in one file lists the action once.
                if list.last() != Some(&a.id) {
                    list.push(a.id.clone());
                    counts.add(a.status);
                }
            }
        }
    }
    for (status, (actions, status_counts)) in Status::ALL.into_iter().zip(by_status) {
        let key = status.as_str().to_string();
        out.push(Facet {
            status_counts,
            kind: "status",
            path: format!("status/{key}/"),
            name: key.clone(),
            key,
            actions,
        });
    }
    for (goal, (actions, status_counts)) in (1..=17u8).zip(by_goal) {
        out.push(Facet {
            status_counts,
            kind: "sdg",
            key: goal.to_string(),
            name: goal.to_string(),
            path: format!("sdgs/{goal}/"),
            actions,
        });
    }
    for (kind, pick) in [
        (
            "partner",
            (|a: &crate::model::Action| &a.partners) as fn(&crate::model::Action) -> &Vec<String>,
        ),
        ("municipality", |a: &crate::model::Action| &a.municipalities),
    ] {
        // Each name's actions (by index, in order), names in the order they
        // first appear: the same few names recur across thousands of actions.
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        for (n, a) in plan.actions.iter().enumerate() {
            for name in pick(a) {
                let found = by_name.entry(name).or_insert_with(|| {
                    names.push(name);
                    Vec::new()
                });
                found.push(n);
            }
        }
        // slug → (name, path of the first file that wrote it, actions). The
        // name that appears first keeps the page; every use of another name
        // with its slug is an error.
        type Page<'a> = (String, &'a str, Vec<String>, StatusCounts);
        let mut by_slug: BTreeMap<String, Page> = BTreeMap::new();
        for name in names {
            let uses = &by_name[name];
            let s = match slug::slugify(name) {
                s if s.is_empty() => "-".to_string(),
                s => s,
            };
            let Some((first, first_path, _, _)) = by_slug.get(&s) else {
                let mut actions: Vec<String> = Vec::with_capacity(uses.len());
                let mut counts = StatusCounts::default();
                // A name written twice in one file lists the action once.
                let mut last = None;
                for &n in uses {
                    if last != Some(n) {
                        actions.push(plan.actions[n].id.clone());
                        counts.add(plan.actions[n].status);
                    }
                    last = Some(n);
                }
                let path = plan.actions[uses[0]].text.path.as_str();
                by_slug.insert(s, (name.to_string(), path, actions, counts));
                continue;
            };
            for &n in uses {
                diags.push(
                    Diagnostic::error(
                        &plan.actions[n].text.path,
                        1,
                        1,
                        format!(
                            "{kind} `{name}` and `{first}` ({first_path}) would share the page /{}/{s}/",
                            folder(kind)
                        ),
                    )
                    .with_help(format!("write the {kind} the same way in every file")),
                );
            }
        }
        for (key, (name, _, actions, status_counts)) in by_slug {
            out.push(Facet {
                status_counts,
                kind,
                path: format!("{}/{key}/", folder(kind)),
                key,
                name,
                actions,
            });
        }
    }
    out
}

/// `facets`, or those of the last call while every action's id, file,
/// status, goals, partners and municipalities are as they were (see
/// `reuse`); `None`, with the problems in `diags`, when two names would
/// share a page.
pub fn facets_reusing(
    plan: &Plan,
    kept: &mut Option<crate::reuse::Reused<Arc<Vec<Facet>>>>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<Vec<Facet>>> {
    let alike = |a: &Action, b: &Action| {
        a.id == b.id
            && a.text.path == b.text.path
            && a.status == b.status
            && a.sdgs == b.sdgs
            && a.partners == b.partners
            && a.municipalities == b.municipalities
    };
    if let Some(facets) = crate::reuse::Reused::get(kept, &plan.actions, 0, alike) {
        return Some(facets);
    }
    let facets = Arc::new(super::facets_of(plan, diags)?);
    *kept = Some(crate::reuse::Reused::keep(&plan.actions, 0, facets.clone()));
    Some(facets)
}

/// `{ partners: { name: path }, municipalities: { name: path } }`, for links from action pages.
pub fn paths_by_name(facets: &[Facet]) -> BTreeMap<&'static str, BTreeMap<String, String>> {
    let mut m: BTreeMap<&'static str, BTreeMap<String, String>> = BTreeMap::new();
    for f in facets {
        m.entry(folder(f.kind))
            .or_default()
            .insert(f.name.clone(), f.path.clone());
    }
    m
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_ascii_and_safe() {
        assert_eq!(slug::slugify("Sant Adrià de Besòs"), "sant-adria-de-besos");
        assert_eq!(
            slug::slugify("L'Hospitalet de Llobregat"),
            "l-hospitalet-de-llobregat"
        );
        assert_eq!(slug::slugify("../../etc"), "etc");
        assert_eq!(slug::slugify("CGLU / UCLG"), "cglu-uclg");
    }
}

//! Browse by facet: one static page per status, SDG, partner and
//! municipality, listing its actions, plus an overview page per facet kind.
//! Built from an index made in one pass over the actions.

use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use serde::Serialize;
use std::collections::BTreeMap;

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
    let mut out = Vec::new();
    for status in crate::load::values::Status::ALL {
        let actions = plan
            .actions
            .iter()
            .filter(|a| a.status == status)
            .map(|a| a.id.clone())
            .collect();
        let key = status.as_str().to_string();
        out.push(Facet {
            kind: "status",
            path: format!("status/{key}/"),
            name: key.clone(),
            key,
            actions,
        });
    }
    for goal in 1..=17u8 {
        let actions = plan
            .actions
            .iter()
            .filter(|a| a.sdgs.contains(&goal))
            .map(|a| a.id.clone())
            .collect();
        out.push(Facet {
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
        // slug → (name, path of the first file that wrote it, actions)
        let mut by_slug: BTreeMap<String, (String, String, Vec<String>)> = BTreeMap::new();
        for a in &plan.actions {
            for name in pick(a) {
                let s = slug::slugify(name);
                let s = if s.is_empty() { "-".to_string() } else { s };
                let entry = by_slug
                    .entry(s.clone())
                    .or_insert_with(|| (name.clone(), a.text.path.clone(), Vec::new()));
                if entry.0 != *name {
                    diags.push(
                        Diagnostic::error(
                            &a.text.path,
                            1,
                            1,
                            format!(
                                "{kind} `{name}` and `{}` ({}) would share the page /{}/{s}/",
                                entry.0,
                                entry.1,
                                folder(kind)
                            ),
                        )
                        .with_help(format!("write the {kind} the same way in every file")),
                    );
                    continue;
                }
                // Actions come in order, so a name written twice in one file is the last entry.
                if entry.2.last() != Some(&a.id) {
                    entry.2.push(a.id.clone());
                }
            }
        }
        for (key, (name, _, actions)) in by_slug {
            out.push(Facet {
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

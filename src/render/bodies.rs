//! Broken `@/` links in Markdown bodies, found by reading the links of
//! every body once per build; the preview keeps the findings of bodies that
//! did not change.

use crate::diagnostics::Diagnostic;
use crate::model::{Plan, Text};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

/// Check every Markdown body (default language and translations) for broken
/// `@/` links, each in its own file's language, in parallel.
pub fn check_bodies(plan: &Plan, diags: &mut Vec<Diagnostic>) {
    let found: Vec<Vec<Diagnostic>> = texts(plan)
        .par_iter()
        .map(|t| broken_links(plan, t))
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// What the last check found in each body, while the set of link targets
/// (the plan's ids) stays the same.
#[derive(Default)]
pub struct BodyCache {
    targets: u64,
    /// By file: the body read (shared with the plan, so an unchanged file's
    /// body is recognised by its pointer), where it starts, what was found.
    found: HashMap<String, (Arc<str>, usize, Vec<Diagnostic>)>,
}

/// `check_bodies`, reading only bodies that changed since `cache` saw them
/// (all of them when an id was added, removed or renamed).
pub fn check_bodies_cached(plan: &Plan, cache: &mut BodyCache, diags: &mut Vec<Diagnostic>) {
    let targets = crate::model_refs::link_targets(plan);
    if targets != cache.targets {
        cache.found.clear();
        cache.targets = targets;
    }
    let texts = texts(plan);
    // What each text's links found, and whether its entry is to be replaced
    // (checked again, or the same text from a new parse of its file).
    let found: Vec<(bool, Vec<Diagnostic>)> = texts
        .par_iter()
        .map(|t| match cache.found.get(&t.path) {
            Some((body, line, d)) if *line == t.body_line && same(body, &t.body) => {
                (!Arc::ptr_eq(body, &t.body), d.clone())
            }
            _ => (true, broken_links(plan, t)),
        })
        .collect();
    // Updated in place, and only where it changed: after an edit, every
    // file but one is already there as it was.
    for (t, (replace, d)) in texts.iter().zip(found) {
        if replace {
            let entry = (t.body.clone(), t.body_line, d.clone());
            cache.found.insert(t.path.clone(), entry);
        }
        diags.extend(d);
    }
    if cache.found.len() != texts.len() {
        // A file went away: only this run's are kept.
        let paths: std::collections::HashSet<&str> =
            texts.iter().map(|t| t.path.as_str()).collect();
        cache.found.retain(|p, _| paths.contains(p.as_str()));
    }
}

/// Whether two bodies are the same text: at once when they are the same
/// parse of a file that did not change.
fn same(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// Every Markdown text of the plan: default-language files and translations.
fn texts(plan: &Plan) -> Vec<&Text> {
    let mut texts: Vec<&Text> = Vec::new();
    texts.extend(plan.home.iter());
    texts.extend(plan.lines.iter().map(|x| &x.text));
    texts.extend(plan.objectives.iter().map(|x| &x.text));
    texts.extend(plan.actions.iter().map(|x| &x.text));
    texts.extend(plan.reports.iter().map(|x| &x.text));
    texts.extend(plan.pages.iter().map(|x| &x.text));
    texts.extend(plan.translations.values());
    texts
}

fn broken_links(plan: &Plan, t: &Text) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let resolve = |path: &str| plan.resolve_content_path(path).map(|_| String::new());
    let cx = crate::markdown::Context {
        path: &t.path,
        body_line: t.body_line,
        resolve: &resolve,
        raw_html: true,
    };
    crate::markdown::check_links(&t.body, &cx, &mut d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_bodies_keep_their_findings_and_changed_ones_are_checked() {
        let mut plan = crate::example_site().plan;
        let mut cache = BodyCache::default();
        let mut diags = Vec::new();
        check_bodies_cached(&plan, &mut cache, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let body = &mut std::sync::Arc::make_mut(&mut plan.actions[0]).text.body;
        *body = format!("{body}\n[broken](@/actions/9.9.9.md)\n").into();
        check_bodies_cached(&plan, &mut cache, &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("9.9.9"), "{}", diags[0].message);
        // A removed id makes every body be checked again: links to it break.
        diags.clear();
        plan.actions.pop();
        check_bodies_cached(&plan, &mut cache, &mut diags);
        let mut fresh = Vec::new();
        check_bodies(&plan, &mut fresh);
        assert_eq!(diags, fresh);
        assert!(diags.len() > 1, "{diags:?}");
    }
}

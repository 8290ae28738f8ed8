//! Finding things in the plan: an entity's text in a language, an action
//! or objective by id, the page an `@/` path names. Pages ask for these on
//! every link, so none of them scans every action.

use crate::load::Kind;
use crate::model::{Action, Objective, Plan, Text};

impl Plan {
    /// An entity's text in `lang`, falling back to the default language.
    pub fn text<'a>(&'a self, kind: Kind, id: &str, lang: &str, default: &'a Text) -> &'a Text {
        self.translations
            .get(&(kind, id.to_string(), lang.to_string()))
            .unwrap_or(default)
    }

    /// The action with this id. Every `@/` link of every page asks, so the
    /// answer comes from an index of hashes (no id copied: the preview makes
    /// it again for every new plan). Its answer is checked, so neither two
    /// ids with one hash nor a list changed after it was made mislead: the
    /// list is searched then.
    pub fn action(&self, id: &str) -> Option<&Action> {
        let at = self.action_at.get_or_init(|| {
            let places = self.actions.iter().enumerate();
            places.map(|(i, a)| (id_hash(&a.id), i)).collect()
        });
        match at.get(&id_hash(id)).and_then(|&i| self.actions.get(i)) {
            Some(a) if a.id == id => Some(a),
            _ => find_sorted(&self.actions, id, |a| &a.id).map(|a| &**a),
        }
    }

    /// The objective with this id: a binary search, since objectives are in natural id order.
    pub fn objective(&self, id: &str) -> Option<&Objective> {
        find_sorted(&self.objectives, id, |o| &o.id)
    }

    /// Whether a content path (`actions/1.1.7.md`, as written after `@/`) names a built page.
    pub fn resolve_content_path(&self, path: &str) -> Option<(Kind, String)> {
        let path = path.strip_suffix(".md")?;
        if path == "_index" {
            return Some((Kind::Index, "_index".into()));
        }
        let (folder, id) = path.split_once('/')?;
        let found = match folder {
            "lines" => self.lines.iter().any(|x| x.id == id),
            "objectives" => self.objective(id).is_some(),
            "actions" => self.action(id).is_some(),
            "reports" => id
                .parse::<i32>()
                .ok()
                .filter(|y| y.to_string() == id)
                .is_some_and(|y| self.reports.iter().any(|x| x.year == y)),
            "pages" => self.pages.iter().any(|x| x.slug == id),
            _ => false,
        };
        let kind = match folder {
            "lines" => Kind::Line,
            "objectives" => Kind::Objective,
            "actions" => Kind::Action,
            "reports" => Kind::Report,
            _ => Kind::Page,
        };
        found.then(|| (kind, id.to_string()))
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(id)
}

/// The item of `items` (in natural order of `key`) whose key is `id`. Per-page
/// lookups of links must not scan every action: a 100,000-action site has
/// millions of them. Falls back to a scan should the list ever be unsorted.
fn find_sorted<'a, T>(items: &'a [T], id: &str, key: impl Fn(&T) -> &String) -> Option<&'a T> {
    match items.binary_search_by(|x| crate::natural::natural_cmp(key(x), id)) {
        Ok(i) => Some(&items[i]),
        Err(_) => items.iter().find(|x| key(x) == id),
    }
}

#[cfg(test)]
mod tests {
    /// The index is made at the first question; a list changed after that
    /// still gets the right answers.
    #[test]
    fn actions_are_found_by_id_also_after_the_list_changed() {
        let mut plan = crate::example_site().plan;
        let ids: Vec<String> = plan.actions.iter().map(|a| a.id.clone()).collect();
        for id in &ids {
            assert_eq!(plan.action(id).map(|a| &a.id), Some(id));
        }
        assert!(plan.action("9.9.9").is_none());
        let last = plan.actions.pop().map(|a| a.id.clone());
        assert!(plan.action(last.as_deref().unwrap_or_default()).is_none());
        plan.actions.swap(0, 1);
        for id in &ids[..ids.len() - 1] {
            assert_eq!(plan.action(id).map(|a| &a.id), Some(id));
        }
    }
}

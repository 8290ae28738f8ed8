//! Links between files: translations attached to their default-language
//! file, and front-matter `@/` links checked against the built pages.

use crate::diagnostics::Diagnostic;
use crate::load::{Kind, Sources, Translation};
use crate::model::{text_of, Plan, Text};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// The preview's translations from its last rebuild, and what they were
/// made from: reused while every translation file is the same parse, the
/// default-language files and the drafts left out are the same, and the
/// default titles and summaries translations without their own fall back
/// to are the same.
#[derive(Default)]
pub struct TranslationMemo {
    sources: Vec<Arc<Translation>>,
    files: u64,
    fallbacks: Vec<Fallback>,
    linked: Arc<BTreeMap<(Kind, String, String), Text>>,
    found: Vec<Diagnostic>,
}

/// The default title and summary a translation without its own shows.
type Fallback = (Option<String>, Option<String>);

/// Attach each translation to its default-language file (see
/// `TranslationMemo` for `memo`, the preview's).
pub fn link_translations(
    sources: &Sources,
    plan: &mut Plan,
    draft_ids: &BTreeSet<&str>,
    memo: Option<&mut TranslationMemo>,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(memo) = memo else {
        return attach(sources, plan, draft_ids, diags);
    };
    let files = files_and_drafts(sources, draft_ids);
    let fallbacks: Vec<Fallback> = sources
        .translations
        .iter()
        .map(|t| {
            let fm = &t.source.fm;
            let title = fm
                .title
                .is_none()
                .then(|| default_title(plan, t.kind, &t.id));
            let summary = (t.kind == Kind::Action && fm.summary.is_none())
                .then(|| plan.action(&t.id).and_then(|a| a.text.summary.clone()));
            (title.flatten(), summary.flatten())
        })
        .collect();
    let same_files = memo.sources.len() == sources.translations.len()
        && (memo.sources.iter().zip(&sources.translations)).all(|(a, b)| Arc::ptr_eq(a, b));
    if same_files && memo.files == files && memo.fallbacks == fallbacks {
        plan.translations = memo.linked.clone();
        diags.extend(memo.found.iter().cloned());
        return;
    }
    let mut found = Vec::new();
    attach(sources, plan, draft_ids, &mut found);
    diags.extend(found.iter().cloned());
    *memo = TranslationMemo {
        sources: sources.translations.clone(),
        files,
        fallbacks,
        linked: plan.translations.clone(),
        found,
    };
}

/// Every page an `@/` link may point at (home, lines, objectives, actions,
/// reports, pages), as one number: what a link resolves to changes only
/// when this does.
pub fn link_targets(plan: &Plan) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    plan.home.is_some().hash(&mut h);
    plan.lines.iter().for_each(|x| x.id.hash(&mut h));
    plan.objectives.iter().for_each(|x| x.id.hash(&mut h));
    plan.actions.iter().for_each(|x| x.id.hash(&mut h));
    plan.reports.iter().for_each(|x| x.year.hash(&mut h));
    plan.pages.iter().for_each(|x| x.slug.hash(&mut h));
    h.finish()
}

/// Every default-language file's kind and id, and the drafts left out, as one number.
fn files_and_drafts(sources: &Sources, draft_ids: &BTreeSet<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    sources.index.is_some().hash(&mut h);
    sources.lines.iter().for_each(|x| x.id.hash(&mut h));
    sources.objectives.iter().for_each(|x| x.id.hash(&mut h));
    sources.actions.iter().for_each(|x| x.id.hash(&mut h));
    sources.reports.iter().for_each(|x| x.id.hash(&mut h));
    sources.pages.iter().for_each(|x| x.id.hash(&mut h));
    draft_ids.hash(&mut h);
    h.finish()
}

fn attach(
    sources: &Sources,
    plan: &mut Plan,
    draft_ids: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    // Every file's (kind, id), so that each translation finds its file without a scan.
    let mut files: HashSet<(Kind, &str)> = HashSet::new();
    files.extend(sources.lines.iter().map(|x| (Kind::Line, x.id.as_str())));
    files.extend(
        sources
            .objectives
            .iter()
            .map(|x| (Kind::Objective, x.id.as_str())),
    );
    files.extend(
        sources
            .actions
            .iter()
            .map(|x| (Kind::Action, x.id.as_str())),
    );
    files.extend(
        sources
            .reports
            .iter()
            .map(|x| (Kind::Report, x.id.as_str())),
    );
    files.extend(sources.pages.iter().map(|x| (Kind::Page, x.id.as_str())));
    // Each translation is attached on its own, on every core; then in order.
    let attached: Vec<Result<Option<Attached>, Diagnostic>> = sources
        .translations
        .par_iter()
        .map(|t| {
            let exists = match t.kind {
                Kind::Index => sources.index.is_some(),
                kind => files.contains(&(kind, t.id.as_str())),
            };
            if !exists {
                let default_file = if t.kind == Kind::Index {
                    "content/_index.md".to_string()
                } else {
                    format!("content/{}/{}.md", t.kind.folder(), t.id)
                };
                return Err(Diagnostic::error(
                    &t.source.path,
                    1,
                    1,
                    format!("translation without its default-language file `{default_file}`"),
                )
                .with_help("create the default-language file first, or rename this one"));
            }
            if t.kind == Kind::Action && draft_ids.contains(t.id.as_str()) {
                return Ok(None);
            }
            let s = &t.source;
            let title =
                s.fm.title
                    .clone()
                    .or_else(|| default_title(plan, t.kind, &t.id));
            let mut text = text_of(s, &t.lang, title.as_ref(), s.fm.summary.as_ref());
            if t.kind == Kind::Action && text.summary.is_none() {
                text.summary = plan.action(&t.id).and_then(|a| a.text.summary.clone());
            }
            Ok(Some(((t.kind, t.id.clone(), t.lang.clone()), text)))
        })
        .collect();
    let mut translations = BTreeMap::new();
    for a in attached {
        match a {
            Ok(Some((key, text))) => {
                translations.insert(key, text);
            }
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    plan.translations = Arc::new(translations);
}

/// A translation's text, by (kind, id, language).
type Attached = ((Kind, String, String), crate::model::Text);

fn default_title(plan: &Plan, kind: Kind, id: &str) -> Option<String> {
    match kind {
        Kind::Index => plan.home.as_ref().map(|t| t.title.clone()),
        Kind::Line => plan
            .lines
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.text.title.clone()),
        Kind::Objective => plan.objective(id).map(|x| x.text.title.clone()),
        Kind::Action => plan.action(id).map(|x| x.text.title.clone()),
        Kind::Report => plan
            .reports
            .iter()
            .find(|x| x.year.to_string() == id)
            .map(|x| x.text.title.clone()),
        Kind::Page => plan
            .pages
            .iter()
            .find(|x| x.slug == id)
            .map(|x| x.text.title.clone()),
    }
}

/// `links:` entries written `@/…` must name a content file that is built.
pub fn check_front_matter_links(
    sources: &Sources,
    plan: &Plan,
    draft_ids: &BTreeSet<&str>,
    diags: &mut Vec<Diagnostic>,
) {
    // Each action on its own, on every core; problems in file order.
    let found: Vec<Vec<Diagnostic>> = sources
        .actions
        .par_iter()
        .filter(|s| !draft_ids.contains(s.id.as_str()))
        .map(|s| {
            let mut found = Vec::new();
            for (i, link) in s.fm.links.iter().enumerate() {
                let Some(path) = link.url.0.strip_prefix("@/") else {
                    continue;
                };
                let path = path.split('#').next().unwrap_or(path);
                if plan.resolve_content_path(path).is_none() {
                    let (l, c) = s.item_pos("links", i);
                    found.push(
                        Diagnostic::error(&s.path, l, c, format!("link `{}` points to a file that does not exist", link.url.0))
                            .with_help("write the path of a content file under content/, e.g. @/actions/1.1.7.md or @/reports/2017.md"),
                    );
                }
            }
            found
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

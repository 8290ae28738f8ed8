//! The pages of one language: which template renders which URL, with which
//! variables (see docs/templates.md), rendered in parallel and minified.

use super::context::{base_context, downloads, json_index, page_value};
use super::jobs::{Entities, Job};
use super::theme::Templates;
use super::{tera_diagnostic, Output};
use crate::config::Config;
use crate::data::{self, page_path};
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::load::Kind;
use crate::markdown;
use crate::model::Plan;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// Templates every theme must provide.
pub const TEMPLATES: &[&str] = &[
    "home.html",
    "line.html",
    "objective.html",
    "action.html",
    "actions.html",
    "reports.html",
    "report.html",
    "accountability.html",
    "page.html",
    "404.html",
];

/// What every language's rendering reads, prepared once.
#[derive(Clone, Copy)]
pub struct SiteInput<'a> {
    /// The templates as written: renders pages (which are then minified),
    /// and reports errors at their real positions.
    pub tera: &'a tera::Tera,
    /// The same templates, minified (built-in theme only): when present, pages
    /// are rendered with these and only their Markdown bodies are minified.
    pub minified: Option<&'a tera::Tera>,
    pub templates: &'a Templates,
    pub config: &'a Config,
    pub plan: &'a Plan,
    pub figures: &'a Figures,
    pub facets: &'a [super::facets::Facet],
    pub history: Option<&'a crate::history::History>,
    /// Advanced once per rendered page.
    pub progress: Option<&'a indicatif::ProgressBar>,
    /// Where a build writes pages as they are rendered; none for `check` and `serve`.
    pub spill: Option<&'a crate::output::Spill>,
    /// The preview's shares of the data files from its last rebuild.
    pub memo: Option<&'a super::dataset::DataMemo>,
}

/// Templates rendered only when the theme provides them.
pub const OPTIONAL: &[&str] = &["facet.html", "facets.html", "search.html"];

/// One language, ready to render any of its pages: the variables all its
/// pages share, and the list of its pages.
pub struct Prepared {
    pub lang: String,
    prefix: String,
    /// The variables all its pages share, and what `include_cached`
    /// rendered for them (see `fragments`).
    fragments: Arc<super::fragments::Fragments>,
    pub jobs: Vec<Job>,
    /// Made when first asked for, kept with the rest (the preview reuses
    /// them, also for new pages of the same files, see `same_files_as`).
    paths: OnceLock<Arc<Vec<String>>>,
    index: OnceLock<Arc<HashMap<String, usize>>>,
}

impl Prepared {
    /// Files of the pages, relative to the output folder, in job order.
    pub fn page_paths(&self) -> &[String] {
        self.paths.get_or_init(|| {
            let paths = self.jobs.iter().map(|j| j.output_path(&self.prefix));
            Arc::new(paths.collect())
        })
    }

    /// Each page file's job.
    pub fn page_index(&self) -> &HashMap<String, usize> {
        self.index.get_or_init(|| {
            let paths = self.page_paths().iter().enumerate();
            Arc::new(paths.map(|(j, p)| (p.clone(), j)).collect())
        })
    }

    /// Take `old`'s page files and map when its pages are the same files,
    /// in the same order: an edit seldom adds or removes a page.
    fn same_files_as(&self, old: &Prepared) {
        let same = self.prefix == old.prefix
            && self.jobs.len() == old.jobs.len()
            && (self.jobs.iter().zip(&old.jobs)).all(|(a, b)| a.path == b.path);
        if let (true, Some(paths), Some(index)) = (same, old.paths.get(), old.index.get()) {
            let _ = self.paths.set(paths.clone());
            let _ = self.index.set(index.clone());
        }
    }
}

/// Prepare a language: its data files (plan.json, CSV tables, feed), which
/// come back unwritten, and everything its pages share. The preview reuses
/// the last call's pages when the language's data is unchanged and so is
/// everything else they read (`prepared_key`): an edit to a body alone.
pub fn prepare_language(
    site: &SiteInput,
    lang: &str,
    strings: &serde_json::Value,
) -> (Arc<Prepared>, Arc<super::datafiles::DataFiles>) {
    prepare(site, lang, strings, |files| files)
}

/// `prepare_language`, handing the data files to `settle` (which writes
/// them, or keeps them) once their sizes are known and before the
/// templates' values are made: when `settle` lets them go, a language's
/// open data and its template values are never in memory together (they
/// were the peak of a build's memory, docs/performance.md).
fn prepare<T>(
    site: &SiteInput,
    lang: &str,
    strings: &serde_json::Value,
    settle: impl FnOnce(Arc<super::datafiles::DataFiles>) -> T,
) -> (Arc<Prepared>, T) {
    let SiteInput {
        templates,
        config,
        plan,
        figures,
        facets,
        ..
    } = *site;
    let doc = data::document(plan, figures, config, lang);
    crate::timings::lap("document");
    let prefix = config.lang_prefix(lang);
    let origins = site
        .memo
        .map(|_| super::dataset::origins_of(plan, figures, lang));
    let super::dataset::Made {
        files,
        data: data_value,
        same,
    } = super::dataset::make(&doc, config, &prefix, strings, site.memo, origins);
    crate::timings::lap("data");
    let key = site.memo.and_then(|_| prepared_key(site, lang));
    if let (Some(memo), Some(key), true) = (site.memo, key, same) {
        if let Some(prepared) = memo.prepared(lang, Some(key)) {
            return (prepared, settle(files));
        }
    }
    let sizes = files.sizes();
    let files = settle(files);
    let data_value = data_value.unwrap_or_else(|| super::dataset::template_data(&doc));
    crate::timings::lap("template data");

    let entities = Entities::of(&data_value, &doc);
    crate::timings::lap("  jobs: entities");
    let (index, mut jobs) = rayon::join(
        || json_index(&entities),
        || super::jobs::jobs(site, lang, strings, &entities),
    );
    // Pages whose template the theme does not have yet are left out.
    jobs.retain(|j| !OPTIONAL.contains(&j.template) || templates.sources.contains_key(j.template));
    crate::timings::lap("  jobs: list and index");

    let mut base = base_context(config, lang, strings, &doc, data_value, index);
    let facet_urls: BTreeMap<&str, BTreeMap<String, String>> = super::facets::paths_by_name(facets)
        .into_iter()
        .map(|(k, m)| {
            (
                k,
                m.into_iter()
                    .map(|(name, path)| (name, data::url(config, lang, &path)))
                    .collect(),
            )
        })
        .collect();
    base.insert("facet_urls", &facet_urls);
    base.insert("downloads", &downloads(config, lang, &sizes));
    crate::timings::lap("jobs and context");
    let prepared = Prepared {
        lang: lang.to_string(),
        prefix,
        fragments: Arc::new(super::fragments::Fragments::new(base)),
        jobs,
        paths: OnceLock::new(),
        index: OnceLock::new(),
    };
    if let Some(old) = site.memo.and_then(|m| m.prepared(lang, None)) {
        prepared.same_files_as(&old);
    }
    let prepared = Arc::new(prepared);
    if let (Some(memo), Some(key)) = (site.memo, key) {
        memo.keep_prepared(lang, key, prepared.clone());
    }
    (prepared, files)
}

/// What a language's prepared pages read besides its data (which `make`
/// tells unchanged) and the facets (made from the actions, whose data is
/// part of it): the home page's title in the language, and which optional
/// templates the theme has. (Not the site's history: a page's list of
/// commits is made when the page renders, see `render_job`.)
fn prepared_key(site: &SiteInput, lang: &str) -> Option<u128> {
    let plan = site.plan;
    let home = (plan.home.as_ref()).map(|h| &plan.text(Kind::Index, "_index", lang, h).title);
    let optional: Vec<bool> = (OPTIONAL.iter())
        .map(|t| site.templates.sources.contains_key(*t))
        .collect();
    super::fingerprint::of(&(home, optional))
}

/// Room for a page around its Markdown body: an action page of the
/// built-in theme is about 10 KB besides its body, and the buffer is made
/// once instead of growing through every size on the way.
const PAGE_ROOM: usize = 16 * 1024;

/// Render one page of a prepared language (minified, see `minify`).
pub fn render_job(site: &SiteInput, prepared: &Prepared, job: &Job) -> Result<Output, Diagnostic> {
    let SiteInput {
        tera,
        minified,
        templates,
        config,
        plan,
        ..
    } = *site;
    let lang = prepared.lang.as_str();
    let resolve = |path: &str| {
        plan.resolve_content_path(path)
            .map(|(kind, id)| data::url(config, lang, &page_path(kind, &id)))
    };
    let _timer = crate::timings::page(job.template);
    let text = job.text.and_then(|r| r.get(plan, lang));
    let content = text.map_or(String::new(), |t| {
        let cx = markdown::Context {
            path: &t.path,
            body_line: t.body_line,
            resolve: &resolve,
            raw_html: config.markdown.raw_html,
        };
        // Broken links were reported by `check_bodies`, once per file.
        match minified {
            Some(_) => markdown::render_minified(&t.body, &cx, &mut Vec::new()),
            None => markdown::render(&t.body, &cx, &mut Vec::new()),
        }
    });
    let mut cx = prepared.fragments.base().clone();
    cx.insert("page", &page_value(config, lang, job, text, &content));
    let _fragments = super::fragments::install(&prepared.fragments);
    for (k, v) in &job.extra {
        cx.insert_value(*k, v.clone());
    }
    // Made here, not with the job: the preview renders only the pages asked for.
    if let Some((kind, id, path)) = job.text.and_then(|r| r.with_history(plan)) {
        let history = super::context::history_value(config, plan, site.history, kind, &id, path);
        cx.insert_value("history", history);
    }
    let rendered = match minified {
        // Into bytes at once: `render` would check the whole page is UTF-8
        // (1% of a build's time) only for the bytes to be taken back out.
        Some(fast) => {
            let mut page = Vec::with_capacity(content.len() + PAGE_ROOM);
            (fast.render_to(job.template, &cx, &mut page)).map(|()| page)
        }
        None => tera
            .render(job.template, &cx)
            .map(|html| super::minify::page(html.as_bytes())),
    };
    // Errors are reported from the templates as written, at their lines.
    let rendered = rendered.map_err(|e| match minified {
        Some(_) => tera.render(job.template, &cx).err().unwrap_or(e),
        None => e,
    });
    match rendered {
        Ok(bytes) => Ok(Output {
            path: job.output_path(&prepared.prefix),
            bytes,
        }),
        Err(e) => {
            let mut d = tera_diagnostic(&e, templates);
            d.message = format!(
                "while rendering {} ({}): {}",
                job.template,
                data::url(config, lang, &job.path),
                d.message
            );
            Err(d)
        }
    }
}

/// Render every page and the data of one language.
pub fn render_language(
    site: &SiteInput,
    lang: &str,
    strings: &serde_json::Value,
) -> (Vec<Output>, Vec<Diagnostic>) {
    // Data files written at once (pages too), kept in memory only as paths
    // (see `output::Spill`).
    let (owned, mut outputs) = prepare(site, lang, strings, |files| files.put(site.spill));
    // Pages are rendered with room to spare (`PAGE_ROOM`): `keep` drops it.
    let keep = |o: Output| super::keep(site.spill, o);
    // Lists, facets and reports grow with the plan (a report page of a
    // 10,000-action plan is megabytes): start them first, so that no core is
    // left idle while another finishes one at the end. Outputs are sorted later.
    let mut jobs: Vec<&Job> = owned.jobs.iter().collect();
    jobs.sort_by_key(|j| j.template == "action.html");
    if let Some(p) = site.progress {
        p.inc_length(jobs.len() as u64);
    }
    let prepared = &*owned;
    let results: Vec<Result<Output, Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            if let Some(p) = site.progress {
                p.inc(1);
            }
            render_job(site, prepared, job).map(keep)
        })
        .collect();
    crate::timings::lap("pages");
    // The language's template values are a tree of thousands of values
    // whose freeing takes one core 80 ms at 10,000 actions: the next
    // language's first stages leave the other core free for it.
    rayon::spawn(move || drop(owned));
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(o) => outputs.push(o),
            Err(d) => diags.push(d),
        }
    }
    (outputs, diags)
}

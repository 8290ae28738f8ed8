//! The preview's renderer: the files every language shares and the default
//! language's data made at once; pages, search indexes and the other
//! languages' data made when a tab asks for them, so that an edit costs the
//! pages a browser looks at, not the whole site (docs/performance.md).

use super::pages::{Prepared, SiteInput};
use super::{engine, facets, Output};
use crate::config::Config;
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::history::History;
use crate::model::Plan;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::OnceLock;

/// A compiled site whose pages render on request.
pub struct Live {
    config: Config,
    plan: Plan,
    figures: Arc<Figures>,
    history: Option<Arc<History>>,
    engine: Arc<engine::Engine>,
    memo: Arc<super::dataset::DataMemo>,
    facets: Arc<Vec<facets::Facet>>,
    languages: Vec<Language>,
    /// Search index file → language.
    search: HashMap<String, String>,
    /// The pages the sitemap lists.
    sitemap: Vec<String>,
}

/// One language of the site, prepared the first time a file of it is asked for.
struct Language {
    code: String,
    prefix: String,
    ready: OnceLock<Ready>,
}

struct Ready {
    /// Its pages (which knows each page file's place in its jobs).
    prepared: Arc<Prepared>,
    /// Its data files (plan.json, CSV, feed), joined when asked for.
    data: Arc<super::datafiles::DataFiles>,
    /// Their paths.
    data_paths: std::collections::HashSet<String>,
}

impl Ready {
    fn new((prepared, data): (Arc<Prepared>, Arc<super::datafiles::DataFiles>)) -> Ready {
        // Made now, not on the first request (the preview reuses them).
        prepared.page_index();
        let data_paths = data.paths().into_iter().collect();
        Ready {
            prepared,
            data,
            data_paths,
        }
    }
}

impl Live {
    /// Prepare `model` for rendering: every file made at once comes back
    /// with it. `None`, with the problems in `diags`, when the theme cannot
    /// render the site.
    pub fn new(
        root: &Path,
        model: crate::Model,
        theme: &mut Option<engine::Loaded>,
        memo: Arc<super::dataset::DataMemo>,
        kept_facets: &mut Option<crate::reuse::Reused<Arc<Vec<facets::Facet>>>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Live, Vec<Output>)> {
        let crate::Model {
            config,
            plan,
            figures,
            history,
        } = model;
        let engine = engine::load_cached(root, &config, theme, diags)?;
        crate::timings::lap("theme");
        let facets = facets::facets_reusing(&plan, kept_facets, diags)?;
        crate::timings::lap("facets");
        let input = (root, &config, &plan, &*figures, history.as_deref());
        let super::Assembled {
            outputs: files,
            prepared,
            sitemap,
        } = super::assemble(input, &engine, &facets, None, Some(&memo), diags);
        if diags.iter().any(Diagnostic::is_error) {
            return None;
        }
        let mut prepared = prepared.into_iter();
        let languages = config
            .languages()
            .into_iter()
            .filter(|l| engine.strings.contains_key(l))
            .map(|code| {
                let ready = OnceLock::new();
                if code == config.default_language {
                    if let Some(p) = prepared.next() {
                        let _ = ready.set(Ready::new(p));
                    }
                }
                let prefix = config.lang_prefix(&code);
                Language {
                    code,
                    prefix,
                    ready,
                }
            })
            .collect();
        let search = config
            .languages()
            .into_iter()
            .map(|l| (super::search::index_path(&config, &l), l))
            .collect();
        let live = Live {
            config,
            plan,
            figures,
            history,
            engine,
            memo,
            facets,
            languages,
            search,
            sitemap,
        };
        Some((live, files))
    }

    fn site(&self) -> SiteInput<'_> {
        SiteInput {
            tera: &self.engine.tera,
            minified: self.engine.minified.as_deref(),
            templates: &self.engine.templates,
            config: &self.config,
            plan: &self.plan,
            figures: &self.figures,
            facets: &self.facets,
            history: self.history.as_deref(),
            spill: None,
            progress: None,
            memo: Some(&self.memo),
        }
    }

    /// The language a file belongs to, prepared: the one whose folder
    /// (`es/`) the path is in, else the one at the root.
    fn language_of(&self, path: &str) -> Option<&Ready> {
        let lang = self
            .languages
            .iter()
            .filter(|l| path.starts_with(&l.prefix))
            .max_by_key(|l| l.prefix.len())?;
        Some(lang.ready.get_or_init(|| {
            let strings = self.engine.strings.get(&lang.code);
            let strings = strings.cloned().unwrap_or_default();
            Ready::new(super::pages::prepare_language(
                &self.site(),
                &lang.code,
                &strings,
            ))
        }))
    }

    /// Whether `path` (`es/actions/1.1.7/index.html`) is a file this makes
    /// on request: a page, a search index, a data file or the sitemap.
    pub fn has(&self, path: &str) -> bool {
        path == super::feeds::SITEMAP
            || self.search.contains_key(path)
            || self.language_of(path).is_some_and(|r| {
                r.prepared.page_index().contains_key(path) || r.data_paths.contains(path)
            })
    }

    /// Make the file at `path` (see `has`); `None` when there is no such file.
    pub fn render(&self, path: &str) -> Option<Result<Output, Diagnostic>> {
        if path == super::feeds::SITEMAP {
            return Some(Ok(super::feeds::sitemap(&self.config, &self.sitemap)));
        }
        if let Some(lang) = self.search.get(path) {
            return Some(Ok(super::search::index(&self.plan, &self.config, lang)));
        }
        let ready = self.language_of(path)?;
        if let Some(file) = ready.data.file(path) {
            return Some(Ok(file));
        }
        let job = ready
            .prepared
            .jobs
            .get(*ready.prepared.page_index().get(path)?)?;
        Some(super::pages::render_job(&self.site(), &ready.prepared, job))
    }
}

//! The preview's renderer: every file but the pages and search indexes made
//! at once, and each page rendered when it is asked for, so that an edit re-renders only the
//! pages a browser looks at (docs/performance.md).

use super::pages::{Prepared, SiteInput};
use super::{engine, facets, Output};
use crate::config::Config;
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::history::History;
use crate::model::Plan;
use std::collections::HashMap;
use std::path::Path;

/// A compiled site whose pages render on request.
pub struct Live {
    config: Config,
    plan: Plan,
    figures: Figures,
    history: Option<History>,
    engine: engine::Engine,
    facets: Vec<facets::Facet>,
    languages: Vec<Prepared>,
    /// Page file → (language, page), for requests.
    pages: HashMap<String, (usize, usize)>,
    /// Search index file → language.
    search: HashMap<String, String>,
}

/// What the site model is: the parts `Live` takes ownership of.
pub struct Model {
    pub config: Config,
    pub plan: Plan,
    pub figures: Figures,
    pub history: Option<History>,
}

impl Live {
    /// Prepare `model` for rendering: every file but the pages comes back
    /// with it. `None`, with the problems in `diags`, when the theme cannot
    /// render the site.
    pub fn new(
        root: &Path,
        model: Model,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Live, Vec<Output>)> {
        let Model {
            config,
            plan,
            figures,
            history,
        } = model;
        let engine = engine::load(root, &config, engine::Minify::Auto, diags)?;
        let facets = facets::facets(&plan, diags);
        if diags.iter().any(Diagnostic::is_error) {
            return None;
        }
        let input = (root, &config, &plan, &figures, history.as_ref());
        let (files, languages) = super::assemble(input, &engine, &facets, None, true, diags);
        if diags.iter().any(Diagnostic::is_error) {
            return None;
        }
        let pages = languages
            .iter()
            .enumerate()
            .flat_map(|(l, p)| {
                p.page_paths()
                    .enumerate()
                    .map(move |(j, path)| (path, (l, j)))
            })
            .collect();
        let search = config
            .languages()
            .into_iter()
            .map(|l| (super::search::index_path(&config, &l), l))
            .collect();
        let live = Live {
            search,
            config,
            plan,
            figures,
            history,
            engine,
            facets,
            languages,
            pages,
        };
        Some((live, files))
    }

    /// Whether `path` (`es/actions/1.1.7/index.html`) is a file this makes
    /// on request: a page, or a search index.
    pub fn has(&self, path: &str) -> bool {
        self.pages.contains_key(path) || self.search.contains_key(path)
    }

    /// Make the file at `path` (see `has`); `None` when there is no such file.
    pub fn render(&self, path: &str) -> Option<Result<Output, Diagnostic>> {
        if let Some(lang) = self.search.get(path) {
            return Some(Ok(super::search::index(&self.plan, &self.config, lang)));
        }
        let &(l, j) = self.pages.get(path)?;
        let prepared = self.languages.get(l)?;
        let job = prepared.jobs.get(j)?;
        let site = SiteInput {
            tera: &self.engine.tera,
            minified: self.engine.minified.as_ref(),
            templates: &self.engine.templates,
            config: &self.config,
            plan: &self.plan,
            figures: &self.figures,
            facets: &self.facets,
            history: self.history.as_ref(),
            spill: None,
            progress: None,
        };
        Some(super::pages::render_job(&site, prepared, job))
    }

    /// The site's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

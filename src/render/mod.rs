//! Render: Tera templates of the theme (and the site's overrides) over the
//! plan and its figures, in every language; returns files in memory.

pub mod bodies;
pub mod context;
pub mod datafiles;
pub mod datamemo;
pub mod dataset;
pub mod engine;
pub mod facets;
pub mod feeds;
pub mod fingerprint;
pub mod format;
pub mod fragments;
pub mod hash_seeds;
pub mod jobs;
pub mod live;
pub mod minify;
pub mod pages;
pub mod search;
pub mod tables;
pub mod theme;

use crate::config::Config;
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use engine::Minify;
pub use engine::{tera_diagnostic, tera_diagnostics};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// One output file, path relative to the output folder (`actions/1.1.7/index.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub use bodies::check_bodies;

/// Check the theme (templates parse, every interface string exists) without rendering.
pub fn check_theme(root: &Path, config: &Config, plan: &Plan, diags: &mut Vec<Diagnostic>) {
    facets::facets(plan, diags);
    let templates = theme::templates(root, config, diags);
    theme::strings(root, config, diags);
    theme::static_files(root, config, diags);
    engine::build_tera(config, &templates, false, diags);
}

/// The command line's progress bar, advanced once per rendered page. A
/// process-wide setting of the CLI's `build`, not an input of the build.
static PROGRESS: std::sync::OnceLock<indicatif::ProgressBar> = std::sync::OnceLock::new();

/// Show rendering progress on `bar` (once per process).
pub fn show_progress(bar: indicatif::ProgressBar) {
    let _ = PROGRESS.set(bar);
}

/// Render every page and data file. Problems (templates, strings) go to `diags`;
/// Markdown links are checked once by `check_bodies`.
pub fn render(
    root: &Path,
    config: &Config,
    plan: &Plan,
    figures: &Figures,
    history: Option<&crate::history::History>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    render_to(root, config, plan, figures, history, None, diags)
}

/// `render`, writing pages and data files into `spill` as soon as they are
/// made: the outputs that come back have those files' paths without their bytes.
pub fn render_to(
    root: &Path,
    config: &Config,
    plan: &Plan,
    figures: &Figures,
    history: Option<&crate::history::History>,
    spill: Option<&crate::output::Spill>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let input = (root, config, plan, figures, history);
    render_with(input, spill, Minify::Auto, diags)
}

/// `render`, minifying every whole page after rendering, as for a site with
/// templates of its own: the reference the built-in theme's minified
/// templates are checked against (tests/minify_templates.rs).
pub fn render_minifying_pages(
    root: &Path,
    config: &Config,
    plan: &Plan,
    figures: &Figures,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let input = (root, config, plan, figures, None);
    render_with(input, None, Minify::Pages, diags)
}

pub(crate) type RenderInput<'a> = (
    &'a Path,
    &'a Config,
    &'a Plan,
    &'a Figures,
    Option<&'a crate::history::History>,
);
fn render_with(
    input: RenderInput,
    spill: Option<&crate::output::Spill>,
    how: Minify,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let (root, config, plan, _, _) = input;
    let Some(engine) = engine::load(root, config, how, diags) else {
        return Vec::new();
    };
    let Some(facets) = facets_of(plan, diags) else {
        return Vec::new();
    };
    assemble(input, &engine, &facets, spill, None, diags).outputs
}

/// `o` written into `spill` at once (then it comes back without its
/// bytes), or, without one, kept in memory with no spare room.
pub(crate) fn keep(spill: Option<&crate::output::Spill>, mut o: Output) -> Output {
    match spill {
        Some(s) => s.put(o),
        None => {
            o.bytes.shrink_to_fit();
            o
        }
    }
}

/// The plan's facets listed, after the theme: `None` when either has
/// errors (in `diags`).
pub(crate) fn facets_of(plan: &Plan, diags: &mut Vec<Diagnostic>) -> Option<Vec<facets::Facet>> {
    let facets = facets::facets(plan, diags);
    if diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(facets)
}

/// What `assemble` makes.
pub(crate) struct Assembled {
    pub outputs: Vec<Output>,
    /// The preview's prepared languages (the default one) with their data files.
    pub prepared: Vec<(Arc<pages::Prepared>, Arc<datafiles::DataFiles>)>,
    /// The preview's sitemap: the paths it lists (it is made on request).
    pub sitemap: Vec<String>,
}

/// Every file of the site. With `memo` (the preview): every file but the
/// pages, search indexes, data files and sitemap, and only the default language prepared to
/// render its pages on request (`live::Live` prepares the others when a
/// tab asks for one of their files).
pub(crate) fn assemble(
    (_, config, plan, figures, history): RenderInput,
    engine: &engine::Engine,
    facets: &[facets::Facet],
    spill: Option<&crate::output::Spill>,
    memo: Option<&dataset::DataMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Assembled {
    // Only the preview keeps shares of the data: it is the lazy renderer.
    let lazy = memo.is_some();
    let keep = |o: Output| keep(spill, o);
    let mut outputs = vec![feeds::robots(config)];
    // JSON Schemas of the front matter, for editors' YAML tooling.
    outputs.extend(crate::schema::schema_outputs());
    let mut sitemap_paths: Vec<String> = Vec::new();
    let mut page_paths: Vec<String> = Vec::new();
    let mut prepared = Vec::new();
    for lang in config.languages() {
        let Some(t) = engine.strings.get(&lang) else {
            continue;
        };
        let input = pages::SiteInput {
            tera: &engine.tera,
            minified: engine.minified.as_deref(),
            templates: &engine.templates,
            config,
            plan,
            figures,
            facets,
            history,
            spill,
            progress: PROGRESS.get(),
            memo,
        };
        // The preview makes the search index when the search page asks for it.
        if lazy {
            page_paths.push(search::index_path(config, &lang));
            if lang != config.default_language {
                continue;
            }
        }
        let lang_pages: Vec<String> = if lazy {
            let (p, data) = pages::prepare_language(&input, &lang, t);
            let paths = p.page_paths().to_vec();
            prepared.push((p, data));
            paths
        } else {
            // The search index needs none of the pages: made beside them, its
            // one-core tail (a JSON file of every text) hides among them.
            let ((lang_outputs, lang_diags), index) = rayon::join(
                || pages::render_language(&input, &lang, t),
                || keep(search::index(plan, config, &lang)),
            );
            outputs.push(index);
            diags.extend(lang_diags);
            let paths = lang_outputs
                .iter()
                .filter(|o| o.path.ends_with(".html"))
                .map(|o| o.path.clone())
                .collect();
            outputs.extend(lang_outputs);
            paths
        };
        if lang == config.default_language {
            let prefix_len = config.lang_prefix(&lang).len();
            sitemap_paths = lang_pages
                .iter()
                .filter_map(|p| {
                    p.strip_suffix("index.html")
                        .map(|p| p[prefix_len.min(p.len())..].to_string())
                })
                .collect();
        }
        if lazy {
            page_paths.extend(lang_pages);
        }
    }
    sitemap_paths.sort();
    if lazy {
        page_paths.push(feeds::SITEMAP.to_string());
    } else {
        outputs.push(feeds::sitemap(config, &sitemap_paths));
    }
    let statics = &engine.statics;
    let read: Vec<Result<Output, Diagnostic>> = statics
        .par_iter()
        .map(|(path, file)| match file {
            theme::StaticFile::Bytes(b) => Ok(Output {
                path: path.clone(),
                bytes: b.to_vec(),
            }),
            theme::StaticFile::Path(full) => std::fs::read(full)
                .map(|bytes| Output {
                    path: path.clone(),
                    bytes,
                })
                .map_err(|e| {
                    Diagnostic::error(
                        full.to_string_lossy().to_string(),
                        0,
                        0,
                        format!("cannot read the static file: {e}"),
                    )
                }),
        })
        .collect();
    // A static file may override a theme's static file, never a generated one:
    // pages and data must be what the build computed.
    let data_paths: Vec<String> = prepared.iter().flat_map(|(_, d)| d.paths()).collect();
    let generated: std::collections::HashSet<&String> = outputs
        .iter()
        .map(|o| &o.path)
        .chain(&page_paths)
        .chain(&data_paths)
        .collect();
    let mut statics_read = Vec::new();
    for r in read {
        match r {
            Ok(o) if generated.contains(&o.path) || o.path == crate::output::MANIFEST => diags
                .push(
                Diagnostic::error(
                    format!("static/{}", o.path),
                    0,
                    0,
                    format!("`{}` would replace a file the build generates", o.path),
                )
                .with_help(
                    "rename or move the static file; pages and data files are written by retiment",
                ),
            ),
            Ok(o) => statics_read.push(o),
            Err(d) => diags.push(d),
        }
    }
    outputs.extend(statics_read);
    Assembled {
        outputs,
        prepared,
        sitemap: sitemap_paths,
    }
}

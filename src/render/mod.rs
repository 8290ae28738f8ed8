//! Render: Tera templates of the theme (and the site's overrides) over the
//! plan and its figures, in every language; returns files in memory.

pub mod context;
pub mod facets;
pub mod feeds;
pub mod format;
pub mod jobs;
pub mod minify;
pub mod pages;
pub mod search;
pub mod tables;
pub mod theme;

use crate::config::Config;
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use rayon::prelude::*;
use std::path::Path;

/// One output file, path relative to the output folder (`actions/1.1.7/index.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Check every Markdown body (default language and translations) for broken
/// `@/` links, each in its own file's language, in parallel.
pub fn check_bodies(plan: &Plan, diags: &mut Vec<Diagnostic>) {
    let mut texts: Vec<&crate::model::Text> = Vec::new();
    texts.extend(plan.home.iter());
    texts.extend(plan.lines.iter().map(|x| &x.text));
    texts.extend(plan.objectives.iter().map(|x| &x.text));
    texts.extend(plan.actions.iter().map(|x| &x.text));
    texts.extend(plan.reports.iter().map(|x| &x.text));
    texts.extend(plan.pages.iter().map(|x| &x.text));
    texts.extend(plan.translations.values());
    let found: Vec<Vec<Diagnostic>> = texts
        .par_iter()
        .map(|t| {
            let mut d = Vec::new();
            let resolve = |path: &str| plan.resolve_content_path(path).map(|_| String::new());
            let cx = crate::markdown::Context {
                path: &t.path,
                body_line: t.body_line,
                resolve: &resolve,
                raw_html: true,
            };
            crate::markdown::render(&t.body, &cx, &mut d);
            d
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// Check the theme (templates parse, every interface string exists) without rendering.
pub fn check_theme(root: &Path, config: &Config, plan: &Plan, diags: &mut Vec<Diagnostic>) {
    facets::facets(plan, diags);
    let templates = theme::templates(root, config, diags);
    theme::strings(root, config, diags);
    theme::static_files(root, config, diags);
    build_tera(config, &templates, false, diags);
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

/// Where pages are minified.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Minify {
    /// In the templates, once, when they are exactly the built-in theme's;
    /// else every page.
    Auto,
    /// Every page, after rendering.
    Pages,
}

type RenderInput<'a> = (
    &'a Path,
    &'a Config,
    &'a Plan,
    &'a Figures,
    Option<&'a crate::history::History>,
);

fn render_with(
    (root, config, plan, figures, history): RenderInput,
    spill: Option<&crate::output::Spill>,
    how: Minify,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Output> {
    let templates = theme::templates(root, config, diags);
    let strings = theme::strings(root, config, diags);
    let statics = theme::static_files(root, config, diags);
    let Some(tera) = build_tera(config, &templates, false, diags) else {
        return Vec::new();
    };
    // The built-in theme's templates are minified once here, instead of
    // every page after rendering; `tera` stays for exact error positions.
    let minified = (how == Minify::Auto && templates.built_in())
        .then(|| build_tera(config, &templates, true, &mut Vec::new()))
        .flatten();
    for required in pages::TEMPLATES
        .iter()
        .filter(|_| theme::exists(root, config))
    {
        if !templates.sources.contains_key(*required) {
            diags.push(
                Diagnostic::error(
                    format!("themes/{}/templates/{required}", config.theme),
                    0,
                    0,
                    format!("the theme has no `{required}` template"),
                )
                .with_help("every theme provides the templates listed in docs/templates.md"),
            );
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return Vec::new();
    }
    let facets = facets::facets(plan, diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Vec::new();
    }
    let mut outputs = vec![feeds::robots(config)];
    // JSON Schemas of the front matter, for editors' YAML tooling.
    outputs.extend(crate::schema::schema_outputs());
    let mut sitemap_paths: Vec<String> = Vec::new();
    for lang in config.languages() {
        let Some(t) = strings.get(&lang) else {
            continue;
        };
        let input = pages::SiteInput {
            tera: &tera,
            minified: minified.as_ref(),
            templates: &templates,
            config,
            plan,
            figures,
            facets: &facets,
            history,
            spill,
            progress: PROGRESS.get(),
        };
        let (lang_outputs, lang_diags) = pages::render_language(&input, &lang, t);
        let index = search::index(plan, config, &lang);
        outputs.push(match spill {
            Some(s) => s.put(index),
            None => index,
        });
        if lang == config.default_language {
            let prefix_len = config.lang_prefix(&lang).len();
            sitemap_paths = lang_outputs
                .iter()
                .filter_map(|o| {
                    o.path
                        .strip_suffix("index.html")
                        .map(|p| p[prefix_len.min(p.len())..].to_string())
                })
                .collect();
        }
        outputs.extend(lang_outputs);
        diags.extend(lang_diags);
    }
    sitemap_paths.sort();
    outputs.push(feeds::sitemap(config, &sitemap_paths));
    let files: Vec<(String, theme::StaticFile)> = statics.into_iter().collect();
    let read: Vec<Result<Output, Diagnostic>> = files
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
    let generated: std::collections::HashSet<String> =
        outputs.iter().map(|o| o.path.clone()).collect();
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
            Ok(o) => outputs.push(o),
            Err(d) => diags.push(d),
        }
    }
    outputs
}

/// Tera with every template of the theme and the site, each minified first
/// when `minify` (see `minify::template`).
fn build_tera(
    config: &Config,
    templates: &theme::Templates,
    minify: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<tera::Tera> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    format::register(&mut tera, config.plan.currency.clone());
    let all = templates.sources.iter().map(|(name, (_, text))| {
        let text = minify
            .then(|| minify::template(text))
            .flatten()
            .unwrap_or_else(|| text.clone());
        (name.clone(), text)
    });
    if let Err(e) = tera.add_raw_templates(all) {
        diags.extend(tera_diagnostics(&e, templates));
        return None;
    }
    Some(tera)
}

/// A Tera error as a diagnostic at the template's `path:line:column`.
pub fn tera_diagnostic(e: &tera::Error, templates: &theme::Templates) -> Diagnostic {
    tera_diagnostics(e, templates).remove(0)
}

/// Every problem in a Tera error, each at its template's `path:line:column`.
/// Checks made after parsing (unknown functions, components, templates) come
/// as ready-made reports in one message: they are read back from its text.
pub fn tera_diagnostics(e: &tera::Error, templates: &theme::Templates) -> Vec<Diagnostic> {
    let path_of = |name: &str| {
        templates
            .sources
            .get(name)
            .map_or_else(|| name.to_string(), |(p, _)| p.clone())
    };
    let mut source = e.source_chain_text();
    if !source.is_empty() {
        source.insert_str(0, ": ");
    }
    if let tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) = e.kind() {
        let message = format!("{}{source}", r.message());
        return vec![Diagnostic::error(
            path_of(r.filename()),
            r.span().start_line,
            r.span().start_col + 1,
            message,
        )];
    }
    let text = e.to_string();
    let mut out = Vec::new();
    let mut message: Option<String> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m.trim().to_string());
        } else if let (Some(m), Some(loc)) = (&message, line.trim_start().strip_prefix("--> ")) {
            let mut parts = loc.rsplitn(3, ':');
            let (col, row, name) = (parts.next(), parts.next(), parts.next());
            if let (Some(c), Some(r), Some(n)) = (
                col.and_then(|c| c.parse().ok()),
                row.and_then(|r| r.parse().ok()),
                name,
            ) {
                out.push(Diagnostic::error(path_of(n), r, c, m.clone()));
                message = None;
            }
        }
    }
    if out.is_empty() {
        out.push(Diagnostic::error(
            "templates",
            0,
            0,
            format!("{text}{source}"),
        ));
    }
    out
}

trait SourceChain {
    fn source_chain_text(&self) -> String;
}

impl SourceChain for tera::Error {
    fn source_chain_text(&self) -> String {
        let mut parts = Vec::new();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            parts.push(c.to_string());
            cause = c.source();
        }
        parts.join(": ")
    }
}

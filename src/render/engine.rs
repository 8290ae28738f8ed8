//! The template engine of a build: Tera loaded with the theme's and the
//! site's templates (and, for the built-in theme, their minified twins),
//! the interface strings and the static files, and Tera's errors as
//! diagnostics at `path:line:column`.

use super::{format, fragments, minify, pages, theme};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use std::path::Path;
use std::sync::Arc;

/// Where pages are minified.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Minify {
    /// In the templates, once, when they are exactly the built-in theme's;
    /// else every page.
    Auto,
    /// Every page, after rendering.
    Pages,
}

/// The theme of a build, loaded and checked.
pub struct Engine {
    pub templates: theme::Templates,
    pub strings: theme::Strings,
    pub statics: std::collections::BTreeMap<String, theme::StaticFile>,
    /// The templates as written: renders pages (which are then minified),
    /// and reports errors at their real positions.
    pub tera: Arc<tera::Tera>,
    /// The built-in theme's templates, minified (see `pages::SiteInput`).
    pub minified: Option<Arc<tera::Tera>>,
}

/// A theme loaded by the preview, with the warnings loading it gave: kept
/// while no file outside `content/` changes (see `crate::Caches::changed`).
pub struct Loaded {
    pub engine: Arc<Engine>,
    pub warnings: Vec<Diagnostic>,
}

/// `load`, or the theme in `cache` when there is one; a theme loaded
/// without errors is kept there.
pub fn load_cached(
    root: &Path,
    config: &Config,
    cache: &mut Option<Loaded>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<Engine>> {
    if cache.is_none() {
        let mut found = Vec::new();
        let Some(engine) = load(root, config, Minify::Auto, &mut found) else {
            diags.extend(found);
            return None;
        };
        *cache = Some(Loaded {
            engine: engine.into(),
            warnings: found,
        });
    }
    let loaded = cache.as_ref()?;
    diags.extend(loaded.warnings.iter().cloned());
    Some(loaded.engine.clone())
}

/// Load the theme (templates, strings, static files); `None`, with the
/// problems in `diags`, when it cannot render the site.
pub fn load(
    root: &Path,
    config: &Config,
    how: Minify,
    diags: &mut Vec<Diagnostic>,
) -> Option<Engine> {
    let templates = theme::templates(root, config, diags);
    let strings = theme::strings(root, config, diags);
    let statics = theme::static_files(root, config, diags);
    let tera = build_tera(config, &templates, false, diags)?;
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
        return None;
    }
    Some(Engine {
        templates,
        strings,
        statics,
        tera,
        minified,
    })
}

/// Tera with every template of the theme and the site, each minified first
/// when `minify` (see `minify::template`).
pub fn build_tera(
    config: &Config,
    templates: &theme::Templates,
    minify: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<tera::Tera>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    format::register(&mut tera, config.plan.currency.clone());
    let own = fragments::register(&mut tera);
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
    let tera = Arc::new(tera);
    let _ = own.set(Arc::downgrade(&tera));
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
    let source = causes(e);
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

/// The causes of a Tera error, each after the one it caused, each after
/// `: `, to follow its message (a Tera error displays its own only);
/// empty when it has none.
pub(super) fn causes(e: &tera::Error) -> String {
    let mut text = String::new();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

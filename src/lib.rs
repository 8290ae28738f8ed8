//! retiment: a static site generator for public accountability.
//!
//! Data flows one way: **load → link & validate → derive → render → write**.
//! Each stage is a plain function over plain data; only `output` touches the
//! disk, and only when no stage reported an error.

pub mod config;
pub mod config_keys;
pub mod data;
pub mod derive;
pub mod derive_reports;
pub mod diagnostics;
pub mod history;
pub mod history_store;
pub mod load;
pub mod markdown;
pub mod markdown_links;
pub mod markdown_minified;
pub mod model;
pub mod model_action;
pub mod model_lookup;
pub mod model_refs;
pub mod natural;
pub mod output;
pub mod render;
pub mod report;
pub mod reuse;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod timings;
pub mod warnings;

use diagnostics::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// Overrides `output_dir` of site.toml (relative to the current folder).
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// A site compiled in memory.
pub struct Compiled {
    pub config: config::Config,
    pub plan: model::Plan,
    pub figures: derive::Figures,
    pub outputs: Vec<render::Output>,
    /// Warnings only: a compiled site has no errors.
    pub warnings: Vec<Diagnostic>,
}

/// Load, validate, derive and render without writing anything. Errors come
/// back all together, sorted by file and position.
pub fn compile(opts: &Options) -> Result<Compiled, Vec<Diagnostic>> {
    roomy_threads();
    let config = read_config(opts)?;
    compile_with(opts, config, None)
}

fn read_config(opts: &Options) -> Result<config::Config, Vec<Diagnostic>> {
    let root = &opts.root;
    let config_path = root.join(config::CONFIG_FILE);
    let text = std::fs::read_to_string(&config_path).map_err(|e| {
        vec![Diagnostic::error(
            config::CONFIG_FILE,
            0,
            0,
            format!("cannot read site.toml: {e}"),
        )
        .with_help("run retiment in a site folder (one with site.toml), or pass --root DIR")]
    })?;
    config::parse(&text, opts.base_url.as_deref())
}

/// What the preview keeps from one rebuild to the next.
#[derive(Default)]
pub struct Caches {
    pub parsed: load::ParseCache,
    pub bodies: render::bodies::BodyCache,
    pub linked: model_action::LinkMemo,
    /// The theme, loaded once while no file outside `content/` changes.
    pub theme: Option<render::engine::Loaded>,
    /// Each entity's share of the data files, made again only when it changed.
    pub data: std::sync::Arc<render::dataset::DataMemo>,
    /// The derived figures and the facets, while the actions they read are alike.
    pub figures: Option<reuse::Reused<std::sync::Arc<derive::Figures>>>,
    pub facets: Option<reuse::Reused<std::sync::Arc<Vec<render::facets::Facet>>>>,
    /// The git history, read again only from the commits made since.
    pub history: history::HistoryCache,
}

impl Caches {
    /// The file watcher saw `paths` (under `root`) change; `lost_track`
    /// when it may have missed some, so nothing kept can be trusted.
    pub fn changed(&mut self, root: &Path, paths: &[PathBuf], lost_track: bool) {
        let content = root.join("content");
        // The configuration decides how everything is read (languages, theme).
        if lost_track || paths.iter().any(|p| p == &root.join(config::CONFIG_FILE)) {
            *self = Caches::default();
            return;
        }
        for path in paths {
            if path.starts_with(&content) {
                self.parsed.changed(path);
            } else {
                self.theme = None;
            }
        }
    }
}

/// A site loaded, linked, checked and derived: what rendering reads.
pub struct Model {
    pub config: config::Config,
    pub plan: model::Plan,
    /// Shared: the preview keeps them while the actions they read are alike.
    pub figures: std::sync::Arc<derive::Figures>,
    /// Shared: the preview keeps it while no commit is made.
    pub history: Option<std::sync::Arc<history::History>>,
}

/// Load → link & validate → derive, with the problems found.
fn model(
    opts: &Options,
    config: config::Config,
    caches: Option<&mut Caches>,
) -> (Model, Vec<Diagnostic>) {
    let root = &opts.root;
    let mut diags = Vec::new();
    let (sources, bodies, linked, kept_figures, kept_history) = match caches {
        Some(c) => (
            load::load_cached(root, &config, &mut c.parsed, &mut diags),
            Some(&mut c.bodies),
            Some(&mut c.linked),
            Some(&mut c.figures),
            Some(&mut c.history),
        ),
        None => (
            load::load(root, &config, &mut diags),
            None,
            None,
            None,
            None,
        ),
    };
    timings::lap("load");
    let plan = model::link(sources, &config, opts.drafts, linked, &mut diags);
    timings::lap("link");
    warnings::check(&plan, &mut diags);
    timings::lap("warnings");
    let target = config.accountability.cooperation_target_pct;
    let figures = match kept_figures {
        Some(kept) => derive::derive_reusing(&plan, target, kept),
        None => std::sync::Arc::new(derive::derive(&plan, target)),
    };
    timings::lap("derive");
    match bodies {
        Some(cache) => render::bodies::check_bodies_cached(&plan, cache, &mut diags),
        None => render::check_bodies(&plan, &mut diags),
    }
    timings::lap("bodies");
    let history = match kept_history {
        Some(cache) => history::read_cached(root, cache),
        None => history::read(root),
    };
    let history = history.unwrap_or_else(|e| {
        diags.push(Diagnostic::warning(
            ".git",
            0,
            0,
            format!("the git history could not be read, so pages list no modifications: {e}"),
        ));
        None
    });
    timings::lap("history");
    let model = Model {
        config,
        plan,
        figures,
        history,
    };
    (model, diags)
}

/// `compile`, writing pages into `spill` as they are rendered (see `build`).
fn compile_with(
    opts: &Options,
    config: config::Config,
    spill: Option<&output::Spill>,
) -> Result<Compiled, Vec<Diagnostic>> {
    let root = &opts.root;
    let (model, mut diags) = model(opts, config, None);
    let Model {
        config,
        plan,
        figures,
        history,
    } = model;
    let mut outputs = if diags.iter().any(Diagnostic::is_error) {
        // A plan with errors is never rendered, but the theme is still checked,
        // so that every problem shows up in the same run.
        render::check_theme(root, &config, &plan, &mut diags);
        Vec::new()
    } else {
        render::render_to(
            root,
            &config,
            &plan,
            &figures,
            history.as_deref(),
            spill,
            &mut diags,
        )
    };
    let mut all = Diagnostics::new();
    all.extend(diags);
    if all.has_errors() {
        return Err(all.into_sorted());
    }
    timings::lap("sitemap and static files");
    output::add_manifest_with(&mut outputs, spill);
    timings::lap("manifest");
    timings::templates();
    Ok(Compiled {
        config,
        plan,
        // Not shared outside the preview: no copy is made.
        figures: std::sync::Arc::unwrap_or_clone(figures),
        outputs,
        warnings: all.into_sorted(),
    })
}

/// A site compiled for the preview: the files made at once, and `live`,
/// which makes the others (pages, search indexes, other languages' data)
/// on request.
pub struct LiveSite {
    pub live: render::live::Live,
    pub files: Vec<render::Output>,
    /// Warnings only.
    pub warnings: Vec<Diagnostic>,
}

/// Compile for the preview: only files that changed since `caches` saw them
/// are parsed and checked again, and pages are left to render on request
/// (a template error on one page shows when that page is asked for).
pub fn compile_live(opts: &Options, caches: &mut Caches) -> Result<LiveSite, Vec<Diagnostic>> {
    roomy_threads();
    timings::start();
    let config = read_config(opts)?;
    timings::lap("config");
    let (model, mut diags) = model(opts, config, Some(caches));
    let live = if diags.iter().any(Diagnostic::is_error) {
        render::check_theme(&opts.root, &model.config, &model.plan, &mut diags);
        None
    } else {
        render::live::Live::new(
            &opts.root,
            model,
            &mut caches.theme,
            caches.data.clone(),
            &mut caches.facets,
            &mut diags,
        )
    };
    timings::lap("prepare");
    let mut all = Diagnostics::new();
    all.extend(diags);
    match live {
        Some((live, files)) if !all.has_errors() => Ok(LiveSite {
            live,
            files,
            warnings: all.into_sorted(),
        }),
        _ => Err(all.into_sorted()),
    }
}

/// The example site at the repository's root, compiled: for unit tests that
/// need a whole plan.
#[cfg(test)]
pub(crate) fn example_site() -> Compiled {
    let opts = Options {
        root: env!("CARGO_MANIFEST_DIR").into(),
        ..Default::default()
    };
    compile(&opts).expect("the example site builds")
}

/// Give rayon's workers 64 MiB stacks (reserved, not used, until needed):
/// third-party parsers recurse, and a hostile page must not abort the build.
fn roomy_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(64 << 20)
            .build_global();
    });
}

/// Why a build failed.
#[derive(Debug)]
pub enum BuildError {
    /// Content, configuration or theme problems: nothing was written.
    Content(Vec<Diagnostic>),
    /// The output folder could not be used or written: the previous site is untouched.
    Output(String),
}

/// Compile, then write the output folder atomically. Pages are written as
/// they are rendered, into a new folder beside the output folder (so a
/// build's memory does not grow with the site), which replaces the output
/// folder only when everything was written; on any error it is removed.
/// Content problems are reported before output-folder problems.
pub fn build(opts: &Options) -> Result<(Compiled, PathBuf), BuildError> {
    roomy_threads();
    timings::start();
    let config = read_config(opts).map_err(BuildError::Content)?;
    let out = output_dir(opts, &config);
    let cannot_write = |e: std::io::Error| format!("cannot write {}: {e}", out.display());
    let spill = output::check_output_dir(&opts.root, &out)
        .and_then(|()| output::Spill::create(&out).map_err(cannot_write));
    let compiled = match compile_with(opts, config, spill.as_ref().ok()) {
        Ok(c) => c,
        Err(diags) => {
            if let Ok(s) = spill {
                s.abandon();
            }
            return Err(BuildError::Content(diags));
        }
    };
    let spill = spill.map_err(BuildError::Output)?;
    spill
        .finish(&compiled.outputs)
        .map_err(|e| BuildError::Output(cannot_write(e)))?;
    timings::lap("written");
    Ok((compiled, out))
}

/// The output folder: `--output`, else `output_dir` of site.toml under the root.
pub fn output_dir(opts: &Options, config: &config::Config) -> PathBuf {
    match &opts.output {
        Some(p) => p.clone(),
        None => Path::new(&opts.root).join(&config.output_dir),
    }
}

//! The command line: `build`, `check`, `new`, `init`, `serve` and `schemas`.
//! Exit 0 on success, 1 on content errors (or a refused `new`/`init`), 2 on
//! usage errors (clap's own exit code).

use clap::{Parser, Subcommand, ValueEnum};
use retiment::diagnostics::Diagnostic;
use retiment::scaffold::{NewKind, ScaffoldError};
use retiment::{report, BuildError, Options};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Pages are rendered on every core at once; see docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "retiment",
    version,
    about = "Builds a public body's accountability website from Markdown files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Replace `base_url` of site.toml (e.g. for a preview host).
    #[arg(long)]
    base_url: Option<String>,
    /// Include actions marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(clap::Args)]
struct RootArg {
    /// The site folder (the one with site.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically: on error nothing changes).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: `output_dir` of site.toml, under the site folder).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Check everything `build` checks, without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print problems: for people, or one JSON object per line.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Create a content file with every field of its kind, ready to fill in.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Create a new site (site.toml, a first line, objective, action and report) in an empty folder.
    Init {
        /// The folder to create the site in; it must be new or empty.
        dir: PathBuf,
    },
    /// Preview the site: build it in memory, serve it, rebuild and reload on every change.
    Serve {
        #[command(flatten)]
        root: RootArg,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; the default is reachable from this computer only.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
        /// Include actions marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Write the JSON Schemas of the front matter to `schemas/` in the site folder.
    Schemas {
        #[command(flatten)]
        root: RootArg,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// content/actions/<id>.md
    Action {
        id: String,
        /// The objective it serves (must exist).
        #[arg(long)]
        objective: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/objectives/<id>.md
    Objective {
        id: String,
        /// The line of intervention it belongs to (must exist).
        #[arg(long)]
        line: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/lines/<id>.md
    Line {
        id: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/reports/<year>.md
    Report {
        year: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/pages/<slug>.md
    Page {
        slug: String,
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
}

fn options(site: SiteArgs, output: Option<PathBuf>) -> Options {
    Options {
        root: site.root,
        output,
        base_url: site.base_url,
        drafts: site.drafts,
    }
}

/// A progress bar on a terminal for long builds; none when output is piped or in CI.
fn progress_bar() -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(
        "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

/// Print problems; a closed pipe (e.g. `| head`) is not an error worth a panic.
fn print(diags: &[Diagnostic], format: Format, root: &Path) {
    match format {
        Format::Human => {
            let _ = std::io::stderr()
                .lock()
                .write_all(report::human(diags, root).as_bytes());
        }
        Format::Json => {
            let _ = std::io::stdout()
                .lock()
                .write_all(report::json(diags).as_bytes());
        }
    }
}

fn main() -> ExitCode {
    // Before any template value is made (see the module).
    retiment::render::hash_seeds::install();
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site, output } => build(options(site, output)),
        Command::Check { site, format } => check(options(site, None), format),
        Command::New { what } => new(what),
        Command::Init { dir } => init(&dir),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => {
            let opts = retiment::serve::ServeOptions {
                root: root.root,
                bind,
                port,
                open,
                drafts,
            };
            match retiment::serve::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Schemas { root } => match retiment::schema::write(&root.root) {
            Ok(files) => {
                eprintln!(
                    "wrote {} schemas to {}",
                    files.len(),
                    root.root.join(retiment::schema::DIR).display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the schemas: {e}");
                ExitCode::from(1)
            }
        },
    }
}

fn build(opts: Options) -> ExitCode {
    let started = Instant::now();
    let bar = progress_bar();
    if let Some(b) = &bar {
        retiment::render::show_progress(b.clone());
    }
    let result = retiment::build(&opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match result {
        Ok((compiled, out)) => {
            print(&compiled.warnings, Format::Human, &opts.root);
            let pages = compiled
                .outputs
                .iter()
                .filter(|o| o.path.ends_with(".html"))
                .count();
            let data = compiled
                .outputs
                .iter()
                .filter(|o| o.path.contains("data/"))
                .count();
            eprintln!(
                "built {pages} pages and {data} data files in {} into {} in {} ms",
                match compiled.config.languages().len() {
                    1 => "1 language".to_string(),
                    n => format!("{n} languages"),
                },
                out.display(),
                started.elapsed().as_millis()
            );
            // The process ends here: leaving the plan and its outputs to the
            // system saves freeing them one by one (60 ms at 10,000 actions).
            std::mem::forget(compiled);
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diags)) => {
            print(&diags, Format::Human, &opts.root);
            eprintln!(
                "build failed: {}; nothing was written",
                report::summary(&diags)
            );
            ExitCode::from(1)
        }
        Err(BuildError::Output(msg)) => {
            eprintln!("error: {msg}");
            eprintln!("build failed; the previous output is unchanged");
            ExitCode::from(1)
        }
    }
}

fn check(opts: Options, format: Format) -> ExitCode {
    let (diags, ok) = match retiment::compile(&opts) {
        Ok(compiled) => (compiled.warnings, true),
        Err(diags) => (diags, false),
    };
    print(&diags, format, &opts.root);
    if let Format::Human = format {
        eprintln!(
            "check {}: {}",
            if ok { "passed" } else { "failed" },
            report::summary(&diags)
        );
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn new(what: NewCommand) -> ExitCode {
    let (root, kind, id, title) = match what {
        NewCommand::Action {
            id,
            objective,
            title,
            root,
        } => (root.root, NewKind::Action { objective }, id, title),
        NewCommand::Objective {
            id,
            line,
            title,
            root,
        } => (root.root, NewKind::Objective { line }, id, title),
        NewCommand::Line { id, title, root } => (root.root, NewKind::Line, id, title),
        NewCommand::Report { year, title, root } => (root.root, NewKind::Report, year, title),
        NewCommand::Page { slug, title, root } => (root.root, NewKind::Page, slug, title),
    };
    match retiment::scaffold::new_file(&root, &kind, &id, title.as_deref()) {
        Ok(created) => {
            println!("created {}", created.rel);
            if !created.schemas_present {
                eprintln!("note: run `retiment schemas` to write schemas/, which the file's `$schema` comment points at for your editor");
            }
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e),
    }
}

fn init(dir: &Path) -> ExitCode {
    match retiment::scaffold::init(dir) {
        Ok(files) => {
            for f in &files {
                println!("created {}", dir.join(f).display());
            }
            println!("next: `retiment serve --root {}` to preview it, `retiment build --root {0}` to publish it", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e),
    }
}

fn refused(e: &ScaffoldError) -> ExitCode {
    eprint!("{}", e.details);
    eprintln!("error: {}", e.message);
    if let Some(help) = &e.help {
        eprintln!("  = help: {help}");
    }
    ExitCode::from(1)
}

//! The command line: `build` and `check`. Exit 0 on success, 1 on content
//! errors, 2 on usage errors.

use clap::{Parser, Subcommand, ValueEnum};
use retiment::diagnostics::Diagnostic;
use retiment::{BuildError, Options};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "retiment", version, about = "Builds a public body's accountability website from Markdown files")]
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
        /// How to print problems.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

fn options(site: SiteArgs, output: Option<PathBuf>) -> Options {
    Options { root: site.root, output, base_url: site.base_url, drafts: site.drafts }
}

/// Print problems; a closed pipe (e.g. `| head`) is not an error worth a panic.
fn print(diags: &[Diagnostic], format: Format) {
    use std::io::Write;
    match format {
        Format::Human => {
            let mut err = std::io::stderr().lock();
            for d in diags {
                let _ = writeln!(err, "{d}");
            }
        }
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in diags {
                let _ = writeln!(out, "{}", serde_json::to_string(d).unwrap_or_default());
            }
        }
    }
}

fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("{errors} error{}, {warnings} warning{}", if errors == 1 { "" } else { "s" }, if warnings == 1 { "" } else { "s" })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    match cli.command {
        Command::Build { site, output } => match retiment::build(&options(site, output)) {
            Ok((compiled, out)) => {
                print(&compiled.warnings, Format::Human);
                let pages = compiled.outputs.iter().filter(|o| o.path.ends_with(".html")).count();
                let data = compiled.outputs.iter().filter(|o| o.path.contains("data/")).count();
                eprintln!(
                    "built {pages} pages and {data} data files in {} languages into {} in {} ms",
                    compiled.config.languages().len(),
                    out.display(),
                    started.elapsed().as_millis()
                );
                ExitCode::SUCCESS
            }
            Err(BuildError::Content(diags)) => {
                print(&diags, Format::Human);
                eprintln!("build failed: {}; nothing was written", summary(&diags));
                ExitCode::from(1)
            }
            Err(BuildError::Output(msg)) => {
                eprintln!("error: {msg}");
                eprintln!("build failed; the previous output is unchanged");
                ExitCode::from(1)
            }
        },
        Command::Check { site, format } => match retiment::compile(&options(site, None)) {
            Ok(compiled) => {
                print(&compiled.warnings, format);
                if let Format::Human = format {
                    eprintln!("check passed: {}", summary(&compiled.warnings));
                }
                ExitCode::SUCCESS
            }
            Err(diags) => {
                print(&diags, format);
                if let Format::Human = format {
                    eprintln!("check failed: {}", summary(&diags));
                }
                ExitCode::from(1)
            }
        },
    }
}

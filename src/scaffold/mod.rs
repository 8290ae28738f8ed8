//! `retiment new` (one content file) and `retiment init` (a whole new site):
//! files that are valid as written, never overwriting anything, so that an
//! editor's first `retiment check` after them passes.

pub mod templates;

use crate::config;
use crate::diagnostics::Diagnostic;
use crate::load::{self, is_valid_id};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `retiment new` is asked to create.
#[derive(Debug, Clone)]
pub enum NewKind {
    Action { objective: String },
    Objective { line: String },
    Line,
    Report,
    Page,
}

/// Why a file or a site could not be created: a message, what would be
/// right, and the problems a check found (already rendered for people,
/// since the file they quote may have been taken back).
#[derive(Debug, Clone)]
pub struct ScaffoldError {
    pub message: String,
    pub help: Option<String>,
    pub details: String,
}

impl ScaffoldError {
    fn new(message: impl Into<String>, help: Option<String>) -> Self {
        ScaffoldError {
            message: message.into(),
            help,
            details: String::new(),
        }
    }
}

/// A file that was written: its path under the site root (`content/actions/1.1.9.md`).
#[derive(Debug, Clone)]
pub struct Created {
    pub rel: String,
    pub path: PathBuf,
    /// False when the site has no `schemas/` folder for the `$schema` comment to point at.
    pub schemas_present: bool,
}

/// Write `content/<folder>/<id>.md` for a new line, objective, action, report or page.
pub fn new_file(
    root: &Path,
    kind: &NewKind,
    id: &str,
    title: Option<&str>,
) -> Result<Created, ScaffoldError> {
    check_id(kind, id)?;
    let cfg = read_config(root)?;
    let (folder, text) = match kind {
        NewKind::Action { objective } => {
            require_existing(root, &cfg, "objective", objective)?;
            let title = title.map_or_else(|| format!("Action {id}"), String::from);
            (
                "actions",
                templates::action(
                    id,
                    objective,
                    &title,
                    cfg.plan.start_year.unwrap_or_else(current_year),
                ),
            )
        }
        NewKind::Objective { line } => {
            require_existing(root, &cfg, "line", line)?;
            let title = title.map_or_else(|| format!("Objective {id}"), String::from);
            ("objectives", templates::objective(id, line, &title))
        }
        NewKind::Line => (
            "lines",
            templates::line(
                id,
                &title.map_or_else(|| format!("Line {id}"), String::from),
            ),
        ),
        NewKind::Report => {
            let year: i32 = id.parse().unwrap_or_default();
            (
                "reports",
                templates::report(
                    year,
                    &title.map_or_else(|| format!("Execution report {id}"), String::from),
                ),
            )
        }
        NewKind::Page => (
            "pages",
            templates::page(&title.map_or_else(|| default_page_title(id), String::from)),
        ),
    };
    let rel = format!("content/{folder}/{id}.md");
    let path = root.join(&rel);
    write_new(&path, &rel, &text)?;
    // The file is checked with the rest of the site, the way `retiment check`
    // will see it; rules that only the model knows (a page slug the site
    // already uses, say) refuse it here, and the file is taken back.
    if let Err(diags) = crate::compile(&crate::Options {
        root: root.to_path_buf(),
        ..Default::default()
    }) {
        let own: Vec<Diagnostic> = diags
            .into_iter()
            .filter(|d| d.path == rel && d.is_error())
            .collect();
        if !own.is_empty() {
            let mut e = ScaffoldError::new(
                format!("{rel} would not pass `retiment check`, so it was not created"),
                None,
            );
            e.details = crate::report::human(&own, root);
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    }
    Ok(Created {
        rel,
        path,
        schemas_present: root.join(crate::schema::DIR).is_dir(),
    })
}

/// Create a new site in `dir` (which must be empty or absent): site.toml,
/// one line, objective, action and report, a home page, .gitignore and the
/// schemas. Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>, ScaffoldError> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| ScaffoldError::new(format!("cannot read {}: {e}", dir.display()), None))?
            .next()
            .is_none();
        if !empty {
            return Err(ScaffoldError::new(
                format!("{} is not empty", dir.display()),
                Some("choose a new or empty folder: `retiment init` never overwrites files".into()),
            ));
        }
    }
    let year = current_year();
    let files: Vec<(String, String)> = vec![
        (config::CONFIG_FILE.into(), templates::site_toml(year)),
        (".gitignore".into(), templates::GITIGNORE.into()),
        ("content/_index.md".into(), templates::index()),
        (
            "content/lines/1.md".into(),
            templates::line("1", "First line of intervention"),
        ),
        (
            "content/objectives/1.1.md".into(),
            templates::objective("1.1", "1", "First objective"),
        ),
        (
            "content/actions/1.1.1.md".into(),
            templates::action("1.1.1", "1.1", "First action", year),
        ),
        (
            format!("content/reports/{year}.md"),
            templates::report(year, &format!("Execution report {year}")),
        ),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        write_new(&dir.join(&rel), &rel, &text)?;
        written.push(rel);
    }
    let schemas = crate::schema::write(dir)
        .map_err(|e| ScaffoldError::new(format!("cannot write the schemas: {e}"), None))?;
    written.extend(
        schemas
            .iter()
            .filter_map(|p| p.file_name())
            .map(|n| format!("{}/{}", crate::schema::DIR, n.to_string_lossy())),
    );
    Ok(written)
}

fn check_id(kind: &NewKind, id: &str) -> Result<(), ScaffoldError> {
    if let NewKind::Report = kind {
        if !(id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit()) && id >= "1000") {
            return Err(ScaffoldError::new(
                format!("`{id}` is not a year"),
                Some("a report is named after its year, e.g. `retiment new report 2018`".into()),
            ));
        }
        return Ok(());
    }
    if !is_valid_id(id) {
        return Err(ScaffoldError::new(
            format!("`{id}` cannot be an id: ids are used in file names and URLs"),
            Some(
                "use letters, digits, `.`, `-` and `_` only, e.g. `1.1.7` or `about-the-plan`"
                    .into(),
            ),
        ));
    }
    // `about.es` would be read as the Spanish translation of `about`.
    if let Some((_, last)) = id.rsplit_once('.') {
        if (2..=3).contains(&last.len()) && last.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ScaffoldError::new(
                format!(
                    "`{id}` ends like a language code, so `{id}.md` would be read as a translation"
                ),
                Some("choose an id whose last part is not two or three lowercase letters".into()),
            ));
        }
    }
    Ok(())
}

fn read_config(root: &Path) -> Result<config::Config, ScaffoldError> {
    let path = root.join(config::CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ScaffoldError::new(
            format!("cannot read {}: {e}", path.display()),
            Some("run retiment in a site folder (one with site.toml), pass --root DIR, or create a site with `retiment init DIR`".into()),
        )
    })?;
    config::parse(&text, None).map_err(|diags| {
        let mut e = ScaffoldError::new("site.toml has errors; fix them first", None);
        e.details = crate::report::human(&diags, root);
        e
    })
}

/// Refuse a reference to a line or objective that does not exist, listing those that do.
fn require_existing(
    root: &Path,
    cfg: &config::Config,
    what: &str,
    id: &str,
) -> Result<(), ScaffoldError> {
    // Loading reports problems elsewhere in the site too; they are not this
    // command's business, only the ids that could be read are.
    let mut ignored = Vec::new();
    let sources = load::load(root, cfg, &mut ignored);
    let ids: Vec<&str> = match what {
        "line" => sources.lines.iter().map(|s| s.id.as_str()).collect(),
        _ => sources.objectives.iter().map(|s| s.id.as_str()).collect(),
    };
    if ids.contains(&id) {
        return Ok(());
    }
    let help = if ids.is_empty() {
        format!("the site has no {what}s yet: create one first with `retiment new {what} <id>`")
    } else {
        format!("the {what}s are: {}", ids.join(", "))
    };
    Err(ScaffoldError::new(
        format!("there is no {what} `{id}` (content/{what}s/{id}.md)"),
        Some(help),
    ))
}

/// Create a file that must not exist yet (atomically: never overwrite).
fn write_new(path: &Path, rel: &str, text: &str) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            ScaffoldError::new(format!("cannot create the folder of {rel}: {e}"), None)
        })?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ScaffoldError::new(
                    format!("{rel} already exists"),
                    Some(
                        "edit it, or choose another id: `retiment new` never overwrites a file"
                            .into(),
                    ),
                )
            } else {
                ScaffoldError::new(format!("cannot create {rel}: {e}"), None)
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| ScaffoldError::new(format!("cannot write {rel}: {e}"), None))
}

fn default_page_title(slug: &str) -> String {
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// This year (UTC), for example dates and a new site's plan years.
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil year (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    (yoe + era * 400 + i64::from(mp >= 10)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_before_anything_is_read() {
        let root = Path::new("/nonexistent-site");
        assert!(new_file(root, &NewKind::Line, "../x", None)
            .unwrap_err()
            .message
            .contains("cannot be an id"));
        assert!(new_file(root, &NewKind::Page, "about.es", None)
            .unwrap_err()
            .message
            .contains("language code"));
        assert!(new_file(root, &NewKind::Report, "20x8", None)
            .unwrap_err()
            .message
            .contains("not a year"));
        assert!(new_file(root, &NewKind::Line, "9", None)
            .unwrap_err()
            .message
            .contains("cannot read"));
    }

    #[test]
    fn the_year_is_plausible_and_titles_read_well() {
        assert!((2024..3000).contains(&current_year()));
        assert_eq!(default_page_title("about-the-plan"), "About the plan");
    }
}

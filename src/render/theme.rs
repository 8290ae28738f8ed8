//! The theme: its templates (with the site's `templates/` overriding them),
//! its interface strings per language, and the static files of theme and site.

use crate::config::Config;
use crate::diagnostics::{rel_path as rel, Diagnostic};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default theme, built into the binary; a `themes/default/` folder on disk overrides it.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where the theme's files come from.
enum ThemeSource {
    Disk(PathBuf),
    Embedded,
}

fn source(root: &Path, config: &Config) -> Option<ThemeSource> {
    let dir = theme_dir(root, config);
    if dir.is_dir() {
        Some(ThemeSource::Disk(dir))
    } else if config.theme == "default" {
        Some(ThemeSource::Embedded)
    } else {
        None
    }
}

/// Whether the configured theme exists (on disk, or built in).
pub fn exists(root: &Path, config: &Config) -> bool {
    source(root, config).is_some()
}

/// The line of `theme =` in site.toml, for the missing-theme error.
fn theme_line(root: &Path) -> usize {
    let text = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    text.lines()
        .position(|l| l.trim_start().starts_with("theme") && l.contains('='))
        .map_or(1, |i| i + 1)
}

/// Files of an embedded folder, sorted, as (path relative to it, contents).
fn embedded_files(sub: &str) -> Vec<(String, &'static [u8])> {
    fn collect(dir: &'static Dir<'static>, base: &str, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            let p = f.path().to_string_lossy().to_string();
            out.push((
                p.strip_prefix(base)
                    .unwrap_or(&p)
                    .trim_start_matches('/')
                    .to_string(),
                f.contents(),
            ));
        }
        for d in dir.dirs() {
            collect(d, base, out);
        }
    }
    let mut out = Vec::new();
    if let Some(dir) = EMBEDDED.get_dir(sub) {
        collect(dir, sub, &mut out);
    }
    out.sort();
    out
}

/// A static file to copy: from disk, or from the embedded theme.
pub enum StaticFile {
    Path(PathBuf),
    Bytes(&'static [u8]),
}

/// Templates by name (`action.html`), with the file each came from.
pub struct Templates {
    pub sources: BTreeMap<String, (String, String)>,
}

impl Templates {
    /// Whether these are exactly the built-in theme's templates, none added,
    /// changed or overridden: those are known to minify faithfully (a test
    /// renders every page both ways), so they can be minified once, up front.
    pub fn built_in(&self) -> bool {
        let embedded = embedded_files("templates");
        embedded.len() == self.sources.len()
            && embedded.iter().all(|(name, bytes)| {
                self.sources
                    .get(name)
                    .is_some_and(|(_, text)| text.as_bytes() == *bytes)
            })
    }
}

/// Interface strings of each language, as template values.
pub type Strings = BTreeMap<String, serde_json::Value>;

pub fn theme_dir(root: &Path, config: &Config) -> PathBuf {
    root.join("themes").join(&config.theme)
}

/// Files under `dir`, sorted, as (path relative to `dir`, full path). Symlinks are refused.
fn files_under(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.path_is_symlink() => diags.push(Diagnostic::error(
                rel(root, e.path()),
                0,
                0,
                "symbolic links are not allowed in themes and static folders",
            )),
            Ok(e) if e.file_type().is_file() => {
                let name = e.file_name().to_string_lossy();
                if name.starts_with('.') {
                    continue;
                }
                out.push((rel(dir, e.path()), e.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(err) => diags.push(Diagnostic::error(
                rel(root, dir),
                0,
                0,
                format!("cannot read: {err}"),
            )),
        }
    }
    out
}

/// Read the theme's templates, then the site's overrides.
pub fn templates(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Templates {
    let mut sources = BTreeMap::new();
    let theme = match source(root, config) {
        Some(ThemeSource::Disk(dir)) => dir,
        Some(ThemeSource::Embedded) => {
            for (name, bytes) in embedded_files("templates") {
                let text = String::from_utf8_lossy(bytes).to_string();
                sources.insert(
                    name.clone(),
                    (format!("themes/default/templates/{name} (built in)"), text),
                );
            }
            PathBuf::from("/nonexistent-theme")
        }
        None => {
            diags.push(
                Diagnostic::error("site.toml", theme_line(root), 1, format!("theme `{}` not found: there is no folder themes/{}/", config.theme, config.theme))
                    .with_help("set `theme` in site.toml to a folder under themes/, or to \"default\" for the built-in theme"),
            );
            return Templates { sources };
        }
    };
    for dir in [theme.join("templates"), root.join("templates")] {
        for (name, path) in files_under(root, &dir, diags) {
            let shown = rel(root, &path);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    sources.insert(name, (shown, text));
                }
                Err(e) => diags.push(
                    Diagnostic::error(shown, 0, 0, format!("cannot read the template: {e}"))
                        .with_help("templates are UTF-8 text"),
                ),
            }
        }
    }
    Templates { sources }
}

/// Load `i18n/<lang>.toml` for every language; every key of the default
/// language must exist in every other one.
pub fn strings(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Strings {
    let dir = theme_dir(root, config).join("i18n");
    let mut out = Strings::new();
    if !exists(root, config) {
        return out; // reported once, by `templates`
    }
    let embedded = matches!(source(root, config), Some(ThemeSource::Embedded));
    let mut keys: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for lang in config.languages() {
        let path = dir.join(format!("{lang}.toml"));
        let shown = rel(root, &path);
        let read = if embedded {
            EMBEDDED
                .get_file(format!("i18n/{lang}.toml"))
                .map(|f| String::from_utf8_lossy(f.contents()).to_string())
                .ok_or(())
        } else {
            std::fs::read_to_string(&path).map_err(|_| ())
        };
        let text = match read {
            Ok(t) => t,
            Err(_) => {
                diags.push(
                    Diagnostic::error(
                        &shown,
                        0,
                        0,
                        format!("the theme has no interface strings for language `{lang}`"),
                    )
                    .with_help(format!(
                        "create {shown} with the same keys as {}.toml",
                        config.default_language
                    )),
                );
                continue;
            }
        };
        match toml::from_str::<toml::Table>(&text) {
            Ok(table) => {
                let mut flat = Vec::new();
                flatten("", &table, &mut flat);
                keys.insert(lang.clone(), flat);
                out.insert(lang, serde_json::to_value(&table).unwrap_or_default());
            }
            Err(e) => {
                let (line, column) = e
                    .span()
                    .map_or((1, 1), |s| crate::diagnostics::line_col(&text, s.start));
                diags.push(Diagnostic::error(
                    &shown,
                    line,
                    column,
                    e.message().trim().to_string(),
                ));
            }
        }
    }
    if let Some(reference) = keys.get(&config.default_language).cloned() {
        for (lang, have) in &keys {
            for key in reference.iter().filter(|k| !have.contains(k)) {
                diags.push(
                    Diagnostic::error(
                        format!("{}/{lang}.toml", rel(root, &dir)),
                        0,
                        0,
                        format!("language `{lang}` is missing the interface string `{key}`"),
                    )
                    .with_help(format!(
                        "add `{key}`, translated from {}.toml",
                        config.default_language
                    )),
                );
            }
        }
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            _ => out.push(key),
        }
    }
}

/// Static files: the theme's, then the site's, which win on the same path.
pub fn static_files(
    root: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, StaticFile> {
    let mut files = BTreeMap::new();
    if let Some(ThemeSource::Embedded) = source(root, config) {
        for (path, bytes) in embedded_files("static") {
            files.insert(path, StaticFile::Bytes(bytes));
        }
    }
    for dir in [theme_dir(root, config).join("static"), root.join("static")] {
        for (path, full) in files_under(root, &dir, diags) {
            files.insert(path, StaticFile::Path(full));
        }
    }
    files
}

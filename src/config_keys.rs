//! site.toml's keys: every unknown key reported at once with its line, and
//! where a key sits, for errors about its value.

use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "default_language",
    "theme",
    "output_dir",
    "notice",
    "languages",
    "plan",
    "accountability",
    "markdown",
];

const LANGUAGE_KEYS: &[&str] = &["title", "description", "notice", "name"];

const PLAN_KEYS: &[&str] = &["organisation", "start_year", "end_year", "currency"];

const ACCOUNTABILITY_KEYS: &[&str] = &["cooperation_target_pct", "source_url", "contact"];

const MARKDOWN_KEYS: &[&str] = &["raw_html"];

/// Every unknown key of site.toml at once, each with its line (a typed parse
/// stops at the first one).
pub fn unknown_keys(text: &str) -> Vec<Diagnostic> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new(); // syntax errors are reported by the typed parse
    };
    let mut out = Vec::new();
    let mut check = |section: &str, t: &toml::Table, known: &[&str]| {
        for key in t.keys().filter(|k| !known.contains(&k.as_str())) {
            let (line, column) = key_in_section(text, section, key);
            out.push(
                Diagnostic::error(CONFIG_FILE, line, column, format!("unknown key `{key}`"))
                    .with_help(crate::diagnostics::unknown_key_help(key, known)),
            );
        }
    };
    check("", &table, TOP_KEYS);
    for (name, known) in [
        ("plan", PLAN_KEYS),
        ("accountability", ACCOUNTABILITY_KEYS),
        ("markdown", MARKDOWN_KEYS),
    ] {
        if let Some(toml::Value::Table(t)) = table.get(name) {
            check(name, t, known);
        }
    }
    if let Some(toml::Value::Table(langs)) = table.get("languages") {
        for (lang, v) in langs {
            if let toml::Value::Table(t) = v {
                check(&format!("languages.{lang}"), t, LANGUAGE_KEYS);
            }
        }
    }
    out.sort_by_key(|d| (d.line, d.column));
    out
}

/// Line and column of `key =` inside `[section]` ("" for the top level).
fn key_in_section(text: &str, section: &str, key: &str) -> (usize, usize) {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix('[').and_then(|h| h.split(']').next()) {
            current = header.trim().to_string();
            continue;
        }
        let bare = trimmed.trim_start_matches(['"', '\'']);
        if current == section
            && bare.starts_with(key)
            && bare[key.len()..]
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with('=')
        {
            return (i + 1, line.len() - line.trim_start().len() + 1);
        }
    }
    (1, 1)
}

/// Line and column of `key =` (or `[... .key]`) in the TOML text, for errors on values.
pub fn key_position(text: &str, key: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return (i + 1, indent + 1);
            }
        }
        if trimmed.starts_with('[') && trimmed.contains(&format!(".{key}]")) {
            return (i + 1, indent + 1);
        }
    }
    (1, 1)
}

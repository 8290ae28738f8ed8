//! What a file's name says: whether it is ignored, its id, and the
//! language of a translation (`1.1.7.es.md`).

use super::Kind;
use crate::config::Config;

/// `.hidden` and `_draft` names are ignored; `_index` is not.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || (name.starts_with('_') && !name.starts_with("_index"))
}

/// File name → (id, translation language).
pub fn classify(
    name: &str,
    kind: Kind,
    config: &Config,
) -> Result<(String, Option<String>), (String, String)> {
    let Some(stem) = name.strip_suffix(".md") else {
        return Err((
            format!("`{name}` is not a Markdown file"),
            "content files end in `.md`; put images and downloads under static/".into(),
        ));
    };
    let (id, lang) = match stem.rsplit_once('.') {
        Some((id, lang)) if looks_like_language(lang) => (id, Some(lang.to_string())),
        _ => (stem, None),
    };
    if let Some(lang) = &lang {
        if !config.is_language(lang) {
            return Err((
                format!("translation into `{lang}`, a language not declared in site.toml"),
                format!("add `[languages.{lang}]` to site.toml, or rename the file"),
            ));
        }
        if *lang == config.default_language {
            return Err((
                format!("`{lang}` is the default language: its text lives in `{id}.md`"),
                format!("rename the file to `{id}.md`"),
            ));
        }
    }
    let id = if kind == Kind::Index { "_index" } else { id };
    if kind != Kind::Index && !is_valid_id(id) {
        return Err((
            format!("`{id}` cannot be an id: ids are used in URLs"),
            "use letters, digits, `.`, `-` and `_` only, e.g. `1.1.7` or `about-the-plan`".into(),
        ));
    }
    if kind == Kind::Report && !(id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit())) {
        return Err((
            format!("a report's file is named after its year, found `{id}`"),
            "name it like `2017.md`".into(),
        ));
    }
    Ok((id.to_string(), lang))
}

pub fn looks_like_language(s: &str) -> bool {
    let primary = s.split('-').next().unwrap_or("");
    (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase())
}

pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && !id.contains("..")
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
}

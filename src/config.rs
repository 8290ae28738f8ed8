//! `site.toml`: typed configuration; unknown keys and bad values are refused
//! with their line, so that a typo never passes silently.

use crate::config_keys::{key_position, unknown_keys};
use crate::diagnostics::{line_col, Diagnostic};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub base_url: String,
    pub default_language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    #[serde(default)]
    pub notice: Option<String>,
    /// Every language other than the default one.
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub plan: PlanConfig,
    #[serde(default)]
    pub accountability: AccountabilityConfig,
    #[serde(default)]
    pub markdown: MarkdownConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub notice: Option<String>,
    /// The language's own name for the switcher, when the built-in table lacks it.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    pub organisation: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    #[serde(default = "default_currency")]
    pub currency: String,
}

impl Default for PlanConfig {
    fn default() -> Self {
        PlanConfig {
            organisation: None,
            start_year: None,
            end_year: None,
            currency: default_currency(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountabilityConfig {
    pub cooperation_target_pct: Option<f64>,
    pub source_url: Option<String>,
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown bodies: allowed by default, editors are trusted committers.
    #[serde(default = "yes")]
    pub raw_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig { raw_html: true }
    }
}

fn yes() -> bool {
    true
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_currency() -> String {
    "EUR".into()
}

impl Config {
    /// All languages, default first, then the others in code order.
    pub fn languages(&self) -> Vec<String> {
        let mut langs = vec![self.default_language.clone()];
        langs.extend(
            self.languages
                .keys()
                .filter(|l| **l != self.default_language)
                .cloned(),
        );
        langs
    }

    pub fn is_language(&self, lang: &str) -> bool {
        lang == self.default_language || self.languages.contains_key(lang)
    }

    /// The site title in a language (falls back to the default title).
    pub fn title_in(&self, lang: &str) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    pub fn description_in(&self, lang: &str) -> Option<&str> {
        self.languages
            .get(lang)
            .and_then(|l| l.description.as_deref())
            .or(self.description.as_deref())
    }

    pub fn notice_in(&self, lang: &str) -> Option<&str> {
        self.languages
            .get(lang)
            .and_then(|l| l.notice.as_deref())
            .or(self.notice.as_deref())
    }

    /// The language's own name ("Català"), for language switchers.
    pub fn language_name(&self, lang: &str) -> String {
        if let Some(name) = self.languages.get(lang).and_then(|l| l.name.clone()) {
            return name;
        }
        own_language_name(lang).unwrap_or(lang).to_string()
    }

    /// URL path prefix of a language: "" for the default one, "es/" for the others.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }
}

/// Own names of the languages a public body is likely to publish in.
fn own_language_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "ca" => "Català",
        "es" => "Español",
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "pt" => "Português",
        "eu" => "Euskara",
        "gl" => "Galego",
        "oc" => "Occitan",
        "nl" => "Nederlands",
        "ar" => "العربية",
        "ro" => "Română",
        "pl" => "Polski",
        _ => return None,
    })
}

/// Parse and check `site.toml`'s text. `base_url_override` replaces `base_url` (for `--base-url` and `serve`).
pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let unknown = unknown_keys(text);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut config: Config = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        let message = e.message().trim().replace('\n', " ");
        let help = if message.starts_with("unknown field") {
            "remove the key or fix its spelling; see docs/content-model.md for the keys of site.toml"
        } else {
            "see docs/content-model.md for the keys and types of site.toml"
        };
        vec![Diagnostic::error(CONFIG_FILE, line, column, message).with_help(help)]
    })?;
    if let Some(url) = base_url_override {
        config.base_url = url.to_string();
    }
    let mut errors = Vec::new();
    let at = |key: &str| key_position(text, key);
    if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
        let (l, c) = at("base_url");
        errors.push(
            Diagnostic::error(
                CONFIG_FILE,
                l,
                c,
                format!(
                    "`base_url` must be an absolute URL, found `{}`",
                    config.base_url
                ),
            )
            .with_help("write where the site is published, e.g. \"https://example.org/pam/\""),
        );
    } else if !config.base_url.ends_with('/') {
        config.base_url.push('/');
    }
    for lang in std::iter::once(&config.default_language).chain(config.languages.keys()) {
        if !is_language_code(lang) {
            let (l, c) = at(lang);
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    l,
                    c,
                    format!("`{lang}` is not a language code"),
                )
                .with_help("use a lowercase ISO 639 code such as `ca`, `es` or `en`"),
            );
        }
    }
    if config.theme.is_empty()
        || config.theme.contains(['/', '\\'])
        || config.theme.starts_with('.')
    {
        let (l, c) = at("theme");
        errors.push(Diagnostic::error(
            CONFIG_FILE,
            l,
            c,
            format!(
                "`theme` must be a folder name under themes/, found `{}`",
                config.theme
            ),
        ));
    }
    if let (Some(s), Some(e)) = (config.plan.start_year, config.plan.end_year) {
        if e < s {
            let (l, c) = at("end_year");
            errors.push(Diagnostic::error(
                CONFIG_FILE,
                l,
                c,
                format!("`end_year` ({e}) is before `start_year` ({s})"),
            ));
        }
    }
    if let Some(t) = config.accountability.cooperation_target_pct {
        if !(0.0..=100.0).contains(&t) {
            let (l, c) = at("cooperation_target_pct");
            errors.push(Diagnostic::error(
                CONFIG_FILE,
                l,
                c,
                format!(
                    "`cooperation_target_pct` must be a percentage between 0 and 100, found {t}"
                ),
            ));
        }
    }
    if let Some(url) = &config.accountability.source_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            let (l, c) = at("source_url");
            errors.push(Diagnostic::error(
                CONFIG_FILE,
                l,
                c,
                format!("`source_url` must be an http(s) URL, found `{url}`"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str =
        "title = \"T\"\nbase_url = \"https://example.org/pam\"\ndefault_language = \"ca\"\n";

    #[test]
    fn minimal_config_gets_defaults_and_trailing_slash() {
        let c = parse(MINIMAL, None).unwrap();
        assert_eq!(c.base_url, "https://example.org/pam/");
        assert_eq!(c.theme, "default");
        assert_eq!(c.output_dir, "public");
        assert_eq!(c.languages(), vec!["ca"]);
        assert!(c.markdown.raw_html);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse(&format!("{MINIMAL}titel = \"x\"\n"), None).unwrap_err();
        assert_eq!(err[0].line, 4);
        assert!(err[0].message.contains("titel"), "{}", err[0].message);
    }

    #[test]
    fn relative_base_url_is_refused() {
        let err = parse(
            "title = \"T\"\nbase_url = \"/pam/\"\ndefault_language = \"ca\"\n",
            None,
        )
        .unwrap_err();
        assert_eq!((err[0].line, err[0].column), (2, 1));
    }

    #[test]
    fn languages_default_first() {
        let c = parse(
            &format!("{MINIMAL}[languages.es]\ntitle = \"E\"\n[languages.en]\n"),
            None,
        )
        .unwrap();
        assert_eq!(c.languages(), vec!["ca", "en", "es"]);
        assert_eq!(c.title_in("es"), "E");
        assert_eq!(c.title_in("en"), "T");
        assert_eq!(c.language_name("es"), "Español");
        assert_eq!(c.lang_prefix("es"), "es/");
    }
}

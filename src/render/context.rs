//! The variables every page of a language shares (`data`, `index`, `site`,
//! `t`…) and the `page` of each, as template values.

use super::jobs::Job;
use crate::config::Config;
use crate::data;
use crate::load::Kind;
use crate::model::{Plan, Text};
use serde_json::json;
use tera::{Context, Value};

/// The data files of a language, with their format and size, for download
/// lists: `files` are their paths (from the output folder) and sizes.
pub fn downloads(config: &Config, lang: &str, files: &[(String, usize)]) -> Vec<serde_json::Value> {
    let prefix = config.lang_prefix(lang);
    let mut list: Vec<_> = files
        .iter()
        .filter_map(|(path, size)| {
            let rel = path.strip_prefix(&prefix)?;
            let name = rel.strip_prefix("data/").or_else(|| (rel == "feed.xml").then_some(rel))?;
            let (format, media_type) = match name.rsplit('.').next() {
                Some("csv") => ("CSV", "text/csv"),
                Some("xml") => ("Atom", "application/atom+xml"),
                _ => ("JSON", "application/json"),
            };
            let stem = name.split('.').next().unwrap_or(name);
            Some(json!({ "name": name, "stem": stem, "url": data::url(config, lang, rel), "format": format, "media_type": media_type, "bytes": size }))
        })
        .collect();
    list.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    list
}

/// The commits that changed an entity's files (default language and
/// translations), newest first; none when the site is not in a git repository.
pub fn history_value(
    config: &Config,
    plan: &Plan,
    history: Option<&crate::history::History>,
    kind: Kind,
    id: &str,
    path: &str,
) -> Value {
    let Some(h) = history else {
        return Value::none();
    };
    let mut paths: Vec<&str> = vec![path];
    // Translations are keyed (kind, id, lang): a range, not a scan of all of them.
    paths.extend(
        plan.translations
            .range((kind, id.to_string(), String::new())..)
            .take_while(|((k, i, _), _)| *k == kind && i == id)
            .map(|(_, t)| t.path.as_str()),
    );
    let source = config.accountability.source_url.as_deref();
    let list: Vec<_> = h
        .of(&paths)
        .into_iter()
        .map(|c| json!({ "id": c.id, "short": c.short, "date": c.date, "message": c.message, "url": source.map(|s| format!("{s}commit/{}", c.id)) }))
        .collect();
    Value::from_serializable(&list)
}

/// `index`: lines, objectives, actions and reports by id.
pub fn json_index(v: &super::jobs::Entities) -> Value {
    let by_id = |items: &[(String, Value)]| {
        let by_id = items.iter().map(|(id, v)| (id.clone().into(), v.clone()));
        Value::from(by_id.collect::<tera::Map>())
    };
    let mut m = tera::Map::default();
    m.insert("lines".into(), by_id(&v.lines));
    m.insert("objectives".into(), by_id(&v.objectives));
    m.insert("actions".into(), by_id(&v.actions));
    m.insert("reports".into(), by_id(&v.reports));
    Value::from(m)
}

pub fn base_context(
    config: &Config,
    lang: &str,
    strings: &serde_json::Value,
    doc: &data::Document,
    data_value: Value,
    index: Value,
) -> Context {
    let languages: Vec<_> = config
        .languages()
        .iter()
        .map(|l| json!({ "code": l, "name": config.language_name(l), "title": config.title_in(l), "url": data::url(config, l, ""), "current": l == lang }))
        .collect();
    let a = &config.accountability;
    let site = json!({
        "title": config.title_in(lang),
        "description": config.description_in(lang),
        "notice": config.notice_in(lang),
        "base_url": config.base_url,
        "root": data::url(config, lang, ""),
        "language": lang,
        "default_language": config.default_language,
        "languages": languages,
        "organisation": config.plan.organisation,
        "start_year": config.plan.start_year,
        "end_year": config.plan.end_year,
        "currency": config.plan.currency,
        "target_pct": a.cooperation_target_pct,
        "source_url": a.source_url,
        "contact": a.contact,
    });
    let menu: Vec<_> = doc
        .pages
        .iter()
        .filter(|p| p.menu)
        .map(|p| json!({ "title": p.title, "url": p.url, "text_lang": p.text_lang }))
        .collect();
    let mut cx = Context::new();
    cx.insert("lang", lang);
    cx.insert("t", strings);
    cx.insert("site", &site);
    cx.insert("menu", &menu);
    cx.insert_value("data", data_value);
    cx.insert_value("index", index);
    cx.insert(
        "statuses",
        &crate::load::values::Status::ALL.map(|s| s.as_str()),
    );
    cx
}

pub fn page_value(
    config: &Config,
    lang: &str,
    job: &Job,
    text: Option<&Text>,
    content: &str,
) -> serde_json::Value {
    let translations: Vec<_> = config
        .languages()
        .iter()
        .map(|l| json!({ "code": l, "name": config.language_name(l), "url": data::url(config, l, &job.path), "current": l == lang }))
        .collect();
    json!({
        "kind": job.kind,
        "title": job.title,
        "url": data::url(config, lang, &job.path),
        "path": job.path,
        "content": content,
        "text_lang": text.map_or(lang, |t| t.lang.as_str()),
        "source_path": text.map(|t| t.path.as_str()),
        "translations": translations,
    })
}

//! The pages of one language: which template renders which URL, with which
//! variables (see docs/templates.md), rendered in parallel and minified.

use super::theme::Templates;
use super::{tera_diagnostic, Output};
use crate::config::Config;
use crate::data::{self, page_path};
use crate::derive::Figures;
use crate::diagnostics::Diagnostic;
use crate::load::Kind;
use crate::markdown;
use crate::model::{Plan, Text};
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use tera::{Context, Value};

/// Templates every theme must provide.
pub const TEMPLATES: &[&str] = &[
    "home.html",
    "line.html",
    "objective.html",
    "action.html",
    "actions.html",
    "reports.html",
    "report.html",
    "accountability.html",
    "page.html",
    "404.html",
];

/// What every language's rendering reads, prepared once.
#[derive(Clone, Copy)]
pub struct SiteInput<'a> {
    /// The templates as written: renders pages (which are then minified),
    /// and reports errors at their real positions.
    pub tera: &'a tera::Tera,
    /// The same templates, minified (built-in theme only): when present, pages
    /// are rendered with these and only their Markdown bodies are minified.
    pub minified: Option<&'a tera::Tera>,
    pub templates: &'a Templates,
    pub config: &'a Config,
    pub plan: &'a Plan,
    pub figures: &'a Figures,
    pub facets: &'a [super::facets::Facet],
    pub history: Option<&'a crate::history::History>,
    /// Advanced once per rendered page.
    pub progress: Option<&'a indicatif::ProgressBar>,
    /// Where a build writes pages as they are rendered; none for `check` and `serve`.
    pub spill: Option<&'a crate::output::Spill>,
}

/// Templates rendered only when the theme provides them.
pub const OPTIONAL: &[&str] = &["facet.html", "facets.html", "search.html"];

/// One page to render.
struct Job<'a> {
    template: &'static str,
    kind: &'static str,
    /// URL path relative to the language root ("actions/1.1.7/").
    path: String,
    title: String,
    text: Option<&'a Text>,
    extra: Vec<(&'static str, Value)>,
}

/// Render every page and the data of one language.
pub fn render_language(
    site: &SiteInput,
    lang: &str,
    strings: &serde_json::Value,
) -> (Vec<Output>, Vec<Diagnostic>) {
    let SiteInput {
        tera,
        minified,
        templates,
        config,
        plan,
        figures,
        facets,
        history,
        spill,
        progress,
    } = *site;
    // Written at once, kept in memory only as paths (see `output::Spill`).
    let keep = |o: Output| match spill {
        Some(s) => s.put(o),
        None => o,
    };
    let doc = data::document(plan, figures, config, lang);
    let prefix = config.lang_prefix(lang);
    // plan.json, the CSV tables, the feed and the templates' `data` are each
    // made from the whole document: at the same time, on every core.
    let ((plan_json, tables), (feed, data_value)) = rayon::join(
        || rayon::join(|| json_bytes(&doc), || super::tables::tables(&doc, &prefix)),
        || {
            rayon::join(
                || super::feeds::atom(&doc, config, &prefix, strings),
                || document_value(&doc),
            )
        },
    );
    let mut outputs = vec![Output {
        path: format!("{prefix}data/plan.json"),
        bytes: plan_json,
    }];
    outputs.extend(tables);
    outputs.push(feed);

    // Values share their contents (they are reference-counted): these maps
    // cost a pointer per entry, not a copy of the plan.
    let by_id =
        |items: Vec<(String, Value)>| Value::from(items.into_iter().collect::<HashMap<_, _>>());
    let pick = |key: &str, id_key: &str| -> Vec<(String, Value)> {
        let list = data_value
            .get_from_path(key)
            .and_then(|v| v.as_array())
            .unwrap_or(&[]);
        list.iter()
            .map(|v| {
                (
                    v.get_from_path(id_key)
                        .map(|i| i.to_string())
                        .unwrap_or_default(),
                    v.clone(),
                )
            })
            .collect()
    };
    let (lines, objectives, actions, reports) = (
        pick("lines", "id"),
        pick("objectives", "id"),
        pick("actions", "id"),
        pick("reports", "year"),
    );
    // By id, so that each of 100,000 action pages finds its line and objective without a scan.
    let by_key =
        |list: &[(String, Value)]| -> HashMap<String, Value> { list.iter().cloned().collect() };
    let (line_at, objective_at) = (by_key(&lines), by_key(&objectives));
    let find =
        |map: &HashMap<String, Value>, id: &str| map.get(id).cloned().unwrap_or(Value::none());
    let index = json_index(&lines, &objectives, &actions, &reports, &by_id);

    let mut jobs: Vec<Job> = Vec::new();
    let home_title = plan
        .home
        .as_ref()
        .map(|h| plan.text(Kind::Index, "_index", lang, h).title.clone())
        .unwrap_or_default();
    let home_text = plan
        .home
        .as_ref()
        .map(|h| plan.text(Kind::Index, "_index", lang, h));
    let title = if home_title.is_empty() {
        config.title_in(lang).to_string()
    } else {
        home_title
    };
    jobs.push(Job {
        template: "home.html",
        kind: "home",
        path: String::new(),
        title,
        text: home_text,
        extra: vec![],
    });
    for l in &plan.lines {
        let t = plan.text(Kind::Line, &l.id, lang, &l.text);
        let extra = vec![("line", find(&line_at, &l.id))];
        jobs.push(Job {
            template: "line.html",
            kind: "line",
            path: page_path(Kind::Line, &l.id),
            title: t.title.clone(),
            text: Some(t),
            extra,
        });
    }
    for o in &plan.objectives {
        let t = plan.text(Kind::Objective, &o.id, lang, &o.text);
        let extra = vec![
            ("objective", find(&objective_at, &o.id)),
            ("line", find(&line_at, &o.line)),
        ];
        jobs.push(Job {
            template: "objective.html",
            kind: "objective",
            path: page_path(Kind::Objective, &o.id),
            title: t.title.clone(),
            text: Some(t),
            extra,
        });
    }
    for (i, a) in plan.actions.iter().enumerate() {
        let t = plan.text(Kind::Action, &a.id, lang, &a.text);
        let prev = i
            .checked_sub(1)
            .map_or(Value::none(), |p| actions[p].1.clone());
        let next = actions.get(i + 1).map_or(Value::none(), |n| n.1.clone());
        let extra = vec![
            (
                "history",
                history_value(config, plan, history, Kind::Action, &a.id, &a.text.path),
            ),
            ("action", actions[i].1.clone()),
            ("objective", find(&objective_at, &a.objective)),
            ("line", find(&line_at, &a.line)),
            ("prev", prev),
            ("next", next),
        ];
        jobs.push(Job {
            template: "action.html",
            kind: "action",
            path: page_path(Kind::Action, &a.id),
            title: t.title.clone(),
            text: Some(t),
            extra,
        });
    }
    let s = |key: &str| {
        strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    };
    jobs.push(Job {
        template: "actions.html",
        kind: "actions",
        path: "actions/".into(),
        title: s("actions_title"),
        text: None,
        extra: vec![],
    });
    jobs.push(Job {
        template: "reports.html",
        kind: "reports",
        path: "reports/".into(),
        title: s("reports_title"),
        text: None,
        extra: vec![],
    });
    for (i, r) in plan.reports.iter().enumerate() {
        let id = r.year.to_string();
        let t = plan.text(Kind::Report, &id, lang, &r.text);
        let previous = i
            .checked_sub(1)
            .map_or(Value::none(), |p| reports[p].1.clone());
        let title = if t.title.is_empty() {
            format!("{} {}", s("report_title"), r.year)
        } else {
            t.title.clone()
        };
        let extra = vec![
            ("report", reports[i].1.clone()),
            ("previous", previous),
            (
                "history",
                history_value(config, plan, history, Kind::Report, &id, &r.text.path),
            ),
        ];
        jobs.push(Job {
            template: "report.html",
            kind: "report",
            path: page_path(Kind::Report, &id),
            title,
            text: Some(t),
            extra,
        });
    }
    jobs.push(Job {
        template: "accountability.html",
        kind: "accountability",
        path: "accountability/".into(),
        title: s("accountability_title"),
        text: None,
        extra: vec![],
    });
    for p in &plan.pages {
        let t = plan.text(Kind::Page, &p.slug, lang, &p.text);
        jobs.push(Job {
            template: "page.html",
            kind: "page",
            path: page_path(Kind::Page, &p.slug),
            title: t.title.clone(),
            text: Some(t),
            extra: vec![],
        });
    }
    jobs.push(Job {
        template: "search.html",
        kind: "search",
        path: "search/".into(),
        title: s("search_title"),
        text: None,
        extra: vec![],
    });
    for (kind, folder) in super::facets::KINDS {
        let of_kind: Vec<_> = facets.iter().filter(|f| f.kind == *kind).collect();
        let list: Vec<_> = of_kind
            .iter()
            .map(|f| json!({ "key": f.key, "name": f.name, "url": data::url(config, lang, &f.path), "count": f.actions.len() }))
            .collect();
        let title = strings
            .get("facets")
            .and_then(|f| f.get(*folder))
            .and_then(|v| v.as_str())
            .unwrap_or(folder)
            .to_string();
        let extra = vec![
            ("facet_kind", Value::from(*kind)),
            ("facets", Value::from_serializable(&list)),
        ];
        jobs.push(Job {
            template: "facets.html",
            kind: "facets",
            path: format!("{folder}/"),
            title,
            text: None,
            extra,
        });
        for f in of_kind {
            let value = json!({ "kind": f.kind, "key": f.key, "name": f.name, "url": data::url(config, lang, &f.path), "actions": f.actions });
            let extra = vec![("facet", Value::from_serializable(&value))];
            jobs.push(Job {
                template: "facet.html",
                kind: "facet",
                path: f.path.clone(),
                title: f.name.clone(),
                text: None,
                extra,
            });
        }
    }
    // Every language has its 404 page; hosts serve the root one.
    jobs.push(Job {
        template: "404.html",
        kind: "404",
        path: "404.html".into(),
        title: s("not_found_title"),
        text: None,
        extra: vec![],
    });

    let mut base = base_context(config, lang, strings, &doc, data_value.clone(), index);
    let facet_urls: BTreeMap<&str, BTreeMap<String, String>> = super::facets::paths_by_name(facets)
        .into_iter()
        .map(|(k, m)| {
            (
                k,
                m.into_iter()
                    .map(|(name, path)| (name, data::url(config, lang, &path)))
                    .collect(),
            )
        })
        .collect();
    base.insert("facet_urls", &facet_urls);
    base.insert("downloads", &downloads(config, lang, &outputs));
    let mut outputs: Vec<Output> = outputs.into_iter().map(keep).collect();
    let resolve = |path: &str| {
        plan.resolve_content_path(path)
            .map(|(kind, id)| data::url(config, lang, &page_path(kind, &id)))
    };
    // Pages whose template the theme does not have yet are left out.
    jobs.retain(|j| !OPTIONAL.contains(&j.template) || templates.sources.contains_key(j.template));
    // Lists, facets and reports grow with the plan (a report page of a
    // 10,000-action plan is megabytes): start them first, so that no core is
    // left idle while another finishes one at the end. Outputs are sorted later.
    jobs.sort_by_key(|j| j.template == "action.html");
    if let Some(p) = progress {
        p.inc_length(jobs.len() as u64);
    }
    let results: Vec<(Option<Output>, Vec<Diagnostic>)> = jobs
        .par_iter()
        .map(|job| {
            if let Some(p) = progress {
                p.inc(1);
            }
            let mut diags = Vec::new();
            let content = job.text.map_or(String::new(), |t| {
                let cx = markdown::Context {
                    path: &t.path,
                    body_line: t.body_line,
                    resolve: &resolve,
                    raw_html: config.markdown.raw_html,
                };
                // Broken links were reported by `check_bodies`, once per file.
                let html = markdown::render(&t.body, &cx, &mut Vec::new());
                match minified {
                    Some(_) => super::minify::fragment(html),
                    None => html,
                }
            });
            let mut cx = base.clone();
            cx.insert("page", &page_value(config, lang, job, &content));
            for (k, v) in &job.extra {
                cx.insert_value(*k, v.clone());
            }
            let rendered = match minified {
                Some(fast) => fast.render(job.template, &cx).map(String::into_bytes),
                None => tera
                    .render(job.template, &cx)
                    .map(|html| super::minify::page(html.as_bytes())),
            };
            // Errors are reported from the templates as written, at their lines.
            let rendered = rendered.map_err(|e| match minified {
                Some(_) => tera.render(job.template, &cx).err().unwrap_or(e),
                None => e,
            });
            match rendered {
                Ok(bytes) => {
                    let out_path = if job.path.ends_with(".html") {
                        format!("{prefix}{}", job.path)
                    } else {
                        format!("{prefix}{}index.html", job.path)
                    };
                    (
                        Some(keep(Output {
                            path: out_path,
                            bytes,
                        })),
                        diags,
                    )
                }
                Err(e) => {
                    let mut d = tera_diagnostic(&e, templates);
                    d.message = format!(
                        "while rendering {} ({}): {}",
                        job.template,
                        data::url(config, lang, &job.path),
                        d.message
                    );
                    diags.push(d);
                    (None, diags)
                }
            }
        })
        .collect();
    let mut diags = Vec::new();
    for (o, d) in results {
        outputs.extend(o);
        diags.extend(d);
    }
    (outputs, diags)
}

/// The data files of a language, with their format and size, for download lists.
fn downloads(config: &Config, lang: &str, outputs: &[Output]) -> Vec<serde_json::Value> {
    let prefix = config.lang_prefix(lang);
    let mut list: Vec<_> = outputs
        .iter()
        .filter_map(|o| {
            let rel = o.path.strip_prefix(&prefix)?;
            let name = rel.strip_prefix("data/").or_else(|| (rel == "feed.xml").then_some(rel))?;
            let (format, media_type) = match name.rsplit('.').next() {
                Some("csv") => ("CSV", "text/csv"),
                Some("xml") => ("Atom", "application/atom+xml"),
                _ => ("JSON", "application/json"),
            };
            let stem = name.split('.').next().unwrap_or(name);
            Some(json!({ "name": name, "stem": stem, "url": data::url(config, lang, rel), "format": format, "media_type": media_type, "bytes": o.bytes.len() }))
        })
        .collect();
    list.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    list
}

/// The commits that changed an entity's files (default language and
/// translations), newest first; none when the site is not in a git repository.
fn history_value(
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

fn json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn json_index(
    lines: &[(String, Value)],
    objectives: &[(String, Value)],
    actions: &[(String, Value)],
    reports: &[(String, Value)],
    by_id: &dyn Fn(Vec<(String, Value)>) -> Value,
) -> Value {
    let mut m = HashMap::new();
    m.insert("lines", by_id(lines.to_vec()));
    m.insert("objectives", by_id(objectives.to_vec()));
    m.insert("actions", by_id(actions.to_vec()));
    m.insert("reports", by_id(reports.to_vec()));
    Value::from(m)
}

/// The templates' `data`: the document as a template value, its long lists
/// converted on every core (`Value::from_serializable` of the whole is the
/// same value, made on one).
fn document_value(doc: &data::Document) -> Value {
    fn list<T: serde::Serialize + Sync>(items: &[T]) -> Value {
        Value::from(
            items
                .par_iter()
                .with_min_len(64)
                .map(Value::from_serializable)
                .collect::<Vec<_>>(),
        )
    }
    let data::Document {
        site,
        plan,
        lines,
        objectives,
        actions,
        reports,
        pages,
    } = doc;
    let mut m = HashMap::new();
    m.insert("site", Value::from_serializable(site));
    m.insert("plan", Value::from_serializable(plan));
    m.insert("lines", list(lines));
    m.insert("objectives", list(objectives));
    m.insert("actions", list(actions));
    m.insert("reports", list(reports));
    m.insert("pages", list(pages));
    Value::from(m)
}

fn base_context(
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

fn page_value(config: &Config, lang: &str, job: &Job, content: &str) -> serde_json::Value {
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
        "text_lang": job.text.map_or(lang, |t| t.lang.as_str()),
        "source_path": job.text.map(|t| t.path.as_str()),
        "translations": translations,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_value_is_the_serialised_document() {
        let opts = crate::Options {
            root: env!("CARGO_MANIFEST_DIR").into(),
            ..Default::default()
        };
        let c = crate::compile(&opts).expect("the example site builds");
        for lang in c.config.languages() {
            let doc = crate::data::document(&c.plan, &c.figures, &c.config, &lang);
            assert_eq!(
                super::document_value(&doc),
                tera::Value::from_serializable(&doc)
            );
        }
    }
}

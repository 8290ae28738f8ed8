//! Which template renders which URL of a language, with which variables
//! besides the shared ones (see docs/templates.md): the list of pages.

use super::pages::SiteInput;
use crate::data::{self, page_path};
use crate::load::Kind;
use crate::model::{Plan, Text};
use rayon::prelude::*;
use serde_json::json;
use std::borrow::Cow;
use std::collections::HashMap;
use tera::Value;

/// One page to render. It owns what it needs (no borrow of the plan), so
/// that the preview can keep a language's pages and render one on request.
pub struct Job {
    pub template: &'static str,
    pub kind: &'static str,
    /// URL path relative to the language root ("actions/1.1.7/").
    pub path: String,
    pub title: String,
    pub text: Option<TextRef>,
    pub extra: Vec<(&'static str, Value)>,
}

impl Job {
    /// The page of the entity `text` refers to, whose id in URLs is `id`.
    fn entity(text: TextRef, id: &str, title: String, extra: Vec<(&'static str, Value)>) -> Job {
        let (template, kind, of) = match text {
            TextRef::Home => ("home.html", "home", Kind::Index),
            TextRef::Line(_) => ("line.html", "line", Kind::Line),
            TextRef::Objective(_) => ("objective.html", "objective", Kind::Objective),
            TextRef::Action(_) => ("action.html", "action", Kind::Action),
            TextRef::Report(_) => ("report.html", "report", Kind::Report),
            TextRef::Page(_) => ("page.html", "page", Kind::Page),
        };
        Job {
            template,
            kind,
            path: page_path(of, id),
            title,
            text: Some(text),
            extra,
        }
    }

    /// Its file, relative to the output folder, under the language's `prefix`.
    pub fn output_path(&self, prefix: &str) -> String {
        if self.path.ends_with(".html") {
            format!("{prefix}{}", self.path)
        } else {
            format!("{prefix}{}index.html", self.path)
        }
    }
}

/// Which text of the plan a page shows: an entity by its place in the plan.
#[derive(Debug, Clone, Copy)]
pub enum TextRef {
    Home,
    Line(usize),
    Objective(usize),
    Action(usize),
    Report(usize),
    Page(usize),
}

impl TextRef {
    /// The text in `lang`, or in the default language when not translated.
    pub fn get<'p>(self, plan: &'p Plan, lang: &str) -> Option<&'p Text> {
        let (kind, id, text) = match self {
            TextRef::Home => (Kind::Index, Cow::from("_index"), plan.home.as_ref()?),
            TextRef::Line(i) => plan
                .lines
                .get(i)
                .map(|x| (Kind::Line, Cow::from(&x.id), &x.text))?,
            TextRef::Objective(i) => plan
                .objectives
                .get(i)
                .map(|x| (Kind::Objective, Cow::from(&x.id), &x.text))?,
            TextRef::Action(i) => plan
                .actions
                .get(i)
                .map(|x| (Kind::Action, Cow::from(&x.id), &x.text))?,
            TextRef::Report(i) => plan
                .reports
                .get(i)
                .map(|x| (Kind::Report, Cow::from(x.year.to_string()), &x.text))?,
            TextRef::Page(i) => plan
                .pages
                .get(i)
                .map(|x| (Kind::Page, Cow::from(&x.slug), &x.text))?,
        };
        Some(plan.text(kind, &id, lang, text))
    }

    /// The entity whose modifications the page lists (`history`): actions
    /// and reports, by kind, id and the path of their default file.
    pub fn with_history<'p>(self, plan: &'p Plan) -> Option<(Kind, Cow<'p, str>, &'p str)> {
        match self {
            TextRef::Action(i) => (plan.actions.get(i))
                .map(|a| (Kind::Action, Cow::from(&a.id), a.text.path.as_str())),
            TextRef::Report(i) => (plan.reports.get(i)).map(|r| {
                (
                    Kind::Report,
                    Cow::from(r.year.to_string()),
                    r.text.path.as_str(),
                )
            }),
            _ => None,
        }
    }
}

/// The entities of the templates' `data`, each with its id, in plan order;
/// lines and objectives also by id.
pub struct Entities {
    pub lines: Vec<(String, Value)>,
    pub objectives: Vec<(String, Value)>,
    pub actions: Vec<(String, Value)>,
    pub reports: Vec<(String, Value)>,
    pub line_at: HashMap<String, Value>,
    pub objective_at: HashMap<String, Value>,
}

impl Entities {
    /// Taken from `data` (values share their contents: this copies
    /// pointers), whose lists are `doc`'s, in its order: ids are read from
    /// `doc` rather than looked up in each value.
    pub fn of(data_value: &Value, doc: &data::Document) -> Entities {
        let pick = |key: &str, ids: &mut dyn Iterator<Item = String>| -> Vec<(String, Value)> {
            let list = data_value
                .get_from_path(key)
                .and_then(|v| v.as_array())
                .unwrap_or(&[]);
            ids.zip(list.iter().cloned()).collect()
        };
        let lines = pick("lines", &mut doc.lines.iter().map(|x| x.id.to_string()));
        let objectives = pick(
            "objectives",
            &mut doc.objectives.iter().map(|x| x.id.to_string()),
        );
        // By id, so that each of 100,000 action pages finds its line and objective without a scan.
        let line_at = lines.iter().cloned().collect();
        let objective_at = objectives.iter().cloned().collect();
        Entities {
            actions: pick("actions", &mut doc.actions.iter().map(|x| x.id.to_string())),
            reports: pick(
                "reports",
                &mut doc.reports.iter().map(|x| x.figures.year.to_string()),
            ),
            lines,
            objectives,
            line_at,
            objective_at,
        }
    }
}

/// Every page of a language, in plan order.
pub fn jobs(site: &SiteInput, lang: &str, strings: &serde_json::Value, v: &Entities) -> Vec<Job> {
    let SiteInput {
        config,
        plan,
        facets,
        ..
    } = *site;
    let find =
        |map: &HashMap<String, Value>, id: &str| map.get(id).cloned().unwrap_or(Value::none());
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
        text: home_text.map(|_| TextRef::Home),
        extra: vec![],
    });
    for (i, l) in plan.lines.iter().enumerate() {
        let t = plan.text(Kind::Line, &l.id, lang, &l.text);
        let extra = vec![("line", find(&v.line_at, &l.id))];
        jobs.push(Job::entity(TextRef::Line(i), &l.id, t.title.clone(), extra));
    }
    for (i, o) in plan.objectives.iter().enumerate() {
        let t = plan.text(Kind::Objective, &o.id, lang, &o.text);
        let extra = vec![
            ("objective", find(&v.objective_at, &o.id)),
            ("line", find(&v.line_at, &o.line)),
        ];
        jobs.push(Job::entity(
            TextRef::Objective(i),
            &o.id,
            t.title.clone(),
            extra,
        ));
    }
    // Thousands of them: each on its own, on every core, in plan order.
    let actions: Vec<Job> = plan
        .actions
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let t = plan.text(Kind::Action, &a.id, lang, &a.text);
            let prev = i
                .checked_sub(1)
                .map_or(Value::none(), |p| v.actions[p].1.clone());
            let next = v.actions.get(i + 1).map_or(Value::none(), |n| n.1.clone());
            let extra = vec![
                ("action", v.actions[i].1.clone()),
                ("objective", find(&v.objective_at, &a.objective)),
                ("line", find(&v.line_at, &a.line)),
                ("prev", prev),
                ("next", next),
            ];
            Job::entity(TextRef::Action(i), &a.id, t.title.clone(), extra)
        })
        .collect();
    jobs.extend(actions);
    let s = |key: &str| {
        strings
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(key)
            .to_string()
    };
    // The goals and their counts, from the facet index: counting them in
    // the template scans every action once per goal.
    let sdgs = facet_list(site, lang, "sdg");
    jobs.push(Job {
        template: "actions.html",
        kind: "actions",
        path: "actions/".into(),
        title: s("actions_title"),
        text: None,
        extra: vec![("sdgs", Value::from_serializable(&sdgs))],
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
            .map_or(Value::none(), |p| v.reports[p].1.clone());
        let title = if t.title.is_empty() {
            format!("{} {}", s("report_title"), r.year)
        } else {
            t.title.clone()
        };
        let extra = vec![("report", v.reports[i].1.clone()), ("previous", previous)];
        jobs.push(Job::entity(TextRef::Report(i), &id, title, extra));
    }
    jobs.push(Job {
        template: "accountability.html",
        kind: "accountability",
        path: "accountability/".into(),
        title: s("accountability_title"),
        text: None,
        extra: vec![],
    });
    for (i, p) in plan.pages.iter().enumerate() {
        let t = plan.text(Kind::Page, &p.slug, lang, &p.text);
        jobs.push(Job::entity(
            TextRef::Page(i),
            &p.slug,
            t.title.clone(),
            vec![],
        ));
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
        let list = facet_list(site, lang, kind);
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
        // A status lists thousands of ids: each facet on its own, on every core.
        let facet_jobs = of_kind.par_iter().map(|f| Job {
            template: "facet.html",
            kind: "facet",
            path: f.path.clone(),
            title: f.name.clone(),
            text: None,
            extra: vec![("facet", facet_value(f, data::url(config, lang, &f.path)))],
        });
        jobs.par_extend(facet_jobs);
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
    jobs
}

/// The values of one facet kind, in order, with their action counts: the
/// `facets` of an overview page (and the goals of the list of actions).
fn facet_list(site: &SiteInput, lang: &str, kind: &str) -> Vec<serde_json::Value> {
    (site.facets.iter())
        .filter(|f| f.kind == kind)
        .map(|f| json!({ "key": f.key, "name": f.name, "url": data::url(site.config, lang, &f.path), "count": f.actions.len() }))
        .collect()
}

/// `facet` of a facet page: made as a template value at once (no JSON on
/// the way), since the preview makes every facet's again on each rebuild.
fn facet_value(f: &super::facets::Facet, url: String) -> Value {
    let ids: Vec<Value> = f
        .actions
        .iter()
        .map(|id| Value::from(id.as_str()))
        .collect();
    let mut m = tera::Map::default();
    m.insert("kind".into(), Value::from(f.kind));
    m.insert("key".into(), Value::from(f.key.as_str()));
    m.insert("name".into(), Value::from(f.name.as_str()));
    m.insert("url".into(), Value::from(url));
    m.insert("actions".into(), Value::from(ids));
    m.insert(
        "status_counts".into(),
        Value::from_serializable(&f.status_counts),
    );
    Value::from(m)
}

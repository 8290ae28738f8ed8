//! The `plan.json` document: every entity and every derived figure, in one
//! language. The same document is the templates' `data`, so pages and open
//! data cannot disagree.

use crate::config::Config;
use crate::derive::{Figures, MoneyFigures, Rollup, StatusCounts};
use crate::derive_reports::ReportFigures;
use crate::load::kinds::{BudgetEntry, Indicator, Update};
use crate::load::values::{Date, Status};
use crate::load::Kind;
use crate::model::{Plan, Text};
use rayon::prelude::*;
use serde::Serialize;

/// URL paths (relative to a language's root) of each kind of page.
pub fn page_path(kind: Kind, id: &str) -> String {
    match kind {
        Kind::Index => String::new(),
        Kind::Line => format!("lines/{id}/"),
        Kind::Objective => format!("objectives/{id}/"),
        Kind::Action => format!("actions/{id}/"),
        Kind::Report => format!("reports/{id}/"),
        Kind::Page => format!("{id}/"),
    }
}

/// Absolute URL of a path in a language.
pub fn url(config: &Config, lang: &str, path: &str) -> String {
    format!("{}{}{}", config.base_url, config.lang_prefix(lang), path)
}

#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub site: SiteInfo<'a>,
    pub plan: &'a Rollup,
    pub lines: Vec<LineOut<'a>>,
    pub objectives: Vec<ObjectiveOut<'a>>,
    pub actions: Vec<ActionOut<'a>>,
    pub reports: Vec<ReportOut<'a>>,
    pub pages: Vec<PageOut<'a>>,
}

#[derive(Debug, Serialize)]
pub struct SiteInfo<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub languages: Vec<String>,
    pub organisation: Option<&'a str>,
    pub currency: &'a str,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub cooperation_target_pct: Option<f64>,
    pub source_url: Option<&'a str>,
    pub contact: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct LineOut<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub text_lang: &'a str,
    pub url: String,
    pub order: Option<i64>,
    pub progress: f64,
    pub status_counts: StatusCounts,
    pub money: &'a MoneyFigures,
    pub action_count: u32,
    pub objectives: Vec<&'a str>,
    pub actions: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct ObjectiveOut<'a> {
    pub id: &'a str,
    pub line: &'a str,
    pub title: &'a str,
    pub text_lang: &'a str,
    pub url: String,
    pub progress: f64,
    pub status_counts: StatusCounts,
    pub money: &'a MoneyFigures,
    pub action_count: u32,
    pub actions: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct LinkOut<'a> {
    pub title: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct ActionOut<'a> {
    pub id: &'a str,
    pub objective: &'a str,
    pub line: &'a str,
    pub title: &'a str,
    pub text_lang: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub source_path: &'a str,
    pub status: Status,
    pub progress: u8,
    pub money: &'a MoneyFigures,
    pub last_update: Option<Date>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub responsible: Option<&'a str>,
    pub partners: &'a [String],
    pub municipalities: &'a [String],
    pub sdgs: &'a [u8],
    pub tags: &'a [String],
    pub budget: &'a [BudgetEntry],
    pub indicators: &'a [Indicator],
    pub updates: &'a [Update],
    pub related: &'a [String],
    pub links: Vec<LinkOut<'a>>,
    pub draft: bool,
}

#[derive(Debug, Serialize)]
pub struct ReportOut<'a> {
    pub title: &'a str,
    pub text_lang: &'a str,
    pub url: String,
    pub source_path: &'a str,
    pub published: Option<Date>,
    #[serde(flatten)]
    pub figures: &'a ReportFigures,
}

#[derive(Debug, Serialize)]
pub struct PageOut<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub text_lang: &'a str,
    pub url: String,
    pub order: Option<i64>,
    pub menu: bool,
}

/// Resolve a front-matter link (`@/…` or http) to an absolute URL in `lang`.
pub fn resolve_link(plan: &Plan, config: &Config, lang: &str, target: &str) -> Option<String> {
    match target.strip_prefix("@/") {
        Some(path) => {
            let (path, fragment) = path
                .split_once('#')
                .map_or((path, None), |(p, f)| (p, Some(f)));
            let (kind, id) = plan.resolve_content_path(path)?;
            let u = url(config, lang, &page_path(kind, &id));
            Some(fragment.map_or(u.clone(), |f| format!("{u}#{f}")))
        }
        None => Some(target.to_string()),
    }
}

/// Build the document for one language.
pub fn document<'a>(
    plan: &'a Plan,
    figures: &'a Figures,
    config: &'a Config,
    lang: &'a str,
) -> Document<'a> {
    let text = |kind: Kind, id: &str, default: &'a Text| -> &'a Text {
        plan.text(kind, id, lang, default)
    };
    let site = SiteInfo {
        title: config.title_in(lang),
        base_url: &config.base_url,
        language: lang,
        languages: config.languages(),
        organisation: config.plan.organisation.as_deref(),
        currency: &config.plan.currency,
        start_year: config.plan.start_year,
        end_year: config.plan.end_year,
        cooperation_target_pct: config.accountability.cooperation_target_pct,
        source_url: config.accountability.source_url.as_deref(),
        contact: config.accountability.contact.as_deref(),
    };
    let groups = plan.groups();
    let ids = |members: &[usize]| -> Vec<&'a str> {
        members
            .iter()
            .map(|&i| plan.actions[i].id.as_str())
            .collect()
    };
    let lines = plan
        .lines
        .iter()
        .zip(&figures.lines)
        .enumerate()
        .map(|(n, (l, f))| {
            let t = text(Kind::Line, &l.id, &l.text);
            LineOut {
                id: &l.id,
                title: &t.title,
                text_lang: &t.lang,
                url: url(config, lang, &page_path(Kind::Line, &l.id)),
                order: l.order,
                progress: f.progress,
                status_counts: f.status_counts,
                money: &f.money,
                action_count: f.action_count,
                objectives: groups.objectives_by_line[n]
                    .iter()
                    .map(|&i| plan.objectives[i].id.as_str())
                    .collect(),
                actions: ids(&groups.actions_by_line[n]),
            }
        })
        .collect();
    let objectives = plan
        .objectives
        .iter()
        .zip(&figures.objectives)
        .enumerate()
        .map(|(n, (o, f))| {
            let t = text(Kind::Objective, &o.id, &o.text);
            ObjectiveOut {
                id: &o.id,
                line: &o.line,
                title: &t.title,
                text_lang: &t.lang,
                url: url(config, lang, &page_path(Kind::Objective, &o.id)),
                progress: f.progress,
                status_counts: f.status_counts,
                money: &f.money,
                action_count: f.action_count,
                actions: ids(&groups.actions_by_objective[n]),
            }
        })
        .collect();
    // Thousands of them: made on every core, in plan order.
    let actions = plan
        .actions
        .par_iter()
        .zip(figures.actions.par_iter())
        .map(|(a, f)| {
            let t = text(Kind::Action, &a.id, &a.text);
            ActionOut {
                id: &a.id,
                objective: &a.objective,
                line: &a.line,
                title: &t.title,
                text_lang: &t.lang,
                summary: t.summary.as_deref(),
                url: url(config, lang, &page_path(Kind::Action, &a.id)),
                source_path: &a.text.path,
                status: a.status,
                progress: a.progress,
                money: &f.money,
                last_update: f.last_update,
                start: a.start,
                end: a.end,
                responsible: a.responsible.as_deref(),
                partners: &a.partners,
                municipalities: &a.municipalities,
                sdgs: &a.sdgs,
                tags: &a.tags,
                budget: &a.budget,
                indicators: &a.indicators,
                updates: &a.updates,
                related: &a.related,
                links: a
                    .links
                    .iter()
                    .map(|l| LinkOut {
                        title: &l.title,
                        url: resolve_link(plan, config, lang, &l.url.0).unwrap_or_default(),
                    })
                    .collect(),
                draft: a.draft,
            }
        })
        .collect();
    let reports = plan
        .reports
        .iter()
        .zip(&figures.reports)
        .map(|(r, f)| {
            let id = r.year.to_string();
            let t = text(Kind::Report, &id, &r.text);
            ReportOut {
                title: &t.title,
                text_lang: &t.lang,
                url: url(config, lang, &page_path(Kind::Report, &id)),
                source_path: &r.text.path,
                published: r.published,
                figures: f,
            }
        })
        .collect();
    let mut pages: Vec<PageOut> = plan
        .pages
        .iter()
        .map(|p| {
            let t = text(Kind::Page, &p.slug, &p.text);
            PageOut {
                slug: &p.slug,
                title: &t.title,
                text_lang: &t.lang,
                url: url(config, lang, &page_path(Kind::Page, &p.slug)),
                order: p.order,
                menu: p.menu,
            }
        })
        .collect();
    pages.sort_by(|a, b| {
        a.order
            .unwrap_or(i64::MAX)
            .cmp(&b.order.unwrap_or(i64::MAX))
            .then_with(|| crate::natural::natural_cmp(a.slug, b.slug))
    });
    Document {
        site,
        plan: &figures.plan,
        lines,
        objectives,
        actions,
        reports,
        pages,
    }
}

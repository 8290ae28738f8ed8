//! The front matter of each content kind, as typed structs. Every field is
//! optional here; which ones are required is checked by `model`, so that a
//! file with several problems reports them all.

use super::values::{Date, LinkTarget, Money, Progress, Sdg, Status, Year};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexFm {
    pub title: Option<String>,
}
pub const INDEX_KEYS: &[&str] = &["title"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LineFm {
    pub title: Option<String>,
    pub order: Option<i64>,
}
pub const LINE_KEYS: &[&str] = &["title", "order"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectiveFm {
    pub title: Option<String>,
    pub line: Option<String>,
}
pub const OBJECTIVE_KEYS: &[&str] = &["title", "line"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionFm {
    pub title: Option<String>,
    pub objective: Option<String>,
    pub status: Option<Status>,
    pub progress: Option<Progress>,
    pub summary: Option<String>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub responsible: Option<String>,
    pub partners: Vec<String>,
    pub municipalities: Vec<String>,
    pub sdgs: Vec<Sdg>,
    pub tags: Vec<String>,
    pub budget: Vec<BudgetEntry>,
    pub indicators: Vec<Indicator>,
    pub updates: Vec<Update>,
    pub related: Vec<String>,
    pub links: Vec<Link>,
    pub draft: bool,
}
pub const ACTION_KEYS: &[&str] = &[
    "title",
    "objective",
    "status",
    "progress",
    "summary",
    "start",
    "end",
    "responsible",
    "partners",
    "municipalities",
    "sdgs",
    "tags",
    "budget",
    "indicators",
    "updates",
    "related",
    "links",
    "draft",
];

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetEntry {
    pub year: Year,
    pub planned: Money,
    #[serde(default)]
    pub executed: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    pub year: Year,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub date: Date,
    pub note: String,
    #[serde(default)]
    pub progress: Option<Progress>,
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: LinkTarget,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportFm {
    pub year: Option<Year>,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub own_revenue: Option<Money>,
    pub cooperation_spending: Option<Money>,
}
pub const REPORT_KEYS: &[&str] = &["year", "title", "published", "own_revenue", "cooperation_spending"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageFm {
    pub title: Option<String>,
    pub order: Option<i64>,
    pub menu: bool,
}
pub const PAGE_KEYS: &[&str] = &["title", "order", "menu"];

/// A translation sets only its text: `title`, `summary` (actions) and the body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TranslationFm {
    pub title: Option<String>,
    pub summary: Option<String>,
}
pub const TRANSLATION_KEYS: &[&str] = &["title", "summary"];
pub const TRANSLATION_KEYS_NO_SUMMARY: &[&str] = &["title"];

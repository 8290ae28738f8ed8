//! The front matter of each content kind, as typed structs. Every field is
//! optional here; which ones are required is checked by `model`, so that a
//! file with several problems reports them all.

use super::values::{Date, LinkTarget, Money, Progress, Sdg, Status, Year};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IndexFm {
    #[schemars(description = "The home page title (optional).")]
    pub title: Option<String>,
}
pub const INDEX_KEYS: &[&str] = &["title"];

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LineFm {
    #[schemars(required, description = "The line of intervention, in a few words.")]
    pub title: Option<String>,
    #[schemars(description = "Lines are listed by `order`, then by id.")]
    pub order: Option<i64>,
}
pub const LINE_KEYS: &[&str] = &["title", "order"];

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ObjectiveFm {
    #[schemars(required, description = "The objective, in a few words.")]
    pub title: Option<String>,
    #[schemars(required, description = "Id of an existing line, in quotes: \"1\".")]
    pub line: Option<String>,
}
pub const OBJECTIVE_KEYS: &[&str] = &["title", "line"];

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionFm {
    #[schemars(required, description = "What the action does, in a few words.")]
    pub title: Option<String>,
    #[schemars(
        required,
        description = "Id of an existing objective, in quotes: \"1.1\". The line follows from it."
    )]
    pub objective: Option<String>,
    #[schemars(
        required,
        description = "Today's state. An update should record every change of status."
    )]
    pub status: Option<Status>,
    #[schemars(
        description = "Whole number 0–100; required for in_progress and delayed (not_started is 0, completed is 100)."
    )]
    pub progress: Option<Progress>,
    #[schemars(description = "One sentence, for lists and cards.")]
    pub summary: Option<String>,
    #[schemars(description = "Start date, YYYY-MM-DD.")]
    pub start: Option<Date>,
    #[schemars(description = "End date, YYYY-MM-DD, on or after `start`.")]
    pub end: Option<Date>,
    #[schemars(description = "The unit in charge.")]
    pub responsible: Option<String>,
    #[schemars(description = "Networks, bodies and organisations taking part.")]
    pub partners: Vec<String>,
    #[schemars(description = "Municipalities involved.")]
    pub municipalities: Vec<String>,
    #[schemars(description = "UN Sustainable Development Goals, numbers 1–17.")]
    pub sdgs: Vec<Sdg>,
    #[schemars(description = "Free keywords.")]
    pub tags: Vec<String>,
    #[schemars(description = "Money per year: at most one entry per year.")]
    pub budget: Vec<BudgetEntry>,
    #[schemars(description = "What is measured, with a value per year.")]
    pub indicators: Vec<Indicator>,
    #[schemars(
        description = "The public timeline; annual reports read each year's state from it."
    )]
    pub updates: Vec<Update>,
    #[schemars(description = "Ids of related actions.")]
    pub related: Vec<String>,
    #[schemars(description = "Links to documents: http(s):// or an internal \"@/…\" path.")]
    pub links: Vec<Link>,
    #[schemars(description = "Left out of the site unless built with --drafts.")]
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

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetEntry {
    #[schemars(description = "The budget year.")]
    pub year: Year,
    #[schemars(description = "Money planned that year.")]
    pub planned: Money,
    #[schemars(description = "Money executed that year (counts as 0 until written).")]
    #[serde(default)]
    pub executed: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    #[schemars(description = "What is measured.")]
    pub name: String,
    #[schemars(description = "The unit of the values.")]
    #[serde(default)]
    pub unit: Option<String>,
    #[schemars(description = "The value before the action.")]
    #[serde(default)]
    pub baseline: Option<f64>,
    #[schemars(description = "The value aimed at.")]
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub values: Vec<IndicatorValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    pub year: Year,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Update {
    #[schemars(description = "The day of the update, YYYY-MM-DD.")]
    pub date: Date,
    #[schemars(description = "What happened, in a sentence or two.")]
    pub note: String,
    #[schemars(description = "Progress reached that day, 0–100.")]
    #[serde(default)]
    pub progress: Option<Progress>,
    #[schemars(description = "Status from that day on.")]
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    #[schemars(description = "The link's text.")]
    pub title: String,
    #[schemars(description = "http(s)://… or an internal \"@/…\" path.")]
    pub url: LinkTarget,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReportFm {
    #[schemars(
        required,
        description = "The report's year, the same as the file name."
    )]
    pub year: Option<Year>,
    #[schemars(description = "Optional: the theme shows \"Report <year>\" without one.")]
    pub title: Option<String>,
    #[schemars(description = "The day the report was published, YYYY-MM-DD.")]
    pub published: Option<Date>,
    #[schemars(
        description = "The body's own revenue that year: the base of the cooperation share."
    )]
    pub own_revenue: Option<Money>,
    #[schemars(
        description = "Optional: without it, the sum of every action's executed budget that year."
    )]
    pub cooperation_spending: Option<Money>,
}
pub const REPORT_KEYS: &[&str] = &[
    "year",
    "title",
    "published",
    "own_revenue",
    "cooperation_spending",
];

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PageFm {
    #[schemars(required, description = "The page title.")]
    pub title: Option<String>,
    #[schemars(description = "Menu order.")]
    pub order: Option<i64>,
    #[schemars(description = "true to list the page in the site menu.")]
    pub menu: bool,
}
pub const PAGE_KEYS: &[&str] = &["title", "order", "menu"];

/// A translation sets only its text: `title`, `summary` (actions) and the body.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TranslationFm {
    #[schemars(description = "The title in this language.")]
    pub title: Option<String>,
    #[schemars(description = "Actions only: the summary in this language.")]
    pub summary: Option<String>,
}
pub const TRANSLATION_KEYS: &[&str] = &["title", "summary"];
pub const TRANSLATION_KEYS_NO_SUMMARY: &[&str] = &["title"];

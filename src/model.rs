//! Link & validate: turns parsed `Sources` into the `Plan`, checking every
//! rule of the content model (required fields, references, status and
//! progress, dates, budgets, translations). All problems are reported together.

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::load::kinds::{BudgetEntry, Indicator, Link, Update};
use crate::load::values::{Date, Money, Status};
use crate::load::{Kind, Source, Sources};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The text of an entity in one language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub lang: String,
    pub title: String,
    pub summary: Option<String>,
    /// The Markdown body, shared with the parsed file.
    pub body: std::sync::Arc<str>,
    pub body_line: usize,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub order: Option<i64>,
    pub text: Text,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: String,
    pub line: String,
    pub text: Text,
}

#[derive(Debug, Clone)]
pub struct Action {
    pub id: String,
    pub objective: String,
    pub line: String,
    pub text: Text,
    pub status: Status,
    pub progress: u8,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub responsible: Option<String>,
    pub partners: Vec<String>,
    pub municipalities: Vec<String>,
    pub sdgs: Vec<u8>,
    pub tags: Vec<String>,
    /// Sorted by year.
    pub budget: Vec<BudgetEntry>,
    pub indicators: Vec<Indicator>,
    /// Sorted by date (stable: same-day updates keep the file's order).
    pub updates: Vec<Update>,
    pub related: Vec<String>,
    pub links: Vec<Link>,
    pub draft: bool,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub text: Text,
    pub published: Option<Date>,
    pub own_revenue: Option<Money>,
    pub cooperation_spending: Option<Money>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub order: Option<i64>,
    pub menu: bool,
    pub text: Text,
}

/// The whole site's content, linked and valid. Lists are in natural id order
/// (lines by `order`, then id; reports by year).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub home: Option<Text>,
    pub lines: Vec<Line>,
    pub objectives: Vec<Objective>,
    /// Shared: the preview keeps actions whose file did not change.
    pub actions: Vec<std::sync::Arc<Action>>,
    pub reports: Vec<Report>,
    pub pages: Vec<Page>,
    /// Translations by (kind, id, lang).
    /// Shared: the preview keeps them while no file they come from changed.
    pub translations: std::sync::Arc<BTreeMap<(Kind, String, String), Text>>,
    /// Each action's place by a hash of its id, made when first asked for
    /// (`action`).
    pub(crate) action_at: std::sync::OnceLock<HashMap<u64, usize>>,
}

/// Which actions and objectives belong to each line and objective, by index
/// into the plan's lists: built once, so roll-ups never rescan every action.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Parallel to `plan.lines`: indices into `plan.actions`.
    pub actions_by_line: Vec<Vec<usize>>,
    /// Parallel to `plan.objectives`: indices into `plan.actions`.
    pub actions_by_objective: Vec<Vec<usize>>,
    /// Parallel to `plan.lines`: indices into `plan.objectives`.
    pub objectives_by_line: Vec<Vec<usize>>,
}

impl Plan {
    pub fn groups(&self) -> Groups {
        let line_index: HashMap<&str, usize> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let objective_index: HashMap<&str, usize> = self
            .objectives
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        let mut g = Groups {
            actions_by_line: vec![Vec::new(); self.lines.len()],
            actions_by_objective: vec![Vec::new(); self.objectives.len()],
            objectives_by_line: vec![Vec::new(); self.lines.len()],
        };
        for (i, o) in self.objectives.iter().enumerate() {
            if let Some(&l) = line_index.get(o.line.as_str()) {
                g.objectives_by_line[l].push(i);
            }
        }
        for (i, a) in self.actions.iter().enumerate() {
            if let Some(&l) = line_index.get(a.line.as_str()) {
                g.actions_by_line[l].push(i);
            }
            if let Some(&o) = objective_index.get(a.objective.as_str()) {
                g.actions_by_objective[o].push(i);
            }
        }
        g
    }
}

/// Top-level URL segments that free pages may not take.
const RESERVED_SLUGS: &[&str] = &[
    "lines",
    "objectives",
    "actions",
    "reports",
    "accountability",
    "status",
    "sdgs",
    "partners",
    "municipalities",
    "search",
    "data",
    "schemas",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404",
    "404.html",
    "css",
    "js",
    "img",
];

pub(crate) fn text_of<F>(
    s: &Source<F>,
    lang: &str,
    title: Option<&String>,
    summary: Option<&String>,
) -> Text {
    Text {
        lang: lang.to_string(),
        title: title.cloned().unwrap_or_default(),
        summary: summary.cloned(),
        body: s.body.clone(),
        body_line: s.body_line,
        path: s.path.clone(),
    }
}

fn require_title<F>(s: &Source<F>, title: &Option<String>, diags: &mut Vec<Diagnostic>) {
    if s.positions.contains_key("title") && title.is_none() {
        return; // written, but with a bad value: already reported
    }
    if title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        diags.push(
            Diagnostic::error(&s.path, 1, 1, "missing `title`")
                .with_help("add a line `title: \"…\"` to the front matter"),
        );
    }
}

/// Link and validate everything. `drafts` keeps draft actions in the build.
/// With `memo` (the preview), actions whose file and checks did not change
/// since the last call are not linked again.
pub fn link(
    sources: Sources,
    config: &Config,
    drafts: bool,
    mut memo: Option<&mut crate::model_action::LinkMemo>,
    diags: &mut Vec<Diagnostic>,
) -> Plan {
    let lang = config.default_language.as_str();
    let mut plan = Plan {
        home: sources
            .index
            .as_ref()
            .map(|s| text_of(s, lang, s.fm.title.as_ref(), None)),
        ..Default::default()
    };

    for s in &sources.lines {
        require_title(s, &s.fm.title, diags);
        plan.lines.push(Line {
            id: s.id.clone(),
            order: s.fm.order,
            text: text_of(s, lang, s.fm.title.as_ref(), None),
        });
    }
    plan.lines.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), 0)
            .cmp(&(b.order.unwrap_or(i64::MAX), 0))
            .then_with(|| crate::natural::natural_cmp(&a.id, &b.id))
    });
    let line_ids: BTreeSet<&str> = sources.lines.iter().map(|l| l.id.as_str()).collect();

    for s in &sources.objectives {
        require_title(s, &s.fm.title, diags);
        let line = match &s.fm.line {
            None if s.positions.contains_key("line") => String::new(),
            None => {
                diags.push(
                    Diagnostic::error(&s.path, 1, 1, "missing `line`")
                        .with_help("add `line: \"<id>\"` naming a file in content/lines/"),
                );
                String::new()
            }
            Some(l) if !line_ids.contains(l.as_str()) => {
                let (row, col) = s.pos("line");
                diags.push(unknown_ref(&s.path, row, col, "line", l, &line_ids));
                l.clone()
            }
            Some(l) => l.clone(),
        };
        plan.objectives.push(Objective {
            id: s.id.clone(),
            line,
            text: text_of(s, lang, s.fm.title.as_ref(), None),
        });
    }
    // Each objective's line as linked above (the line written, else none).
    let objective_line: HashMap<&str, &str> = sources
        .objectives
        .iter()
        .map(|o| (o.id.as_str(), o.fm.line.as_deref().unwrap_or("")))
        .collect();
    let objective_ids: BTreeSet<&str> = objective_line.keys().copied().collect();

    let ids = crate::model_action::Ids {
        lang,
        objective_line,
        objective_ids,
        action_ids: sources.actions.iter().map(|a| a.id.as_str()).collect(),
        draft_ids: sources
            .actions
            .iter()
            .filter(|a| a.fm.draft && !drafts)
            .map(|a| a.id.as_str())
            .collect(),
    };
    crate::timings::lap("  link: ids");
    plan.actions =
        crate::model_action::link_actions(&sources.actions, &ids, memo.as_deref_mut(), diags);
    crate::timings::lap("  link: actions");
    let mut years = BTreeSet::new();
    for s in &sources.reports {
        let stem_year: i32 = s.id.parse().unwrap_or(0);
        match s.fm.year {
            None if s.positions.contains_key("year") => {}
            None => diags.push(
                Diagnostic::error(&s.path, 1, 1, "missing `year`")
                    .with_help(format!("add `year: {stem_year}`")),
            ),
            Some(y) if y.0 != stem_year => {
                let (row, col) = s.pos("year");
                diags.push(
                    Diagnostic::error(
                        &s.path,
                        row,
                        col,
                        format!("`year` is {} but the file is named {stem_year}.md", y.0),
                    )
                    .with_help(format!(
                        "set `year: {stem_year}` or rename the file to {}.md",
                        y.0
                    )),
                );
            }
            _ => {}
        }
        years.insert(stem_year);
        let title = s.fm.title.clone().unwrap_or_default();
        plan.reports.push(Report {
            year: stem_year,
            text: text_of(s, lang, Some(&title), None),
            published: s.fm.published,
            own_revenue: s.fm.own_revenue,
            cooperation_spending: s.fm.cooperation_spending,
        });
    }

    let languages = config.languages();
    for s in &sources.pages {
        require_title(s, &s.fm.title, diags);
        if RESERVED_SLUGS.contains(&s.id.as_str()) || languages.contains(&s.id) {
            diags.push(
                Diagnostic::error(
                    &s.path,
                    1,
                    1,
                    format!(
                        "a page cannot be called `{}`: the site uses /{}/ for something else",
                        s.id, s.id
                    ),
                )
                .with_help("rename the file, e.g. `about-the-plan.md`"),
            );
        }
        plan.pages.push(Page {
            slug: s.id.clone(),
            order: s.fm.order,
            menu: s.fm.menu,
            text: text_of(s, lang, s.fm.title.as_ref(), None),
        });
    }

    crate::timings::lap("  link: reports, pages");
    let translations = memo.map(|m| &mut m.translations);
    crate::model_refs::link_translations(&sources, &mut plan, &ids.draft_ids, translations, diags);
    crate::timings::lap("  link: translations");
    crate::model_refs::check_front_matter_links(&sources, &plan, &ids.draft_ids, diags);
    crate::timings::lap("  link: front matter links");
    plan
}

/// A reference to an id that does not exist, with the closest existing one.
pub fn unknown_ref(
    path: &str,
    line: usize,
    column: usize,
    what: &str,
    id: &str,
    known: &BTreeSet<&str>,
) -> Diagnostic {
    let list: Vec<&str> = known.iter().copied().collect();
    let help = match crate::diagnostics::closest(id, &list) {
        Some(k) => format!("did you mean `{k}`?"),
        None if list.len() <= 12 => format!("existing {what}s: {}", list.join(", ")),
        None => format!("no file content/{what}s/{id}.md exists"),
    };
    Diagnostic::error(path, line, column, format!("{what} `{id}` does not exist")).with_help(help)
}

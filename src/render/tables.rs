//! Open data tables: `actions.csv`, `budget.csv`, `indicators.csv`,
//! `reports.csv` and the Frictionless `datapackage.json` that describes them,
//! all written from the same `plan.json` document.

use crate::data::{ActionOut, Document};
use serde_json::json;

/// A text cell that a spreadsheet would run as a formula is prefixed with `'`.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn num(x: f64) -> String {
    // Money has cents, percentages two decimals: print the shortest exact form.
    let s = format!("{x}");
    if s.contains('e') {
        format!("{x:.2}")
    } else {
        s
    }
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_default()
}

/// CSV lines (CRLF-terminated, quoted where needed) of `rows`: a record's
/// bytes never depend on the records around it, so tables are joined from
/// lines made apart.
fn csv_lines<R, F>(rows: impl Iterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    // A small buffer: most calls write one action's few rows.
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1024)
        .from_writer(Vec::new());
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

/// (name, type) of each column, for the CSV header and the data package.
pub type Fields = &'static [(&'static str, &'static str)];

const ACTIONS: Fields = &[
    ("id", "string"),
    ("objective", "string"),
    ("line", "string"),
    ("title", "string"),
    ("summary", "string"),
    ("status", "string"),
    ("progress", "integer"),
    ("planned", "number"),
    ("executed", "number"),
    ("execution_rate_pct", "number"),
    ("start", "date"),
    ("end", "date"),
    ("responsible", "string"),
    ("partners", "string"),
    ("municipalities", "string"),
    ("sdgs", "string"),
    ("tags", "string"),
    ("last_update", "date"),
    ("url", "string"),
];
const BUDGET: Fields = &[
    ("action", "string"),
    ("year", "integer"),
    ("planned", "number"),
    ("executed", "number"),
    ("execution_rate_pct", "number"),
];
const INDICATORS: Fields = &[
    ("action", "string"),
    ("indicator", "string"),
    ("unit", "string"),
    ("baseline", "number"),
    ("target", "number"),
    ("year", "integer"),
    ("value", "number"),
];
const REPORTS: Fields = &[
    ("year", "integer"),
    ("title", "string"),
    ("published", "date"),
    ("own_revenue", "number"),
    ("cooperation_spending", "number"),
    ("cooperation_spending_derived", "boolean"),
    ("cooperation_share_pct", "number"),
    ("target_pct", "number"),
    ("target_met", "boolean"),
    ("planned", "number"),
    ("executed", "number"),
    ("execution_rate_pct", "number"),
    ("progress", "number"),
    ("not_started", "integer"),
    ("in_progress", "integer"),
    ("delayed", "integer"),
    ("completed", "integer"),
    ("cancelled", "integer"),
    ("url", "string"),
];

/// The four CSV files and the data package, under `prefix` (`""` or `es/`).
/// One action's share of the tables, as CSV lines: its row of
/// `actions.csv`, its rows of `budget.csv` and of `indicators.csv`.
pub type ActionRows = [Vec<u8>; 3];

pub fn action_rows(a: &ActionOut) -> ActionRows {
    let t = |s: &str| neutralise(s);
    let list = |xs: &[String]| neutralise(&xs.join("; "));
    let action = vec![
        t(a.id),
        t(a.objective),
        t(a.line),
        t(a.title),
        t(a.summary.unwrap_or("")),
        a.status.as_str().to_string(),
        a.progress.to_string(),
        num(a.money.planned.to_f64()),
        num(a.money.executed.to_f64()),
        opt(a.money.execution_rate_pct.map(num)),
        opt(a.start),
        opt(a.end),
        t(a.responsible.unwrap_or("")),
        list(a.partners),
        list(a.municipalities),
        a.sdgs
            .iter()
            .map(|g| g.to_string())
            .collect::<Vec<_>>()
            .join("; "),
        list(a.tags),
        opt(a.last_update),
        a.url.clone(),
    ];
    let budget = a.money.by_year.iter().map(|(year, m)| {
        vec![
            t(a.id),
            year.clone(),
            num(m.planned.to_f64()),
            num(m.executed.to_f64()),
            opt(m.execution_rate_pct.map(num)),
        ]
    });
    let indicators = a.indicators.iter().flat_map(|ind| {
        ind.values.iter().map(move |v| {
            vec![
                t(a.id),
                t(&ind.name),
                t(ind.unit.as_deref().unwrap_or("")),
                opt(ind.baseline.map(num)),
                opt(ind.target.map(num)),
                v.year.0.to_string(),
                num(v.value),
            ]
        })
    });
    [
        csv_lines(std::iter::once(action)),
        csv_lines(budget),
        csv_lines(indicators),
    ]
}

/// The tables made of actions' rows, in `ActionRows` order: file (under
/// the language's folder) and columns.
pub const ACTION_TABLES: [(&str, Fields); 3] = [
    ("data/actions.csv", ACTIONS),
    ("data/budget.csv", BUDGET),
    ("data/indicators.csv", INDICATORS),
];

/// A table's first line: its column names.
pub fn header(fields: Fields) -> Vec<u8> {
    csv_lines(std::iter::once(fields.iter().map(|f| f.0)))
}

/// The files made of the document as a whole (under the language's
/// folder): `reports.csv` and `datapackage.json`.
pub fn whole_files(doc: &Document) -> Vec<(&'static str, Vec<u8>)> {
    let t = |s: &str| neutralise(s);
    let reports = doc.reports.iter().map(|r| {
        let f = r.figures;
        let c = f.snapshot.status_counts;
        vec![
            f.year.to_string(),
            t(r.title),
            opt(r.published),
            opt(f.own_revenue.map(|m| num(m.to_f64()))),
            num(f.cooperation_spending.to_f64()),
            f.cooperation_spending_derived.to_string(),
            opt(f.cooperation_share_pct.map(num)),
            opt(f.target_pct.map(num)),
            opt(f.target_met),
            num(f.money.planned.to_f64()),
            num(f.money.executed.to_f64()),
            opt(f.money.execution_rate_pct.map(num)),
            num(f.snapshot.progress),
            c.not_started.to_string(),
            c.in_progress.to_string(),
            c.delayed.to_string(),
            c.completed.to_string(),
            c.cancelled.to_string(),
            r.url.clone(),
        ]
    });
    let mut reports_csv = header(REPORTS);
    reports_csv.extend(csv_lines(reports));
    vec![
        ("data/reports.csv", reports_csv),
        ("data/datapackage.json", datapackage(doc)),
    ]
}

fn schema(fields: Fields, primary: &[&str], foreign: Option<(&str, &str)>) -> serde_json::Value {
    let fields: Vec<_> = fields
        .iter()
        .map(|(name, ty)| json!({ "name": name, "type": ty }))
        .collect();
    let mut s = json!({ "fields": fields, "primaryKey": primary, "missingValues": [""] });
    if let Some((field, resource)) = foreign {
        s["foreignKeys"] =
            json!([{ "fields": [field], "reference": { "resource": resource, "fields": ["id"] } }]);
    }
    s
}

fn resource(name: &str, title: &str, schema: serde_json::Value) -> serde_json::Value {
    json!({
        "name": name,
        "title": title,
        "path": format!("{name}.csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    })
}

fn datapackage(doc: &Document) -> Vec<u8> {
    let name: String = doc
        .site
        .base_url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let pkg = json!({
        "profile": "tabular-data-package",
        "name": format!("{name}-{}", doc.site.language),
        "title": doc.site.title,
        "homepage": doc.site.base_url,
        "resources": [
            resource("actions", "Actions: today's status, progress and money", schema(ACTIONS, &["id"], None)),
            resource("budget", "Budget per action and year", schema(BUDGET, &["action", "year"], Some(("action", "actions")))),
            resource("indicators", "Indicator values per action and year", schema(INDICATORS, &["action", "indicator", "year"], Some(("action", "actions")))),
            resource("reports", "Annual execution reports", schema(REPORTS, &["year"], None)),
        ],
    });
    let mut bytes = serde_json::to_vec_pretty(&pkg).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("Normal"), "Normal");
    }

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(num(1000.0), "1000");
        assert_eq!(num(23150.5), "23150.5");
        assert_eq!(num(0.07), "0.07");
    }
}

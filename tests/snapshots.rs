//! Snapshots of what editors and citizens read, so that a change to an
//! error message or to a page's text is a reviewed change (`cargo insta review`).

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every diagnostic of a broken site, as `check` prints their first lines.
#[test]
fn diagnostics_of_a_site_with_broken_references() {
    let opts = retiment::Options {
        root: fixture("bad-references"),
        ..Default::default()
    };
    let diags = retiment::compile(&opts)
        .err()
        .expect("the fixture has errors");
    let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(text.join("\n"));
}

/// The plan-level figures of the fixture plan, as published in plan.json.
#[test]
fn plan_figures_of_the_good_fixture() {
    let opts = retiment::Options {
        root: fixture("good-en"),
        ..Default::default()
    };
    let compiled = retiment::compile(&opts).unwrap_or_else(|d| panic!("{d:?}"));
    let plan_json = compiled
        .outputs
        .iter()
        .find(|o| o.path == "data/plan.json")
        .expect("plan.json");
    let doc: serde_json::Value = serde_json::from_slice(&plan_json.bytes).unwrap();
    let reports: Vec<_> = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::json!({ "year": r["year"], "share": r["cooperation_share_pct"], "met": r["target_met"], "snapshot": r["snapshot"]["progress"], "changes": r["changes"]["status_changed"] }))
        .collect();
    let summary = serde_json::json!({ "plan": doc["plan"], "reports": reports });
    insta::assert_snapshot!(serde_json::to_string_pretty(&summary).unwrap());
}

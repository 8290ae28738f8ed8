//! Pages and open data cannot disagree: the figures printed on report pages,
//! on the accountability hub and on action pages are the ones in plan.json,
//! formatted for the page's language.

mod common;

use retiment::render::format::{money, percent};

fn page(c: &retiment::Compiled, path: &str) -> String {
    let o = c
        .outputs
        .iter()
        .find(|o| o.path == path)
        .unwrap_or_else(|| panic!("{path} was not built"));
    // Compare text without the no-break spaces CLDR puts in numbers.
    String::from_utf8_lossy(&o.bytes)
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace("&nbsp;", " ")
}

fn plain(s: String) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}

#[test]
fn report_pages_and_the_hub_print_the_figures_of_plan_json() {
    for site in [common::fixture("good-en"), common::repo_root()] {
        let c = common::compile_ok(&site, false);
        for lang in c.config.languages() {
            let prefix = c.config.lang_prefix(&lang);
            let doc = common::output_json(&c, &format!("{prefix}data/plan.json"));
            let hub = page(&c, &format!("{prefix}accountability/index.html"));
            for r in doc["reports"].as_array().unwrap() {
                let year = r["year"].as_i64().unwrap();
                let report = page(&c, &format!("{prefix}reports/{year}/index.html"));
                let mut expected = vec![
                    plain(percent(
                        r["snapshot"]["progress"].as_f64().unwrap(),
                        1,
                        &lang,
                    )),
                    plain(money(
                        r["money"]["executed"].as_f64().unwrap(),
                        "EUR",
                        &lang,
                    )),
                ];
                if let Some(share) = r["cooperation_share_pct"].as_f64() {
                    expected.push(plain(percent(share, 2, &lang)));
                }
                for text in &expected {
                    assert!(
                        report.contains(text.as_str()),
                        "{}: report {year} ({lang}) does not show {text}",
                        site.display()
                    );
                    assert!(
                        hub.contains(text.as_str()),
                        "{}: the hub ({lang}) does not show {year}'s {text}",
                        site.display()
                    );
                }
            }
            for a in doc["actions"].as_array().unwrap().iter().take(12) {
                let id = a["id"].as_str().unwrap();
                let html = page(&c, &format!("{prefix}actions/{id}/index.html"));
                let planned = plain(money(a["money"]["planned"].as_f64().unwrap(), "EUR", &lang));
                assert!(
                    html.contains(&planned),
                    "action {id} ({lang}) does not show its planned total {planned}"
                );
            }
        }
    }
}

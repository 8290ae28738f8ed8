//! The files retiment publishes for programs and crawlers, checked with real
//! validators (CONTENT-MODEL.md §6 and §8):
//!
//! * `data/datapackage.json` and its CSVs: `frictionless validate`;
//! * `feed.xml`: RELAX NG (tests/validators/atom.rng, from RFC 4287) and the
//!   RFC's rules a schema cannot express;
//! * `sitemap.xml`: the sitemaps.org XML Schema plus tests/validators/xhtml-link.xsd
//!   for the hreflang alternates, and the protocol's rules;
//! * `robots.txt`: names the sitemap;
//! * the CSVs: every figure equals plan.json's, and no cell runs as a
//!   spreadsheet formula.
//!
//! The external validators (Python with frictionless and lxml, the npm
//! package `sitemap` for its sitemap.xsd) are installed by `scripts/test`,
//! which tells where with RETIMENT_PYTHON and RETIMENT_SITEMAP_XSD. Without
//! them these tests fail, unless RETIMENT_SKIP_EXTERNAL=1 says to skip them;
//! the CSV checks need nothing and always run.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

const INSTALL_HINT: &str =
    "run scripts/test (it installs the validators), or set RETIMENT_SKIP_EXTERNAL=1 to skip";

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validators_dir() -> PathBuf {
    repo_root().join("tests").join("validators")
}

// --- temporary folders -------------------------------------------------------

/// Folders removed when the test process exits (the example site is built
/// once and shared by every test, so no single test may remove it).
static AT_EXIT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

extern "C" {
    fn atexit(callback: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn remove_folders_at_exit() {
    if let Ok(dirs) = AT_EXIT.lock() {
        for d in dirs.iter() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// A new folder under the system's temporary folder, with a unique name.
fn unique_temp_dir(label: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "retiment-validators-{}-{nanos}-{n}-{label}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    dir
}

/// A temporary folder removed when dropped, even when a test fails.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// --- built sites -------------------------------------------------------------

/// A built site and what its plan.json says of its languages.
struct Site {
    /// The output folder.
    out: PathBuf,
    base_url: String,
    default_language: String,
    languages: Vec<String>,
}

impl Site {
    fn build(root: &Path, out: PathBuf) -> Site {
        let opts = retiment::Options {
            root: root.to_path_buf(),
            output: Some(out.clone()),
            ..Default::default()
        };
        if let Err(e) = retiment::build(&opts) {
            panic!("building {} failed: {e:?}", root.display());
        }
        let plan = read_json(&out.join("data/plan.json"));
        let site = &plan["site"];
        Site {
            out,
            base_url: site["base_url"]
                .as_str()
                .expect("site.base_url")
                .to_string(),
            default_language: site["language"]
                .as_str()
                .expect("site.language")
                .to_string(),
            languages: site["languages"]
                .as_array()
                .expect("site.languages")
                .iter()
                .map(|l| l.as_str().unwrap().to_string())
                .collect(),
        }
    }

    /// `""` for the default language, `"es/"` for the others.
    fn prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    fn file(&self, lang: &str, rel: &str) -> PathBuf {
        self.out.join(format!("{}{rel}", self.prefix(lang)))
    }
}

/// The example site of the repository, built once for every test.
fn example() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = unique_temp_dir("example");
        AT_EXIT.lock().unwrap().push(dir.clone());
        // SAFETY: registers a plain function without arguments with the C runtime.
        unsafe {
            atexit(remove_folders_at_exit);
        }
        Site::build(&repo_root(), dir.join("public"))
    })
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

// --- the external validators -------------------------------------------------

struct Tools {
    python: PathBuf,
    sitemap_xsd: PathBuf,
}

/// The installed validators; None (after saying so) when told to skip them.
fn tools(test: &str) -> Option<Tools> {
    // Any value but empty and 0 skips, as for the browser tests.
    if std::env::var("RETIMENT_SKIP_EXTERNAL").is_ok_and(|v| !v.is_empty() && v != "0") {
        // Written past the test harness's capture, so that a skip is never silent.
        let _ = writeln!(std::io::stderr(), "validators::{test}: skipped (RETIMENT_SKIP_EXTERNAL is set): the external validators did not run");
        return None;
    }
    let var = |name: &str| -> PathBuf {
        match std::env::var_os(name) {
            Some(v) if !v.is_empty() => {
                let p = PathBuf::from(v);
                assert!(
                    p.exists(),
                    "{name}={} does not exist: {INSTALL_HINT}",
                    p.display()
                );
                p
            }
            _ => panic!("{name} is not set: {INSTALL_HINT}"),
        }
    };
    Some(Tools {
        python: var("RETIMENT_PYTHON"),
        sitemap_xsd: var("RETIMENT_SITEMAP_XSD"),
    })
}

/// Run `validate.py ARGS…` and fail with everything it printed when it finds a problem.
fn validate_py(tools: &Tools, args: &[OsString]) {
    let script = validators_dir().join("validate.py");
    let out = Command::new(&tools.python)
        .arg(&script)
        .args(args)
        .env("RETIMENT_SITEMAP_XSD", &tools.sitemap_xsd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}: {INSTALL_HINT}", tools.python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let verdict = if out.status.code() == Some(2) {
        "could not run"
    } else {
        "found problems"
    };
    assert!(
        out.status.success(),
        "validate.py {} {verdict} (exit {:?}):\n{stdout}{stderr}",
        shown.join(" "),
        out.status.code()
    );
    print!("{stdout}");
}

fn args(items: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    items.iter().map(|a| a.as_ref().to_os_string()).collect()
}

fn check_datapackages(tools: &Tools, site: &Site) {
    let mut a = args(&[&"datapackage"]);
    for lang in &site.languages {
        a.push(site.file(lang, "data/datapackage.json").into_os_string());
    }
    validate_py(tools, &a);
}

fn check_feeds(tools: &Tools, site: &Site, min_entries: usize) {
    for lang in &site.languages {
        let prefix = site.prefix(lang);
        let home = format!("{}{prefix}", site.base_url);
        let feed_url = format!("{home}feed.xml");
        let plan = site.file(lang, "data/plan.json");
        validate_py(
            tools,
            &args(&[
                &"atom",
                &site.file(lang, "feed.xml"),
                &"--site-dir",
                &site.out,
                &"--base-url",
                &site.base_url,
                &"--feed-url",
                &feed_url,
                &"--home-url",
                &home,
                &"--lang",
                lang,
                &"--min-entries",
                &min_entries.to_string(),
                &"--plan",
                &plan,
                &"--default-language",
                &site.default_language,
            ]),
        );
    }
}

fn check_sitemap(tools: &Tools, site: &Site) {
    validate_py(
        tools,
        &args(&[
            &"sitemap",
            &site.out.join("sitemap.xml"),
            &"--site-dir",
            &site.out,
            &"--base-url",
            &site.base_url,
            &"--languages",
            &site.languages.join(","),
            &"--default-language",
            &site.default_language,
        ]),
    );
}

#[test]
fn the_schemas_judge_known_samples_right() {
    let Some(tools) = tools("the_schemas_judge_known_samples_right") else {
        return;
    };
    validate_py(&tools, &args(&[&"selftest"]));
}

#[test]
fn data_packages_pass_frictionless_in_every_language() {
    let Some(tools) = tools("data_packages_pass_frictionless_in_every_language") else {
        return;
    };
    let site = example();
    assert!(
        site.languages.len() > 1,
        "the example site has several languages"
    );
    check_datapackages(&tools, site);
}

#[test]
fn atom_feeds_follow_rfc_4287_in_every_language() {
    let Some(tools) = tools("atom_feeds_follow_rfc_4287_in_every_language") else {
        return;
    };
    check_feeds(&tools, example(), 1);
}

#[test]
fn sitemap_follows_sitemaps_org_with_hreflang_alternates() {
    let Some(tools) = tools("sitemap_follows_sitemaps_org_with_hreflang_alternates") else {
        return;
    };
    check_sitemap(&tools, example());
}

#[test]
fn robots_txt_names_the_sitemap() {
    let site = example();
    let robots = std::fs::read_to_string(site.out.join("robots.txt")).expect("robots.txt");
    let sitemap = format!("{}sitemap.xml", site.base_url);
    // robots.txt field names are case-insensitive; the value is the sitemap's absolute URL.
    let named: Vec<&str> = robots
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(field, _)| field.trim().eq_ignore_ascii_case("sitemap"))
        .map(|(_, value)| value.trim())
        .collect();
    assert_eq!(
        named,
        vec![sitemap.as_str()],
        "robots.txt must name the sitemap {sitemap}:\n{robots}"
    );
    assert!(
        robots
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("user-agent: *")),
        "robots.txt has no `User-agent: *` group:\n{robots}"
    );
    for lang in &site.languages {
        if lang != &site.default_language {
            assert!(
                !site.file(lang, "robots.txt").exists(),
                "robots.txt belongs at the root only, not under {lang}/"
            );
            assert!(
                !site.file(lang, "sitemap.xml").exists(),
                "sitemap.xml belongs at the root only, not under {lang}/"
            );
        }
    }
}

// --- CSV figures against plan.json ------------------------------------------

/// A CSV file as rows of `column → cell`, in file order.
struct Csv {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<BTreeMap<String, String>>,
}

fn read_csv(path: &Path) -> Csv {
    let mut r = csv::ReaderBuilder::new()
        .from_path(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let header: Vec<String> = r
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    Csv {
        path: path.to_path_buf(),
        header,
        rows,
    }
}

/// Problems found while comparing, all reported together.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }

    fn assert_none(self, context: &str) {
        assert!(
            self.0.is_empty(),
            "{context}: {} mismatch(es):\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

fn cell<'a>(row: &'a BTreeMap<String, String>, column: &str) -> &'a str {
    row.get(column)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no column {column}"))
}

/// A number cell against a plan.json number (or null, an empty cell).
fn number_matches(cell: &str, v: &Value) -> bool {
    match v {
        Value::Null => cell.is_empty(),
        v => match (cell.parse::<f64>(), v.as_f64()) {
            (Ok(c), Some(j)) => c == j,
            _ => false,
        },
    }
}

/// A text cell against plan.json's text: the same, or the same behind the
/// `'` that neutralises a formula.
fn text_matches(cell: &str, v: &Value) -> bool {
    let text = match v {
        Value::Null => "",
        Value::String(s) => s.as_str(),
        _ => return false,
    };
    if text.starts_with(FORMULA_STARTS) {
        cell.strip_prefix('\'') == Some(text)
    } else {
        cell == text
    }
}

fn list_matches(cell: &str, v: &Value) -> bool {
    let joined = v.as_array().map(|xs| {
        xs.iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join("; ")
    });
    text_matches(cell, &Value::String(joined.unwrap_or_default()))
}

fn bool_matches(cell: &str, v: &Value) -> bool {
    match v {
        Value::Null => cell.is_empty(),
        Value::Bool(b) => cell == b.to_string(),
        _ => false,
    }
}

fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// `part ÷ whole × 100` to two decimals, as the content model defines rates and shares.
fn rate_is_right(rate: &Value, part: f64, whole: f64) -> bool {
    if whole == 0.0 {
        return rate.is_null();
    }
    let exact = part / whole * 100.0;
    rate.as_f64().is_some_and(|r| {
        (r - exact).abs() <= 0.005 + 1e-9 && (r * 100.0 - (r * 100.0).round()).abs() < 1e-6
    })
}

fn check_csv_figures(site: &Site, lang: &str) {
    let plan = read_json(&site.file(lang, "data/plan.json"));
    let mut m = Mismatches::default();
    let actions_csv = read_csv(&site.file(lang, "data/actions.csv"));
    let budget_csv = read_csv(&site.file(lang, "data/budget.csv"));
    let indicators_csv = read_csv(&site.file(lang, "data/indicators.csv"));
    let reports_csv = read_csv(&site.file(lang, "data/reports.csv"));
    let actions = plan["actions"].as_array().expect("plan.actions");
    let reports = plan["reports"].as_array().expect("plan.reports");
    assert!(
        !actions.is_empty() && !reports.is_empty(),
        "the example plan has actions and reports"
    );

    // actions.csv: one row per action, in plan.json's order.
    m.check(actions_csv.rows.len() == actions.len(), || {
        format!(
            "actions.csv has {} rows, plan.json {} actions",
            actions_csv.rows.len(),
            actions.len()
        )
    });
    for (row, a) in actions_csv.rows.iter().zip(actions) {
        let id = a["id"].as_str().unwrap_or("?");
        let mut field = |column: &str, ok: bool, expected: &Value| {
            m.check(ok, || {
                format!(
                    "actions.csv {id} {column}: {:?}, plan.json {expected}",
                    cell(row, column)
                )
            })
        };
        for column in [
            "id",
            "objective",
            "line",
            "title",
            "summary",
            "status",
            "start",
            "end",
            "responsible",
            "last_update",
            "url",
        ] {
            field(
                column,
                text_matches(cell(row, column), &a[column]),
                &a[column],
            );
        }
        for column in ["partners", "municipalities", "tags"] {
            field(
                column,
                list_matches(cell(row, column), &a[column]),
                &a[column],
            );
        }
        let sdgs = Value::String(
            a["sdgs"]
                .as_array()
                .map(|xs| {
                    xs.iter()
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
        );
        field("sdgs", text_matches(cell(row, "sdgs"), &sdgs), &a["sdgs"]);
        field(
            "progress",
            number_matches(cell(row, "progress"), &a["progress"]),
            &a["progress"],
        );
        let money = &a["money"];
        for column in ["planned", "executed", "execution_rate_pct"] {
            field(
                column,
                number_matches(cell(row, column), &money[column]),
                &money[column],
            );
        }
        // The rate is executed ÷ planned, and the totals are the sums of the years.
        let (planned, executed) = (
            money["planned"].as_f64().unwrap_or(f64::NAN),
            money["executed"].as_f64().unwrap_or(f64::NAN),
        );
        m.check(
            rate_is_right(&money["execution_rate_pct"], executed, planned),
            || {
                format!(
                    "plan.json {id} execution_rate_pct {} is not {executed} ÷ {planned}",
                    money["execution_rate_pct"]
                )
            },
        );
        let by_year = money["by_year"].as_object().cloned().unwrap_or_default();
        let sum = |key: &str| {
            by_year
                .values()
                .map(|y| cents(y[key].as_f64().unwrap_or(0.0)))
                .sum::<i64>()
        };
        m.check(sum("planned") == cents(planned), || {
            format!("{id}: planned {planned} is not the sum of its years")
        });
        m.check(sum("executed") == cents(executed), || {
            format!("{id}: executed {executed} is not the sum of its years")
        });
        // money.by_year is the front matter's budget.
        for b in a["budget"].as_array().into_iter().flatten() {
            let year = b["year"].to_string();
            let y = &by_year.get(&year).cloned().unwrap_or(Value::Null);
            m.check(
                number_matches(&y["planned"].to_string(), &b["planned"]),
                || {
                    format!(
                        "{id} {year}: by_year planned {} but budget says {}",
                        y["planned"], b["planned"]
                    )
                },
            );
            let executed = if b["executed"].is_null() {
                Value::from(0.0)
            } else {
                b["executed"].clone()
            };
            m.check(
                number_matches(&y["executed"].to_string(), &executed),
                || {
                    format!(
                        "{id} {year}: by_year executed {} but budget says {executed}",
                        y["executed"]
                    )
                },
            );
        }
    }

    // budget.csv: one row per action and year, the figures of money.by_year.
    let mut budget_rows: BTreeMap<(String, String), &BTreeMap<String, String>> = BTreeMap::new();
    for row in &budget_csv.rows {
        let key = (
            cell(row, "action").to_string(),
            cell(row, "year").to_string(),
        );
        m.check(budget_rows.insert(key.clone(), row).is_none(), || {
            format!("budget.csv lists {key:?} twice")
        });
    }
    let mut expected_rows = 0;
    let mut executed_per_year: BTreeMap<String, i64> = BTreeMap::new();
    for a in actions {
        let id = a["id"].as_str().unwrap_or("?");
        for (year, y) in a["money"]["by_year"].as_object().into_iter().flatten() {
            expected_rows += 1;
            *executed_per_year.entry(year.clone()).or_default() +=
                cents(y["executed"].as_f64().unwrap_or(0.0));
            let key = budget_rows
                .keys()
                .find(|(action, y)| text_matches(action, &a["id"]) && y == year)
                .cloned();
            let Some(row) = key.and_then(|k| budget_rows.get(&k)) else {
                m.0.push(format!("budget.csv has no row for {id} {year}"));
                continue;
            };
            for column in ["planned", "executed", "execution_rate_pct"] {
                m.check(number_matches(cell(row, column), &y[column]), || {
                    format!(
                        "budget.csv {id} {year} {column}: {:?}, plan.json {}",
                        cell(row, column),
                        y[column]
                    )
                });
            }
            let (p, e) = (
                y["planned"].as_f64().unwrap_or(f64::NAN),
                y["executed"].as_f64().unwrap_or(f64::NAN),
            );
            m.check(rate_is_right(&y["execution_rate_pct"], e, p), || {
                format!(
                    "plan.json {id} {year} execution_rate_pct {} is not {e} ÷ {p}",
                    y["execution_rate_pct"]
                )
            });
        }
    }
    m.check(budget_csv.rows.len() == expected_rows, || {
        format!(
            "budget.csv has {} rows, plan.json {expected_rows} action-years",
            budget_csv.rows.len()
        )
    });

    // indicators.csv: one row per action, indicator and value.
    let mut expected: Vec<Vec<(String, Value)>> = Vec::new();
    for a in actions {
        for ind in a["indicators"].as_array().into_iter().flatten() {
            for v in ind["values"].as_array().into_iter().flatten() {
                expected.push(vec![
                    ("action".into(), a["id"].clone()),
                    ("indicator".into(), ind["name"].clone()),
                    ("unit".into(), ind["unit"].clone()),
                    ("baseline".into(), ind["baseline"].clone()),
                    ("target".into(), ind["target"].clone()),
                    ("year".into(), v["year"].clone()),
                    ("value".into(), v["value"].clone()),
                ]);
            }
        }
    }
    m.check(indicators_csv.rows.len() == expected.len(), || {
        format!(
            "indicators.csv has {} rows, plan.json {} values",
            indicators_csv.rows.len(),
            expected.len()
        )
    });
    for (n, (row, fields)) in indicators_csv.rows.iter().zip(&expected).enumerate() {
        for (column, v) in fields {
            let ok = if v.is_number()
                || v.is_null() && ["baseline", "target"].contains(&column.as_str())
            {
                number_matches(cell(row, column), v)
            } else {
                text_matches(cell(row, column), v)
            };
            m.check(ok, || {
                format!(
                    "indicators.csv row {} {column}: {:?}, plan.json {v}",
                    n + 1,
                    cell(row, column)
                )
            });
        }
    }

    // reports.csv: one row per report, the report's figures and its year-end snapshot.
    m.check(reports_csv.rows.len() == reports.len(), || {
        format!(
            "reports.csv has {} rows, plan.json {} reports",
            reports_csv.rows.len(),
            reports.len()
        )
    });
    for (row, r) in reports_csv.rows.iter().zip(reports) {
        let year = r["year"].to_string();
        let mut field = |column: &str, ok: bool, expected: &Value| {
            m.check(ok, || {
                format!(
                    "reports.csv {year} {column}: {:?}, plan.json {expected}",
                    cell(row, column)
                )
            })
        };
        for column in [
            "year",
            "own_revenue",
            "cooperation_spending",
            "cooperation_share_pct",
            "target_pct",
        ] {
            field(
                column,
                number_matches(cell(row, column), &r[column]),
                &r[column],
            );
        }
        for column in ["title", "published", "url"] {
            field(
                column,
                text_matches(cell(row, column), &r[column]),
                &r[column],
            );
        }
        for column in ["cooperation_spending_derived", "target_met"] {
            field(
                column,
                bool_matches(cell(row, column), &r[column]),
                &r[column],
            );
        }
        for column in ["planned", "executed", "execution_rate_pct"] {
            field(
                column,
                number_matches(cell(row, column), &r["money"][column]),
                &r["money"][column],
            );
        }
        field(
            "progress",
            number_matches(cell(row, "progress"), &r["snapshot"]["progress"]),
            &r["snapshot"]["progress"],
        );
        for status in [
            "not_started",
            "in_progress",
            "delayed",
            "completed",
            "cancelled",
        ] {
            let v = &r["snapshot"]["status_counts"][status];
            field(status, number_matches(cell(row, status), v), v);
        }
        // The share is spending ÷ own revenue; the verdict compares the published share with the target.
        let (spending, revenue) = (
            r["cooperation_spending"].as_f64().unwrap_or(f64::NAN),
            r["own_revenue"].as_f64(),
        );
        match revenue {
            Some(revenue) => {
                m.check(
                    rate_is_right(&r["cooperation_share_pct"], spending, revenue),
                    || {
                        format!(
                            "plan.json report {year}: share {} is not {spending} ÷ {revenue}",
                            r["cooperation_share_pct"]
                        )
                    },
                );
                let met = r["cooperation_share_pct"]
                    .as_f64()
                    .zip(r["target_pct"].as_f64())
                    .map(|(s, t)| s >= t);
                m.check(r["target_met"].as_bool() == met, || {
                    format!(
                        "plan.json report {year}: target_met {} but share {} and target {}",
                        r["target_met"], r["cooperation_share_pct"], r["target_pct"]
                    )
                });
            }
            None => m.check(
                r["cooperation_share_pct"].is_null() && r["target_met"].is_null(),
                || format!("plan.json report {year}: no own revenue, yet a share or verdict"),
            ),
        }
        // Derived spending is the sum of that year's executed budget (budget.csv's figures).
        if r["cooperation_spending_derived"].as_bool() == Some(true) {
            let sum = executed_per_year.get(&year).copied().unwrap_or(0);
            m.check(sum == cents(spending), || format!("report {year}: derived cooperation_spending {spending} is not the sum {} of the year's executed budget", sum as f64 / 100.0));
        }
        let money_executed = r["money"]["executed"].as_f64().unwrap_or(f64::NAN);
        let sum = executed_per_year.get(&year).copied().unwrap_or(0);
        m.check(sum == cents(money_executed), || format!("report {year}: executed {money_executed} is not the sum {} of the year's executed budget", sum as f64 / 100.0));
    }

    for table in [&actions_csv, &budget_csv, &indicators_csv, &reports_csv] {
        check_no_formula_cells(table, &mut m);
    }
    m.assert_none(&format!(
        "CSV tables of {lang} against {}",
        site.file(lang, "data/plan.json").display()
    ));
}

/// No cell may start with a character that makes a spreadsheet run it (a
/// plain number, such as a negative indicator value, is a number).
fn check_no_formula_cells(table: &Csv, m: &mut Mismatches) {
    for (n, row) in table.rows.iter().enumerate() {
        for column in &table.header {
            let c = cell(row, column);
            let number = c.parse::<f64>().is_ok_and(f64::is_finite) && !c.starts_with(['\t', '\r']);
            m.check(number || !c.starts_with(FORMULA_STARTS), || {
                format!(
                    "{} row {} {column}: {c:?} would run as a formula",
                    table.path.display(),
                    n + 1
                )
            });
        }
    }
}

#[test]
fn csv_figures_equal_plan_json_in_every_language() {
    let site = example();
    for lang in &site.languages {
        check_csv_figures(site, lang);
    }
}

// --- a site whose text looks like formulas -----------------------------------

const FORMULA_SITE: &[(&str, &str)] = &[
    (
        "site.toml",
        r#"title = "Formula plan"
base_url = "https://example.org/formulas/"
default_language = "en"

[plan]
organisation = "Test body"
start_year = 2016
end_year = 2017
currency = "EUR"

[accountability]
cooperation_target_pct = 0.7
"#,
    ),
    ("content/lines/1.md", "---\ntitle: \"Line one\"\n---\n"),
    ("content/objectives/1.1.md", "---\ntitle: \"Objective one\"\nline: \"1\"\n---\n"),
    (
        "content/actions/1.1.1.md",
        r#"---
title: '=HYPERLINK("x")'
objective: "1.1"
status: in_progress
progress: 40
summary: "+1 more row"
responsible: "-Unit"
partners: ["@SUM(1)", "Plain partner"]
tags: ["=tag"]
budget:
  - { year: 2016, planned: 1000, executed: 400.5 }
indicators:
  - { name: "=1+1", unit: "@units", baseline: -5, target: 10, values: [{ year: 2016, value: 4 }] }
updates:
  - { date: 2016-05-01, note: "=cmd|' /C calc'!A0 & <b>bold</b>", status: in_progress, progress: 40 }
---
An action whose texts look like spreadsheet formulas.
"#,
    ),
    (
        "content/reports/2016.md",
        "---\nyear: 2016\ntitle: \"-2016 report\"\npublished: 2017-03-01\nown_revenue: 100000\n---\nThe report.\n",
    ),
];

/// Write a site's files into a new temporary folder and build it there.
fn build_site(label: &str, files: &[(&str, &str)]) -> (TempDir, Site) {
    let dir = TempDir(unique_temp_dir(label));
    let root = dir.0.join("site");
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let site = Site::build(&root, dir.0.join("public"));
    (dir, site)
}

fn build_formula_site() -> (TempDir, Site) {
    build_site("formulas", FORMULA_SITE)
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let (_dir, site) = build_formula_site();
    let lang = site.default_language.clone();
    let actions = read_csv(&site.file(&lang, "data/actions.csv"));
    let indicators = read_csv(&site.file(&lang, "data/indicators.csv"));
    let reports = read_csv(&site.file(&lang, "data/reports.csv"));
    let a = &actions.rows[0];
    let i = &indicators.rows[0];
    let r = &reports.rows[0];
    let expected = [
        ("actions.csv title", cell(a, "title"), "'=HYPERLINK(\"x\")"),
        (
            "actions.csv partners",
            cell(a, "partners"),
            "'@SUM(1); Plain partner",
        ),
        ("actions.csv summary", cell(a, "summary"), "'+1 more row"),
        ("actions.csv responsible", cell(a, "responsible"), "'-Unit"),
        ("actions.csv tags", cell(a, "tags"), "'=tag"),
        ("indicators.csv indicator", cell(i, "indicator"), "'=1+1"),
        ("indicators.csv unit", cell(i, "unit"), "'@units"),
        ("reports.csv title", cell(r, "title"), "'-2016 report"),
    ];
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(_, got, want)| got != want)
        .map(|(what, got, want)| format!("{what}: {got:?}, expected {want:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "formula-like cells not neutralised:\n  {}",
        wrong.join("\n  ")
    );
    let mut m = Mismatches::default();
    for table in [
        &actions,
        &indicators,
        &reports,
        &read_csv(&site.file(&lang, "data/budget.csv")),
    ] {
        check_no_formula_cells(table, &mut m);
    }
    m.assert_none("formula site");
    // Only the CSVs are neutralised: plan.json keeps the text as written.
    let plan = read_json(&site.file(&lang, "data/plan.json"));
    assert_eq!(plan["actions"][0]["title"], "=HYPERLINK(\"x\")");
    assert_eq!(plan["actions"][0]["partners"][0], "@SUM(1)");
    // And every figure still equals plan.json's.
    check_csv_figures(&site, &lang);
}

#[test]
fn a_one_language_site_with_formula_text_passes_the_validators() {
    let Some(tools) = tools("a_one_language_site_with_formula_text_passes_the_validators") else {
        return;
    };
    let (_dir, site) = build_formula_site();
    assert_eq!(site.languages.len(), 1);
    check_datapackages(&tools, &site);
    check_feeds(&tools, &site, 2);
    check_sitemap(&tools, &site);
}

#[test]
fn every_language_publishes_every_data_file() {
    let site = example();
    let mut missing = BTreeSet::new();
    for lang in &site.languages {
        for rel in [
            "data/plan.json",
            "data/actions.csv",
            "data/budget.csv",
            "data/indicators.csv",
            "data/reports.csv",
            "data/datapackage.json",
            "feed.xml",
        ] {
            if !site.file(lang, rel).is_file() {
                missing.insert(format!("{}{rel}", site.prefix(lang)));
            }
        }
    }
    for rel in ["sitemap.xml", "robots.txt"] {
        if !site.out.join(rel).is_file() {
            missing.insert(rel.to_string());
        }
    }
    assert!(missing.is_empty(), "missing from the build: {missing:?}");
}

// --- feeds across builds and odd characters ----------------------------------

/// The formula site with another action file.
fn site_with_action(action: &str) -> Vec<(&'static str, String)> {
    FORMULA_SITE
        .iter()
        .map(|(rel, text)| {
            (
                *rel,
                if *rel == "content/actions/1.1.1.md" {
                    action.to_string()
                } else {
                    text.to_string()
                },
            )
        })
        .collect()
}

fn build_owned(label: &str, files: &[(&'static str, String)]) -> (TempDir, Site) {
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(r, t)| (*r, t.as_str())).collect();
    build_site(label, &borrowed)
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// (summary, id) of each entry of a feed that retiment wrote.
fn feed_entries(feed: &Path) -> Vec<(String, String)> {
    let xml =
        std::fs::read_to_string(feed).unwrap_or_else(|e| panic!("read {}: {e}", feed.display()));
    xml.split("<entry>")
        .skip(1)
        .map(|e| {
            (
                between(e, "<summary>", "</summary>")
                    .unwrap_or("")
                    .to_string(),
                between(e, "<id>", "</id>").unwrap_or("").to_string(),
            )
        })
        .collect()
}

const ACTION_WITH_UPDATES: &str = r#"---
title: "An action"
objective: "1.1"
status: in_progress
progress: 60
updates:
  - { date: 2016-03-01, note: "First step.", progress: 20, status: in_progress }
  - { date: 2016-09-01, note: "Second step.", progress: 60 }
---
"#;

/// RFC 4287 section 4.2.6: an entry's id is permanent. An editor who records
/// an update late (dated before others already published) must not change
/// the ids of the updates already in subscribers' readers.
#[test]
fn feed_entry_ids_survive_an_older_update_recorded_late() {
    let (_d1, before) = build_owned("ids-before", &site_with_action(ACTION_WITH_UPDATES));
    let late = ACTION_WITH_UPDATES.replacen(
        "  - { date: 2016-09-01",
        "  - { date: 2016-06-01, note: \"Recorded late.\", progress: 40 }\n  - { date: 2016-09-01",
        1,
    );
    let (_d2, after) = build_owned("ids-after", &site_with_action(&late));
    let lang = before.default_language.clone();
    let old: BTreeMap<String, String> = feed_entries(&before.file(&lang, "feed.xml"))
        .into_iter()
        .collect();
    let new: BTreeMap<String, String> = feed_entries(&after.file(&lang, "feed.xml"))
        .into_iter()
        .collect();
    assert!(
        new.contains_key("Recorded late."),
        "the late update is in the feed: {new:?}"
    );
    let changed: Vec<String> = old
        .iter()
        .filter(|(note, id)| new.get(*note) != Some(*id))
        .map(|(note, id)| format!("{note:?}: {id} became {:?}", new.get(note)))
        .collect();
    assert!(changed.is_empty(), "entry ids changed when an older update was added (RFC 4287 4.2.6: ids are permanent):\n  {}", changed.join("\n  "));
}

/// XML 1.0's Char production: what may appear in an XML document at all.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn check_xml_chars(path: &Path, m: &mut Mismatches) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    for (n, line) in text.lines().enumerate() {
        if let Some(c) = line.chars().find(|c| !is_xml_char(*c)) {
            m.0.push(format!(
                "{} line {}: U+{:04X} is not allowed in XML 1.0, so the file is not well-formed",
                path.display(),
                n + 1,
                c as u32
            ));
        }
    }
}

/// YAML's escapes let an editor write any character, even those XML forbids
/// (controls, U+FFFE, U+FFFF): the feed and the sitemap must stay XML.
#[test]
fn feed_and_sitemap_hold_only_characters_xml_allows() {
    let odd = ACTION_WITH_UPDATES
        .replace(
            "title: \"An action\"",
            "title: \"Odd \\x01 \\uFFFE \\uFFFF title\"",
        )
        .replace("note: \"First step.\"", "note: \"Odd \\x0B \\uFFFF note\"");
    let (_d, site) = build_owned("xml-chars", &site_with_action(&odd));
    let mut m = Mismatches::default();
    for built in [&site, example()] {
        for lang in &built.languages {
            check_xml_chars(&built.file(lang, "feed.xml"), &mut m);
        }
        check_xml_chars(&built.out.join("sitemap.xml"), &mut m);
    }
    m.assert_none("feed.xml and sitemap.xml");
}

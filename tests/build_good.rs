//! Building the `good-en` fixture with the binary: every page and data file,
//! drafts, reproducible bytes, the manifest, and what the pages link to.

mod common;

use common::links::{attr_values, check_links, target_file};
use common::*;
use std::collections::BTreeMap;

const BASE: &str = "https://example.org/plan/";
const OTHER_BASE: &str = "https://other.example/sub/";
/// Actions of the fixture that are published, with their status today.
const ACTIONS: &[(&str, &str)] = &[
    ("A.1.1", "completed"),
    ("A.1.2", "in_progress"),
    ("A.1.10", "delayed"),
    ("A.2.1", "not_started"),
    ("B.1.1", "cancelled"),
    ("B.1.2", "in_progress"),
];
const DRAFT: &str = "A.1.3";
/// Links to other sites that the fixture's content itself writes.
const EXTERNAL: &[&str] = &[
    "https://www.metropolis.org/",
    "https://git.example.net/plan-content/",
];

fn good() -> std::path::PathBuf {
    fixture("good-en")
}

/// The output paths every language must have.
fn expected_pages(prefix: &str) -> Vec<String> {
    let mut paths = vec![
        "index.html".to_string(),
        "actions/index.html".into(),
        "reports/index.html".into(),
        "accountability/index.html".into(),
    ];
    paths.extend(
        [
            "lines/A",
            "lines/B",
            "objectives/A.1",
            "objectives/A.2",
            "objectives/B.1",
        ]
        .iter()
        .map(|p| format!("{p}/index.html")),
    );
    paths.extend(
        ACTIONS
            .iter()
            .map(|(id, _)| format!("actions/{id}/index.html")),
    );
    paths.extend(
        ["reports/2016", "reports/2017", "about", "methodology"]
            .iter()
            .map(|p| format!("{p}/index.html")),
    );
    paths.push("data/plan.json".into());
    paths.into_iter().map(|p| format!("{prefix}{p}")).collect()
}

/// The theme's interface strings of a language (`[status] in_progress = "…"`).
fn strings(lang: &str) -> toml::Table {
    let path = repo_root()
        .join("themes/default/i18n")
        .join(format!("{lang}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap()
}

fn string(t: &toml::Table, table: &str, key: &str) -> String {
    t[table][key].as_str().unwrap().to_string()
}

/// A fresh build of the fixture with extra arguments.
fn built(extra: &[&str]) -> (TempDir, BTreeMap<String, Vec<u8>>) {
    let tmp = TempDir::new("good");
    let out = tmp.join("public");
    build_ok(&good(), &out, extra);
    let tree = read_tree(&out);
    (tmp, tree)
}

fn text(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} was not built"))
            .clone(),
    )
    .unwrap()
}

fn plan_json(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> serde_json::Value {
    serde_json::from_slice(&tree[path]).unwrap()
}

#[test]
fn every_page_and_data_file_exists_in_both_languages() {
    let tree = good_tree(); // the build with default options, shared
    let mut missing: Vec<String> = expected_pages("")
        .into_iter()
        .chain(expected_pages("es/"))
        .filter(|p| !tree.contains_key(p))
        .collect();
    // One manifest for the whole site; a 404 page per language (the default one links to the others).
    missing.extend(
        ["404.html", "es/404.html", "data/manifest.json"]
            .iter()
            .map(|s| s.to_string())
            .filter(|p| !tree.contains_key(p)),
    );
    assert!(
        missing.is_empty(),
        "missing outputs: {missing:?}\nbuilt: {:?}",
        tree.keys().collect::<Vec<_>>()
    );
    // Ignored content (`_template.md`) makes no page.
    assert!(!tree.keys().any(|p| p.contains("_template")));
}

#[test]
fn the_draft_is_left_out_unless_asked_for() {
    let tree = good_tree(); // the build with default options, shared
    for lang in ["", "es/"] {
        assert!(
            !tree.contains_key(&format!("{lang}actions/{DRAFT}/index.html")),
            "{lang}: the draft was published"
        );
        let plan = plan_json(tree, &format!("{lang}data/plan.json"));
        let ids: Vec<&str> = plan["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ACTIONS.iter().map(|a| a.0).collect::<Vec<_>>(),
            "{lang}: actions in natural order, draft left out"
        );
    }
    assert!(!text(tree, "actions/index.html").contains("Secret draft action"));
    assert!(!text(tree, "data/manifest.json").contains(DRAFT));

    let (_tmp2, tree) = built(&["--drafts"]);
    for lang in ["", "es/"] {
        assert!(
            tree.contains_key(&format!("{lang}actions/{DRAFT}/index.html")),
            "{lang}: --drafts did not build the draft"
        );
    }
    let plan = plan_json(&tree, "data/plan.json");
    let draft = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == DRAFT)
        .expect("the draft in plan.json");
    assert_eq!(draft["draft"], true);
    let page = text(&tree, &format!("actions/{DRAFT}/index.html"));
    assert!(
        page.contains(
            &strings("en")["action"]["draft"]
                .as_str()
                .unwrap()
                .to_string()
        ),
        "the draft's page does not say it is a draft"
    );
    assert!(text(&tree, &format!("es/actions/{DRAFT}/index.html"))
        .contains("Actuación borrador secreta"));
}

#[test]
fn two_builds_are_byte_identical() {
    // Independent builds, run at the same time to keep the suite fast.
    let (second, drafts1, drafts2) = std::thread::scope(|s| {
        let b = s.spawn(|| built(&[]).1);
        let c = s.spawn(|| built(&["--drafts"]).1);
        let d = built(&["--drafts"]).1;
        (b.join().unwrap(), c.join().unwrap(), d)
    });
    assert_same_tree(good_tree(), &second, "two builds of the same content");
    assert_same_tree(&drafts1, &drafts2, "two builds with --drafts");
}

#[test]
fn manifest_lists_the_sha256_of_every_other_file() {
    let tree = good_tree(); // the build with default options, shared
    let manifest = plan_json(tree, "data/manifest.json");
    assert_eq!(manifest["algorithm"], "sha256");
    let files = manifest["files"].as_object().expect("manifest.files");
    let listed: BTreeMap<&str, &str> = files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    // The folder's marker file is bookkeeping of the build, not part of the site.
    let expected: BTreeMap<&str, String> = tree
        .iter()
        .filter(|(p, _)| *p != "data/manifest.json" && *p != ".retiment-output")
        .map(|(p, b)| (p.as_str(), sha256_hex(b)))
        .collect();
    let wrong: Vec<_> = expected
        .iter()
        .filter(|(p, h)| listed.get(*p) != Some(&h.as_str()))
        .map(|(p, _)| p)
        .collect();
    let extra: Vec<_> = listed
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    assert!(
        wrong.is_empty() && extra.is_empty(),
        "files missing or with a wrong hash: {wrong:?}; listed but not built: {extra:?}"
    );
}

#[test]
fn pages_show_titles_statuses_and_resolved_links() {
    let tree = good_tree(); // the build with default options, shared
    let (en, es) = (strings("en"), strings("es"));
    for (id, status) in ACTIONS {
        for (prefix, t) in [("", &en), ("es/", &es)] {
            let page = text(tree, &format!("{prefix}actions/{id}/index.html"));
            let label = string(t, "status", status);
            assert!(
                page.contains(&label),
                "{prefix}actions/{id}: no status text `{label}`"
            );
            assert!(
                page.contains(&format!("{BASE}{prefix}actions/{id}/")),
                "{prefix}actions/{id}: no canonical URL"
            );
        }
    }
    let a = text(tree, "actions/A.1.1/index.html");
    assert!(
        a.contains("<title>Chair the Metropolis working group"),
        "English title missing"
    );
    assert!(
        a.contains("Chair the working group on metropolitan governance."),
        "summary missing"
    );
    assert!(
        a.contains(&format!("{BASE}actions/A.1.10/#budget")),
        "body @/ link with a fragment not resolved"
    );
    assert!(
        a.contains(&format!("{BASE}methodology/")),
        "body @/ link to a page not resolved"
    );
    assert!(
        a.contains(&format!("{BASE}reports/2016/")),
        "links: @/ entry not resolved"
    );
    assert!(
        a.contains("https://www.metropolis.org/"),
        "external link missing"
    );
    assert!(!a.contains("@/"), "an @/ link was left unresolved");

    let es_a = text(tree, "es/actions/A.1.1/index.html");
    assert!(
        es_a.contains("<title>Presidir el grupo de trabajo de Metropolis"),
        "Spanish title missing"
    );
    assert!(
        es_a.contains(&format!("{BASE}es/actions/A.1.10/")),
        "Spanish body link not in Spanish"
    );
    assert!(
        es_a.contains(&format!("{BASE}es/reports/2016/")),
        "Spanish links: entry not in Spanish"
    );
    // Untranslated files fall back to the default-language text.
    assert!(text(tree, "es/actions/B.1.2/index.html").contains("Scholarships for municipal staff"));
    assert!(text(tree, "es/lines/A/index.html").contains("Redes y alianzas"));
    assert!(text(tree, "es/reports/2017/index.html").contains("Balance de ejecución 2017"));
    assert!(text(tree, "es/about/index.html").contains("Sobre este plan"));
    assert!(text(tree, "reports/2016/index.html").contains("Execution report 2016"));
    assert!(
        text(tree, "index.html").contains(&format!("{BASE}lines/A/")),
        "home body link not resolved"
    );

    // The free page with `menu: true` is in the menu of every page.
    for path in ["index.html", "actions/A.2.1/index.html", "404.html"] {
        assert!(
            text(tree, path).contains(&format!("{BASE}about/")),
            "{path}: no menu link to the about page"
        );
    }
    assert!(
        text(tree, "es/index.html").contains(&format!("{BASE}es/about/")),
        "es: no menu link to the about page"
    );

    // Natural order in the list of actions: A.1.2 before A.1.10.
    let list = text(tree, "actions/index.html");
    let pos = |id: &str| {
        list.find(&format!("{BASE}actions/{id}/"))
            .unwrap_or_else(|| panic!("actions list has no {id}"))
    };
    assert!(
        pos("A.1.1") < pos("A.1.2") && pos("A.1.2") < pos("A.1.10") && pos("A.1.10") < pos("A.2.1"),
        "actions list not in natural order"
    );

    check_links(tree, BASE, EXTERNAL);
}

#[test]
fn element_ids_are_unique_on_every_page() {
    let tree = good_tree(); // the build with default options, shared
    let mut problems = Vec::new();
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        let mut seen = std::collections::BTreeSet::new();
        for id in attr_values(&String::from_utf8_lossy(bytes), "id=") {
            if !seen.insert(id.clone()) {
                problems.push(format!("{path}: id `{id}` is used twice"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "duplicate ids (fragment links become ambiguous):\n{}",
        problems.join("\n")
    );
}

#[test]
fn sitemap_and_robots_list_every_page() {
    let tree = good_tree(); // the build with default options, shared
    let sitemap = text(tree, "sitemap.xml");
    let listed: std::collections::BTreeSet<String> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .filter_map(|l| target_file(l, BASE))
        .collect();
    let pages: std::collections::BTreeSet<String> = tree
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .cloned()
        .collect();
    assert_eq!(
        listed, pages,
        "sitemap.xml <loc> entries against the built pages"
    );
    assert!(text(tree, "robots.txt").contains(&format!("Sitemap: {BASE}sitemap.xml")));
}

#[test]
fn base_url_override_changes_every_link() {
    let (_tmp, tree) = built(&["--base-url", OTHER_BASE]);
    for (path, bytes) in &tree {
        assert!(
            !String::from_utf8_lossy(bytes).contains("example.org/plan"),
            "{path} still names the base_url of site.toml"
        );
    }
    check_links(&tree, OTHER_BASE, EXTERNAL);
    let plan = plan_json(&tree, "data/plan.json");
    assert_eq!(plan["site"]["base_url"], OTHER_BASE);
    assert_eq!(
        plan["actions"][0]["url"],
        format!("{OTHER_BASE}actions/A.1.1/")
    );
    assert_eq!(
        plan["actions"][0]["links"][1]["url"],
        format!("{OTHER_BASE}reports/2016/")
    );
    assert!(text(&tree, "es/actions/A.1.1/index.html")
        .contains(&format!("{OTHER_BASE}es/actions/A.1.10/")));
}

#[test]
fn usage_errors_exit_with_2() {
    let o = retiment(&["build", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = retiment(&[
        "check",
        "--root",
        good().to_str().unwrap(),
        "--format",
        "yaml",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = retiment(&["check", "--root", good().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn the_good_fixture_has_no_warnings() {
    for drafts in [false, true] {
        let c = compile_ok(&good(), drafts);
        assert!(
            c.warnings.is_empty(),
            "good-en (drafts: {drafts}) has warnings:\n{}",
            show(&c.warnings)
        );
    }
}

//! The preview renders pages on request and parses again only what changed
//! (docs/performance.md). Neither may show anything but what `build` writes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

fn options(root: &Path) -> retiment::Options {
    retiment::Options {
        root: root.to_path_buf(),
        ..Default::default()
    }
}

/// Every file of the site as `compile` makes it (the manifest left out: the preview has none).
fn built(root: &Path) -> BTreeMap<String, Vec<u8>> {
    common::compile_ok(root, false)
        .outputs
        .into_iter()
        .filter(|o| o.path != retiment::output::MANIFEST)
        .map(|o| (o.path, o.bytes))
        .collect()
}

/// Every file of the site as the preview serves it, each page rendered on request.
fn previewed(root: &Path, caches: &mut retiment::Caches) -> BTreeMap<String, Vec<u8>> {
    let site = retiment::compile_live(&options(root), caches)
        .unwrap_or_else(|d| panic!("{}", common::show(&d)));
    let mut files: BTreeMap<String, Vec<u8>> =
        site.files.into_iter().map(|o| (o.path, o.bytes)).collect();
    // Pages, search indexes and the data files of languages other than the
    // default one are made on request.
    let on_request: Vec<String> = built(root)
        .into_keys()
        .filter(|p| !files.contains_key(p))
        .collect();
    for path in on_request {
        assert!(site.live.has(&path), "{path} is not made by the preview");
        let page = site.live.render(&path).expect("a file").expect("renders");
        assert_eq!(page.path, path);
        files.insert(path, page.bytes);
    }
    files
}

/// A copy of the good-en fixture to edit (removed with the `TempDir`).
fn copy_of_good_en(name: &str) -> (common::TempDir, std::path::PathBuf) {
    let tmp = common::TempDir::new(name);
    let site = tmp.join("site");
    common::write_tree(&common::read_tree(&common::fixture("good-en")), &site);
    (tmp, site)
}

#[test]
fn pages_rendered_on_request_are_the_built_pages() {
    for site in [common::fixture("good-en"), common::repo_root()] {
        let want = built(&site);
        let got = previewed(&site, &mut retiment::Caches::default());
        common::assert_same_tree(&want, &got, &site.display().to_string());
    }
}

#[test]
fn a_rebuild_with_caches_is_a_fresh_build() {
    let (_tmp, site) = copy_of_good_en("preview-caches");
    let mut caches = retiment::Caches::default();
    previewed(&site, &mut caches);
    assert!(
        caches.parsed.len() > 10,
        "{} files parsed",
        caches.parsed.len()
    );

    // Edit one action (same length, same second: the watcher's word is what counts).
    let actions = site.join("content/actions");
    let first = std::fs::read_dir(&actions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md") && !p.to_string_lossy().contains(".fr.")
        })
        .min()
        .unwrap();
    let text = std::fs::read_to_string(&first).unwrap();
    let title_at = text.find("title:").expect("a title");
    let mut edited = text.clone().into_bytes();
    let c = title_at + "title: ".len() + 1;
    edited[c] = if edited[c] == b'X' { b'Y' } else { b'X' };
    std::fs::write(&first, &edited).unwrap();
    // The caches hear of changes as the file watcher reports them.
    caches.changed(&site, std::slice::from_ref(&first), false);
    let after = previewed(&site, &mut caches);
    common::assert_same_tree(&built(&site), &after, "after an edit");

    // A translation's title: that language's data (plan.json, feed) changes.
    let translation = actions.join("A.1.1.es.md");
    let text = std::fs::read_to_string(&translation).unwrap();
    std::fs::write(&translation, text.replace("Presidir", "Coordinar")).unwrap();
    caches.changed(&site, std::slice::from_ref(&translation), false);
    let after = previewed(&site, &mut caches);
    common::assert_same_tree(&built(&site), &after, "after a translation's edit");

    // An action becomes a draft: the others are checked against new ids.
    let drafted = actions.join("A.2.1.md");
    let text = std::fs::read_to_string(&drafted).unwrap();
    std::fs::write(&drafted, text.replacen("title:", "draft: true\ntitle:", 1)).unwrap();
    caches.changed(&site, std::slice::from_ref(&drafted), false);
    let after = previewed(&site, &mut caches);
    assert!(
        !after.keys().any(|p| p.contains("A.2.1")),
        "the draft has pages"
    );
    common::assert_same_tree(&built(&site), &after, "after an action became a draft");

    // A new action: the folder is walked again.
    let added = actions.join("9.9.9.md");
    let copy = std::fs::read_dir(&actions)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("\nobjective:"))
        .expect("an action in the default language");
    let id_line = copy.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(
        &added,
        copy.replace(id_line, "title: \"Added while previewing\""),
    )
    .unwrap();
    caches.changed(&site, std::slice::from_ref(&added), false);
    let after = previewed(&site, &mut caches);
    assert!(
        after.keys().any(|p| p.contains("9.9.9")),
        "the added action has no page"
    );
    common::assert_same_tree(&built(&site), &after, "after an addition");

    // A template of the site's own: the theme is loaded again.
    let templates = site.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let footer = templates.join("page.html");
    std::fs::write(
        &footer,
        "{% extends \"base.html\" %}{% block main %}<p>own page template</p>{% endblock main %}",
    )
    .unwrap();
    caches.changed(&site, std::slice::from_ref(&footer), false);
    match (
        retiment::compile_live(&options(&site), &mut caches).map(|_| ()),
        common::compile(&site, false).map(|_| ()),
    ) {
        (Ok(()), Ok(())) => {
            let after = previewed(&site, &mut caches);
            common::assert_same_tree(&built(&site), &after, "after a template change");
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("the cached run and a fresh one disagree: {a:?} / {b:?}"),
    }
    std::fs::remove_file(&footer).unwrap();
    caches.changed(&site, std::slice::from_ref(&footer), false);

    // Remove another file: links to it break in the cached run as in a fresh one.
    let second = std::fs::read_dir(&actions)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != &first && p != &added && p.extension().is_some_and(|e| e == "md"))
        .max()
        .unwrap();
    std::fs::remove_file(&second).unwrap();
    caches.changed(&site, std::slice::from_ref(&second), false);
    let cached = retiment::compile_live(&options(&site), &mut caches).map(|_| ());
    let fresh = common::compile(&site, false).map(|_| ());
    match (cached, fresh) {
        (Ok(()), Ok(())) => {
            let after = previewed(&site, &mut caches);
            common::assert_same_tree(&built(&site), &after, "after a removal");
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("the cached run and a fresh one disagree: {a:?} / {b:?}"),
    }
}

/// The preview reuses the derived figures, the facets and each action's and
/// report's open data while what they are made from is alike (`reuse`,
/// `render::dataset`): every edit that changes one of them must show.
#[test]
fn edits_to_what_figures_facets_and_reports_read_show() {
    let (_tmp, site) = copy_of_good_en("preview-reuse");
    let mut caches = retiment::Caches::default();
    previewed(&site, &mut caches);
    let action = site.join("content/actions/A.1.1.md");
    let other = site.join("content/actions/A.1.2.md");
    let report = site.join("content/reports/2017.md");
    let translation = site.join("content/actions/A.1.1.es.md");
    let home = site.join("content/_index.md");
    let edits: [(&Path, &str, &str, &str); 14] = [
        // A body alone: no data changes, the prepared pages are reused.
        (&action, "met four times", "met five times", "a body only"),
        (
            &translation,
            "\n---\n",
            "\n---\nUn párrafo nuevo.\n\n",
            "a translation's body only",
        ),
        (&action, "title: \"Chair", "title: \"Lead", "a title only"),
        (&home, "at a glance", "in brief", "the home page's title"),
        // Only the roll-ups are made again: action and report figures stay.
        (
            &other,
            "\nprogress: 45\n",
            "\nprogress: 55\n",
            "an action's progress",
        ),
        (
            &other,
            "\nstatus: in_progress\n",
            "\nstatus: delayed\n",
            "an action's status",
        ),
        (
            &action,
            "    progress: 60",
            "    progress: 70",
            "the progress of an update",
        ),
        (
            &action,
            "Four meetings held.",
            "Five meetings held.",
            "an update's note",
        ),
        (
            &action,
            "status: in_progress\n",
            "status: delayed\n",
            "a status",
        ),
        (&action, "\"MedCities\"", "\"Eurocities\"", "a partner"),
        (
            &action,
            "executed: 5000\n",
            "executed: 4000\n",
            "an executed budget",
        ),
        // A translation without a title shows the default one, as it changes.
        (
            &translation,
            "title: \"Presidir el grupo de trabajo de Metropolis\"\n",
            "",
            "a translation's title, taken out",
        ),
        (
            &action,
            "title: \"Lead",
            "title: \"Head",
            "a title a translation falls back to",
        ),
        // Shown in the Spanish data, whose text comes from the translation.
        (
            &report,
            "published: 2018-04-15",
            "published: 2018-05-02",
            "a report's date",
        ),
    ];
    for (file, from, to, what) in edits {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(from), "{what}: `{from}` not in the fixture");
        std::fs::write(file, text.replacen(from, to, 1)).unwrap();
        caches.changed(&site, &[file.to_path_buf()], false);
        let after = previewed(&site, &mut caches);
        common::assert_same_tree(&built(&site), &after, &format!("after editing {what}"));
    }

    // A file that no longer parses, then is mended: the same problems as a
    // fresh run, then the same site.
    let good = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, good.replacen("status:", "status: [", 1)).unwrap();
    caches.changed(&site, std::slice::from_ref(&other), false);
    let cached = retiment::compile_live(&options(&site), &mut caches).map(|_| ());
    assert_eq!(cached, common::compile(&site, false).map(|_| ()));
    assert!(cached.is_err(), "a broken file builds");
    std::fs::write(&other, good).unwrap();
    caches.changed(&site, std::slice::from_ref(&other), false);
    let after = previewed(&site, &mut caches);
    common::assert_same_tree(&built(&site), &after, "after a file was broken and mended");
}

/// Rows of action tables are rendered once per language (`include_cached`)
/// and kept with the prepared pages, which the preview keeps while the
/// content is the same: a template edited meanwhile must still show.
#[test]
fn a_cached_include_edited_in_the_preview_shows() {
    let (_tmp, site) = copy_of_good_en("preview-include");
    let mut caches = retiment::Caches::default();
    let before = previewed(&site, &mut caches);
    let row = site.join("templates/partials/action_row.html");
    let theme_row = common::repo_root().join("themes/default/templates/partials/action_row.html");
    let theme_row = std::fs::read_to_string(theme_row).unwrap();
    for (n, marker) in ["first-edit", "second-edit"].into_iter().enumerate() {
        std::fs::create_dir_all(row.parent().unwrap()).unwrap();
        let edited = theme_row.replacen("<tr ", &format!("<tr class=\"{marker}\" "), 1);
        assert_ne!(edited, theme_row, "the row template has no <tr");
        std::fs::write(&row, edited).unwrap();
        caches.changed(&site, std::slice::from_ref(&row), false);
        let after = previewed(&site, &mut caches);
        let what = format!("after edit {n} of the row template");
        common::assert_same_tree(&built(&site), &after, &what);
        let list = after
            .get("objectives/A.1/index.html")
            .expect("an objective page");
        let list = String::from_utf8_lossy(list);
        assert!(
            list.contains(marker),
            "{what}: the objective page shows the old rows"
        );
    }
    std::fs::remove_file(&row).unwrap();
    caches.changed(&site, std::slice::from_ref(&row), false);
    let after = previewed(&site, &mut caches);
    common::assert_same_tree(&before, &after, "after the row template was taken out");
}

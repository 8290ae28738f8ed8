//! Broken sites: every error at its exact `path:line:column`, all of them in
//! one run, exit code 1, and a previous output folder left byte-for-byte as it was.

mod common;

use common::*;
use retiment::diagnostics::Diagnostic;

/// One expected error: where (as printed, `path:line:column`), a piece of its message, a piece of its help.
type Expect = (&'static str, &'static str, Option<&'static str>);

fn at(d: &Diagnostic) -> String {
    // Line and column 0 mean "the whole file" and are printed as 1.
    format!("{}:{}:{}", d.path, d.line.max(1), d.column.max(1))
}

fn matches(d: &Diagnostic, (loc, message, help): &Expect) -> bool {
    at(d) == *loc
        && d.message.contains(message)
        && help.is_none_or(|h| d.help.as_deref().is_some_and(|dh| dh.contains(h)))
}

/// The library reports exactly the expected errors, each once: (errors, problems found).
fn check_library(name: &str, expected: &[Expect]) -> (Vec<Diagnostic>, Vec<String>) {
    let errors = compile_errors(&fixture(name));
    let mut used = vec![false; errors.len()];
    let mut problems = Vec::new();
    for e in expected {
        match (0..errors.len()).find(|i| !used[*i] && matches(&errors[*i], e)) {
            Some(i) => used[i] = true,
            None => problems.push(format!(
                "  missing: {}: error: …{}…{}",
                e.0,
                e.1,
                e.2.map_or(String::new(), |h| format!(" (help: …{h}…)"))
            )),
        }
    }
    for (d, _) in errors.iter().zip(&used).filter(|(_, u)| !**u) {
        problems.push(format!("  unexpected: {d}"));
    }
    if errors.len() != expected.len() {
        problems.push(format!(
            "  expected {} errors in one run, got {}",
            expected.len(),
            errors.len()
        ));
    }
    (errors, problems)
}

/// The binary fails with exit code 1, prints every error, and leaves a previous output untouched.
fn check_binary(name: &str, errors: &[Diagnostic]) {
    // A previous output folder: the good fixture's site, as built by retiment.
    let tmp = TempDir::new(name);
    let out = tmp.join("public");
    write_tree(good_tree(), &out);
    let before = read_tree(&out);

    let o = build(&fixture(name), &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: `build` exit code\n{err}");
    for d in errors {
        // The first line is `path:line:column: error: message`; the help follows in any layout.
        let first = d.to_string().lines().next().unwrap().to_string();
        let help = d.help.as_deref().unwrap_or("");
        assert!(
            err.lines().any(|l| l == first) && err.contains(help),
            "{name}: `build` did not print\n{d}\nit printed:\n{err}"
        );
    }
    let n = errors.len();
    assert!(
        err.contains(&format!("{n} error{}", if n == 1 { "" } else { "s" })),
        "{name}: no count of {n} errors in\n{err}"
    );
    assert_same_tree(
        &before,
        &read_tree(&out),
        &format!("{name}: the output folder after a failed build"),
    );
    let fresh = tmp.join("fresh");
    assert_eq!(build(&fixture(name), &fresh, &[]).status.code(), Some(1));
    assert!(
        !fresh.exists(),
        "{name}: a failed build created its output folder"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "{name}: a failed build left {leftovers:?} beside the output folder"
    );

    // `check --format json`: one JSON object per line, the same errors at the same places.
    let o = retiment(&[
        "check",
        "--root",
        fixture(name).to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{name}: `check` exit code\n{}",
        stderr(&o)
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    let json: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}: not JSON: {l}: {e}")))
        .collect();
    let json_errors: Vec<_> = json.iter().filter(|v| v["severity"] == "error").collect();
    assert_eq!(
        json_errors.len(),
        n,
        "{name}: `check --format json` errors:\n{stdout}"
    );
    for (v, d) in json_errors.iter().zip(errors) {
        assert_eq!(
            (v["path"].as_str(), v["line"].as_u64(), v["column"].as_u64()),
            (
                Some(d.path.as_str()),
                Some(d.line as u64),
                Some(d.column as u64)
            )
        );
        assert_eq!(v["message"].as_str(), Some(d.message.as_str()));
    }
    assert!(
        !fixture(name).join("public").exists(),
        "{name}: check or build wrote into the fixture"
    );
}

fn check_fixture(name: &str, expected: &[Expect]) {
    let (errors, problems) = check_library(name, expected);
    // The binary's own checks run first, whatever the library's positions.
    check_binary(name, &errors);
    assert!(
        problems.is_empty(),
        "{name}:\n{}\nevery error reported:\n{}",
        problems.join("\n"),
        show(&errors)
    );
}

#[test]
fn bad_frontmatter() {
    check_fixture(
        "bad-frontmatter",
        &[
            (
                "content/actions/A.1.1.md:5:1",
                "unknown key `progres`",
                Some("did you mean `progress`?"),
            ),
            (
                "content/actions/A.1.2.md:5:1",
                "duplicate key `title`",
                None,
            ),
            (
                "content/actions/A.1.3.md:4:9",
                "unknown variant `finished`",
                None,
            ),
            (
                "content/actions/A.1.4.md:5:11",
                "`150` is out of range",
                None,
            ),
            (
                "content/actions/A.1.5.md:5:8",
                "`2017-02-30` is not a date",
                None,
            ),
            (
                "content/actions/A.1.6.md:7:14",
                "`-5` is not a non-negative amount",
                None,
            ),
            (
                "content/actions/A.1.7.md:8:15",
                "`12.345` is not a non-negative amount with at most 2 decimals",
                None,
            ),
            (
                "content/actions/A.1.8.md:5:1",
                "status `completed` with progress 50",
                None,
            ),
            (
                "content/actions/A.1.9.md:1:1",
                "status `in_progress` needs `progress`",
                None,
            ),
            (
                "content/actions/A.1.10.md:6:1",
                "`end` (2017-04-30) is before `start` (2017-05-01)",
                None,
            ),
            (
                "content/actions/A.1.11.md:5:14",
                "mapping values are not allowed",
                None,
            ),
            (
                "content/actions/A.1.12.md:7:10",
                "cannot start any token",
                Some("must be in quotes"),
            ),
            // An update that breaks the status/progress rule is reported at its own list item.
            (
                "content/actions/A.1.13.md:10:3",
                "status `completed` with progress 50",
                None,
            ),
            // Two bad values in one list: both reported.
            (
                "content/actions/A.1.14.md:7:14",
                "`-5` is not a non-negative amount",
                None,
            ),
            (
                "content/actions/A.1.14.md:9:14",
                "`1.005` is not a non-negative amount",
                None,
            ),
            ("content/lines/B.md:1:1", "never closed", None),
            (
                "content/reports/2017.md:3:14",
                "`-1` is not a non-negative amount",
                None,
            ),
            (
                "content/reports/2017.md:4:23",
                "`10.001` is not a non-negative amount",
                None,
            ),
        ],
    );
}

#[test]
fn bad_references() {
    check_fixture(
        "bad-references",
        &[
            (
                "content/objectives/Z.1.md:3:1",
                "line `Z` does not exist",
                None,
            ),
            (
                "content/actions/A.1.1.md:3:1",
                "objective `A.9` does not exist",
                Some("did you mean `A.1`?"),
            ),
            // Items of a list are reported at the item (its `-`), not at the list's key.
            (
                "content/actions/A.1.2.md:7:3",
                "action `A.1.99` does not exist",
                None,
            ),
            (
                "content/actions/A.1.2.md:11:3",
                "`@/pages/nowhere.md` points to a file that does not exist",
                None,
            ),
            // A body link: its line in the file (front matter counted) and its column in characters.
            (
                "content/actions/A.1.2.md:16:15",
                "`@/actions/A.1.77.md` points to a file that does not exist",
                None,
            ),
            (
                "content/actions/A.1.3.es.md:3:1",
                "unknown key `status`",
                Some("a translation sets only"),
            ),
            (
                "content/actions/A.1.3.fr.md:1:1",
                "`fr`, a language not declared in site.toml",
                None,
            ),
            (
                "content/actions/A.1.50.es.md:1:1",
                "translation without its default-language file",
                None,
            ),
        ],
    );
}

#[test]
fn bad_layout() {
    check_fixture(
        "bad-layout",
        &[
            ("content/notes.txt:1:1", "unexpected file `notes.txt`", None),
            ("content/misc:1:1", "unexpected folder `misc`", None),
            ("content/actions/old:1:1", "unexpected nested folder", None),
            (
                "content/lines/README.txt:1:1",
                "is not a Markdown file",
                None,
            ),
            (
                "content/reports/2017.md:2:1",
                "`year` is 2016 but the file is named 2017.md",
                None,
            ),
            (
                "content/pages/data.md:1:1",
                "a page cannot be called `data`",
                None,
            ),
        ],
    );
}

#[test]
fn bad_config() {
    check_fixture(
        "bad-config",
        &[
            (
                "site.toml:4:1",
                "unknown key `titel`",
                Some("did you mean `title`?"),
            ),
            (
                "site.toml:7:1",
                "unknown key `cooperation_target`",
                Some("did you mean `cooperation_target_pct`?"),
            ),
        ],
    );
}

#[test]
fn bad_encoding() {
    // Line 2 is `title: "Cooperaci\xF3n…`: the bad byte is the 18th character.
    check_fixture(
        "bad-encoding",
        &[("content/actions/A.1.1.md:2:18", "not valid UTF-8", None)],
    );
}

#[test]
fn bad_template() {
    // A site-level template override that calls a component no template defines.
    check_fixture(
        "bad-template",
        &[(
            "templates/page.html:4:4",
            "Unknown component `no_such_component`",
            None,
        )],
    );
}

#[test]
fn bad_theme() {
    check_fixture(
        "bad-theme",
        &[(
            "site.toml:4:1",
            "theme `nowhere` not found",
            Some("set `theme` in site.toml to a folder under themes/, or to \"default\" for the built-in theme"),
        )],
    );
}

#[test]
fn bad_i18n() {
    check_fixture(
        "bad-i18n",
        &[(
            "themes/plain/i18n/es.toml:1:1",
            "language `es` is missing the interface string `status.delayed`",
            Some("add `status.delayed`, translated from en.toml"),
        )],
    );
}

#[test]
fn bad_render() {
    check_fixture(
        "bad-render",
        &[(
            "templates/page.html:4:12",
            "Field `no_such_field` is not defined",
            None,
        )],
    );
}

//! Front matter: splitting the `---` block from the body, and parsing it key
//! by key so that every bad key or value in a file is reported, each at its
//! own `line:column`, in one run.

use super::limits::too_complex;
use crate::diagnostics::{unknown_key_help, Diagnostic};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A content file split into its YAML block and its Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line (1-based) of the YAML block's first line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// File line (1-based) of the body's first line.
    pub body_line: usize,
}

/// Split a file's text. Files without a leading `---` line have no front matter.
pub fn split(text: &str) -> Result<Split<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == "---" {
            return Ok(Split {
                yaml: &text[first_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err((
        1,
        "the front matter opened by `---` on line 1 is never closed".into(),
    ))
}

/// Where each key (and so its value) sits in the file.
pub type Positions = BTreeMap<String, (usize, usize)>;

/// One top-level `key: value` entry of the YAML block with its source text.
struct Entry<'a> {
    key: String,
    line: usize,
    column: usize,
    text: &'a str,
}

/// Top-level keys are the lines that start at column 0 (YAML requires nested
/// content and continuation lines to be indented).
fn entries(yaml: &str, yaml_line: usize) -> Result<Vec<Entry<'_>>, (usize, String)> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for (i, line) in yaml.split_inclusive('\n').enumerate() {
        let first = line.chars().next().unwrap_or(' ');
        let content = line.trim_end();
        if !(content.is_empty() || first.is_whitespace() || first == '#') {
            if first == '-' || first == '[' || first == '{' {
                return Err((
                    yaml_line + i,
                    "front matter must be `key: value` lines, one key per line".into(),
                ));
            }
            let key = match top_key(content) {
                Some(k) => k,
                None => {
                    return Err((
                        yaml_line + i,
                        format!("expected `key: value`, found `{content}`"),
                    ))
                }
            };
            starts.push((key, yaml_line + i, offset));
        }
        offset += line.len();
    }
    let mut out = Vec::with_capacity(starts.len());
    for (n, (key, line, start)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(yaml.len(), |s| s.2);
        out.push(Entry {
            key: key.clone(),
            line: *line,
            column: 1,
            text: &yaml[*start..end],
        });
    }
    Ok(out)
}

/// Positions of the items of a block list (`key[0]`, `key[1]` …), so that a
/// problem in the third update is reported on the third update's line.
fn record_items(entry: &Entry, positions: &mut Positions) {
    for (n, (i, indent)) in item_starts(entry.text).into_iter().enumerate() {
        positions.insert(format!("{}[{n}]", entry.key), (entry.line + i, indent + 1));
    }
}

/// The items of a block list in an entry's text: (line index, indentation)
/// of each `- ` at the list's own indentation (nested lists are not items).
fn item_starts(text: &str) -> Vec<(usize, usize)> {
    let mut item_indent = None;
    let mut starts = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let indent = line.len() - line.trim_start().len();
        if (line.trim_start().starts_with("- ") || line.trim() == "-")
            && *item_indent.get_or_insert(indent) == indent
        {
            starts.push((i, indent));
        }
    }
    starts
}

/// Errors of each item of a block list, parsed one by one (empty when the
/// entry is not a block list, or when no single item fails on its own).
fn item_errors<T: DeserializeOwned>(path: &str, entry: &Entry) -> Vec<Diagnostic> {
    let lines: Vec<&str> = entry.text.lines().collect();
    let starts: Vec<usize> = item_starts(entry.text)
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    if starts.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        let text = format!("{}:\n{}\n", entry.key, lines[start..end].join("\n"));
        if let Err(e) = serde_yaml::from_str::<T>(&text) {
            // Line 2 of the one-item text is the item's first line in the file.
            let mut d = yaml_error(path, &e, entry.line + start - 1, &entry.key);
            d.message = d.message.replacen(
                &format!("{}[0]", entry.key),
                &format!("{}[{n}]", entry.key),
                1,
            );
            out.push(d);
        }
    }
    out
}

/// 1-based column where the value of a `key: value` line starts.
fn value_column(entry: &str) -> usize {
    let first = entry.lines().next().unwrap_or("");
    match first.find(": ") {
        Some(i) => {
            first[..i + 2].chars().count()
                + first[i + 2..].chars().take_while(|c| *c == ' ').count()
                + 1
        }
        None => 1,
    }
}

/// The key of a top-level line, unquoted.
fn top_key(line: &str) -> Option<String> {
    if let Some(quote) = line.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = line[1..].find(quote)? + 1;
        let rest = line[close + 1..].trim_start();
        return rest.starts_with(':').then(|| line[1..close].to_string());
    }
    let colon = line
        .find(": ")
        .or_else(|| line.ends_with(':').then(|| line.len() - 1))?;
    let key = line[..colon].trim_end();
    (!key.is_empty()).then(|| key.to_string())
}

/// Parse a YAML block into `T` (whose fields must all be optional), key by key.
/// Unknown and duplicate keys and every bad value become diagnostics; the
/// returned value holds every key that parsed.
pub fn parse<T: DeserializeOwned + Default>(
    path: &str,
    yaml: &str,
    yaml_line: usize,
    known: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> (T, Positions) {
    let mut positions = Positions::new();
    if let Some((line, msg)) = too_complex(yaml, yaml_line) {
        diags.push(
            Diagnostic::error(path, line, 1, msg)
                .with_help("front matter holds short fields and lists; put long text in the body"),
        );
        // Nothing was read: count every key as written, so that no "missing"
        // error repeats the one above.
        for key in known {
            positions.insert(key.to_string(), (line, 1));
        }
        return (T::default(), positions);
    }
    let entries = match entries(yaml, yaml_line) {
        Ok(e) => e,
        Err((line, msg)) => {
            diags.push(
                Diagnostic::error(path, line, 1, msg)
                    .with_help("write one `key: value` per line, e.g. `title: \"…\"`"),
            );
            return (T::default(), positions);
        }
    };
    // The usual case, a front matter without mistakes, is read in one go;
    // only one with a problem is read again key by key, to find them all.
    if let Some(value) = parse_whole::<T>(yaml, &entries, known) {
        for entry in &entries {
            positions.insert(entry.key.clone(), (entry.line, entry.column));
            record_items(entry, &mut positions);
        }
        return (value, positions);
    }
    let mut good = String::new();
    for entry in &entries {
        if let Some((first, _)) = positions.get(&entry.key) {
            diags.push(
                Diagnostic::error(
                    path,
                    entry.line,
                    entry.column,
                    format!("duplicate key `{}` (first set on line {first})", entry.key),
                )
                .with_help("keep one of the two"),
            );
            continue;
        }
        positions.insert(entry.key.clone(), (entry.line, entry.column));
        record_items(entry, &mut positions);
        if !known.contains(&entry.key.as_str()) {
            diags.push(
                Diagnostic::error(
                    path,
                    entry.line,
                    entry.column,
                    format!("unknown key `{}`", entry.key),
                )
                .with_help(unknown_key_help(&entry.key, known)),
            );
            continue;
        }
        match serde_yaml::from_str::<T>(entry.text) {
            Ok(_) => {
                good.push_str(entry.text);
                if !entry.text.ends_with('\n') {
                    good.push('\n');
                }
            }
            Err(e) => {
                // A block list is parsed again item by item, so every bad item is reported.
                let item_errors = item_errors::<T>(path, entry);
                if !item_errors.is_empty() {
                    diags.extend(item_errors);
                    continue;
                }
                let mut d = yaml_error(path, &e, entry.line, &entry.key);
                // Errors raised after a scalar was read carry the entry's start: point at the value.
                if (d.line, d.column) == (entry.line, 1) {
                    d.column = value_column(entry.text);
                }
                if !d.message.starts_with(entry.key.as_str()) {
                    d.message = format!("{}: {}", entry.key, d.message);
                }
                diags.push(d);
            }
        }
    }
    if good.is_empty() {
        return (T::default(), positions);
    }
    // Every entry parsed alone, so together they parse too.
    match serde_yaml::from_str::<T>(&good) {
        Ok(value) => (value, positions),
        Err(e) => {
            diags.push(yaml_error(path, &e, yaml_line, ""));
            (T::default(), positions)
        }
    }
}

/// The whole block as `T`, when every key is known and appears once and
/// the block parses.
fn parse_whole<T: DeserializeOwned>(yaml: &str, entries: &[Entry], known: &[&str]) -> Option<T> {
    let mut seen = std::collections::HashSet::new();
    let clean = entries
        .iter()
        .all(|e| known.contains(&e.key.as_str()) && seen.insert(e.key.as_str()));
    if !clean {
        return None;
    }
    serde_yaml::from_str::<T>(yaml).ok()
}

/// A YAML error as a diagnostic, its position shifted to the file's lines.
fn yaml_error(path: &str, e: &serde_yaml::Error, first_line: usize, key: &str) -> Diagnostic {
    let (line, column) = e
        .location()
        .map_or((first_line, 1), |l| (first_line + l.line() - 1, l.column()));
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    let help = if message.contains("cannot start any token") {
        Some("a value that starts with `@`, `` ` ``, `%` or `|` must be in quotes, e.g. url: \"@/actions/1.1.7.md\"".to_string())
    } else if message.contains("unknown variant") {
        None
    } else if message.contains("invalid type") && !key.is_empty() {
        Some(format!("see docs/content-model.md for the type of `{key}`"))
    } else {
        None
    };
    let d = Diagnostic::error(path, line, column, message);
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Fm {
        title: Option<String>,
        progress: Option<crate::load::values::Progress>,
        tags: Vec<String>,
    }
    const KNOWN: &[&str] = &["title", "progress", "tags"];

    #[test]
    fn split_finds_block_and_body_lines() {
        let s = split("---\ntitle: x\n---\nBody\n").unwrap();
        assert_eq!(
            (s.yaml, s.yaml_line, s.body, s.body_line),
            ("title: x\n", 2, "Body\n", 4)
        );
        assert_eq!(split("no front matter").unwrap().yaml, "");
        assert!(split("---\ntitle: x\n").is_err());
    }

    #[test]
    fn every_problem_is_reported_at_its_position() {
        let yaml = "title: ok\nprogres: 5\nprogress: 300\ntags:\n  - a\n  - [b]\ntitle: again\n";
        let mut diags = Vec::new();
        let (fm, pos) = parse::<Fm>("a.md", yaml, 2, KNOWN, &mut diags);
        assert_eq!(fm.title.as_deref(), Some("ok"));
        let got: Vec<_> = diags.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(got, vec![(3, 1), (4, 11), (7, 5), (8, 1)], "{diags:#?}");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `progress`?"));
        assert!(diags[3].message.contains("duplicate key `title`"));
        assert_eq!(pos["tags"], (5, 1));
    }

    #[test]
    fn a_correct_block_reads_in_one_go_with_the_same_positions() {
        let yaml = "title: ok\nprogress: 30\ntags:\n  - a\n  - b\n";
        let mut diags = Vec::new();
        let (fm, pos) = parse::<Fm>("a.md", yaml, 2, KNOWN, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(fm.title.as_deref(), Some("ok"));
        assert_eq!(fm.tags, ["a", "b"]);
        assert_eq!(
            (pos["title"], pos["progress"], pos["tags"]),
            ((2, 1), (3, 1), (4, 1))
        );
        // Item positions, as the key-by-key reading records them.
        let mut slow = Positions::new();
        for e in entries(yaml, 2).unwrap() {
            slow.insert(e.key.clone(), (e.line, e.column));
            record_items(&e, &mut slow);
        }
        assert_eq!(pos, slow);
    }

    #[test]
    fn syntax_error_has_position() {
        let mut diags = Vec::new();
        parse::<Fm>("a.md", "title: \"open\n", 2, KNOWN, &mut diags);
        assert_eq!(diags.len(), 1);
        // libyaml reports an unclosed quote where the input ends.
        assert_eq!(diags[0].line, 3, "{diags:?}");
        assert!(diags[0].message.contains("quoted scalar"), "{diags:?}");
    }

    #[test]
    fn hostile_nesting_is_refused_quickly() {
        let mut diags = Vec::new();
        let yaml = format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        parse::<Fm>("a.md", &yaml, 2, KNOWN, &mut diags);
        assert!(diags[0].message.contains("nested"), "{diags:?}");
        let mut diags = Vec::new();
        parse::<Fm>(
            "a.md",
            "title: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n",
            2,
            KNOWN,
            &mut diags,
        );
        assert!(
            diags.is_empty(),
            "brackets inside quotes are text: {diags:?}"
        );
    }

    #[test]
    fn list_at_top_is_refused() {
        let mut diags = Vec::new();
        parse::<Fm>("a.md", "- a\n", 2, KNOWN, &mut diags);
        assert!(diags[0].message.contains("key: value"));
    }
}

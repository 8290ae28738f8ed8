//! Rendering diagnostics for people and for programs: the human form (first
//! line `path:line:column: error: message`, then the offending source line
//! with a caret under the column, then `help: …`) and the JSON-lines form.
//! `check`, `build` and the `serve` overlay all print through here, so an
//! editor sees the same text everywhere.

use crate::diagnostics::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Chars, Config};
use std::collections::HashMap;
use std::path::Path;

/// Render diagnostics for a person. Each file is read once, from `root/path`,
/// to show its offending line; a file that cannot be read (or a diagnostic
/// about a whole file) gets the first line and the help only.
pub fn human(diags: &[Diagnostic], root: &Path) -> String {
    let mut sources: HashMap<&str, Option<String>> = HashMap::new();
    let mut out = String::new();
    for d in diags {
        let source = sources
            .entry(d.path.as_str())
            .or_insert_with(|| std::fs::read_to_string(root.join(&d.path)).ok());
        out.push_str(&one(d, source.as_deref()));
        // A blank line between problems, as compilers do, so each reads as a block.
        out.push('\n');
    }
    out
}

/// One JSON object per line per problem, for CI annotations and editors.
pub fn json(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        // Serialising a struct of strings and numbers cannot fail; an empty
        // object would still be one line per problem if it ever did.
        out.push_str(&serde_json::to_string(d).unwrap_or_else(|_| "{}".into()));
        out.push('\n');
    }
    out
}

/// "2 errors, 1 warning": the closing line of `check`, `build` and `serve`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{errors} error{}, {warnings} warning{}",
        s(errors),
        s(warnings)
    )
}

fn one(d: &Diagnostic, source: Option<&str>) -> String {
    let mut out = format!("{}\n", d.header());
    let notes: Vec<String> = d.help.iter().map(|h| format!("help: {h}")).collect();
    let span = source
        .filter(|_| d.line > 0)
        .and_then(|text| span(text, d.line, d.column))
        .filter(|r| !is_fence(source, r));
    let (Some(text), Some(range)) = (source, span) else {
        for n in &notes {
            out.push_str(&format!("  = {n}\n"));
        }
        return out;
    };
    let severity = match d.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
    };
    // codespan's own header line would repeat the message without the
    // position; it is given an empty message so that it is exactly one line,
    // and that line is replaced by ours.
    let snippet = Snippet::new(severity)
        .with_labels(vec![Label::primary((), range)])
        .with_notes(notes);
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let file = SimpleFile::new(d.path.as_str(), text);
    match term::emit_into_string(&config, &file, &snippet) {
        Ok(rendered) => {
            let body = rendered.split_once('\n').map_or("", |(_, rest)| rest);
            out.push_str(body.trim_end_matches('\n'));
            out.push('\n');
        }
        Err(_) => {
            for n in &snippet.notes {
                out.push_str(&format!("  = {n}\n"));
            }
        }
    }
    out
}

/// A diagnostic about a whole content file points at its opening `---`;
/// underlining the fence would say nothing, so it gets no snippet.
fn is_fence(source: Option<&str>, range: &std::ops::Range<usize>) -> bool {
    source
        .and_then(|t| t.get(range.clone()))
        .is_some_and(|s| s == "---")
}

/// Byte range to underline for a 1-based line and character column: the
/// token that starts there (a key, a value, a link), or one character. A
/// column past the end of the line points just after its last character;
/// column 0 means the whole line.
fn span(text: &str, line: usize, column: usize) -> Option<std::ops::Range<usize>> {
    let start_of_line = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)?
    };
    let rest = &text[start_of_line..];
    let line_text = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    if column == 0 {
        let first = line_text.len() - line_text.trim_start().len();
        return Some(start_of_line + first..start_of_line + line_text.len().max(first));
    }
    let Some((offset, first)) = line_text.char_indices().nth(column - 1) else {
        return Some(start_of_line + line_text.len()..start_of_line + line_text.len());
    };
    let token_char =
        |c: char| !c.is_whitespace() && !matches!(c, ':' | ',' | ')' | ']' | '}' | '>');
    let len = if token_char(first) {
        line_text[offset..]
            .chars()
            .take_while(|c| token_char(*c))
            .map(char::len_utf8)
            .sum()
    } else {
        first.len_utf8()
    };
    Some(start_of_line + offset..start_of_line + offset + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---\ntitle: \"x\"\nprogres: 60\nstatus: done\n---\nBody\n";

    #[test]
    fn first_line_then_source_caret_and_help() {
        let d = Diagnostic::error("content/actions/1.md", 3, 1, "unknown key `progres`")
            .with_help("did you mean `progress`?");
        let text = one(&d, Some(FILE));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "content/actions/1.md:3:1: error: unknown key `progres`"
        );
        let src = lines
            .iter()
            .position(|l| l.ends_with("| progres: 60"))
            .expect("source line shown");
        assert_eq!(
            lines[src + 1].trim_end(),
            format!(
                "{}^^^^^^^",
                &lines[src + 1][..lines[src + 1].find('^').unwrap()]
            )
        );
        // The caret sits under column 1 of the source line.
        assert_eq!(lines[src + 1].find('^'), lines[src].find("progres"));
        assert!(text.contains("= help: did you mean `progress`?"));
    }

    #[test]
    fn caret_under_a_value_in_the_middle_of_a_line() {
        let d = Diagnostic::error("a.md", 4, 9, "unknown status");
        let text = one(&d, Some(FILE));
        let src = text
            .lines()
            .find(|l| l.ends_with("| status: done"))
            .unwrap();
        let caret = text.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret.find('^'), src.find("done"));
        assert_eq!(caret.trim_end().matches('^').count(), 4);
    }

    #[test]
    fn whole_file_and_unreadable_files_get_first_line_and_help() {
        let d = Diagnostic::error("content/x.txt", 0, 0, "unexpected file").with_help("move it");
        assert_eq!(
            one(&d, Some(FILE)),
            "content/x.txt:1:1: error: unexpected file\n  = help: move it\n"
        );
        let d = Diagnostic::warning("gone.md", 3, 2, "gone");
        assert_eq!(one(&d, None), "gone.md:3:2: warning: gone\n");
    }

    #[test]
    fn positions_past_the_end_never_panic() {
        for (line, column) in [(99, 1), (3, 99), (6, 5), (7, 1), (1, 0)] {
            let d = Diagnostic::error("a.md", line, column, "m");
            assert!(one(&d, Some(FILE))
                .starts_with(&format!("a.md:{line}:{}: error: m\n", column.max(1))));
        }
        assert!(one(&Diagnostic::error("a.md", 2, 3, "m"), Some("")).starts_with("a.md:2:3"));
        assert!(one(&Diagnostic::error("a.md", 1, 2, "m"), Some("é\r\nb")).contains('^'));
    }

    #[test]
    fn json_is_one_object_per_line() {
        let diags = vec![
            Diagnostic::error("a.md", 1, 1, "one"),
            Diagnostic::warning("b.md", 2, 3, "two").with_help("h"),
        ];
        let text = json(&diags);
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        assert_eq!(v["severity"], "warning");
        assert_eq!(v["help"], "h");
        assert_eq!(summary(&diags), "1 error, 1 warning");
    }
}

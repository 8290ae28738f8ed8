//! Limits on front matter: far beyond any real file, small enough that a
//! hostile one (huge, or nested thousands of levels deep) cannot stall the
//! YAML parser. Checked on the text, before parsing.

/// Largest front matter accepted, and deepest nesting: far beyond any real
/// file, small enough that a hostile one cannot stall the YAML parser.
pub const MAX_YAML_BYTES: usize = 1 << 20;

pub const MAX_DEPTH: usize = 32;

/// Refuse, before parsing, a block too big or too deeply nested to be real content.
pub fn too_complex(yaml: &str, yaml_line: usize) -> Option<(usize, String)> {
    if yaml.len() > MAX_YAML_BYTES {
        return Some((
            yaml_line,
            format!(
                "the front matter is {} KiB; at most {} KiB are accepted",
                yaml.len() / 1024,
                MAX_YAML_BYTES / 1024
            ),
        ));
    }
    for (i, l) in yaml.lines().enumerate() {
        // Block nesting: deep indentation or chains of `- - - …` on one line.
        let indent = l.len() - l.trim_start().len();
        let mut rest = l.trim_start();
        let mut dashes = 0;
        while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("-\t")) {
            dashes += 1;
            rest = r.trim_start();
        }
        if indent > MAX_DEPTH * 8 || dashes > MAX_DEPTH {
            return Some((
                yaml_line + i,
                format!("values are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
    }
    let (mut depth, mut line) = (0usize, yaml_line);
    let mut quote: Option<char> = None;
    for c in yaml.chars() {
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                if quote == Some('#') {
                    quote = None;
                }
            }
            (Some(q), c) if c == q && q != '#' => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => quote = Some('#'),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((
                        line,
                        format!("values are nested more than {MAX_DEPTH} levels deep"),
                    ));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

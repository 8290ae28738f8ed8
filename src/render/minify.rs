//! Minification with minify-html, at the three places it is cheapest to do:
//! the built-in theme's templates once when they are loaded, each Markdown
//! body as it is rendered, and, for sites with their own templates, every
//! whole page (see docs/performance.md).

/// Pages nested deeper than this are published as rendered: the minifier
/// parses recursively, and hostile raw HTML or Markdown must not overflow it.
const MAX_MINIFY_DEPTH: usize = 256;

/// Minify a whole page without changing what it shows.
pub fn page(html: &[u8]) -> Vec<u8> {
    if nesting_depth(html) > MAX_MINIFY_DEPTH {
        return html.to_vec();
    }
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.minify_css = true;
    minify_html::minify(html, &cfg)
}

/// Minify an HTML fragment (a rendered Markdown body) as it will sit inside
/// a page whose template was minified by [`template`]: as part of a page.
pub fn fragment(html: String) -> String {
    String::from_utf8(page(html.as_bytes())).unwrap_or(html)
}

/// Placeholder delimiters: Unicode private-use characters, which templates
/// never contain (those that do are not minified) and minify-html copies as
/// they are.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Minify a Tera template's HTML, keeping every Tera tag (`{{ }}`, `{% %}`,
/// `{# #}`) byte for byte. Each tag is swapped for a marker that minify-html
/// keeps: a statement (`{% %}`, `{# #}`) between elements becomes a bang
/// element `<!…>`, so whitespace around it goes as it would around an
/// element; an expression in text or in a quoted attribute value becomes
/// text (with a space, so the value stays quoted); a start tag with a Tera tag
/// among its attributes (`<span{{ <lang_attr /> }}>`) is kept whole, as
/// written. Markers are then put back. `None` when the template cannot be
/// minified that way (a marker was dropped or changed, a tag is not closed):
/// the template is then used as it is.
pub fn template(source: &str) -> Option<String> {
    let (html, tags) = protect(source)?;
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    let min = String::from_utf8(minify_html::minify(html.as_bytes(), &cfg)).ok()?;
    restore(&min, &tags)
}

/// One Tera tag: the marker standing for it, and its text.
struct Marked<'a> {
    marker: String,
    text: &'a str,
    /// An expression in an attribute value: minify-html may move it with
    /// its attribute (it sorts attributes), which changes nothing rendered.
    movable: bool,
}

/// The template with its Tera tags replaced by markers, and the tags.
fn protect(source: &str) -> Option<(String, Vec<Marked<'_>>)> {
    if source.contains(OPEN) || source.contains(CLOSE) {
        return None;
    }
    let mut html = String::with_capacity(source.len());
    let mut tags: Vec<Marked> = Vec::new();
    let mut state = Html::Text;
    // The start tag being read: where it begins in `html`, in `source` and
    // in `tags`, and whether a Tera tag sits among its attributes.
    let mut open = (0, 0, 0, false);
    let mut at = 0;
    let mut after_tera = false;
    while at < source.len() {
        let rest = &source[at..];
        if next_tag(rest) == Some(0) {
            let len = tag_len(rest)?;
            let text = &rest[..len];
            let n = tags.len();
            let marker = match state {
                Html::Tag => {
                    open.3 = true;
                    String::new() // the whole start tag gets a marker at its `>`
                }
                Html::Quoted(_) => format!("{OPEN}{n} {n}{CLOSE}"),
                Html::Text if text.starts_with("{{") => format!("{OPEN}{n}{CLOSE}"),
                Html::Text => format!("<!{OPEN}{n}{CLOSE}>"),
            };
            after_tera = state == Html::Text;
            if !marker.is_empty() {
                let movable = matches!(state, Html::Quoted(_)) && text.starts_with("{{");
                html.push_str(&marker);
                tags.push(Marked {
                    marker,
                    text,
                    movable,
                });
            }
            at += len;
            continue;
        }
        // Whitespace between two Tera tags may be all that separates two
        // words once rendered (`{% if %} {% endif %}`): it stays, as one space.
        let space = rest.len() - rest.trim_start().len();
        if after_tera && space > 0 && next_tag(rest) == Some(space) {
            let n = tags.len();
            let marker = format!("{OPEN}{n}{CLOSE}");
            html.push_str(&marker);
            tags.push(Marked {
                marker,
                text: " ",
                movable: false,
            });
            at += space;
            continue;
        }
        let c = rest.chars().next()?;
        let next = rest[c.len_utf8()..].chars().next();
        state = match (state, c) {
            (Html::Text, '<') if next.is_some_and(|n| n.is_ascii_alphabetic()) => {
                open = (html.len(), at, tags.len(), false);
                Html::Tag
            }
            (Html::Text, '<') if next == Some('{') => return None,
            (Html::Tag, '>') if open.3 => {
                // Keep the start tag as written, behind `<name marker>`.
                let name: String = source[open.1 + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                html.truncate(open.0);
                tags.truncate(open.2);
                let n = tags.len();
                let marker = format!("<{name} {OPEN}{n}{CLOSE}>");
                html.push_str(&marker);
                tags.push(Marked {
                    marker,
                    text: &source[open.1..=at],
                    movable: false,
                });
                at += 1;
                state = Html::Text;
                continue;
            }
            (Html::Tag, '>') => Html::Text,
            (Html::Tag, '"' | '\'') => Html::Quoted(c),
            (Html::Quoted(q), c) if c == q => Html::Tag,
            (s, _) => s,
        };
        html.push(c);
        at += c.len_utf8();
        after_tera = false;
    }
    // A start tag left open at the end may hold Tera tags that have no
    // marker yet: such a template is used as written.
    if state != Html::Text {
        return None;
    }
    Some((html, tags))
}

/// Where HTML scanning is, as far as placing markers needs to know.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Html {
    Text,
    /// Inside a start tag, between attributes.
    Tag,
    /// Inside a quoted attribute value.
    Quoted(char),
}

/// Offset of the next `{{`, `{%` or `{#`.
fn next_tag(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(1)).find(|&i| b[i] == b'{' && matches!(b[i + 1], b'{' | b'%' | b'#'))
}

/// Length of the Tera tag at the start of `s`, closing delimiter included;
/// string literals and `{…}` inside expressions are skipped. `None` if unclosed.
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let close = match b[1] {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    if close == b'#' {
        return s[2..].find("#}").map(|e| e + 4);
    }
    let (mut i, mut depth, mut quote) = (2, 0usize, None::<u8>);
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if c == close && depth == 0 && b.get(i + 1) == Some(&b'}') => return Some(i + 2),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Put the Tera tags back. Every marker must be found exactly once and
/// nothing else may look like one. minify-html sorts attributes, so an
/// expression in an attribute value may come out of order; every other tag
/// (a statement such as `{% if %}`, a tag in text) must keep its place among
/// all the others, or what renders would change: a template where one moved
/// (HTML that minify-html reads differently from how [`protect`] scanned it,
/// such as a quote right after a tag name) is used as written.
fn restore(min: &str, tags: &[Marked]) -> Option<String> {
    if min.matches(OPEN).count() != tags.len() || min.matches(CLOSE).count() != tags.len() {
        return None;
    }
    let mut found = Vec::with_capacity(tags.len());
    for (n, tag) in tags.iter().enumerate() {
        let mut hits = min.match_indices(tag.marker.as_str());
        let (at, _) = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        found.push((at, n));
    }
    found.sort_by_key(|(at, _)| *at);
    // A fixed tag must sit at its own index with only earlier tags before it.
    let mut before_max = None;
    for (place, &(_, n)) in found.iter().enumerate() {
        if !tags[n].movable && (n != place || before_max.is_some_and(|m| m > n)) {
            return None;
        }
        before_max = before_max.max(Some(n));
    }
    let mut out =
        String::with_capacity(min.len() + tags.iter().map(|t| t.text.len()).sum::<usize>());
    let mut from = 0;
    for (at, n) in found {
        if at < from {
            return None;
        }
        out.push_str(&min[from..at]);
        out.push_str(tags[n].text);
        from = at + tags[n].marker.len();
    }
    out.push_str(&min[from..]);
    Some(out)
}

/// Element nesting of a page as an HTML parser sees it: an end tag closes
/// only an element that is open (others are ignored), and `/>` closes only
/// void elements and those inside `<svg>` or `<math>`.
fn nesting_depth(html: &[u8]) -> usize {
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"source", b"track", b"wbr",
    ];
    let mut open: Vec<Vec<u8>> = Vec::new();
    let (mut max, mut i) = (0usize, 0usize);
    while let Some(off) = html[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let Some(&next) = html.get(i) else { break };
        let end = html[i..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(html.len(), |e| i + e);
        let closing = next == b'/';
        let name_start = if closing { i + 1 } else { i };
        let name_len = html[name_start..end]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if closing && !name.is_empty() {
            if let Some(at) = open.iter().rposition(|n| *n == name) {
                open.truncate(at);
            }
        } else if !closing && next.is_ascii_alphabetic() {
            let foreign = open.iter().any(|n| n == b"svg" || n == b"math");
            let self_closing = end > i && html[end - 1] == b'/' && foreign;
            if !self_closing && !VOID.contains(&name.as_slice()) {
                open.push(name);
                max = max.max(open.len());
            }
        }
        i = end;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_tera_tags_byte_for_byte() {
        let src = "<ul>\n  {% for a in xs %}\n    <li class=\"x {{ a.c }}\">  {{ a.t }}  </li>\n  {% endfor %}\n</ul>\n{# note #}";
        let out = template(src).unwrap();
        assert_eq!(
            out,
            "<ul>{% for a in xs %}<li class=\"x {{ a.c }}\">{{ a.t }}</li>{% endfor %}</ul>{# note #}"
        );
    }

    #[test]
    fn tags_inside_start_tags_stay_attributes() {
        let out =
            template("<p class=\"a\"{{ <lang o={x} /> }}>t</p><span{{ <l /> }}>u</span>").unwrap();
        // Such start tags are kept as written; the rest is minified.
        assert_eq!(
            out,
            "<p class=\"a\"{{ <lang o={x} /> }}>t</p><span{{ <l /> }}>u</span>"
        );
        let out = template("<div>\n <input {% if c %}checked{% endif %} id=a>\n</div>").unwrap();
        assert_eq!(out, "<div><input {% if c %}checked{% endif %} id=a></div>");
    }

    #[test]
    fn quotes_inside_tags_are_not_attribute_quotes() {
        let out = template("<tr data-s=\"{{ a | join(sep=\" \") }}\"><td>{{ \"}}\" }}</td></tr>")
            .unwrap();
        assert_eq!(
            out,
            "<tr data-s=\"{{ a | join(sep=\" \") }}\"><td>{{ \"}}\" }}</td></tr>"
        );
    }

    #[test]
    fn refuses_what_it_cannot_keep() {
        assert_eq!(template("<p>{{ unclosed </p>"), None);
        // A tag inside an HTML comment would be dropped with the comment.
        assert_eq!(template("<!-- {{ x }} --><p>a</p>"), None);
        assert_eq!(template("<p>\u{E000}</p>"), None);
        // A quote after a tag name is part of the name for an HTML parser,
        // not a value: minify-html moved the `if` past the expression.
        assert_eq!(template("<span\"{% if a %} x=\">{{ a }}"), None);
        // Attributes are sorted: an expression may move with its attribute,
        // a statement may not, nor may an expression cross a statement.
        assert_eq!(
            template("<a title=\"{{ t }}\" class=\"{{ c }}\">x</a>").as_deref(),
            Some("<a class=\"{{ c }}\" title=\"{{ t }}\">x</a>")
        );
        assert_eq!(
            template("<a t=\"{% if x %}\" c=\"{% endif %}\">x</a>"),
            None
        );
        assert_eq!(
            template("<a b=\"{% if x %}\" d=\"{% endif %}\" c=\"{{ z }}\">x</a>"),
            None
        );
    }

    #[test]
    fn counts_real_nesting_only() {
        assert_eq!(
            nesting_depth(b"<p>a<br>b<img src=x><svg><rect/></svg></p>"),
            2
        );
        assert_eq!(nesting_depth("<div>".repeat(300).as_bytes()), 300);
        // Stray end tags close nothing, and `<div/>` is an open div, as a parser sees them.
        assert_eq!(nesting_depth("<div></x>".repeat(300).as_bytes()), 300);
        assert_eq!(nesting_depth("<div/>".repeat(300).as_bytes()), 300);
        assert_eq!(nesting_depth(b"<ul><li>a</li><li>b</li></ul><p>c</p>"), 2);
    }

    #[test]
    fn fragments_and_pages_are_minified() {
        assert_eq!(
            fragment("<p>a\n\nb</p>\n<ul>\n<li>c</li>\n</ul>\n".into()),
            "<p>a b</p><ul><li>c</li></ul>"
        );
        let deep = "<div>".repeat(300);
        assert_eq!(fragment(deep.clone()), deep);
        assert_eq!(page(b"<p>  a  </p>"), b"<p>a</p>");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        // A fixed seed, as in tests/robustness_props.rs: CI must not fail
        // by chance on an unrelated change. Explore with other seeds and
        // more cases (edit both here) when the scanner changes.
        #![proptest_config(ProptestConfig {
            cases: 400,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x6d69_6e69),
            ..ProptestConfig::default()
        })]

        /// Any template-like text either minifies with every Tera tag kept
        /// byte for byte, in order, or is left to whole-page minification;
        /// nothing panics.
        #[test]
        fn tera_tags_survive_or_the_template_is_left_alone(
            parts in prop::collection::vec(prop_oneof![
                Just("<p>".to_string()), Just("</p>".to_string()),
                Just("<div class=\"a\">".to_string()), Just("</div>".to_string()),
                Just("<span".to_string()), Just(">".to_string()), Just("\"".to_string()),
                Just(" x=\"".to_string()), Just("<!-- c -->".to_string()),
                Just("{{ a }}".to_string()), Just("{{ <c o={b} /> }}".to_string()),
                Just("{% if a %}".to_string()), Just("{% endif %}".to_string()),
                Just("{# n #}".to_string()), Just("{{ \"}}\" }}".to_string()),
                Just("{{".to_string()), Just("  \n ".to_string()), Just("text".to_string()),
                Just("<pre> a  b </pre>".to_string()), Just("<".to_string()),
            ], 0..40)
        ) {
            let src: String = parts.concat();
            if let Some(out) = super::template(&src) {
                let tags = |s: &str| -> Vec<String> {
                    let mut found = Vec::new();
                    let mut rest = s;
                    while let Some(at) = super::next_tag(rest) {
                        match super::tag_len(&rest[at..]) {
                            Some(len) => {
                                found.push(rest[at..at + len].to_string());
                                rest = &rest[at + len..];
                            }
                            None => break,
                        }
                    }
                    found
                };
                // Expressions may swap places among themselves (attributes
                // are sorted), never across a statement.
                let runs_sorted = |mut tags: Vec<String>| {
                    let mut from = 0;
                    for to in 0..=tags.len() {
                        if to == tags.len() || !tags[to].starts_with("{{") {
                            tags[from..to].sort();
                            from = to + 1;
                        }
                    }
                    tags
                };
                prop_assert_eq!(runs_sorted(tags(&out)), runs_sorted(tags(&src)));
            }
        }
    }
}

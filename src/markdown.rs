//! Markdown bodies to HTML: pulldown-cmark with tables, footnotes,
//! strikethrough, task lists and heading ids; `@/` internal links resolved to
//! the page's URL in the current language, a missing target being an error
//! at its `path:line:column`.

use crate::diagnostics::{line_col, Diagnostic};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;

/// What a body needs from the rest of the site.
pub struct Context<'a> {
    /// Path of the file, for diagnostics.
    pub path: &'a str,
    /// File line of the body's first line.
    pub body_line: usize,
    /// `actions/1.1.7.md` → absolute URL in the current language, or None.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// Raw HTML is passed through; when false it is shown as text.
    pub raw_html: bool,
}

/// A heading being read: where its start event sits, and its attributes.
type OpenHeading<'a> = (
    usize,
    HeadingLevel,
    Option<CowStr<'a>>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
);

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Render a body. Broken `@/` links become diagnostics (and render as plain text).
pub fn render(body: &str, cx: &Context, diags: &mut Vec<Diagnostic>) -> String {
    to_html(events(body, cx, diags))
}

/// `render`, minified as `render::minify::fragment` minifies it: written
/// minified at once when `markdown_minified` knows every construct of the
/// body, else rendered and then minified.
pub fn render_minified(body: &str, cx: &Context, diags: &mut Vec<Diagnostic>) -> String {
    let events = events(body, cx, diags);
    match crate::markdown_minified::write(&events) {
        Some(html) => html,
        None => crate::render::minify::fragment(to_html(events)),
    }
}

/// The body's events, with `@/` links resolved, unsafe links defused and
/// every heading given its id.
pub fn events<'b>(body: &'b str, cx: &Context, diags: &mut Vec<Diagnostic>) -> Vec<Event<'b>> {
    let mut events = Vec::new();
    let mut used_ids = HashSet::new();
    let mut broken_link_depth = 0usize;
    let mut heading: Option<OpenHeading> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            // Without raw HTML, bodies are untrusted: only safe link schemes survive.
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if !cx.raw_html && !is_safe_url(&dest_url) => {
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: "#".into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => match resolve_internal(&dest_url, cx) {
                Some(url) => events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })),
                None => {
                    let (line, column) = line_col(body, range.start);
                    diags.push(internal_link_error(cx, &dest_url, line, column));
                    broken_link_depth += 1;
                }
            },
            Event::End(TagEnd::Link) if broken_link_depth > 0 => broken_link_depth -= 1,
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !cx.raw_html && !is_safe_url(&dest_url) => {
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: "".into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let url = resolve_internal(&dest_url, cx).unwrap_or_else(|| {
                    let (line, column) = line_col(body, range.start);
                    diags.push(internal_link_error(cx, &dest_url, line, column));
                    String::new()
                });
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((events.len(), level, id, classes, attrs));
                events.push(Event::Text("".into()));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((at, level0, id, classes, attrs)) = heading.take() {
                    let text = plain_text(&events[at + 1..]);
                    let id = unique_id(
                        id.map(|i| i.to_string()).unwrap_or_else(|| slugify(&text)),
                        &mut used_ids,
                    );
                    events[at] = Event::Start(Tag::Heading {
                        level: level0,
                        id: Some(id.into()),
                        classes,
                        attrs,
                    });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Html(h) | Event::InlineHtml(h) if !cx.raw_html => events.push(Event::Text(h)),
            other => events.push(other),
        }
    }
    events
}

/// pulldown-cmark's HTML of the events.
fn to_html(events: Vec<Event>) -> String {
    let mut out = String::with_capacity(events.len() * 16);
    html::push_html(&mut out, events.into_iter());
    // Column alignment as classes, not inline styles: pages have a strict
    // Content-Security-Policy that forbids style attributes.
    if out.contains(" style=\"text-align: ") {
        for side in ["left", "center", "right"] {
            out = out.replace(
                &format!(" style=\"text-align: {side}\">"),
                &format!(" class=\"align-{side}\">"),
            );
        }
    }
    out
}

/// Report broken `@/` links of a body without rendering it: what `render`
/// reports, at the same positions, for the build's link check.
pub fn check_links(body: &str, cx: &Context, diags: &mut Vec<Diagnostic>) {
    // Most bodies have no internal link or only links that resolve, which
    // reading them as written can tell without the parse (which judges the
    // rest, such as a link written with a character reference).
    if crate::markdown_links::all_resolve(body, |dest| resolve_internal(dest, cx).is_some()) {
        return;
    }
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            if dest_url.starts_with("@/") && resolve_internal(&dest_url, cx).is_none() {
                let (line, column) = line_col(body, range.start);
                diags.push(internal_link_error(cx, &dest_url, line, column));
            }
        }
    }
}

/// http(s), mailto, tel, relative and fragment links; not `javascript:` and the like.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after a `/`, `?` or `#` is part of a path, not a scheme.
            scheme.contains(['/', '?', '#'])
                || matches!(scheme, "http" | "https" | "mailto" | "tel" | "@/")
        }
    }
}

fn internal_link_error(cx: &Context, dest: &str, line: usize, column: usize) -> Diagnostic {
    Diagnostic::error(cx.path, cx.body_line + line - 1, column, format!("internal link `{dest}` points to a file that does not exist"))
        .with_help("write the path of a content file under content/, e.g. @/actions/1.1.7.md or @/reports/2017.md")
}

/// `@/actions/1.1.7.md#budget` → the page URL plus the fragment.
fn resolve_internal(dest: &str, cx: &Context) -> Option<String> {
    let rest = &dest[2..];
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let url = (cx.resolve)(path)?;
    Some(match fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    })
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// A heading's id from its text: lowercase letters and digits joined by `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".into()
    } else {
        trimmed.to_string()
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// The first paragraph of a body as plain text, for descriptions.
pub fn first_paragraph(body: &str) -> String {
    let mut text = String::new();
    let mut in_para = false;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_para = true,
            Event::End(TagEnd::Paragraph) if in_para => break,
            Event::Text(t) | Event::Code(t) if in_para => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_para => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_with(body: &str, raw_html: bool) -> (String, Vec<Diagnostic>) {
        let resolve =
            |p: &str| (p == "actions/1.1.7.md").then(|| "https://x.org/actions/1.1.7/".to_string());
        let cx = Context {
            path: "content/a.md",
            body_line: 5,
            resolve: &resolve,
            raw_html,
        };
        let mut diags = Vec::new();
        let html = render(body, &cx, &mut diags);
        (html, diags)
    }

    #[test]
    fn checking_links_reports_what_rendering_reports() {
        let body =
            "# T\n\nSee [a](@/actions/1.1.7.md), [b](@/actions/9.9.md)\nand ![c](@/pages/x.md).\n";
        let (_, rendered) = render_with(body, true);
        let resolve = |p: &str| (p == "actions/1.1.7.md").then(|| "/a/".to_string());
        let cx = Context {
            path: "content/a.md",
            body_line: 5,
            resolve: &resolve,
            raw_html: true,
        };
        let mut checked = Vec::new();
        check_links(body, &cx, &mut checked);
        assert_eq!(checked, rendered);
        assert_eq!(checked.len(), 2, "{checked:?}");
    }

    #[test]
    fn internal_links_resolve_with_fragment() {
        let (html, diags) = render_with("See [it](@/actions/1.1.7.md#budget).", true);
        assert!(diags.is_empty());
        assert!(
            html.contains(r#"href="https://x.org/actions/1.1.7/#budget""#),
            "{html}"
        );
    }

    #[test]
    fn missing_target_is_an_error_at_its_position() {
        let (html, diags) = render_with("Intro.\n\nSee [this](@/actions/9.md) now.", true);
        assert_eq!(diags.len(), 1);
        assert_eq!((diags[0].line, diags[0].column), (7, 5));
        assert!(html.contains("See this now."), "{html}");
    }

    #[test]
    fn headings_get_unique_ids_and_extensions_work() {
        let (html, _) = render_with("## Pressupost 2017\n\n## Pressupost 2017\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ [^1]\n\n[^1]: n\n\n- [x] done", true);
        assert!(html.contains(r#"<h2 id="pressupost-2017">"#), "{html}");
        assert!(html.contains(r#"<h2 id="pressupost-2017-1">"#), "{html}");
        assert!(
            html.contains("<table>")
                && html.contains("<del>")
                && html.contains("checkbox")
                && html.contains("footnote")
        );
    }

    #[test]
    fn table_alignment_uses_classes() {
        let (html, _) = render_with("| a | b |\n|--:|:-:|\n| 1 | 2 |", true);
        assert!(
            html.contains(r#"<th class="align-right">"#)
                && html.contains(r#"<td class="align-center">"#),
            "{html}"
        );
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn raw_html_can_be_switched_off() {
        assert!(render_with("<b>x</b>", true).0.contains("<b>x</b>"));
        assert!(render_with("<b>x</b>", false).0.contains("&lt;b&gt;"));
    }

    #[test]
    fn unsafe_schemes_are_dropped_without_raw_html() {
        let (html, _) = render_with(
            "[x](javascript:alert(1)) [y](https://a.org/) [z](@/actions/1.1.7.md)",
            false,
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("https://a.org/") && html.contains("https://x.org/actions/1.1.7/"),
            "{html}"
        );
        assert!(render_with("[x](javascript:alert(1))", true)
            .0
            .contains("javascript:"));
    }

    #[test]
    fn first_paragraph_is_plain() {
        assert_eq!(
            first_paragraph("# T\n\nHello *world*\nagain.\n\nNext."),
            "Hello world again."
        );
    }
}

//! Markdown events written straight as minified HTML: exactly what
//! minify-html makes of pulldown-cmark's HTML for the common constructs
//! (paragraphs, headings, flat lists, tables, emphasis, links, code spans),
//! without writing that HTML and parsing it again, which cost more than
//! rendering the Markdown (docs/performance.md). Anything else, or text this
//! writer does not encode as minify-html would, gives `None`, and the caller
//! minifies as before; tests compare both ways.

use pulldown_cmark::{Alignment, Event, LinkType, Tag, TagEnd};

/// How minify-html treats whitespace in an element's text
/// (`minify_html_common::spec::tag::whitespace`).
#[derive(Clone, Copy, PartialEq)]
enum Space {
    /// The fragment's root and `ul`, `ol`, `table`, `thead`, `tbody`, `tr`:
    /// text that is only whitespace goes, the rest is collapsed and trimmed.
    Layout,
    /// `p`, `h1`–`h6`, `li`, `th`, `td`: collapsed, trimmed at both ends.
    Content,
    /// `em`, `strong`, `del`, `a`: collapsed, never trimmed.
    Formatting,
}

/// An open element: how its text is treated, and whether a text or an
/// element came before in it (only its first text is trimmed at the start).
struct Open {
    space: Space,
    started: bool,
    tag: &'static str,
}

/// Elements open at once beyond which a body is left to `minify`.
const MAX_DEPTH: usize = 32;

struct Writer {
    out: String,
    open: Vec<Open>,
    /// Text read since the last tag, as it reads (entities decoded).
    text: String,
    aligns: Vec<Alignment>,
    cell: usize,
    in_head: bool,
}

/// `body`'s events as minify-html would print pulldown-cmark's HTML of them,
/// or `None` when they hold anything this does not write.
pub fn write(events: &[Event]) -> Option<String> {
    let mut w = Writer {
        out: String::with_capacity(events.len() * 16),
        open: vec![Open {
            space: Space::Layout,
            started: false,
            tag: "",
        }],
        text: String::new(),
        aligns: Vec::new(),
        cell: 0,
        in_head: false,
    };
    for event in events {
        w.event(event)?;
    }
    w.flush(true)?;
    (w.open.len() == 1).then_some(w.out)
}

impl Writer {
    fn event(&mut self, event: &Event) -> Option<()> {
        match event {
            Event::Text(t) => self.text.push_str(t),
            Event::SoftBreak => self.text.push('\n'),
            Event::Code(t) => {
                self.element_starts()?;
                self.out.push_str("<code>");
                // Inside `code`, whitespace is kept as it is.
                encode_text(&mut self.out, t, false)?;
                self.out.push_str("</code>");
            }
            Event::Start(tag) => self.start(tag)?,
            Event::End(tag) => self.end(tag)?,
            _ => return None,
        }
        Some(())
    }

    fn start(&mut self, tag: &Tag) -> Option<()> {
        let parent = self.open.last()?.tag;
        let at_root = parent.is_empty();
        match tag {
            Tag::Paragraph if at_root => self.push("p", Space::Content, "<p>"),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } if at_root && classes.is_empty() && attrs.is_empty() => {
                let name = heading_name(*level);
                self.push(name, Space::Content, "<")?;
                self.out.push_str(name);
                if let Some(id) = id {
                    self.out.push_str(" id=");
                    self.out.push_str(unquoted(id)?);
                }
                self.out.push('>');
                Some(())
            }
            Tag::List(None) if at_root => self.push("ul", Space::Layout, "<ul>"),
            Tag::List(Some(1)) if at_root => self.push("ol", Space::Layout, "<ol>"),
            Tag::Item if parent == "ul" || parent == "ol" => {
                self.push("li", Space::Content, "<li>")
            }
            Tag::Table(aligns) if at_root => {
                self.aligns = aligns.clone();
                self.push("table", Space::Layout, "<table>")
            }
            Tag::TableHead if parent == "table" => {
                self.in_head = true;
                self.cell = 0;
                self.push("thead", Space::Layout, "<thead>")?;
                self.push("tr", Space::Layout, "<tr>")
            }
            Tag::TableRow if parent == "tbody" => {
                self.cell = 0;
                self.push("tr", Space::Layout, "<tr>")
            }
            Tag::TableCell if parent == "tr" => {
                let name = if self.in_head { "th" } else { "td" };
                self.push(name, Space::Content, "<")?;
                self.out.push_str(name);
                self.out.push_str(match self.aligns.get(self.cell) {
                    Some(Alignment::Left) => " class=align-left>",
                    Some(Alignment::Center) => " class=align-center>",
                    Some(Alignment::Right) => " class=align-right>",
                    _ => ">",
                });
                Some(())
            }
            Tag::Emphasis => self.push("em", Space::Formatting, "<em>"),
            Tag::Strong => self.push("strong", Space::Formatting, "<strong>"),
            Tag::Strikethrough => self.push("del", Space::Formatting, "<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } if title.is_empty() && *link_type != LinkType::Email => {
                let mut href = String::new();
                pulldown_cmark_escape::escape_href(&mut href, dest_url).ok()?;
                self.push("a", Space::Formatting, "<a href=")?;
                self.out.push_str(unquoted(&href)?);
                self.out.push('>');
                Some(())
            }
            _ => None,
        }
    }

    fn end(&mut self, tag: &TagEnd) -> Option<()> {
        match tag {
            TagEnd::TableHead => {
                self.pop("tr")?;
                self.pop("thead")?;
                self.in_head = false;
                self.push("tbody", Space::Layout, "<tbody>")
            }
            TagEnd::Table => {
                self.pop("tbody")?;
                self.pop("table")
            }
            TagEnd::TableCell => {
                self.cell += 1;
                self.pop(if self.in_head { "th" } else { "td" })
            }
            TagEnd::Paragraph => self.pop("p"),
            TagEnd::Heading(level) => self.pop(heading_name(*level)),
            TagEnd::List(true) => self.pop("ol"),
            TagEnd::List(false) => self.pop("ul"),
            TagEnd::Item => self.pop("li"),
            TagEnd::TableRow => self.pop("tr"),
            TagEnd::Emphasis => self.pop("em"),
            TagEnd::Strong => self.pop("strong"),
            TagEnd::Strikethrough => self.pop("del"),
            TagEnd::Link => self.pop("a"),
            _ => None,
        }
    }

    /// An element starts in the open one: the text before it is written.
    fn element_starts(&mut self) -> Option<()> {
        self.flush(false)?;
        self.open.last_mut()?.started = true;
        Some(())
    }

    fn push(&mut self, tag: &'static str, space: Space, start: &str) -> Option<()> {
        // Deep nesting is left to the minifier's own rule (a body nested
        // past its depth limit is published as rendered, see `minify`).
        if self.open.len() >= MAX_DEPTH {
            return None;
        }
        self.element_starts()?;
        self.out.push_str(start);
        self.open.push(Open {
            space,
            started: false,
            tag,
        });
        Some(())
    }

    fn pop(&mut self, tag: &str) -> Option<()> {
        self.flush(true)?;
        let open = self.open.pop()?;
        if open.tag != tag || self.open.is_empty() {
            return None;
        }
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        Some(())
    }

    /// Write the text read since the last tag as minify-html does
    /// (`minify_content`): trimmed at the start when it is the element's
    /// first child, dropped when only whitespace in a layout element,
    /// else collapsed, trimmed at the end when it is the last child.
    fn flush(&mut self, last: bool) -> Option<()> {
        if self.text.is_empty() {
            return Some(());
        }
        let open = self.open.last_mut()?;
        let trim = open.space != Space::Formatting;
        let first = !open.started;
        open.started = true;
        let layout = open.space == Space::Layout;
        let mut t = self.text.as_str();
        // Trimming the end before collapsing leaves what trimming after would.
        if trim && first {
            t = t.trim_start_matches(is_space);
        }
        if trim && last {
            t = t.trim_end_matches(is_space);
        }
        if !(layout && t.chars().all(is_space)) {
            encode_text(&mut self.out, t, true)?;
        }
        self.text.clear();
        Some(())
    }
}

/// HTML's whitespace, as minify-html counts it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0c' | '\r')
}

/// Text as minify-html encodes it (WHATWG entities): `<` as `&lt;`, the rest
/// as it is, each run of whitespace as one space when `collapse`, in one
/// pass. `None` for an `&` (minify-html writes it bare or as `&amp;`
/// depending on the entity names that follow) and for the two sequences it
/// writes as shorter entities (both end in U+20D2).
fn encode_text(out: &mut String, text: &str, collapse: bool) -> Option<()> {
    if text.contains('\u{20D2}') {
        return None;
    }
    // The bytes looked at are ASCII: `at` is never inside a character.
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b if collapse && is_space(char::from(b)) => {
                let run = at;
                while at < bytes.len() && is_space(char::from(bytes[at])) {
                    at += 1;
                }
                // A single plain space stays where it is, inside the run of
                // text copied at once; any other whitespace becomes one space.
                if !(at - run == 1 && b == b' ') {
                    out.push_str(&text[plain..run]);
                    out.push(' ');
                    plain = at;
                }
                continue;
            }
            b'<' => {
                out.push_str(&text[plain..at]);
                out.push_str("&lt;");
                plain = at + 1;
            }
            b'&' => return None,
            _ => {}
        }
        at += 1;
    }
    out.push_str(&text[plain..]);
    Some(())
}

/// An attribute value minify-html writes unquoted and unchanged: not empty,
/// and without whitespace, quotes, `=`, `<`, `>`, backticks or `&`.
fn unquoted(value: &str) -> Option<&str> {
    let plain = |c: char| !is_space(c) && !matches!(c, '"' | '\'' | '=' | '<' | '>' | '`' | '&');
    (!value.is_empty() && value.chars().all(plain)).then_some(value)
}

fn heading_name(level: pulldown_cmark::HeadingLevel) -> &'static str {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 => "h1",
        H2 => "h2",
        H3 => "h3",
        H4 => "h4",
        H5 => "h5",
        H6 => "h6",
    }
}

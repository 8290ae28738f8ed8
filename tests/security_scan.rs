//! Small scanners for the security tests, with their own tests: an HTML
//! tokenizer that finds what a browser would run (script elements, `on…`
//! attributes, `javascript:` URLs, frames), and an XML well-formedness check.
//! Included by security_escaping.rs and security_raw_html.rs as a module;
//! built on its own, it checks that the scanners catch what they must.

/// One start tag: its name and attributes, names lower-cased, values entity-decoded.
#[derive(Debug)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// Text up to the end tag, for script and style (raw text elements).
    pub raw: Option<String>,
}

/// Start tags of an HTML document as a browser tokenizes them: comments,
/// quoted attribute values and the text of `title`, `textarea`, `script`,
/// `style` (where `<` starts no tag) are skipped as the HTML standard says.
pub fn start_tags(html: &str) -> Vec<Tag> {
    let lower = html.to_ascii_lowercase();
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if lower[i..].starts_with("!--") {
            i = lower[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if i < b.len() && (b[i] == b'!' || b[i] == b'?' || b[i] == b'/') {
            i = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let name_end = (i..b.len())
            .find(|&j| b[j].is_ascii_whitespace() || b[j] == b'/' || b[j] == b'>')
            .unwrap_or(b.len());
        let name = lower[i..name_end].to_string();
        i = name_end;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < b.len()
                && !(b[i].is_ascii_whitespace()
                    || b[i] == b'/'
                    || b[i] == b'>'
                    || (b[i] == b'=' && i > start))
            {
                i += 1;
            }
            let attr = lower[start..i].to_string();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(html.len(), |e| i + 1 + e);
                    value = html[i + 1..end].to_string();
                    i = (end + 1).min(html.len());
                } else {
                    let end = (i..b.len())
                        .find(|&j| b[j].is_ascii_whitespace() || b[j] == b'>')
                        .unwrap_or(b.len());
                    value = html[i..end].to_string();
                    i = end;
                }
            }
            attrs.push((attr, decode_entities(&value)));
        }
        let mut raw = None;
        if matches!(name.as_str(), "script" | "style" | "title" | "textarea") {
            let close = format!("</{name}");
            let end = lower[i.min(html.len())..]
                .find(&close)
                .map_or(html.len(), |e| i + e);
            if matches!(name.as_str(), "script" | "style") {
                raw = Some(html[i.min(end)..end].to_string());
            }
            i = end;
        }
        tags.push(Tag { name, attrs, raw });
        if i >= html.len() {
            break;
        }
    }
    tags
}

/// Named and numeric character references, with or without `;` (enough for URL schemes).
pub fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let digits_end = |r: &str, hex: bool| {
            r.find(|c: char| {
                !(if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                })
            })
            .unwrap_or(r.len())
        };
        let (ch, used) =
            if let Some(r) = rest.strip_prefix("#x").or_else(|| rest.strip_prefix("#X")) {
                let n = digits_end(r, true);
                (
                    u32::from_str_radix(&r[..n], 16)
                        .ok()
                        .and_then(char::from_u32),
                    2 + n,
                )
            } else if let Some(r) = rest.strip_prefix('#') {
                let n = digits_end(r, false);
                (r[..n].parse().ok().and_then(char::from_u32), 1 + n)
            } else {
                let names = [
                    ("amp", '&'),
                    ("lt", '<'),
                    ("gt", '>'),
                    ("quot", '"'),
                    ("apos", '\''),
                    ("colon", ':'),
                    ("tab", '\t'),
                    ("newline", '\n'),
                ];
                match names
                    .iter()
                    .find(|(n, _)| rest.to_ascii_lowercase().starts_with(n))
                {
                    Some((n, c)) => (Some(*c), n.len()),
                    None => (None, 0),
                }
            };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[used..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// A URL attribute a browser would run: `javascript:` and the like, after
/// the browser strips whitespace and control characters.
pub fn runs_script(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.starts_with("javascript:")
        || squeezed.starts_with("vbscript:")
        || squeezed.starts_with("data:text/html")
}

/// What in `html` would run code or load a frame: anything but the theme's own
/// external scripts (`src` under `js_base`, empty body).
pub fn dangerous(html: &str, js_base: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in start_tags(html) {
        let attr = |n: &str| {
            t.attrs
                .iter()
                .find(|(a, _)| a == n)
                .map(|(_, v)| v.as_str())
        };
        if t.name == "script" {
            let theirs = attr("src").is_some_and(|s| s.starts_with(js_base) && !s.contains(".."));
            if !theirs || t.raw.as_deref().is_some_and(|r| !r.trim().is_empty()) {
                out.push(format!("script element {t:?}"));
            }
        }
        if matches!(
            t.name.as_str(),
            "iframe" | "frame" | "object" | "embed" | "base" | "applet"
        ) {
            out.push(format!("<{}> element", t.name));
        }
        for (a, v) in &t.attrs {
            if a.starts_with("on") {
                out.push(format!("event handler {a}={v:?} on <{}>", t.name));
            }
            let is_url = matches!(
                a.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data"
            );
            if is_url && runs_script(v) {
                out.push(format!("{a}={v:?} on <{}>", t.name));
            }
        }
        if t.name == "meta" && attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
        {
            out.push("meta refresh".into());
        }
    }
    out
}

/// XML 1.0 well-formedness, enough for feeds and sitemaps: one root, balanced
/// tags, quoted attributes, known entities, no `<`, `&` or `]]>` in text.
pub fn xml_well_formed(xml: &str) -> Result<(), String> {
    let body = xml
        .strip_prefix("<?xml")
        .map(|r| r.find("?>").map_or("", |e| &r[e + 2..]))
        .unwrap_or(xml);
    let (mut stack, mut roots) = (Vec::<&str>::new(), 0);
    let mut rest = body;
    let check_text = |t: &str| -> Result<(), String> {
        if t.contains("]]>") {
            return Err(format!("`]]>` in text: {t:?}"));
        }
        if let Some(c) = t
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(format!("control character {c:?} in {t:?}"));
        }
        for (i, _) in t.match_indices('&') {
            let r = &t[i + 1..];
            let ok = ["amp;", "lt;", "gt;", "quot;", "apos;"]
                .iter()
                .any(|e| r.starts_with(e))
                || (r.starts_with('#')
                    && r.find(';').is_some_and(|e| {
                        e > 1
                            && r[1..e]
                                .trim_start_matches('x')
                                .chars()
                                .all(|c| c.is_ascii_hexdigit())
                    }));
            if !ok {
                return Err(format!("bare `&` in {t:?}"));
            }
        }
        Ok(())
    };
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_text(text)?;
        rest = &rest[lt + 1..];
        if let Some(r) = rest.strip_prefix("!--") {
            rest = &r[r.find("-->").ok_or("unclosed comment")? + 3..];
            continue;
        }
        let gt = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let inner = tag.trim_end_matches('/');
        let name = inner.split_whitespace().next().ok_or("empty tag")?;
        let mut attrs = &inner[name.len()..];
        while !attrs.trim().is_empty() {
            let eq = attrs
                .find('=')
                .ok_or(format!("attribute without value in <{tag}>"))?;
            let after = attrs[eq + 1..].trim_start();
            let q = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or(format!("unquoted attribute in <{tag}>"))?;
            let end = after[1..]
                .find(q)
                .ok_or(format!("unclosed attribute in <{tag}>"))?;
            let value = &after[1..1 + end];
            if value.contains('<') {
                return Err(format!("`<` in attribute of <{tag}>"));
            }
            check_text(value)?;
            attrs = &after[end + 2..];
        }
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    if !rest.trim().is_empty() {
        return Err(format!("text after the root: {rest:?}"));
    }
    match (stack.is_empty(), roots) {
        (true, 1) => Ok(()),
        (false, _) => Err(format!("unclosed elements {stack:?}")),
        (_, n) => Err(format!("{n} root elements")),
    }
}

/// The decoded text of every `<name>` element of a well-formed XML document.
pub fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find(&close).unwrap_or(rest.len());
        out.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    out
}

#[test]
fn the_html_scanner_finds_what_a_browser_runs() {
    let js = "https://e.org/js/";
    assert!(dangerous(
        r#"<p>&lt;script&gt; <b title='"><img src=x onerror=alert(1)>'>x</b>"#,
        js
    )
    .is_empty());
    assert!(dangerous(
        "<title>a <script>alert(1)</script></title><textarea><img onerror=x></textarea>",
        js
    )
    .is_empty());
    assert!(dangerous(
        r#"<script defer src=https://e.org/js/a.js></script><!-- <script> -->"#,
        js
    )
    .is_empty());
    for bad in [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<script src=https://e.org/js/a.js>alert(1)</script>",
        "<title>x</title><script>alert(1)</script>",
        r#"<img src=x onerror=alert(1)>"#,
        r#"<p title="a"onclick="x">"#,
        r#"<a href=" jav&#x61;script:alert(1)">"#,
        r#"<a href="java&Tab;script:alert(1)">"#,
        r#"<img src="javascript:alert(1)">"#,
        "<iframe src=https://x.org/>",
        r#"<meta http-equiv=refresh content="0;url=https://evil.example/">"#,
    ] {
        assert!(!dangerous(bad, js).is_empty(), "not caught: {bad}");
    }
}

#[test]
fn the_xml_check_finds_malformed_documents() {
    assert_eq!(
        xml_well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"><b>&amp; &#x1F600;</b><c/></a>\n"),
        Ok(())
    );
    for bad in [
        "<a><b></a></b>",
        "<a>&</a>",
        "<a>]]></a>",
        "<a x=1/>",
        "<a/><b/>",
        "<a>\u{7}</a>",
        "<a x=\"<\"/>",
        "<a>",
    ] {
        assert!(xml_well_formed(bad).is_err(), "not caught: {bad}");
    }
    assert_eq!(
        xml_texts("<f><t>a &lt;b&gt; &amp;</t><t>c</t></f>", "t"),
        vec!["a <b> &", "c"]
    );
}

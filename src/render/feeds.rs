//! Feeds and discovery: the Atom feed of each language (an entry per action
//! update and per report, newest first, with stable ids), the sitemap with
//! hreflang alternates, and robots.txt.

use super::Output;
use crate::config::Config;
use crate::data::Document;

/// Escape text for XML content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters and the two non-characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn lang_attr(lang: &Option<String>) -> String {
    lang.as_ref().map_or(String::new(), |l| {
        format!(" xml:lang=\"{}\"", xml_escape(l))
    })
}

struct Entry {
    id: String,
    date: String,
    title: String,
    link: String,
    summary: String,
    /// Languages of title and summary when they differ from the feed's
    /// (untranslated titles, update notes that exist only in the default language).
    title_lang: Option<String>,
    summary_lang: Option<String>,
}

/// `/feed.xml` of one language. Interface words come from the theme's strings.
pub fn atom(doc: &Document, config: &Config, prefix: &str, strings: &serde_json::Value) -> Output {
    let s = |key: &str, fallback: &str| {
        strings
            .get("feed")
            .and_then(|f| f.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or(fallback)
            .to_string()
    };
    let status = |st: &str| {
        strings
            .get("status")
            .and_then(|f| f.get(st))
            .and_then(|v| v.as_str())
            .unwrap_or(st)
            .to_string()
    };
    let feed_lang = doc.site.language;
    let other = |lang: &str| (lang != feed_lang).then(|| lang.to_string());
    let mut entries = Vec::new();
    for a in &doc.actions {
        for (n, u) in a.updates.iter().enumerate() {
            let mut what = Vec::new();
            if let Some(st) = u.status {
                what.push(status(st.as_str()));
            }
            if let Some(p) = u.progress {
                what.push(format!("{}%", p.0));
            }
            let suffix = if what.is_empty() {
                String::new()
            } else {
                format!(" ({})", what.join(", "))
            };
            // Numbered within its date, so recording an older update later
            // never changes the ids of the others (ids are permanent, RFC 4287 §4.2.6).
            let k = a.updates[..n].iter().filter(|v| v.date == u.date).count() + 1;
            entries.push(Entry {
                id: format!("{}#update-{}-{}", a.url, u.date, k),
                date: u.date.to_string(),
                title: format!("{} {}{suffix}", a.id, a.title),
                link: a.url.clone(),
                summary: u.note.clone(),
                title_lang: other(a.text_lang),
                summary_lang: other(&config.default_language),
            });
        }
    }
    for r in &doc.reports {
        let f = r.figures;
        let title = if r.title.is_empty() {
            format!("{} {}", s("report", "Report"), f.year)
        } else {
            r.title.to_string()
        };
        let date = r
            .published
            .map(|d| d.to_string())
            .unwrap_or_else(|| format!("{}-12-31", f.year));
        entries.push(Entry {
            id: r.url.clone(),
            date,
            title,
            link: r.url.clone(),
            summary: s("report_summary", "Annual execution report"),
            title_lang: if r.title.is_empty() {
                None
            } else {
                other(r.text_lang)
            },
            summary_lang: None,
        });
    }
    // Newest first; same day by id so the order never depends on the walk.
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let root = crate::data::url(config, doc.site.language, "");
    let updated = entries.first().map_or_else(
        || format!("{}-01-01", config.plan.start_year.unwrap_or(1970)),
        |e| e.date.clone(),
    );
    let author = config
        .plan
        .organisation
        .clone()
        .unwrap_or_else(|| doc.site.title.to_string());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(doc.site.language)
    ));
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        xml_escape(doc.site.title)
    ));
    xml.push_str(&format!(
        "  <id>{}</id>\n",
        xml_escape(&format!("{root}feed.xml"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&format!("{root}feed.xml"))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&root)
    ));
    xml.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    xml.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&author)
    ));
    for e in &entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.id)));
        xml.push_str(&format!(
            "    <title{}>{}</title>\n",
            lang_attr(&e.title_lang),
            xml_escape(&e.title)
        ));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&e.link)
        ));
        xml.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.date));
        xml.push_str(&format!(
            "    <summary{}>{}</summary>\n",
            lang_attr(&e.summary_lang),
            xml_escape(&e.summary)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Output {
        path: format!("{prefix}feed.xml"),
        bytes: xml.into_bytes(),
    }
}

/// `/sitemap.xml`: every page of every language, each with its alternates.
pub fn sitemap(config: &Config, paths: &[String]) -> Output {
    let langs = config.languages();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for path in paths {
        for lang in &langs {
            xml.push_str("  <url>\n");
            xml.push_str(&format!(
                "    <loc>{}</loc>\n",
                xml_escape(&crate::data::url(config, lang, path))
            ));
            if langs.len() > 1 {
                for alt in &langs {
                    xml.push_str(&format!(
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                        xml_escape(alt),
                        xml_escape(&crate::data::url(config, alt, path))
                    ));
                }
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    Output {
        path: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
    }
}

pub fn robots(config: &Config) -> Output {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        config.base_url
    );
    Output {
        path: "robots.txt".into(),
        bytes: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            super::xml_escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }
}

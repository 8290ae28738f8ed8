//! Feeds and discovery: the Atom feed of each language (an entry per action
//! update and per report, newest first, with stable ids), the sitemap with
//! hreflang alternates, and robots.txt.

use super::Output;
use crate::config::Config;
use crate::data::{ActionOut, Document};

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

/// One entry of a feed, written out, with what orders it among the others.
#[derive(Debug, Clone)]
pub struct Entry {
    date: String,
    id: String,
    xml: String,
}

impl Entry {
    /// The entry as it appears in the feed.
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// `title_lang`, `summary_lang`: the languages of title and summary when
    /// they differ from the feed's (untranslated titles, update notes that
    /// exist only in the default language).
    fn new(
        id: String,
        date: String,
        title: &str,
        link: &str,
        summary: &str,
        title_lang: Option<&str>,
        summary_lang: Option<&str>,
    ) -> Entry {
        let lang_attr = |lang: Option<&str>| {
            lang.map_or(String::new(), |l| {
                format!(" xml:lang=\"{}\"", xml_escape(l))
            })
        };
        let mut xml = String::from("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&id)));
        xml.push_str(&format!(
            "    <title{}>{}</title>\n",
            lang_attr(title_lang),
            xml_escape(title)
        ));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(link)
        ));
        xml.push_str(&format!("    <updated>{date}T00:00:00Z</updated>\n"));
        xml.push_str(&format!(
            "    <summary{}>{}</summary>\n",
            lang_attr(summary_lang),
            xml_escape(summary)
        ));
        xml.push_str("  </entry>\n");
        Entry { date, id, xml }
    }
}

/// The interface words a feed needs, from the theme's strings of its language.
pub struct FeedWords<'a> {
    strings: &'a serde_json::Value,
    /// The feed's language, and the site's default one (update notes are in it).
    lang: &'a str,
    default_lang: &'a str,
}

impl<'a> FeedWords<'a> {
    pub fn new(doc: &'a Document, config: &'a Config, strings: &'a serde_json::Value) -> Self {
        FeedWords {
            strings,
            lang: doc.site.language,
            default_lang: &config.default_language,
        }
    }

    fn word(&self, group: &str, key: &str, fallback: &'a str) -> String {
        self.strings
            .get(group)
            .and_then(|f| f.get(key))
            .and_then(|v| v.as_str())
            .unwrap_or(fallback)
            .to_string()
    }

    /// A language, when it is not the feed's.
    fn other(&self, lang: &'a str) -> Option<&'a str> {
        (lang != self.lang).then_some(lang)
    }
}

/// The feed entries of one action: one per update.
pub fn action_entries(a: &ActionOut, words: &FeedWords) -> Vec<Entry> {
    a.updates
        .iter()
        .enumerate()
        .map(|(n, u)| {
            let mut what = Vec::new();
            if let Some(st) = u.status {
                what.push(words.word("status", st.as_str(), st.as_str()));
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
            Entry::new(
                format!("{}#update-{}-{}", a.url, u.date, k),
                u.date.to_string(),
                &format!("{} {}{suffix}", a.id, a.title),
                &a.url,
                &u.note,
                words.other(a.text_lang),
                words.other(words.default_lang),
            )
        })
        .collect()
}

/// The feed entries of the reports.
pub fn report_entries(doc: &Document, words: &FeedWords) -> Vec<Entry> {
    doc.reports
        .iter()
        .map(|r| {
            let f = r.figures;
            let title = if r.title.is_empty() {
                format!("{} {}", words.word("feed", "report", "Report"), f.year)
            } else {
                r.title.to_string()
            };
            let date = r
                .published
                .map(|d| d.to_string())
                .unwrap_or_else(|| format!("{}-12-31", f.year));
            let title_lang = if r.title.is_empty() {
                None
            } else {
                words.other(r.text_lang)
            };
            let summary = words.word("feed", "report_summary", "Annual execution report");
            Entry::new(
                r.url.clone(),
                date,
                &title,
                &r.url,
                &summary,
                title_lang,
                None,
            )
        })
        .collect()
}

/// Newest first; same day by id, so the order never depends on the walk.
pub fn feed_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id))
}

/// What comes before the entries of the feed of `doc`'s language, whose
/// newest entry is `newest` (a date; none without entries).
pub fn feed_head(doc: &Document, config: &Config, newest: Option<&Entry>) -> String {
    let root = crate::data::url(config, doc.site.language, "");
    let updated = newest.map_or_else(
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
    xml
}

/// What ends a feed, after its entries.
pub const FEED_END: &str = "</feed>\n";

/// Where the sitemap is, from the output folder.
pub const SITEMAP: &str = "sitemap.xml";

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
        path: SITEMAP.into(),
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

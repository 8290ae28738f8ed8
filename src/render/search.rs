//! The search index of one language: titles, summaries and the plain text of
//! bodies of actions, objectives, lines, reports and pages, as a JSON file the
//! search page reads offline.

use super::Output;
use crate::config::Config;
use crate::data::{page_path, url};
use crate::load::Kind;
use crate::model::{Plan, Text};
use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

/// Bodies are cut to this many characters: enough to find a page by its words.
const BODY_CHARS: usize = 3000;

#[derive(Serialize)]
struct Doc<'a> {
    kind: &'static str,
    id: &'a str,
    title: &'a str,
    /// The language title, summary and text are in (the default one when untranslated).
    text_lang: &'a str,
    url: String,
    summary: &'a str,
    text: String,
}

/// The words of a Markdown body, without markup: its text joined by single
/// spaces (blocks, line breaks and runs of blanks make one), cut at
/// BODY_CHARS characters.
pub fn plain_text(markdown: &str) -> String {
    let mut words = Words::default();
    for event in Parser::new(markdown) {
        let room = match event {
            Event::Text(t) | Event::Code(t) => words.push(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => {
                words.blank = true;
                true
            }
            _ => true,
        };
        if !room {
            break;
        }
    }
    words.text
}

/// Text being joined in one pass: a blank seen is written as one space
/// only when a word follows it (none leads or trails).
#[derive(Default)]
struct Words {
    text: String,
    chars: usize,
    blank: bool,
}

impl Words {
    /// Adds `s`; false once the text is full.
    fn push(&mut self, s: &str) -> bool {
        for (n, word) in s.split(char::is_whitespace).enumerate() {
            // A piece after the first follows a blank, as does an empty one.
            self.blank |= n > 0;
            if word.is_empty() {
                continue;
            }
            if std::mem::take(&mut self.blank) && !self.text.is_empty() {
                if self.chars == BODY_CHARS {
                    return false;
                }
                self.text.push(' ');
                self.chars += 1;
            }
            let n = word.chars().count();
            if self.chars + n >= BODY_CHARS {
                let take = BODY_CHARS - self.chars;
                self.text.extend(word.chars().take(take));
                self.chars = BODY_CHARS;
                return false;
            }
            self.text.push_str(word);
            self.chars += n;
        }
        true
    }
}

/// Where a language's search index is, relative to the output folder.
pub fn index_path(config: &Config, lang: &str) -> String {
    format!("{}search/index.json", config.lang_prefix(lang))
}

pub fn index(plan: &Plan, config: &Config, lang: &str) -> Output {
    let mut docs: Vec<(Kind, &'static str, String, &Text)> = Vec::new();
    docs.extend(
        plan.lines
            .iter()
            .map(|l| (Kind::Line, "line", l.id.clone(), &l.text)),
    );
    docs.extend(
        plan.objectives
            .iter()
            .map(|o| (Kind::Objective, "objective", o.id.clone(), &o.text)),
    );
    docs.extend(
        plan.actions
            .iter()
            .map(|a| (Kind::Action, "action", a.id.clone(), &a.text)),
    );
    docs.extend(
        plan.reports
            .iter()
            .map(|r| (Kind::Report, "report", r.year.to_string(), &r.text)),
    );
    docs.extend(
        plan.pages
            .iter()
            .map(|p| (Kind::Page, "page", p.slug.clone(), &p.text)),
    );
    // Each document in JSON on its own, on every core, then joined: the
    // index of 10,000 actions is 30 MB of JSON, 70 ms on one core.
    let out: Vec<Vec<u8>> = docs
        .par_iter()
        .map(|(k, kind, id, default)| {
            let t = plan.text(*k, id, lang, default);
            let doc = Doc {
                kind,
                id,
                title: &t.title,
                text_lang: &t.lang,
                url: url(config, lang, &page_path(*k, id)),
                summary: t.summary.as_deref().unwrap_or(""),
                text: plain_text(&t.body),
            };
            serde_json::to_vec(&doc).unwrap_or_default()
        })
        .collect();
    let mut bytes = Vec::with_capacity(out.iter().map(|d| d.len() + 1).sum::<usize>() + 2);
    bytes.push(b'[');
    for (n, doc) in out.iter().enumerate() {
        if n > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(doc);
    }
    bytes.extend_from_slice(b"]\n");
    Output {
        path: index_path(config, lang),
        bytes,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_bodies_are_cut_at_the_same_character() {
        let body = "word ".repeat(2000) + "é".repeat(10).as_str();
        let old: String = body
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(super::BODY_CHARS)
            .collect();
        assert_eq!(super::plain_text(&body), old);
        let short = "a  b\n\nc ééé";
        assert_eq!(super::plain_text(short), "a b c ééé");
        let edge = format!("{} {}", "x".repeat(super::BODY_CHARS - 1), "yy");
        let want: String = edge.chars().take(super::BODY_CHARS).collect();
        assert_eq!(super::plain_text(&edge), want);
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            super::plain_text("# Title\n\nSome *bold* [link](x).\n\n| a | b |"),
            "Title Some bold link. | a | b |"
        );
    }
}

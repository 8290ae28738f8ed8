//! A quick reading of a body's `@/` links as they are written, so that the
//! link check can skip parsing a body whose internal links all resolve (most
//! bodies, most of the time: the parse was 3% of a build at 10,000 actions).
//! The parse stays the judge: this reading only ever answers "all resolve"
//! when the parse would report nothing, and "not sure" otherwise.

/// Whether every `@/` written in `body` is, read as plain text, a link
/// target that `resolves`, ended where Markdown would end a link's
/// destination. True means the parse of `body` would find no broken `@/`
/// link: every link or image whose destination starts with `@/` has that
/// destination written out as such (character references and backslash
/// escapes, which could make one otherwise, send the body to the parse).
pub fn all_resolve(body: &str, resolves: impl Fn(&str) -> bool) -> bool {
    // An `@` or `/` made by a character reference or an escape.
    if ["@\\", "@&", "&#", "&commat;"]
        .iter()
        .any(|s| body.contains(s))
    {
        return false;
    }
    for (at, _) in body.match_indices("@/") {
        let rest = &body[at..];
        let end = rest
            .find(|c: char| c == ')' || c == '>' || ends(c) || "\"'<[]`|".contains(c))
            .unwrap_or(rest.len());
        let (target, after) = rest.split_at(end);
        // `<…>` destinations may hold spaces: only their `>` ends them.
        let angled = body[..at].ends_with('<');
        let ended = match after.chars().next() {
            None => !angled,
            Some('>') => angled,
            Some(c) => !angled && (c == ')' || ends(c)),
        };
        // Parentheses nest inside a destination, escapes and references change it.
        let plain = !target.contains(['(', '\\', '&']);
        if !ended || !plain || !resolves(target) {
            return false;
        }
    }
    true
}

/// Whether `c` ends a destination not in `<…>`: an ASCII space or control
/// character (and not, say, a no-break space, which may be inside one).
fn ends(c: char) -> bool {
    c == ' ' || c.is_ascii_control()
}

#[cfg(test)]
mod tests {
    use super::all_resolve;
    use crate::markdown::{check_links, events, Context};
    use proptest::prelude::*;

    /// `actions/1.md` and `pages/a.md` (with any fragment) exist.
    fn resolves(dest: &str) -> bool {
        let path = dest[2..].split('#').next().unwrap_or("");
        matches!(path, "actions/1.md" | "pages/a.md")
    }

    /// The broken links the check reports, and those the parse of the
    /// page finds (rendering never takes the shortcut).
    fn broken_links(body: &str) -> (usize, usize) {
        let resolve = |p: &str| resolves(&format!("@/{p}")).then(String::new);
        let cx = Context {
            path: "content/a.md",
            body_line: 1,
            resolve: &resolve,
            raw_html: true,
        };
        let (mut checked, mut parsed) = (Vec::new(), Vec::new());
        check_links(body, &cx, &mut checked);
        events(body, &cx, &mut parsed);
        (checked.len(), parsed.len())
    }

    #[test]
    fn plain_links_that_resolve_need_no_parse() {
        for body in [
            "See [a](@/actions/1.md) and ![b](@/pages/a.md#top \"t\").",
            "[x]: @/actions/1.md\n\nSee [x] and <@/pages/a.md>.",
            "[a](<@/actions/1.md>), and a bare @/pages/a.md at the end: @/actions/1.md",
        ] {
            assert!(all_resolve(body, resolves), "{body}");
            assert_eq!(broken_links(body), (0, 0), "{body}");
        }
    }

    #[test]
    fn anything_less_plain_goes_to_the_parse() {
        for body in [
            "[a](@/actions/2.md)",
            "[a](<@/actions/1.md x>)",
            "[a](@&#47;actions/2.md)",
            "[a](@\\/actions/2.md)",
            "[a](@/actions/1.md\\)x)",
            "`@/nothing.md` in code",
            "<a href=\"@/actions/1.md\">raw</a>",
        ] {
            assert!(!all_resolve(body, resolves), "{body}");
        }
        assert_eq!(broken_links("[a](@/actions/2.md)"), (1, 1));
        assert_eq!(broken_links("`@/nothing.md` in code"), (0, 0));
        // Written with a character reference, with no `@/` in the text: the
        // check used to skip such a body, and the page showed the link as text.
        assert_eq!(broken_links("[a](@&#47;actions/2.md)"), (1, 1));
    }

    /// An internal link, good or broken, in one of the forms that make a
    /// destination (or almost), with some text after it.
    fn link() -> impl Strategy<Value = String> {
        let opening = [
            "[a](", "![a](", "[a]: ", "[a](<", "[a]: <", "<", "`", "\\", "x", "",
        ];
        let target = [
            "@/actions/1.md",
            "@/actions/2.md",
            "@/pages/a.md#f",
            "@/pages/b.md",
            "@&#47;pages/b.md",
            "@\\/pages/b.md",
            "&#64;/pages/b.md",
            "@/",
            "@/actions/1.md#",
        ];
        let closing = [
            ")", ">)", ">", " \"t\")", "x)", ">x)", "\\)x)", "(x))", " x>)", "`", "|x)", "\n", "",
            "\u{a0}x)", "\tx)",
        ];
        let text = ["", " ", "\n", "\n\n", "| a |\n|---|\n| ", "x", "[a]\n\n"];
        (
            prop::sample::select(opening.to_vec()),
            prop::sample::select(target.to_vec()),
            prop::sample::select(closing.to_vec()),
            prop::sample::select(text.to_vec()),
        )
            .prop_map(|(o, t, c, x)| format!("{o}{t}{c}{x}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn the_check_reports_what_the_parse_finds(
            links in prop::collection::vec(link(), 0..6)
        ) {
            let body: String = links.concat();
            let (checked, parsed) = broken_links(&body);
            prop_assert_eq!(checked, parsed, "{:?}", body);
            if all_resolve(&body, resolves) {
                prop_assert_eq!(parsed, 0, "{:?}", body);
            }
        }
    }
}

//! The built-in theme's templates are minified once, when loaded, instead of
//! every page after rendering (docs/performance.md). That must not change
//! what any page says: every page rendered that way, minified again as a
//! whole, is byte for byte the page the whole-page minifier makes, and is
//! hardly larger.

mod common;

use retiment::render::{self, theme};

#[test]
fn pages_from_minified_templates_are_the_minified_pages() {
    for site in [common::fixture("good-en"), common::repo_root()] {
        let c = common::compile_ok(&site, false);
        let templates = theme::templates(&site, &c.config, &mut Vec::new());
        assert!(
            templates.built_in(),
            "{} must use the built-in theme as it is, or nothing is tested",
            site.display()
        );
        let mut diags = Vec::new();
        let fast = render::render(&site, &c.config, &c.plan, &c.figures, None, &mut diags);
        let reference =
            render::render_minifying_pages(&site, &c.config, &c.plan, &c.figures, &mut diags);
        assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
        assert_eq!(fast.len(), reference.len());
        let (mut pages, mut fast_bytes, mut reference_bytes) = (0, 0, 0);
        for (f, r) in fast.iter().zip(&reference) {
            assert_eq!(f.path, r.path);
            if !f.path.ends_with(".html") {
                assert_eq!(f.bytes, r.bytes, "{}", f.path);
                continue;
            }
            common::assert_same_minified_page(&f.path, &f.bytes, &r.bytes, "the minified page");
            pages += 1;
            fast_bytes += f.bytes.len();
            reference_bytes += r.bytes.len();
        }
        assert!(pages > 20, "{pages} pages");
        // Whitespace next to Tera tags and quotes around values that Tera
        // fills in are what is left; a few per cent at most.
        assert!(
            fast_bytes * 100 <= reference_bytes * 103,
            "{}: {fast_bytes} bytes against {reference_bytes}",
            site.display()
        );
    }
}

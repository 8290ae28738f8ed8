//! Fuzzes `retiment::markdown::render` directly. The first byte chooses the
//! raw HTML setting; the rest is the body. Without raw HTML, no script
//! element and no `javascript:` link or image may come out, whatever the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    let resolve = |path: &str| {
        (path == "actions/1.1.1.md").then(|| "https://example.org/actions/1.1.1/".to_string())
    };
    let cx = retiment::markdown::Context {
        path: "content/actions/1.1.2.md",
        body_line: 5,
        resolve: &resolve,
        raw_html: flags & 1 == 1,
    };
    let mut diags = Vec::new();
    let html = retiment::markdown::render(body, &cx, &mut diags);
    let lines = body.split('\n').count();
    for d in &diags {
        assert!(
            d.line >= 5 && d.line < 5 + lines,
            "line {} outside the body: {d:?}",
            d.line
        );
    }
    if !cx.raw_html {
        let lower = html.to_ascii_lowercase();
        assert!(
            !lower.contains("<script"),
            "a script element without raw HTML: {html}"
        );
        // Link and image targets as pulldown-cmark writes them: `<a href="…"`, `<img src="…"`.
        let links = lower.split("<a href=\"").skip(1);
        for target in links.chain(lower.split("<img src=\"").skip(1)) {
            let target = target.split('"').next().unwrap_or("");
            assert!(
                !target.trim_start().starts_with("javascript:"),
                "a javascript: link without raw HTML: {html}"
            );
        }
    }
});

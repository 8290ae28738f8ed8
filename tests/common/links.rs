//! Links and ids in built HTML and XML: every link absolute, under the site's
//! base URL and pointing to a built file (and element), or external.

use std::collections::BTreeMap;

/// Values of an attribute (`href=`, `src=`, `id=`) in HTML or XML, quoted or, after minifying, unquoted.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(attr) {
        let before = rest[..i].chars().last();
        rest = &rest[i + attr.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        out.push(value.replace("&amp;", "&"));
    }
    out
}

/// Every link of a page: `href`, `src`, and the sitemap's `<loc>`.
pub fn links(html: &str) -> Vec<String> {
    let mut out = attr_values(html, "href=");
    out.extend(attr_values(html, "src="));
    out.extend(
        html.split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(str::to_string),
    );
    out
}

/// Output file of an internal URL, if the URL is under `base`.
pub fn target_file(url: &str, base: &str) -> Option<String> {
    let rest = url.strip_prefix(base)?;
    let rest = rest.split(['#', '?']).next().unwrap_or("");
    Some(if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    })
}

/// Every link of every page is absolute: under `base` and pointing to a built file
/// (and to an element of it, for a `#fragment`), or external.
pub fn check_links(tree: &BTreeMap<String, Vec<u8>>, base: &str, external: &[&str]) {
    let mut problems = Vec::new();
    for (path, bytes) in tree
        .iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".xml"))
    {
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if link.starts_with('#') || link.starts_with("mailto:") || link.starts_with("tel:") {
                continue;
            }
            match target_file(&link, base) {
                Some(file) if tree.contains_key(&file) => {
                    if let Some((_, fragment)) = link.split_once('#') {
                        let target = String::from_utf8_lossy(&tree[&file]).into_owned();
                        if !attr_values(&target, "id=").iter().any(|id| id == fragment) {
                            problems.push(format!(
                                "{path}: {link} → {file} has no element with id `{fragment}`"
                            ));
                        }
                    }
                }
                Some(file) => problems.push(format!("{path}: {link} → {file} was not built")),
                None if external.iter().any(|e| link.starts_with(e)) => {}
                None if path.ends_with(".xml") && link.starts_with("http://www.") => {} // XML namespaces
                None => problems.push(format!(
                    "{path}: {link} is neither under {base} nor an external link of the content"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "bad links:\n{}", problems.join("\n"));
}

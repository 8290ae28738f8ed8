//! The preview's HTTP side: mapping a request path to a file of the site held
//! in memory (never to the disk, so no path can escape the site), the 404
//! page, content types, and the server-sent event stream that reloads tabs.

use super::{Event, Hub, Site};
use std::io::{Cursor, Write};
use std::sync::{mpsc, Arc, RwLock};
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

pub const SCRIPT_PATH: &str = "/__retiment/livereload.js";
pub const EVENTS_PATH: &str = "/__retiment/events";
const SCRIPT: &str = include_str!("livereload.js");

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the site, by its output path (`actions/1.1.7/index.html`).
    File(String),
    /// A folder asked for without its final `/`: send the browser there, so
    /// that relative links in the page resolve as they will once published.
    Redirect(String),
    NotFound,
}

/// Map `/x/` to `x/index.html`, `/` to `index.html`, `/x` to `x` (or a
/// redirect to `/x/`). Paths are %-decoded first; a `.` or `..` segment, a
/// backslash or a NUL is refused outright, whatever the site holds.
pub fn resolve(url: &str, has: impl Fn(&str) -> bool) -> Resolved {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Resolved::NotFound;
    };
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Resolved::NotFound;
    };
    if decoded.split('/').any(|seg| seg == "." || seg == "..")
        || decoded.contains(['\\', '\0'])
        || decoded.starts_with('/')
        || decoded.contains("//")
    {
        return Resolved::NotFound;
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        let key = format!("{decoded}index.html");
        return if has(&key) {
            Resolved::File(key)
        } else {
            Resolved::NotFound
        };
    }
    if has(&decoded) {
        return Resolved::File(decoded.into_owned());
    }
    if has(&format!("{decoded}/index.html")) {
        return Resolved::Redirect(format!("/{path}/"));
    }
    Resolved::NotFound
}

/// The site's own 404 page: the one of the language the path starts with
/// (`/es/…` → `es/404.html`) when there is one, else the root one.
fn not_found_page(url: &str, has: impl Fn(&str) -> bool) -> Option<String> {
    let first = url
        .trim_start_matches('/')
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let localised = format!("{first}/404.html");
    if !first.is_empty() && has(&localised) {
        return Some(localised);
    }
    has("404.html").then(|| "404.html".to_string())
}

/// The Content-Type of an output path, with a charset for text.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "atom+xml" | "svg+xml" | "manifest+json"
        );
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

fn header(name: &str, value: &str) -> Header {
    // Only our own ASCII names and values come here.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Retiment"[..], &b"1"[..]).expect("static header")
    })
}

fn send(req: Request, status: u16, content_type: &str, body: Arc<[u8]>) {
    let len = body.len();
    let headers = vec![
        header("Content-Type", content_type),
        // A preview must always show the latest build.
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ];
    let response = Response::new(
        StatusCode(status),
        headers,
        Cursor::new(body),
        Some(len),
        None,
    );
    // A browser that went away is not an error worth reporting.
    let _ = req.respond(response);
}

/// Answer one request from the site in memory.
pub fn handle(req: Request, site: &RwLock<Site>, hub: &Arc<Hub>, root: &std::path::Path) {
    if !matches!(req.method(), Method::Get | Method::Head) {
        send(
            req,
            405,
            "text/plain; charset=utf-8",
            Arc::from(&b"only GET and HEAD are served\n"[..]),
        );
        return;
    }
    let url = req.url().to_string();
    let path_only = url.split(['?', '#']).next().unwrap_or("");
    if path_only == SCRIPT_PATH {
        send(
            req,
            200,
            "text/javascript; charset=utf-8",
            Arc::from(SCRIPT.as_bytes()),
        );
        return;
    }
    if path_only == EVENTS_PATH {
        let error = site.read().map(|s| s.error.clone()).unwrap_or_default();
        events(req, hub, error);
        return;
    }
    // Resolve under the lock; read or render the file after letting go of it.
    let (status, path) = {
        let Ok(s) = site.read() else { return };
        if s.is_empty() {
            // No build has succeeded yet: say why, and reload once one does.
            let page = super::error_page(
                s.error
                    .as_deref()
                    .unwrap_or("the site has not been built yet"),
            );
            drop(s);
            send(
                req,
                500,
                "text/html; charset=utf-8",
                Arc::from(page.into_bytes()),
            );
            return;
        }
        let has = |p: &str| s.has(p);
        match resolve(&url, has) {
            Resolved::File(p) => (200, p),
            Resolved::Redirect(to) => {
                drop(s);
                let mut response =
                    Response::from_string(format!("see {to}\n")).with_status_code(301);
                response.add_header(header("Location", &to));
                let _ = req.respond(response);
                return;
            }
            Resolved::NotFound => match not_found_page(&url, has) {
                Some(p) => (404, p),
                None => (404, "404.txt".to_string()),
            },
        }
    };
    match super::file(site, root, &path) {
        Some(Ok(body)) => send(req, status, &content_type(&path), body),
        Some(Err(text)) => {
            let page = super::render_error_page(&text);
            send(
                req,
                500,
                "text/html; charset=utf-8",
                Arc::from(page.into_bytes()),
            );
        }
        None => send(
            req,
            404,
            "text/plain; charset=utf-8",
            Arc::from(&b"not found\n"[..]),
        ),
    }
}

/// One SSE frame; multi-line data gets one `data:` line per line.
pub fn frame(event: &Event) -> String {
    let (name, data) = match event {
        Event::Reload => ("reload", "reload"),
        Event::Error(text) => ("error", text.as_str()),
    };
    let mut out = format!("event: {name}\n");
    for line in data.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

/// Keep the connection open and write events as rebuilds finish. A tab
/// opened while the site is broken gets the error at once. Runs on its own
/// thread, until the browser goes away (noticed at the next write).
fn events(req: Request, hub: &Arc<Hub>, current_error: Option<String>) {
    let (tx, rx) = mpsc::channel();
    hub.subscribe(tx);
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    if let Some(text) = current_error {
        if w.write_all(frame(&Event::Error(text)).as_bytes())
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
    }
    loop {
        let chunk = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => frame(&event),
            // A comment line every so often finds out whether the tab is still there.
            Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(chunk.as_bytes())
            .and_then(|_| w.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(p: &str) -> bool {
        [
            "index.html",
            "actions/1.1.7/index.html",
            "css/style.css",
            "es/404.html",
            "404.html",
            "files/a b.pdf",
        ]
        .contains(&p)
    }

    #[test]
    fn paths_map_to_files() {
        assert_eq!(resolve("/", has), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/actions/1.1.7/", has),
            Resolved::File("actions/1.1.7/index.html".into())
        );
        assert_eq!(
            resolve("/actions/1.1.7/?x=1#top", has),
            Resolved::File("actions/1.1.7/index.html".into())
        );
        assert_eq!(
            resolve("/actions/1.1.7", has),
            Resolved::Redirect("/actions/1.1.7/".into())
        );
        assert_eq!(
            resolve("/css/style.css", has),
            Resolved::File("css/style.css".into())
        );
        assert_eq!(
            resolve("/files/a%20b.pdf", has),
            Resolved::File("files/a b.pdf".into())
        );
        assert_eq!(resolve("/nope/", has), Resolved::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        let all = |_: &str| true;
        for url in [
            "/../site.toml",
            "/css/../../x",
            "/%2e%2e/site.toml",
            "/a/%2E%2E/b",
            "/a\\b",
            "/a%00",
            "//etc/passwd",
            "x",
            "/%ff",
        ] {
            assert_eq!(resolve(url, all), Resolved::NotFound, "{url}");
        }
    }

    #[test]
    fn not_found_pages_follow_the_language() {
        assert_eq!(
            not_found_page("/es/nope/", has).as_deref(),
            Some("es/404.html")
        );
        assert_eq!(not_found_page("/nope/", has).as_deref(), Some("404.html"));
        assert_eq!(not_found_page("/", |_| false), None);
    }

    #[test]
    fn content_types_have_charsets_for_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("data/plan.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("css/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("files/a.pdf"), "application/pdf");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn frames_are_valid_sse() {
        assert_eq!(frame(&Event::Reload), "event: reload\ndata: reload\n\n");
        assert_eq!(
            frame(&Event::Error("a\nb".into())),
            "event: error\ndata: a\ndata: b\n\n"
        );
    }
}

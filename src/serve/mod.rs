//! `retiment serve`: the editors' live preview. The site is compiled in
//! memory and served from there over HTTP on loopback; a change to the
//! sources recompiles it (parsing and checking again only the files that
//! changed) and reloads open tabs through server-sent events. Pages render
//! when a tab asks for them, so an edit costs the pages being looked at,
//! not the whole site. A failed rebuild keeps the last good site online and
//! shows the problems in the terminal and over the page.

pub mod http;
pub mod watch;

use crate::{report, Options};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::Instant;

/// What `retiment serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
}

/// The site as served: output path → bytes, the pages (rendered on
/// request, then kept until the next rebuild), and why the last rebuild failed.
#[derive(Default)]
pub struct Site {
    pub files: HashMap<String, Arc<[u8]>>,
    pub live: Option<Arc<crate::render::live::Live>>,
    pub pages: Mutex<HashMap<String, Arc<[u8]>>>,
    /// The diagnostics of the last rebuild, when it failed (human format).
    pub error: Option<String>,
}

impl Site {
    /// Whether the site has a file or page at this output path.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.live.as_ref().is_some_and(|l| l.has(path))
    }

    /// Whether no build has succeeded yet.
    pub fn is_empty(&self) -> bool {
        self.live.is_none()
    }
}

/// What open tabs are told.
#[derive(Debug, Clone)]
pub enum Event {
    Reload,
    Error(String),
}

/// The open event streams; a tab that went away is dropped at the next event.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<mpsc::Sender<Event>>>,
}

impl Hub {
    pub fn subscribe(&self, tx: mpsc::Sender<Event>) {
        if let Ok(mut c) = self.clients.lock() {
            c.push(tx);
        }
    }
    pub fn broadcast(&self, event: &Event) {
        if let Ok(mut c) = self.clients.lock() {
            c.retain(|tx| tx.send(event.clone()).is_ok());
        }
    }
}

/// Run the preview until the process is stopped. Errors are about starting
/// it (a port in use, a folder that does not exist), never about content.
pub fn run(opts: &ServeOptions) -> Result<(), String> {
    let root = std::fs::canonicalize(&opts.root)
        .map_err(|e| format!("cannot use {} as the site folder: {e}", opts.root.display()))?;
    let server = tiny_http::Server::http(SocketAddr::new(opts.bind, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    let url = format!("http://{addr}/");
    let site = Arc::new(RwLock::new(Site::default()));
    let hub = Arc::new(Hub::default());
    let compile_opts = Options {
        root: root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: opts.drafts,
    };

    // Watching starts before the first build, so that an edit made while it
    // runs is not missed (the caches trust the watcher to name every change).
    let watcher = watch::Watcher::new(&root);
    let mut caches = crate::Caches::default();
    rebuild(&compile_opts, &mut caches, &site, &hub);
    println!("serving {} at {url} (press Ctrl-C to stop)", root.display());
    if opts.bind.is_unspecified() {
        println!("note: links in the pages point at {url}; open the site through that address");
    }
    if opts.open && open::that_detached(&url).is_err() {
        println!("open {url} in your browser");
    }

    match watcher {
        Ok(watcher) => {
            let (site, hub) = (Arc::clone(&site), Arc::clone(&hub));
            std::thread::spawn(move || watch_loop(watcher, &compile_opts, caches, &site, &hub));
        }
        Err(e) => eprintln!("warning: {e}; the preview will not rebuild by itself"),
    }

    for request in server.incoming_requests() {
        let (site, hub, root) = (Arc::clone(&site), Arc::clone(&hub), root.clone());
        // Event streams stay open for as long as a tab does; every request
        // gets its own thread so that none waits for another.
        std::thread::spawn(move || http::handle(request, &site, &hub, &root));
    }
    Ok(())
}

/// Rebuild after each burst of changes to the sources.
fn watch_loop(
    mut watcher: watch::Watcher,
    opts: &Options,
    mut caches: crate::Caches,
    site: &RwLock<Site>,
    hub: &Hub,
) {
    while let Ok(first) = watcher.events.recv() {
        // Everything already waiting is part of the same rebuild.
        let mut changes = watch::Changes::default();
        for result in std::iter::once(first).chain(watcher.events.try_iter()) {
            watcher.changed(result, &mut changes);
        }
        let watch::Changes {
            paths: mut changed,
            lost_track,
        } = changes;
        if changed.is_empty() && !lost_track {
            continue;
        }
        watcher.watch_new_folders();
        changed.sort();
        changed.dedup();
        let shown: Vec<String> = changed
            .iter()
            .take(3)
            .map(|p| crate::diagnostics::rel_path(&opts.root, p))
            .collect();
        let more = if changed.len() > 3 {
            format!(" and {} more", changed.len() - 3)
        } else {
            String::new()
        };
        if lost_track {
            eprintln!("changed: files the watcher lost track of; reading everything again");
        } else {
            eprintln!("changed: {}{more}", shown.join(", "));
        }
        caches.changed(&opts.root, &changed, lost_track);
        rebuild(opts, &mut caches, site, hub);
    }
}

/// Compile in memory; on success swap the site and reload tabs, on failure
/// keep the last good site, print the problems and show them in tabs.
fn rebuild(opts: &Options, caches: &mut crate::Caches, site: &RwLock<Site>, hub: &Hub) {
    let started = Instant::now();
    match crate::compile_live(opts, caches) {
        Ok(compiled) => {
            eprint!("{}", report::human(&compiled.warnings, &opts.root));
            let files = compiled
                .files
                .into_iter()
                .map(|o| (o.path.clone(), Arc::from(with_livereload(&o.path, o.bytes))))
                .collect();
            let fresh = Site {
                files,
                live: Some(Arc::new(compiled.live)),
                pages: Mutex::default(),
                error: None,
            };
            if let Ok(mut s) = site.write() {
                let old = std::mem::replace(&mut *s, fresh);
                // Freeing a large site takes a while: not on the way to the reload.
                std::thread::spawn(move || drop(old));
            }
            eprintln!(
                "rebuilt in {} ms; pages render as they are opened ({})",
                started.elapsed().as_millis(),
                report::summary(&compiled.warnings)
            );
            hub.broadcast(&Event::Reload);
        }
        Err(diags) => {
            let text = format!(
                "{}build failed: {}",
                report::human(&diags, &opts.root),
                report::summary(&diags)
            );
            eprintln!("{text}; still serving the last good build");
            if let Ok(mut s) = site.write() {
                s.error = Some(text.clone());
            }
            hub.broadcast(&Event::Error(text));
        }
    }
}

/// The bytes of the file or page at `path`: a page is rendered the first
/// time it is asked for. A page whose template fails comes back as the
/// error, in the human format.
pub fn file(
    site: &RwLock<Site>,
    root: &std::path::Path,
    path: &str,
) -> Option<Result<Arc<[u8]>, String>> {
    let live = {
        let s = site.read().ok()?;
        if let Some(f) = s.files.get(path) {
            return Some(Ok(f.clone()));
        }
        if let Some(p) = s.pages.lock().ok()?.get(path) {
            return Some(Ok(p.clone()));
        }
        s.live.clone()?
    };
    // Rendered without holding the lock: other requests go on meanwhile.
    let rendered = match live.render(path)? {
        Ok(o) => o,
        Err(d) => {
            let text = report::human(std::slice::from_ref(&d), root);
            eprint!("{text}");
            return Some(Err(text));
        }
    };
    let bytes: Arc<[u8]> = Arc::from(with_livereload(path, rendered.bytes));
    if let Ok(s) = site.read() {
        // Only if the site was not rebuilt meanwhile.
        if s.live.as_ref().is_some_and(|l| Arc::ptr_eq(l, &live)) {
            if let Ok(mut pages) = s.pages.lock() {
                pages.insert(path.to_string(), bytes.clone());
            }
        }
    }
    Some(Ok(bytes))
}

/// `<script src="/__retiment/livereload.js"></script>` before the last
/// `</body>` of an HTML page (or at its end): a file, not inline code, so
/// that pages keep a strict Content-Security-Policy.
pub fn with_livereload(path: &str, bytes: Vec<u8>) -> Vec<u8> {
    if !path.ends_with(".html") {
        return bytes;
    }
    let tag = format!("<script src=\"{}\"></script>", http::SCRIPT_PATH);
    let at = bytes
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(bytes.len());
    let mut out = Vec::with_capacity(bytes.len() + tag.len());
    out.extend_from_slice(&bytes[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&bytes[at..]);
    out
}

/// The page shown while no build has succeeded yet; it reloads once one does.
pub fn error_page(text: &str) -> String {
    problem_page(
        "The site does not build yet",
        "Fix the problems below; this page reloads by itself when the site builds.",
        text,
    )
}

/// The page shown for a page whose template fails; it reloads on the next change.
pub fn render_error_page(text: &str) -> String {
    problem_page(
        "This page does not render",
        "Its template stopped at the problem below; this page reloads by itself after the next change.",
        text,
    )
}

fn problem_page(heading: &str, lead: &str, text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>retiment: {heading}</title></head>\n\
         <body><h1>{heading}</h1><p>{lead}</p>\n\
         <pre>{escaped}</pre><script src=\"{}\"></script></body></html>\n",
        http::SCRIPT_PATH
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = with_livereload(
            "a/index.html",
            b"<html><body><p>x</p></BODY></html>".to_vec(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>x</p><script src=\"/__retiment/livereload.js\"></script></BODY></html>"
        );
        assert_eq!(with_livereload("data/plan.json", b"{}".to_vec()), b"{}");
        assert!(
            String::from_utf8(with_livereload("x.html", b"<p>".to_vec()))
                .unwrap()
                .ends_with("</script>")
        );
    }

    #[test]
    fn the_error_page_escapes_diagnostics() {
        let page = error_page("a.md:1:1: error: <script>");
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("<script>"));
    }
}

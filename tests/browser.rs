//! The default theme in a real browser: the example site is built once, served
//! on loopback by a tiny static server, and checked by
//!
//! * `tests/browser/check.mjs` (node, playwright-core driving Debian's chromium,
//!   axe-core): zero WCAG 2.0/2.1 A and AA violations on every page type in
//!   every language, no console error with the page's Content-Security-Policy
//!   enforced, no request to another host, pages usable without JavaScript and
//!   at 320 px, search and the action filter working, screenshots under
//!   `target/screenshots/`;
//! * the Nu Html Checker (`vnu.jar`): zero errors in every built HTML file and
//!   in the stylesheet;
//! * the page weight: the home page's HTML and CSS together stay under 60 KB.
//!
//! The tools are installed by `scripts/install-browser-tools` (called by
//! `scripts/test`), which exports RETIMENT_BROWSER_TOOLS and RETIMENT_CHROMIUM.
//! Set RETIMENT_SKIP_EXTERNAL=1 to skip this test where they cannot be installed.
//! RETIMENT_BROWSER_ALL=1 runs axe on every page of the site, not one per type.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The home page's HTML plus the stylesheet, uncompressed.
const HOME_WEIGHT_LIMIT: u64 = 60 * 1024;

#[test]
fn default_theme_in_a_real_browser() {
    if std::env::var("RETIMENT_SKIP_EXTERNAL").is_ok_and(|v| !v.is_empty() && v != "0") {
        eprintln!("browser tests skipped (RETIMENT_SKIP_EXTERNAL is set)");
        return;
    }
    let tools = match std::env::var("RETIMENT_BROWSER_TOOLS") {
        Ok(t) if !t.is_empty() => PathBuf::from(t),
        _ => panic!(
            "RETIMENT_BROWSER_TOOLS is not set: run scripts/test (it installs the browser tools), \
             or set RETIMENT_SKIP_EXTERNAL=1 to skip"
        ),
    };
    let chromium =
        std::env::var("RETIMENT_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let vnu = tools.join("node_modules/vnu-jar/build/dist/vnu.jar");
    for need in [
        tools.join("node_modules/playwright-core/package.json"),
        tools.join("node_modules/axe-core/axe.min.js"),
        vnu.clone(),
        PathBuf::from(&chromium),
    ] {
        assert!(
            need.exists(),
            "{} is missing: run scripts/test (it installs the browser tools), or set RETIMENT_SKIP_EXTERNAL=1 to skip",
            need.display()
        );
    }

    let started = Instant::now();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}/");
    let tmp = common::TempDir::new("browser");
    let site = tmp.join("site");
    common::build_ok(&common::repo_root(), &site, &["--base-url", &base]);
    eprintln!(
        "built the example site in {} ms",
        started.elapsed().as_millis()
    );

    // Page weight.
    let weight = file_len(&site.join("index.html")) + file_len(&site.join("css/style.css"));
    eprintln!("home page weight: index.html + css/style.css = {weight} bytes");
    assert!(
        weight <= HOME_WEIGHT_LIMIT,
        "the home page's HTML and CSS weigh {weight} bytes, over {HOME_WEIGHT_LIMIT}"
    );

    let root = site.clone();
    std::thread::spawn(move || serve(listener, root));

    // The Nu Html Checker (every HTML file, and the stylesheets) runs while the browser works.
    let vnu_run = Command::new("java")
        .args([
            "-jar",
            path_str(&vnu),
            "--errors-only",
            "--skip-non-html",
            "--also-check-css",
            path_str(&site),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run java -jar vnu.jar (is java installed?)");

    let screenshots = common::repo_root().join("target/screenshots");
    let mut node = Command::new("node");
    node.arg(common::repo_root().join("tests/browser/check.mjs"))
        .args([
            "--base",
            &base,
            "--site",
            path_str(&site),
            "--screenshots",
            path_str(&screenshots),
        ])
        .env("RETIMENT_BROWSER_TOOLS", &tools)
        .env("RETIMENT_CHROMIUM", &chromium);
    if std::env::var("RETIMENT_BROWSER_ALL").is_ok_and(|v| !v.is_empty() && v != "0") {
        node.arg("--all");
    }
    let browser = node.output().expect("run node (is node installed?)");
    let browser_out = String::from_utf8_lossy(&browser.stdout).into_owned();
    let browser_err = String::from_utf8_lossy(&browser.stderr).into_owned();
    eprint!("{browser_out}");

    let vnu_out = vnu_run.wait_with_output().expect("wait for vnu");
    let errors = vnu_messages(&vnu_out);
    let css_errors = errors.iter().filter(|l| l.contains(".css\"")).count();
    eprintln!(
        "Nu Html Checker: {} HTML files and css/style.css, {} errors ({} in CSS)",
        count_html(&site),
        errors.len(),
        css_errors
    );
    eprintln!("browser test done in {} ms", started.elapsed().as_millis());

    let mut failures = Vec::new();
    if !browser.status.success() {
        failures.push(format!(
            "browser checks failed ({:?}):\n{browser_err}",
            browser.status.code()
        ));
    }
    if !vnu_out.status.success() || !errors.is_empty() {
        failures.push(format!(
            "the Nu Html Checker found {} errors ({:?}):\n{}",
            errors.len(),
            vnu_out.status.code(),
            shorten(&errors)
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .len()
}

fn count_html(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                count_html(&p)
            } else {
                usize::from(p.extension().is_some_and(|x| x == "html"))
            }
        })
        .sum()
}

/// vnu writes its messages to standard error (and nothing else with --errors-only).
fn vnu_messages(o: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&o.stdout).lines())
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn shorten(lines: &[String]) -> String {
    let mut s: String = lines.iter().take(60).map(|l| format!("  {l}\n")).collect();
    if lines.len() > 60 {
        s.push_str(&format!("  … and {} more\n", lines.len() - 60));
    }
    s
}

// --- a static file server on loopback, one thread per connection -------------

fn serve(listener: TcpListener, root: PathBuf) {
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = respond(stream, &root);
        });
    }
}

fn respond(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let (status, content_type, body, location) = if method != "GET" && method != "HEAD" {
        (
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed".to_vec(),
            None,
        )
    } else if path.split('/').any(|s| s == "..") || !path.starts_with('/') {
        (
            "400 Bad Request",
            "text/plain",
            b"bad request".to_vec(),
            None,
        )
    } else {
        let mut file = root.join(path.trim_start_matches('/'));
        if file.is_dir() && !path.ends_with('/') {
            (
                "301 Moved Permanently",
                "text/plain",
                Vec::new(),
                Some(format!("{path}/")),
            )
        } else {
            if file.is_dir() {
                file = file.join("index.html");
            }
            match std::fs::read(&file) {
                Ok(bytes) => ("200 OK", content_type_of(&file), bytes, None),
                Err(_) => (
                    "404 Not Found",
                    "text/html; charset=utf-8",
                    std::fs::read(root.join("404.html")).unwrap_or_default(),
                    None,
                ),
            }
        }
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(l) = location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

fn content_type_of(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

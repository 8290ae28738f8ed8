//! `retiment serve` as an editor uses it: pages answer on loopback, missing
//! paths and traversal attempts get 404, and saving a content file changes
//! the served page and sends a `reload` event. Only 127.0.0.1 is contacted;
//! every wait is bounded, and the server is killed even if a check fails.

mod common;

use common::copy_dir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server when the test ends, whatever happened.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One raw HTTP/1.1 GET (raw, so that `..` reaches the server as written);
/// returns the status code and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read the response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn wait_until_up(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Read the event stream until `needle` shows up, for at most `limit`.
fn read_until(stream: &mut BufReader<TcpStream>, needle: &str, limit: Duration) -> String {
    let deadline = Instant::now() + limit;
    let mut seen = String::new();
    while Instant::now() < deadline && !seen.contains(needle) {
        let mut line = String::new();
        match stream.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => seen.push_str(&line),
            // A read timeout: look at the clock and try again.
            Err(_) => continue,
        }
    }
    seen
}

/// `retiment serve` on a copy of a fixture (in `site/` of the folder that
/// comes back), once it answers.
fn serve_copy_of(fixture: &str) -> (tempfile::TempDir, Server, u16) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture),
        &root,
    );
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_retiment"))
        .args([
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start retiment serve");
    let server = Server(child);
    wait_until_up(port);
    (tmp, server, port)
}

#[test]
fn serve_previews_and_reloads() {
    let (tmp, _server, port) = serve_copy_of("cli-site");
    let root = tmp.path().join("site");

    let (status, home) = get(port, "/");
    assert_eq!(status, 200);
    assert!(
        home.contains("Editors&#x27; test plan")
            || home.contains("Editors' test plan")
            || home.contains("Editors&#39; test plan"),
        "{home}"
    );
    assert!(home.contains(r#"<script src="/__retiment/livereload.js"></script></body>"#));
    let (status, action) = get(port, "/actions/1.1.1/");
    assert_eq!(status, 200);
    assert!(action.contains("Chair the Metropolis working group"));
    assert_eq!(get(port, "/__retiment/livereload.js").0, 200);
    assert_eq!(get(port, "/no/such/page/").0, 404);
    assert_eq!(get(port, "/../site.toml").0, 404);
    assert_eq!(get(port, "/%2e%2e/site.toml").0, 404);
    assert_eq!(get(port, "/actions/1.1.1").0, 301);

    // Subscribe, wait until the stream is open, then save a change.
    let mut events = TcpStream::connect(("127.0.0.1", port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        events,
        "GET /__retiment/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let head = read_until(&mut events, "retry:", Duration::from_secs(10));
    assert!(head.contains("text/event-stream"), "{head}");

    let file = root.join("content/actions/1.1.1.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "Chair the Metropolis working group",
            "Chair the renamed working group",
        ),
    )
    .unwrap();
    let seen = read_until(&mut events, "event: reload", Duration::from_secs(20));
    assert!(
        seen.contains("event: reload"),
        "no reload event; got:\n{seen}"
    );
    let (_, action) = get(port, "/actions/1.1.1/");
    assert!(
        action.contains("Chair the renamed working group"),
        "the served page did not change"
    );

    // A broken file: the last good site stays, and tabs get the problem.
    std::fs::write(
        &file,
        text.replace("status: in_progress", "status: finished"),
    )
    .unwrap();
    let seen = read_until(&mut events, "build failed", Duration::from_secs(20));
    assert!(
        seen.contains("event: error") && seen.contains("content/actions/1.1.1.md:4:9: error"),
        "{seen}"
    );
    let (status, action) = get(port, "/actions/1.1.1/");
    assert_eq!(status, 200);
    assert!(action.contains("Chair the renamed working group"));
}

/// Pages render when asked for: a page whose template fails at render time
/// answers 500 with the problem at its template line, and the rest of the
/// site is still served.
#[test]
fn a_page_that_fails_to_render_shows_why() {
    let (tmp, _server, port) = serve_copy_of("bad-render");
    let root = tmp.path().join("site");
    let (status, home) = get(port, "/");
    assert_eq!(status, 200, "{home}");
    let page = std::fs::read_dir(root.join("content/pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let slug = page.file_stem().unwrap().to_string_lossy().into_owned();
    let (status, body) = get(port, &format!("/{slug}/"));
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("templates/page.html:4:12"), "{body}");
    assert!(body.contains("no_such_field"), "{body}");
}

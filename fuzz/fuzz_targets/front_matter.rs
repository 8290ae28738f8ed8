//! Fuzzes the loader with one action file: the input becomes
//! `content/actions/1.1.2.md` of a tiny site (one line, one objective, one
//! good action) and the whole site is compiled. Any panic, abort, hang or
//! runaway allocation is a bug; errors must name the file and a line of it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const SITE_TOML: &str =
    "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\ndefault_language = \"en\"\n";
const LINE: &str = "---\ntitle: \"Line\"\n---\n";
const OBJECTIVE: &str = "---\ntitle: \"Objective\"\nline: \"1\"\n---\n";
const ACTION: &str =
    "---\ntitle: \"Action\"\nobjective: \"1.1\"\nstatus: not_started\n---\nBody.\n";

/// One site folder per fuzzing process, reused by every input.
fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("retiment-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in [
            ("site.toml", SITE_TOML),
            ("content/lines/1.md", LINE),
            ("content/objectives/1.1.md", OBJECTIVE),
            ("content/actions/1.1.1.md", ACTION),
        ] {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let root = site();
    std::fs::write(root.join("content/actions/1.1.2.md"), data).unwrap();
    let result = retiment::compile(&retiment::Options {
        root: root.clone(),
        ..Default::default()
    });
    if let Err(diags) = result {
        assert!(
            diags.iter().any(|d| d.is_error()),
            "a failed compile reports an error"
        );
        let lines = data.split(|b| *b == b'\n').count();
        for d in &diags {
            assert!(!d.message.trim().is_empty(), "{d:?}");
            assert!(
                d.path.starts_with("content/") || d.path == "site.toml",
                "{d:?}"
            );
            if d.path == "content/actions/1.1.2.md" && !data.is_empty() {
                assert!(
                    (1..=lines).contains(&d.line),
                    "line {} of a {lines}-line file: {d:?}",
                    d.line
                );
            }
        }
    }
});

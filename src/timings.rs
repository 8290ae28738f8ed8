//! Stage timings for performance work: with `RETIMENT_TIMINGS=1` in the
//! environment, each `lap` prints how long the stage since the previous lap
//! took (on standard error), with the memory in use and its peak so far.
//! Off, a lap costs one check of a flag.

use std::sync::Mutex;
use std::time::Instant;

fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("RETIMENT_TIMINGS").is_some_and(|v| v != "0"))
}

static LAST: Mutex<Option<Instant>> = Mutex::new(None);

/// Start timing from now (prints nothing).
pub fn start() {
    if enabled() {
        if let Ok(mut last) = LAST.lock() {
            *last = Some(Instant::now());
        }
    }
}

/// Print the time since the previous lap (or `start`) under `label`.
pub fn lap(label: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    if let Ok(mut last) = LAST.lock() {
        if let Some(before) = *last {
            eprintln!(
                "  {:>7.1} ms  {label}{}",
                (now - before).as_secs_f64() * 1e3,
                memory()
            );
        }
        *last = Some(now);
    }
}

/// The process's resident memory now and at its peak, where the system
/// tells (Linux): what each stage leaves behind, for memory work.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().trim_end_matches(" kB").trim().to_string())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(String::from("?"), |kb| format!("{}", kb / 1024))
    };
    format!(
        "  (RSS {} MiB, peak {} MiB)",
        field("VmRSS:"),
        field("VmHWM:")
    )
}

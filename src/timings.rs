//! Stage timings for performance work: with `RETIMENT_TIMINGS=1` in the
//! environment, each `lap` prints how long the stage since the previous lap
//! took (on standard error). Off, a lap costs one check of a flag.

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
            eprintln!("  {:>7.1} ms  {label}", (now - before).as_secs_f64() * 1e3);
        }
        *last = Some(now);
    }
}

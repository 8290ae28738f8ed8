//! Stage timings for performance work: with `RETIMENT_TIMINGS=1` in the
//! environment, each `lap` prints how long the stage since the previous lap
//! took (on standard error), with the memory in use and its peak so far,
//! and `templates` how long the pages of each template took to render, all
//! threads together. Off, a lap costs one check of a flag.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("RETIMENT_TIMINGS").is_some_and(|v| v != "0"))
}

static LAST: Mutex<Option<(Instant, Option<f64>)>> = Mutex::new(None);

/// Start timing from now (prints nothing).
pub fn start() {
    if enabled() {
        if let Ok(mut last) = LAST.lock() {
            *last = Some((Instant::now(), cpu_ms()));
        }
    }
}

/// Print the time since the previous lap (or `start`) under `label`.
pub fn lap(label: &str) {
    if !enabled() {
        return;
    }
    let now = Instant::now();
    let cpu = cpu_ms();
    if let Ok(mut last) = LAST.lock() {
        if let Some((before, cpu_before)) = *last {
            let wall = (now - before).as_secs_f64() * 1e3;
            // How many cores the stage kept busy (the clock ticks are 10 ms).
            let cores = match (cpu, cpu_before) {
                (Some(c), Some(b)) if wall >= 50.0 => format!(", {:.1} cores", (c - b) / wall),
                _ => String::new(),
            };
            eprintln!("  {wall:>7.1} ms  {label}{}{cores}", memory());
        }
        *last = Some((now, cpu));
    }
}

/// The CPU time of the whole process so far (user and system, all
/// threads), where the system tells (Linux).
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: count after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the line, in 1/100 s.
    Some((ticks(11)? + ticks(12)?) * 10.0)
}

/// Time and pages rendered by template.
static TEMPLATES: Mutex<BTreeMap<&'static str, (Duration, usize)>> = Mutex::new(BTreeMap::new());

/// While alive, times one page of `template` (nothing when timings are off).
pub struct PageTimer(Option<(&'static str, Instant)>);

pub fn page(template: &'static str) -> PageTimer {
    PageTimer(enabled().then(|| (template, Instant::now())))
}

impl Drop for PageTimer {
    fn drop(&mut self) {
        if let Some((template, since)) = self.0 {
            if let Ok(mut m) = TEMPLATES.lock() {
                let entry = m.entry(template).or_default();
                entry.0 += since.elapsed();
                entry.1 += 1;
            }
        }
    }
}

/// Print, then forget, the time the pages of each template took, most first.
pub fn templates() {
    if !enabled() {
        return;
    }
    let Ok(mut m) = TEMPLATES.lock() else { return };
    let mut rows: Vec<_> = std::mem::take(&mut *m).into_iter().collect();
    rows.sort_by_key(|(_, (time, _))| std::cmp::Reverse(*time));
    for (template, (time, pages)) in rows {
        let ms = time.as_secs_f64() * 1e3;
        eprintln!(
            "  {ms:>7.1} ms  rendering {template} ({pages} pages, {:.1} µs each, all threads)",
            ms * 1e3 / pages as f64
        );
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

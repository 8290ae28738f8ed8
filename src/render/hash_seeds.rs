//! Where the template engine's hash maps get their per-map seeds: a counter
//! of the thread that makes the map, instead of one counter for the process.
//!
//! Tera 2 keeps every object of a page's values in an `ahash` map, and every
//! map it makes (a struct turned into a value, a component's or an include's
//! variables) asks `ahash` for a seed. Its default source is one atomic
//! counter shared by the process, so with pages rendered on every core that
//! counter's cache line goes back and forth between them: 1.4% of a 10,000
//! action build's CPU time on two cores, 0.3% on one (docs/performance.md).
//! The keys stay as strong: `ahash` mixes each seed with the random keys it
//! draws once per process, as it does with its own counter, which is no more
//! secret than this one.

use ahash::random_state::{set_random_source, RandomSource};
use std::cell::Cell;

/// A counter per thread, started at an address of that thread (different
/// per thread and, with address randomisation, per run), stepped by an odd
/// constant so that consecutive maps of a thread get different seeds.
struct PerThreadCounter;

thread_local! {
    static NEXT: Cell<usize> = const { Cell::new(0) };
}

/// Odd, so that the counter runs through every value before it repeats.
const STEP: usize = 0x9E37_79B9_7F4A_7C15_u64 as usize | 1;

impl RandomSource for PerThreadCounter {
    fn gen_hasher_seed(&self) -> usize {
        NEXT.with(|next| {
            let seed = match next.get() {
                0 => next as *const Cell<usize> as usize,
                n => n,
            }
            .wrapping_add(STEP);
            next.set(seed);
            seed
        })
    }
}

/// Use per-thread seeds for the rest of the process. Only the first call,
/// made before any map, takes effect; later calls, or a process where a map
/// was made first, keep whichever source is in use (both are correct).
pub fn install() {
    let _ = set_random_source(PerThreadCounter);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_seeds_of_a_thread_differ_and_threads_differ() {
        let source = PerThreadCounter;
        let here: Vec<usize> = (0..4).map(|_| source.gen_hasher_seed()).collect();
        let there: Vec<usize> = std::thread::spawn(|| {
            let source = PerThreadCounter;
            (0..4).map(|_| source.gen_hasher_seed()).collect()
        })
        .join()
        .unwrap();
        for w in here.windows(2) {
            assert_ne!(w[0], w[1]);
        }
        assert!(here.iter().all(|s| !there.contains(s)));
    }
}

//! The I/O floor of a build, for bench/run: read every input file of a site,
//! then write the same files (same relative paths, same sizes) that a
//! retiment build of it wrote. No parsing, no rendering: no static site
//! generator can build that site faster on this machine.
//!
//!     io_floor SITE_DIR LISTING OUT_DIR
//!
//! LISTING has one `size<TAB>path` line per output file (bench/run makes it
//! from retiment's output folder). OUT_DIR must not exist. Reads and writes use
//! one thread per core, like the builds being compared. Standard library only:
//! bench/run compiles it with `rustc -O`.

use std::fs;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            files_under(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Run `work` over `items` on every core; returns the sum of what it returns.
fn parallel<T: Sync>(items: &[T], work: impl Fn(&T) -> io::Result<u64> + Sync) -> io::Result<u64> {
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> io::Result<u64> {
                    let mut total = 0;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { return Ok(total) };
                        total += work(item)?;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker panicked")).sum()
    })
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: io_floor SITE_DIR LISTING OUT_DIR");
        std::process::exit(2);
    }
    let (site, listing, out) = (Path::new(&args[1]), &args[2], Path::new(&args[3]));

    let mut inputs = Vec::new();
    files_under(site, &mut inputs)?;
    let read = parallel(&inputs, |p| fs::read(p).map(|b| b.len() as u64))?;

    let mut outputs: Vec<(usize, String)> = Vec::new();
    for line in io::BufReader::new(fs::File::open(listing)?).lines() {
        let line = line?;
        let (size, path) = line.split_once('\t').expect("size<TAB>path");
        outputs.push((size.parse().expect("a size"), path.to_string()));
    }
    let largest = outputs.iter().map(|(n, _)| *n).max().unwrap_or(0);
    let filler = vec![b'x'; largest];
    let mut dirs: Vec<PathBuf> = outputs.iter().filter_map(|(_, p)| out.join(p).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    fs::create_dir(out)?;
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    let written = parallel(&outputs, |(n, p)| fs::write(out.join(p), &filler[..*n]).map(|_| *n as u64))?;
    println!("read {} files ({read} bytes), wrote {} files ({written} bytes)", inputs.len(), outputs.len());
    Ok(())
}

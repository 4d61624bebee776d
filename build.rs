//! Bakes the directory of the prebuilt `libduckdb.so` into the rpath of every
//! binary, test and bench, so that they run without `LD_LIBRARY_PATH`.
//! (libduckdb-sys finds the library for linking but does not set an rpath.)
//!
//! Also hashes the source of the Rust kernels (`src/predictions/`) into
//! `BACKCOURT_PREDICTIONS_KERNEL_HASH`, which the ledger's fingerprint of the
//! tables they write includes: a change to a kernel makes those results stale.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    let bundled = std::env::var_os("CARGO_FEATURE_BUNDLED").is_some();
    if let (false, Ok(dir)) = (bundled, std::env::var("DUCKDB_LIB_DIR")) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }

    println!("cargo:rerun-if-changed=src/predictions");
    let mut files = Vec::new();
    collect(Path::new("src/predictions"), &mut files);
    files.sort();
    // FNV-1a over each path and content: stable across compilers, no dependency.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        let bytes = std::fs::read(f).expect("read kernel source");
        for b in f.to_string_lossy().bytes().chain([0]).chain(bytes) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=BACKCOURT_PREDICTIONS_KERNEL_HASH={hash:016x}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read kernel dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

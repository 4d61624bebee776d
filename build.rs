//! Bakes the directory of the prebuilt `libduckdb.so` into the rpath of every
//! binary, test and bench, so that they run without `LD_LIBRARY_PATH`.
//! (libduckdb-sys finds the library for linking but does not set an rpath.)

fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    let bundled = std::env::var_os("CARGO_FEATURE_BUNDLED").is_some();
    if let (false, Ok(dir)) = (bundled, std::env::var("DUCKDB_LIB_DIR")) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}

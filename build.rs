//! Bakes the directory of the prebuilt `libduckdb.so` into the rpath of every
//! binary, test and bench, so that they run without `LD_LIBRARY_PATH`.
//! (libduckdb-sys finds the library for linking but does not set an rpath.)
//!
//! Also hashes the source of the Rust kernels (`src/predictions/`) into
//! `BACKCOURT_PREDICTIONS_KERNEL_HASH`, which the ledger's fingerprint of the
//! tables they write includes: a change to a kernel makes those results stale.
//!
//! And generates the feature store's vector for Rust (`features.rs` in
//! OUT_DIR: the names in store order, the version, the `Features` struct)
//! from the one list there is, the `feature_names` and `feature_version`
//! the feature store's SQL writes; the build fails, naming the file, when
//! another SQL file reads a different version.

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

    feature_set();
}

const FEATURE_STORE_SQL: &str = "sql/nba_predictions/ml_feature_store_v2.sql";
/// SQL files that read the feature store by version.
const FEATURE_READERS: [&str; 1] = ["sql/nba_predictions/player_prop_predictions.sql"];

/// Writes `$OUT_DIR/features.rs` from the feature store's SQL.
fn feature_set() {
    println!("cargo:rerun-if-changed={FEATURE_STORE_SQL}");
    let sql = std::fs::read_to_string(FEATURE_STORE_SQL).expect("read the feature store SQL");
    let names = quoted_before(&sql, "AS feature_names")
        .and_then(|json| {
            let inner = json.strip_prefix('[')?.strip_suffix(']')?;
            Some(
                inner
                    .split(',')
                    .map(|n| n.trim().trim_matches('"').to_string())
                    .collect::<Vec<_>>(),
            )
        })
        .unwrap_or_else(|| {
            panic!("{FEATURE_STORE_SQL}: no '[\"name\",...]' AS feature_names literal")
        });
    let version = quoted_before(&sql, "AS feature_version")
        .unwrap_or_else(|| panic!("{FEATURE_STORE_SQL}: no 'version' AS feature_version literal"));
    assert!(
        names.iter().all(|n| !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
        "{FEATURE_STORE_SQL}: feature names must be snake_case identifiers: {names:?}"
    );
    let count = format!("{} AS feature_count", names.len());
    assert!(
        sql.contains(&count),
        "{FEATURE_STORE_SQL}: feature_count is not `{count}`"
    );
    for reader in FEATURE_READERS {
        println!("cargo:rerun-if-changed={reader}");
        let text = std::fs::read_to_string(reader).expect("read a feature store reader");
        assert!(
            text.contains(&format!("feature_version = '{version}'")),
            "{reader} does not read feature_version '{version}', the version {FEATURE_STORE_SQL} writes"
        );
    }

    let n = names.len();
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let fields: String = names
        .iter()
        .map(|f| format!("    pub {f}: f64,\n"))
        .collect();
    let to: String = names
        .iter()
        .map(|f| format!("            self.{f},\n"))
        .collect();
    let from: String = names
        .iter()
        .map(|f| format!("            {f},\n"))
        .collect();
    let code = format!(
        "/// The stored names of feature version `{version}`, in store order\n\
         /// ({FEATURE_STORE_SQL} writes them; build.rs generates this).\n\
         pub const FEATURE_NAMES: [&str; {n}] = [{names}];\n\n\
         /// The feature version every system reads.\n\
         pub const FEATURE_VERSION: &str = {version:?};\n\n\
         /// One player-date's features, by meaning, one field per stored name.\n\
         /// Scales are the store's: fatigue 0–100 with 100 = fresh; zone shares\n\
         /// and the free-throw share are fractions; `home_away`, `back_to_back`\n\
         /// and `playoff_game` are 0/1.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Default)]\n\
         pub struct Features {{\n{fields}}}\n\n\
         impl Features {{\n\
         \x20   /// The vector in [`FEATURE_NAMES`] order (the trained model's input).\n\
         \x20   pub fn to_array(&self) -> [f64; {n}] {{\n        [\n{to}        ]\n    }}\n\n\
         \x20   /// Features from an array in [`FEATURE_NAMES`] order.\n\
         \x20   pub fn from_array(v: [f64; {n}]) -> Features {{\n\
         \x20       let [{args}] = v;\n        Features {{\n{from}        }}\n    }}\n}}\n",
        names = quoted.join(", "),
        args = names.join(", "),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("features.rs");
    std::fs::write(out, code).expect("write features.rs");
}

/// The single-quoted SQL literal just before `marker` (`'...' AS marker`).
fn quoted_before(sql: &str, marker: &str) -> Option<String> {
    let head = sql[..sql.find(marker)?].trim_end();
    let head = head.strip_suffix('\'')?;
    let start = head.rfind('\'')?;
    Some(head[start + 1..].to_string())
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

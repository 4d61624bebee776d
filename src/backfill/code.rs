//! The code a table's rows come from, for the ledger's fingerprint: its own
//! SQL file, every shared `sql/backcourt/` file that SQL reaches (directly or
//! through other shared macros), and the Rust kernels it runs. A change to
//! any of them makes the table's results stale, where a fingerprint of the
//! table's own file left a fix to a shared macro marked done.

use std::collections::BTreeSet;

use xxhash_rust::xxh3::Xxh3;

use crate::engine::SharedSql;
use crate::registry::TableId;

/// The source hash of the Rust kernels of `src/predictions/` (build.rs).
const PREDICTIONS_KERNEL: &str = env!("BACKCOURT_PREDICTIONS_KERNEL_HASH");

/// The `backcourt.*` names `sql` mentions.
fn referenced_names(sql: &str) -> BTreeSet<&str> {
    sql.match_indices("backcourt.")
        .map(|(i, m)| {
            let rest = &sql[i + m.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The shared files `sql` reaches, by file name, in name order.
pub fn shared_files_used(sql: &str, shared: &[(SharedSql, Vec<String>)]) -> Vec<SharedSql> {
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut pending = vec![sql];
    while let Some(text) = pending.pop() {
        for name in referenced_names(text) {
            for (file, defines) in shared {
                if defines.iter().any(|d| d == name) && used.insert(file.file) {
                    pending.push(file.text);
                }
            }
        }
    }
    let mut files: Vec<SharedSql> = shared
        .iter()
        .filter(|(f, _)| used.contains(f.file))
        .map(|(f, _)| *f)
        .collect();
    files.sort_by_key(|f| f.file);
    files
}

/// The hash of every piece of code `table`'s rows come from, given the
/// shared SQL files (the embedded ones in [`hash`]; tests pass edited ones).
pub fn hash_with(table: TableId, shared: &[(SharedSql, Vec<String>)]) -> u128 {
    let mut h = Xxh3::new();
    let own = table.sql().unwrap_or_default();
    h.update(own.as_bytes());
    for f in shared_files_used(own, shared) {
        h.update(f.file.as_bytes());
        h.update(f.text.as_bytes());
    }
    if table == TableId::PlayerPropPredictions {
        h.update(PREDICTIONS_KERNEL.as_bytes());
    }
    h.digest128()
}

/// [`hash_with`] the SQL embedded in this binary.
pub fn hash(table: TableId) -> u128 {
    static SHARED: std::sync::OnceLock<Vec<(SharedSql, Vec<String>)>> = std::sync::OnceLock::new();
    hash_with(table, SHARED.get_or_init(crate::engine::shared_sql))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(table: TableId) -> Vec<&'static str> {
        shared_files_used(
            table.sql().unwrap_or_default(),
            &crate::engine::shared_sql(),
        )
        .iter()
        .map(|f| f.file)
        .collect()
    }

    #[test]
    fn a_table_reaches_the_shared_files_its_macros_read_in_turn() {
        // player_daily_cache names pregame_context and player_form; pregame_context reads
        // phase4_players and player_games, which read games.
        let pdc = used(TableId::PlayerDailyCache);
        for file in [
            "phase4_players.sql",
            "player_form.sql",
            "player_games.sql",
            "games.sql",
        ] {
            assert!(pdc.contains(&file), "{file} not in {pdc:?}");
        }
        assert!(!pdc.contains(&"pregame_lines.sql"), "{pdc:?}");
    }

    #[test]
    fn editing_a_shared_macro_changes_the_hash_of_its_dependents_only() {
        let shared = crate::engine::shared_sql();
        let edited: Vec<(SharedSql, Vec<String>)> = shared
            .iter()
            .map(|(f, names)| {
                let mut f = *f;
                if f.file == "player_form.sql" {
                    // A leaked, edited copy: a test's SharedSql must be 'static.
                    f.text = Box::leak(format!("{}\n-- a fix", f.text).into_boxed_str());
                }
                (f, names.clone())
            })
            .collect();
        for table in [TableId::PlayerDailyCache, TableId::MlFeatureStoreV2] {
            assert_ne!(
                hash_with(table, &shared),
                hash_with(table, &edited),
                "{table} reads backcourt.player_form"
            );
        }
        for table in [TableId::PlayerGameSummary, TableId::TeamOffenseGameSummary] {
            assert_eq!(
                hash_with(table, &shared),
                hash_with(table, &edited),
                "{table} does not read backcourt.player_form"
            );
        }
    }

    #[test]
    fn every_shared_file_defines_a_name_and_some_table_reaches_it() {
        let reached: BTreeSet<&str> = TableId::ALL.iter().flat_map(|&t| used(t)).collect();
        for (f, names) in crate::engine::shared_sql() {
            assert!(!names.is_empty(), "{} defines nothing", f.file);
            // players_played is the raw side of `coverage` and `failures`, read by no table.
            if f.file != "players_played.sql" {
                assert!(reached.contains(f.file), "no table reaches {}", f.file);
            }
        }
    }
}

//! The code a table's rows come from, for the ledger's fingerprint: its own
//! SQL file, every shared `sql/backcourt/` file that SQL reaches (directly or
//! through other shared macros), and the Rust kernels it runs. A change to
//! any of them makes the table's results stale, where a fingerprint of the
//! table's own file left a fix to a shared macro marked done.

use std::collections::BTreeSet;

use xxhash_rust::xxh3::Xxh3;

use crate::engine::SharedSql;
use crate::registry::{Producer, TableId};

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
    if let Producer::Kernel { source_hash, .. } = table.def().producer {
        h.update(source_hash.as_bytes());
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
            "pregame_context.sql",
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

    /// `sql` without its `--` comments (no SQL of ours puts `--` in a string).
    fn code_only(sql: &str) -> String {
        sql.lines()
            .map(|l| l.split("--").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The names a table SQL's `-- Uses:` header lists (continuation lines
    /// follow it, indented).
    fn header_uses(sql: &str) -> Option<BTreeSet<String>> {
        let mut lines = sql.lines().skip_while(|l| !l.starts_with("-- Uses:"));
        let first = lines.next()?.trim_start_matches("-- Uses:").to_string();
        let text = std::iter::once(first)
            .chain(
                lines
                    .take_while(|l| l.starts_with("--      "))
                    .map(|l| l.trim_start_matches("--").to_string()),
            )
            .collect::<Vec<_>>()
            .join(" ");
        Some(
            referenced_names(&text)
                .into_iter()
                .map(String::from)
                .collect(),
        )
    }

    #[test]
    fn every_table_sql_header_lists_the_shared_names_its_code_uses() {
        for &table in TableId::ALL {
            let Some(sql) = table.sql() else { continue };
            let uses = header_uses(sql).unwrap_or_else(|| panic!("{table}: no `-- Uses:` line"));
            let code = code_only(sql);
            let used: BTreeSet<String> = referenced_names(&code)
                .into_iter()
                .map(String::from)
                .collect();
            assert_eq!(uses, used, "{table}: the `-- Uses:` header against its SQL");
        }
    }

    #[test]
    fn every_shared_file_is_named_after_the_one_name_it_defines() {
        for (f, names) in crate::engine::shared_sql() {
            let stem = f.file.trim_end_matches(".sql");
            assert_eq!(names, vec![stem.to_string()], "{}", f.file);
        }
    }

    #[test]
    fn shared_files_are_created_after_the_names_they_read() {
        let mut defined: BTreeSet<String> = BTreeSet::new();
        for (f, names) in crate::engine::shared_sql() {
            let code = code_only(f.text);
            for name in referenced_names(&code) {
                assert!(
                    defined.contains(name) || names.iter().any(|n| n == name),
                    "{} reads backcourt.{name} before it is created",
                    f.file
                );
            }
            defined.extend(names);
        }
    }
}

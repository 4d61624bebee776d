//! The registry against the code it describes: every computed table's
//! declared columns are what its SQL writes, its declared upstream tables are
//! what its SQL (with the shared macros it reaches, and for the kernel its
//! inputs query) reads, and the value bounds it declares hold on the built
//! league. A registry entry that drifts from its SQL fails here, naming the
//! table and the column or table.

use std::collections::BTreeSet;

use arrow::array::AsArray;
use backcourt::backfill::code::shared_files_used;
use backcourt::dates::DateRange;
use backcourt::engine::{self, bind_params, Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::predictions::{inputs, kernel_columns, KERNEL_TABLE};
use backcourt::registry::{ColumnType, Producer, TableId};

use crate::util::{date, predictions_league, tempdir};

/// The columns a model may write beside its table's: the failure side of
/// its output, which the engine moves to `processing_failures`.
const FAILURE_COLUMNS: [&str; 4] = [
    "failure_category",
    "failure_reason",
    "can_retry",
    "failure_entity_id",
];

fn computed() -> impl Iterator<Item = TableId> {
    TableId::ALL.iter().copied().filter(|t| t.is_computed())
}

/// `sql` without its `--` comments (a comment may name a table it does not read).
fn code_of(sql: &str) -> String {
    sql.lines()
        .map(|l| l.split_once("--").map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The registry tables `sql` names as `dataset.table`.
fn tables_named(sql: &str) -> BTreeSet<TableId> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    TableId::ALL
        .iter()
        .copied()
        .filter(|t| {
            let name = t.to_string();
            sql.match_indices(&name).any(|(i, _)| {
                let before = sql[..i].chars().next_back();
                let after = sql[i + name.len()..].chars().next();
                !before.is_some_and(ident) && !after.is_some_and(ident)
            })
        })
        .collect()
}

/// Every piece of SQL `table`'s rows come from, comments stripped.
///
/// `backcourt.games` is the calendar, which every model reads for its dates
/// and teams: those come from the schedule. Its `tip` column also takes the
/// odds feeds' commence times (real schedules carry no tip-off time), so a
/// table whose code uses `tip` reads those feeds as well, and one that does
/// not reads only the schedule through it.
fn sql_read_by(table: TableId) -> String {
    let shared = engine::shared_sql();
    let mut roots = vec![table.sql().expect("a computed table has SQL")];
    if let Producer::Kernel { .. } = table.def().producer {
        roots.push(inputs::SQL);
    }
    let mut code = String::new();
    let mut games = None;
    for root in roots {
        code.push_str(&code_of(root));
        for file in shared_files_used(root, &shared) {
            if file.file == "games.sql" {
                games = Some(code_of(file.text));
            } else {
                code.push_str(&code_of(file.text));
            }
        }
    }
    if let Some(games) = games {
        let uses_tip = code
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|word| word == "tip");
        code.push_str(if uses_tip {
            &games
        } else {
            "nba_raw.nbac_schedule"
        });
    }
    code
}

#[test]
fn every_computed_tables_upstream_is_what_its_sql_reads() {
    let mut drift = Vec::new();
    for table in computed() {
        let read = tables_named(&sql_read_by(table));
        assert!(
            read.iter().all(|t| t.dataset().name() != "nba_synthetic"),
            "{table} reads the synthetic league's ground truth"
        );
        let declared: BTreeSet<TableId> = table.def().upstream.iter().copied().collect();
        let read: BTreeSet<TableId> = read.into_iter().filter(|t| *t != table).collect();
        for t in read.difference(&declared) {
            drift.push(format!(
                "{table} reads {t}, which its registry entry does not list"
            ));
        }
        for t in declared.difference(&read) {
            drift.push(format!(
                "{table} lists {t} upstream, which its SQL does not read"
            ));
        }
    }
    assert!(
        drift.is_empty(),
        "registry upstream drift:\n{}",
        drift.join("\n")
    );
}

/// Does a DuckDB column of type `found` (as DESCRIBE spells it) store as `ty`?
fn stores_as(ty: ColumnType, found: &str) -> bool {
    let integer = [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    ]
    .contains(&found);
    found == "NULL"
        || match ty {
            ColumnType::Varchar => found == "VARCHAR",
            ColumnType::Integer | ColumnType::Bigint => integer,
            ColumnType::Double => {
                integer || ["DOUBLE", "FLOAT"].contains(&found) || found.starts_with("DECIMAL")
            }
            ColumnType::Boolean => found == "BOOLEAN",
            ColumnType::Date => found == "DATE",
            ColumnType::Timestamp => found.starts_with("TIMESTAMP"),
        }
}

#[test]
fn every_computed_table_writes_exactly_its_declared_columns() {
    let dir = tempdir();
    let lake = Lake::open(dir.path().to_str().expect("utf-8 temp path")).expect("open lake");
    let engine = Engine::open(&lake).expect("engine");
    engine.materialize_games().expect("games");
    engine
        .load_batch(KERNEL_TABLE, &kernel_columns().expect("kernel columns"))
        .expect("kernel table");
    let params = ModelParams::historical(DateRange::day(date("2024-01-15")));
    let mut drift = Vec::new();
    for table in computed() {
        let def = table.def();
        let sql = bind_params(
            table.sql().expect("SQL").trim().trim_end_matches(';'),
            &params,
        )
        .expect("bind");
        let described = engine
            .query(&format!("DESCRIBE SELECT * FROM (\n{sql}\n)"))
            .unwrap_or_else(|e| panic!("{table}: describing its SQL: {e}"));
        let mut written = Vec::new();
        for b in &described {
            let names = b.column(0).as_string::<i32>();
            let types = b.column(1).as_string::<i32>();
            for i in 0..b.num_rows() {
                written.push((names.value(i).to_string(), types.value(i).to_string()));
            }
        }
        for c in def.columns {
            match written.iter().find(|(name, _)| name == c.name) {
                None => drift.push(format!(
                    "{table}: declares {}, its SQL does not write it",
                    c.name
                )),
                Some((_, found)) if !stores_as(c.ty, found) => drift.push(format!(
                    "{table}: {} is declared {}, its SQL writes {found}",
                    c.name,
                    c.ty.sql()
                )),
                Some(_) => {}
            }
        }
        for (name, _) in &written {
            if def.column(name).is_none() && !FAILURE_COLUMNS.contains(&name.as_str()) {
                drift.push(format!(
                    "{table}: its SQL writes {name}, which the registry does not declare (it would be dropped)"
                ));
            }
        }
    }
    assert!(
        drift.is_empty(),
        "registry column drift:\n{}",
        drift.join("\n")
    );
}

#[test]
fn every_declared_bound_holds_on_the_built_league() {
    let engine = Engine::open(predictions_league()).expect("engine");
    let mut broken = Vec::new();
    for table in computed() {
        for b in table.def().bounds {
            let column = b.column;
            let present = crate::util::int_on(
                &engine,
                &format!("SELECT count({column})::BIGINT FROM {table}"),
            );
            if present == 0 {
                broken.push(format!(
                    "{table}.{column}: no values on the league to check the bound on"
                ));
                continue;
            }
            let outside = crate::util::int_on(
                &engine,
                &format!(
                    "SELECT count(*)::BIGINT FROM {table} WHERE {column} NOT BETWEEN {} AND {}",
                    b.min, b.max
                ),
            );
            if outside > 0 {
                let seen = crate::util::rows_on(
                    &engine,
                    &format!("SELECT CAST(min({column}) AS VARCHAR), CAST(max({column}) AS VARCHAR) FROM {table}"),
                );
                broken.push(format!(
                    "{table}.{column}: {outside} of {present} values outside {}..={} (seen {:?})",
                    b.min, b.max, seen[0]
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "declared bounds broken:\n{}",
        broken.join("\n")
    );
}

//! The engine: one DuckDB session that sees every lake table as a view.
//!
//! Views are named like the BigQuery tables (`nba_raw.nbac_schedule`), so a
//! model's SQL reads the same here as in the reference platform. A table with
//! no files yet is an empty view with the registry's columns, so models and
//! ad hoc queries bind against any lake, fresh or full.
//!
//! Models follow the incremental-by-time contract: a model computes
//! `[$start_date, $end_date]` in one set-based pass and may read history
//! before `$start_date`. The engine, not the model, then keeps only the rows
//! whose registry date column falls in the range and checks the grain is
//! unique, so no model can write outside its range or duplicate a row.

use arrow::array::{AsArray, RecordBatch};
use chrono::NaiveDate;
use duckdb::Connection;

use crate::dates::DateRange;
use crate::failures::FailureCategory;
use crate::lake::{self, Lake, WriteScope, WriteStats, PART_FILE};
use crate::registry::{Dataset, TableId};

mod held;
mod memo;

/// Errors of the SQL seam; each names the table or statement it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("engine: {context}: {source}")]
    DuckDb {
        context: String,
        #[source]
        source: duckdb::Error,
    },
    #[error("{table} {range}: model failed: {source}")]
    Model {
        table: TableId,
        range: DateRange,
        #[source]
        source: duckdb::Error,
    },
    #[error("{table} {range}: grain ({grain}) is not unique, e.g. {example}")]
    Grain {
        table: TableId,
        range: DateRange,
        grain: String,
        example: String,
    },
    #[error("{table} has no SQL model")]
    NoModel { table: TableId },
    #[error("{table}: a model needs a date column to run over a range")]
    Unpartitioned { table: TableId },
    #[error(
        "model parameter `${0}` is not defined (known: $start_date, $end_date, $mode, $as_of)"
    )]
    UnknownParam(String),
    #[error("{table}: {source}")]
    Category {
        table: TableId,
        #[source]
        source: crate::failures::UnknownCategory,
    },
    #[error("engine: {sql}: expected one {expected} value, got a column of type {found}")]
    NotScalar {
        sql: String,
        expected: String,
        found: String,
    },
    #[error("engine: an Arrow column of type {0} cannot be handed to SQL")]
    UnsupportedType(String),
    #[error(transparent)]
    Lake(#[from] lake::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which population a context model computes (reference-phase3 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The players who actually appeared, as of each game's tip-off.
    #[default]
    Historical,
    /// Rostered players for scheduled games, as of `as_of`.
    Live,
}

/// The parameters a model's SQL may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelParams {
    pub range: DateRange,
    pub mode: Mode,
    /// The end of the information horizon for live runs.
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

impl ModelParams {
    /// Historical parameters over `range`.
    pub fn historical(range: DateRange) -> ModelParams {
        ModelParams {
            range,
            mode: Mode::Historical,
            as_of: None,
        }
    }

    fn literal(&self, name: &str) -> Option<String> {
        let date = |d: NaiveDate| format!("DATE '{d}'");
        Some(match name {
            "start_date" => date(self.range.start),
            "end_date" => date(self.range.end),
            "mode" => match self.mode {
                Mode::Historical => "'historical'".into(),
                Mode::Live => "'live'".into(),
            },
            "as_of" => match self.as_of {
                Some(t) => format!("TIMESTAMPTZ '{}'", t.format("%Y-%m-%d %H:%M:%S%.6f+00")),
                None => "CAST(NULL AS TIMESTAMPTZ)".into(),
            },
            _ => return None,
        })
    }
}

/// Replaces `$name` parameters with typed literals. Only the known names are
/// accepted, and their values are dates, timestamps and a closed enum that we
/// render ourselves, so the substitution cannot inject SQL.
pub fn bind_params(sql: &str, params: &ModelParams) -> Result<String> {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..len];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(
            &params
                .literal(name)
                .ok_or_else(|| Error::UnknownParam(name.into()))?,
        );
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Quotes an identifier for DuckDB.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes a string literal for DuckDB.
fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// One file of `sql/backcourt/`: macros and views several models share, in
/// schema `backcourt` (not lake tables: they are recomputed from their
/// inputs). The ledger's fingerprint of a table covers every one its SQL
/// reaches (`backfill::code`), so a fix to a shared macro makes the tables
/// that use it stale.
#[derive(Debug, Clone, Copy)]
pub struct SharedSql {
    /// The file name under `sql/backcourt/`.
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! shared_sql {
    ($file:literal) => {
        SharedSql {
            file: $file,
            text: include_str!(concat!("../../sql/backcourt/", $file)),
        }
    };
}

/// The game-id macro, which every other file may use.
const GAME_ID: SharedSql = shared_sql!("game_id.sql");

/// The calendar's games (`backcourt.games`): a view over the schedule until
/// the first model runs, a session table from then on. A query, not a
/// statement.
const GAMES: SharedSql = shared_sql!("games.sql");

/// The shared macros and views created after `backcourt.games`, one file
/// each, named after what it defines, in the order they are created (a macro
/// binds what it reads when it is created; a unit test checks the order).
const SESSION_VIEWS: [SharedSql; 25] = [
    shared_sql!("player_spellings.sql"),
    shared_sql!("player_spelling_map.sql"),
    shared_sql!("name_tokens.sql"),
    shared_sql!("name_bare.sql"),
    shared_sql!("name_parts.sql"),
    shared_sql!("name_key.sql"),
    shared_sql!("resolve_names.sql"),
    shared_sql!("listed_players.sql"),
    shared_sql!("name_candidates.sql"),
    shared_sql!("odds_props.sql"),
    shared_sql!("bettingpros_props.sql"),
    shared_sql!("injury_rows.sql"),
    shared_sql!("feed_name_resolution.sql"),
    shared_sql!("pregame_lines.sql"),
    shared_sql!("injury_reports.sql"),
    shared_sql!("game_dates.sql"),
    shared_sql!("team_games.sql"),
    shared_sql!("no_reprocessing.sql"),
    shared_sql!("player_games.sql"),
    shared_sql!("phase4_players.sql"),
    shared_sql!("pregame_context.sql"),
    shared_sql!("player_form.sql"),
    shared_sql!("team_form.sql"),
    shared_sql!("team_windows.sql"),
    shared_sql!("players_played.sql"),
];

/// Every shared SQL file, with the `backcourt.*` names each defines.
pub fn shared_sql() -> Vec<(SharedSql, Vec<String>)> {
    std::iter::once(GAME_ID)
        .chain(std::iter::once(GAMES))
        .chain(SESSION_VIEWS)
        .map(|f| {
            let mut names = defined_names(f.text);
            if f.file == GAMES.file {
                names.push("games".into());
            }
            (f, names)
        })
        .collect()
}

/// The `backcourt.*` names `sql` creates (`MACRO`, `VIEW` or `TABLE`).
fn defined_names(sql: &str) -> Vec<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| {
            matches!(
                w[0].to_ascii_uppercase().as_str(),
                "MACRO" | "VIEW" | "TABLE"
            )
        })
        .filter_map(|w| w[1].strip_prefix("backcourt."))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// A DuckDB session over one lake.
pub struct Engine<'l> {
    conn: Connection,
    lake: &'l Lake,
    /// Whether `backcourt.games` is a table (see [`Engine::materialize_games`]);
    /// shared by forks, which see the same catalog.
    games_table: std::sync::Arc<std::sync::Mutex<bool>>,
    /// The lake tables held in memory (see [`held`]); shared by forks.
    held: held::HeldSet,
    /// Shared intermediates computed once per range (see [`memo`]); shared
    /// by forks.
    memos: memo::MemoSet,
}

impl<'l> Engine<'l> {
    /// Opens an in-memory DuckDB session with a view for every registry table.
    pub fn open(lake: &'l Lake) -> Result<Engine<'l>> {
        let conn = Connection::open_in_memory().map_err(|source| Error::DuckDb {
            context: "open".into(),
            source,
        })?;
        crate::sql_functions::register(&conn).map_err(|source| Error::DuckDb {
            context: "registering the Rust SQL functions".into(),
            source,
        })?;
        let engine = Engine {
            conn,
            lake,
            games_table: Default::default(),
            held: Default::default(),
            memos: Default::default(),
        };
        engine.apply_settings()?;
        engine.attach_held()?;
        for ds in Dataset::ALL {
            engine.execute_batch(&format!("CREATE SCHEMA IF NOT EXISTS {}", ident(ds.name())))?;
        }
        for &table in TableId::ALL {
            engine.refresh(table)?;
        }
        engine.execute_batch("CREATE SCHEMA IF NOT EXISTS backcourt;")?;
        engine.execute_batch(GAME_ID.text)?;
        engine.execute_batch(&format!(
            "CREATE OR REPLACE VIEW backcourt.games AS {}",
            GAMES.text
        ))?;
        for f in SESSION_VIEWS {
            engine.execute_batch(f.text)?;
        }
        Ok(engine)
    }

    /// Session settings that make results independent of the machine and
    /// of the session.
    fn apply_settings(&self) -> Result<()> {
        // Without UTC, every TIMESTAMPTZ cast to a date (the game dates of props and
        // reports) would follow the machine's zone: an error, not a silent shift.
        self.execute_batch("SET TimeZone = 'UTC'")?;
        // DuckDB 1.5's join filter pushdown drops matches of a LEFT JOIN whose
        // probe side is a CTE read more than once (materialised): over four
        // seasons, 5,784 of 93,968 players lost their pre-game context, while
        // each date alone found it. Disabling it cost nothing measurable (Phase
        // 3 over four seasons: 37.7 s without it, 44.5 s with it, back to
        // back); the Phase 4 replay-equivalence test catches a regression.
        //
        // DuckDB 1.5's top-N window elimination fails with an internal error
        // ("Failed to cast expression to type") planning
        // `player_composite_factors` over a month when its inputs are tables
        // rather than Parquet views; an internal error invalidates the
        // database, so it is off too.
        self.execute_batch(
            "SET disabled_optimizers = 'join_filter_pushdown,top_n_window_elimination'",
        )?;
        // Memory. DuckDB 1.5 keeps the bytes of every Parquet file it read
        // in an external file cache, and keeps rows in input order through
        // `CREATE TABLE .. AS`, buffering them: over four seasons the two made
        // the process grow to 4.5 GiB. Nothing here depends on input order
        // (the lake sorts what it writes, and queries that need an order say
        // so), and the held tables make re-reading files rare.
        self.execute_batch(
            "SET enable_external_file_cache = false; SET preserve_insertion_order = false",
        )
    }

    /// A second connection to the same database: the same views and session
    /// macros, its own temporary tables. Tables of one stage of a backfill
    /// run side by side, one connection each.
    pub fn fork(&self) -> Result<Engine<'l>> {
        let conn = self.conn.try_clone().map_err(|source| Error::DuckDb {
            context: "opening a second connection".into(),
            source,
        })?;
        let engine = Engine {
            conn,
            lake: self.lake,
            games_table: self.games_table.clone(),
            held: self.held.clone(),
            memos: self.memos.clone(),
        };
        engine.apply_settings()?;
        Ok(engine)
    }

    /// The lake this session reads.
    pub fn lake(&self) -> &'l Lake {
        self.lake
    }

    fn execute_batch(&self, sql: &str) -> Result<()> {
        self.conn
            .execute_batch(sql)
            .map_err(|source| Error::DuckDb {
                context: first_line(sql),
                source,
            })
    }

    /// (Re)creates the view of `table` over its current files, dropping a
    /// copy the session held (see [`held`]).
    pub fn refresh(&self, table: TableId) -> Result<()> {
        self.view_files(table)?;
        self.release(table)
    }

    /// Points the view of `table` at its current files.
    fn view_files(&self, table: TableId) -> Result<()> {
        let def = table.def();
        let root = self.lake.local_root();
        let has_files = !self.lake.sync(table)?.is_empty();
        let select_list = column_list(def);
        // No `union_by_name`: every file of the lake was conformed to the
        // registry schema when written, and reconciling schemas makes DuckDB
        // open the footer of every partition on every scan (measured: 2.0 s
        // against 0.5 s to open an engine over four seasons).
        let body = if has_files {
            let dir = root.join(Lake::table_prefix(table));
            let (pattern, options) = match def.date_column {
                Some(col) => (
                    dir.join("*").join(PART_FILE),
                    format!(
                        ", hive_partitioning = true, hive_types = {{{}: DATE}}",
                        string_literal(col)
                    ),
                ),
                None => (dir.join(PART_FILE), String::new()),
            };
            format!(
                "SELECT {select_list} FROM read_parquet({}{options})",
                string_literal(&pattern.to_string_lossy())
            )
        } else {
            let nulls = def
                .columns
                .iter()
                .map(|c| format!("CAST(NULL AS {}) AS {}", c.ty.sql(), ident(c.name)))
                .collect::<Vec<_>>()
                .join(", ");
            format!("SELECT {nulls} WHERE false")
        };
        self.execute_batch(&format!(
            "CREATE OR REPLACE VIEW {} AS {body}",
            held::view_name(table)
        ))?;
        if table == TableId::NbacSchedule && *self.games_lock() {
            self.execute_batch(&format!(
                "CREATE OR REPLACE TABLE backcourt.games AS {}",
                GAMES.text
            ))?;
        }
        Ok(())
    }

    /// Makes `backcourt.games` a session table: read from the schedule's
    /// files once, instead of at every reference (a model makes several).
    /// [`Engine::refresh`] of the schedule rebuilds it. Done before the first
    /// model runs; the runner does it before it forks connections, so the
    /// forks find it done.
    pub fn materialize_games(&self) -> Result<()> {
        let mut done = self.games_lock();
        if !*done {
            self.execute_batch(&format!(
                "DROP VIEW IF EXISTS backcourt.games; CREATE OR REPLACE TABLE backcourt.games AS {}",
                GAMES.text
            ))?;
            *done = true;
        }
        Ok(())
    }

    fn games_lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.games_table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes `batch` readable from SQL as table `name` in the session's
    /// `main` schema (replacing an earlier one): how Rust kernels hand their
    /// rows to a SQL model. Column types follow the Arrow types.
    pub fn load_batch(&self, name: &str, batch: &RecordBatch) -> Result<()> {
        let columns = batch
            .schema()
            .fields()
            .iter()
            .map(|f| Ok(format!("{} {}", ident(f.name()), sql_type(f.data_type())?)))
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        self.execute_batch(&format!(
            "CREATE OR REPLACE TABLE main.{} ({columns})",
            ident(name)
        ))?;
        append(self.conn.appender(name), batch, name)
    }

    /// Drops a table made by [`Engine::load_batch`].
    pub fn unload_batch(&self, name: &str) -> Result<()> {
        self.execute_batch(&format!("DROP TABLE IF EXISTS main.{}", ident(name)))
    }

    /// Writes the rows of `sql` to one Parquet file at `path` (DuckDB's own
    /// parallel writer, zstd) and returns how many rows it wrote. `export`
    /// uses it to hand a whole table range to BigQuery as one file.
    pub fn copy_to_parquet(&self, sql: &str, path: &std::path::Path) -> Result<u64> {
        let copy = format!(
            "COPY ({sql}) TO {} (FORMAT parquet, COMPRESSION zstd)",
            string_literal(&path.to_string_lossy())
        );
        self.conn
            .execute(&copy, [])
            .map(|n| n as u64)
            .map_err(|source| Error::DuckDb {
                context: first_line(&copy),
                source,
            })
    }

    /// Runs one SQL statement and returns its rows as Arrow batches.
    pub fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        let context = || first_line(sql);
        let mut stmt = self.conn.prepare(sql).map_err(|source| Error::DuckDb {
            context: context(),
            source,
        })?;
        let batches = stmt
            .query_arrow([])
            .map_err(|source| Error::DuckDb {
                context: context(),
                source,
            })?
            .collect();
        Ok(batches)
    }

    /// The first value of `sql`'s one column, whose Arrow type is `T`
    /// (cast in the SQL): `None` when it returns no row or NULL.
    pub fn scalar<T: arrow::datatypes::ArrowPrimitiveType>(
        &self,
        sql: &str,
    ) -> Result<Option<T::Native>> {
        let Some(b) = self.query(sql)?.into_iter().find(|b| b.num_rows() > 0) else {
            return Ok(None);
        };
        let column = b.column(0);
        let values = column
            .as_primitive_opt::<T>()
            .ok_or_else(|| Error::NotScalar {
                sql: first_line(sql),
                expected: T::DATA_TYPE.to_string(),
                found: column.data_type().to_string(),
            })?;
        Ok(arrow::array::Array::is_valid(values, 0).then(|| values.value(0)))
    }

    /// Runs the model of `table` over `params.range` and returns its rows,
    /// restricted to the range on the table's date column and checked for a
    /// unique grain.
    ///
    /// A model that emits a `failure_category` column declares its candidates
    /// explicitly: rows with a category are failures (with `failure_reason`
    /// and `can_retry`), the others are the table's rows. The categories are
    /// checked against [`FailureCategory`] here, before anything is written.
    pub fn run_model(
        &self,
        table: TableId,
        sql: &str,
        params: &ModelParams,
    ) -> Result<ModelOutput> {
        self.materialize_games()?;
        self.hold_upstream(table, params.range)?;
        let def = table.def();
        let range = params.range;
        let date_col = def.date_column.ok_or(Error::Unpartitioned { table })?;
        let sql = self.with_memos(table, sql.trim().trim_end_matches(';'), range)?;
        let bound = bind_params(&sql, params)?;
        let model_err = |source| Error::Model {
            table,
            range,
            source,
        };
        let profile = profile_path(table, range);
        if let Some(path) = &profile {
            self.execute_batch(&format!(
                "SET enable_profiling = 'json'; SET profiling_output = {}",
                string_literal(&path.to_string_lossy())
            ))?;
        }
        let ran = self.conn.execute_batch(&format!(
            "CREATE OR REPLACE TEMP TABLE __model_out AS SELECT * FROM (\n{bound}\n) AS m WHERE m.{} BETWEEN DATE '{}' AND DATE '{}'",
            ident(date_col),
            range.start,
            range.end
        ));
        if profile.is_some() {
            self.execute_batch("PRAGMA disable_profiling")?;
        }
        ran.map_err(model_err)?;
        let result = self.split_model_output(table, range);
        self.execute_batch("DROP TABLE __model_out")?;
        result
    }

    fn split_model_output(&self, table: TableId, range: DateRange) -> Result<ModelOutput> {
        let def = table.def();
        let grain = def
            .grain
            .iter()
            .map(|g| ident(g))
            .collect::<Vec<_>>()
            .join(", ");
        let dup = self.query(&format!(
            "SELECT CAST(({grain}) AS VARCHAR) FROM __model_out GROUP BY {grain} HAVING count(*) > 1 LIMIT 1"
        ))?;
        if let Some(b) = dup.iter().find(|b| b.num_rows() > 0) {
            let example =
                arrow::util::display::array_value_to_string(b.column(0), 0).unwrap_or_default();
            return Err(Error::Grain {
                table,
                range,
                grain: def.grain.join(", "),
                example,
            });
        }
        let columns = self.strings(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = '__model_out' ORDER BY column_index",
        )?;
        if !columns.iter().any(|c| c == "failure_category") {
            return Ok(ModelOutput {
                rows: self.query("SELECT * FROM __model_out")?,
                failures: None,
            });
        }
        for category in self.strings(
            "SELECT DISTINCT failure_category FROM __model_out WHERE failure_category IS NOT NULL ORDER BY 1",
        )? {
            category
                .parse::<FailureCategory>()
                .map_err(|source| Error::Category { table, source })?;
        }
        let select_list = column_list(def);
        let rows = self.query(&format!(
            "SELECT {select_list} FROM __model_out WHERE failure_category IS NULL"
        ))?;
        let failures = self.query(&failure_rows_sql(table, &columns))?;
        Ok(ModelOutput {
            rows,
            failures: Some(failures),
        })
    }

    /// The first column of `sql`'s rows, which must be VARCHAR, skipping NULLs.
    fn strings(&self, sql: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for b in self.query(sql)? {
            let col = b.column(0).as_string::<i32>();
            out.extend(col.iter().flatten().map(str::to_string));
        }
        Ok(out)
    }

    /// Runs the model of `table` and replaces the range's partitions with its
    /// rows (and, for a model with failures, the range's failure rows of
    /// `table`); the views are refreshed so later models see them.
    pub fn write_model(
        &self,
        table: TableId,
        sql: &str,
        params: &ModelParams,
    ) -> Result<WriteStats> {
        let output = self.run_model(table, sql, params)?;
        self.write_output(table, params.range, &output)
    }

    /// Runs the model of `table` (its registry SQL) over `params.range` and
    /// writes its output, timed: one step of every phase's build.
    pub fn build_table(&self, table: TableId, params: &ModelParams) -> Result<TableBuild> {
        let started = std::time::Instant::now();
        let sql = table.sql().ok_or(Error::NoModel { table })?;
        let output = self.run_model(table, sql, params)?;
        let model_seconds = started.elapsed().as_secs_f64();
        let written = self.write_output(table, params.range, &output)?;
        let seconds = started.elapsed().as_secs_f64();
        tracing::info!(%table, range = %params.range, rows = written.rows, failures = output.failure_count(), seconds, model_seconds, "built");
        Ok(TableBuild {
            table,
            written,
            failures: output.failure_count(),
            seconds,
            write_seconds: seconds - model_seconds,
        })
    }

    /// Writes a model's output over `range`. The failure rows go first: a
    /// crash between the two writes leaves new failures beside old rows, which
    /// the next run of the range replaces; never rows without their failures.
    pub fn write_output(
        &self,
        table: TableId,
        range: DateRange,
        output: &ModelOutput,
    ) -> Result<WriteStats> {
        if let Some(failures) = &output.failures {
            // Tables of one backfill stage run side by side and share this
            // table's partitions: one read-modify-write at a time.
            let _one_writer = FAILURES_WRITE
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let failures_table = TableId::ProcessingFailures;
            let mut all = self.query(&format!(
                "SELECT * FROM {} WHERE analysis_date BETWEEN DATE '{}' AND DATE '{}' AND table_name <> {}",
                held::view_name(failures_table),
                range.start,
                range.end,
                string_literal(table.name())
            ))?;
            all.extend(failures.iter().cloned());
            self.lake
                .write(failures_table, &all, WriteScope::Range(range))?;
            self.refresh(failures_table)?;
        }
        let (stats, rows) =
            self.lake
                .write_conformed(table, &output.rows, WriteScope::Range(range))?;
        match self.update_held(table, range, &rows) {
            Ok(true) => {}
            Ok(false) => self.refresh(table)?,
            // Holding is an optimisation: the files are written, so the
            // session reads them instead.
            Err(e) => {
                tracing::warn!(%table, error = %e, "could not keep the table in memory; reading its files");
                self.refresh(table)?;
            }
        }
        Ok(stats)
    }
}

/// Where DuckDB writes the profile of a model's query (its operators and
/// their times, as JSON) when `BACKCOURT_PROFILE` names a directory: the
/// evidence behind the benchmark's account of where time goes.
fn profile_path(table: TableId, range: DateRange) -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("BACKCOURT_PROFILE")?;
    Some(std::path::Path::new(&dir).join(format!("{table}.{}..{}.json", range.start, range.end)))
}

/// Serialises the read-modify-write of `processing_failures` partitions.
static FAILURES_WRITE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// What building one table over a range did.
#[derive(Debug, Clone)]
pub struct TableBuild {
    pub table: TableId,
    pub written: WriteStats,
    /// Entities that became failure rows instead of rows.
    pub failures: usize,
    /// Wall time of the model and its write.
    pub seconds: f64,
    /// The part of `seconds` spent writing Parquet.
    pub write_seconds: f64,
}

/// What a model computed over a range.
#[derive(Debug, Clone)]
pub struct ModelOutput {
    /// The table's rows.
    pub rows: Vec<RecordBatch>,
    /// Failure rows in the shape of `nba_processing.processing_failures`, for
    /// a model that declares its candidates (`None` for one that does not).
    pub failures: Option<Vec<RecordBatch>>,
}

impl ModelOutput {
    pub fn row_count(&self) -> usize {
        self.rows.iter().map(|b| b.num_rows()).sum()
    }

    pub fn failure_count(&self) -> usize {
        self.failures.iter().flatten().map(|b| b.num_rows()).sum()
    }
}

/// The SELECT that turns a model's failure candidates (in `__model_out`)
/// into `processing_failures` rows: entity = the first grain column, the
/// completeness counts when the model has them, every other column NULL.
fn failure_rows_sql(table: TableId, model_columns: &[String]) -> String {
    let def = table.def();
    let entity = def.grain[0];
    let entity_type = if entity.contains("team") {
        "TEAM"
    } else {
        "PLAYER"
    };
    let has = |c: &str| model_columns.iter().any(|m| m == c);
    let date_col = def.date_column.expect("a model has a date column");
    let expr = |name: &str| -> Option<String> {
        Some(match name {
            "table_name" => string_literal(table.name()),
            "analysis_date" => ident(date_col),
            // A model whose entity is not its first grain column (a prediction
            // fails per player *and* system) names it.
            "entity_id" if has("failure_entity_id") => "failure_entity_id".into(),
            "entity_id" => format!("CAST({} AS VARCHAR)", ident(entity)),
            "entity_type" => string_literal(entity_type),
            "failure_category" => "failure_category".into(),
            "failure_reason" => "left(failure_reason, 1000)".into(),
            "can_retry" => "coalesce(can_retry, false)".into(),
            "expected_game_count" if has("expected_games_count") => "expected_games_count".into(),
            "actual_game_count" if has("actual_games_count") => "actual_games_count".into(),
            "raw_data_checked" => "false".into(),
            "resolution_status" => "'UNRESOLVED'".into(),
            _ => return None,
        })
    };
    let select_list = TableId::ProcessingFailures
        .def()
        .columns
        .iter()
        .map(|c| {
            let value = expr(c.name).unwrap_or_else(|| "NULL".into());
            format!("CAST({value} AS {}) AS {}", c.ty.sql(), ident(c.name))
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("SELECT {select_list} FROM __model_out WHERE failure_category IS NOT NULL")
}

/// The DuckDB type of an Arrow column handed over by [`Engine::load_batch`].
fn sql_type(ty: &arrow::datatypes::DataType) -> Result<&'static str> {
    use arrow::datatypes::DataType as T;
    Ok(match ty {
        T::Utf8 => "VARCHAR",
        T::Date32 => "DATE",
        T::Float64 => "DOUBLE",
        T::Int32 => "INTEGER",
        T::Int64 => "BIGINT",
        T::Boolean => "BOOLEAN",
        other => return Err(Error::UnsupportedType(other.to_string())),
    })
}

/// Appends `batch` through `appender` and flushes; errors name the table.
fn append(
    appender: duckdb::Result<duckdb::Appender<'_>>,
    batch: &RecordBatch,
    table: &str,
) -> Result<()> {
    let context = || format!("loading {} rows into {table}", batch.num_rows());
    let mut appender = appender.map_err(|source| Error::DuckDb {
        context: context(),
        source,
    })?;
    appender
        .append_record_batch(batch.clone())
        .and_then(|()| appender.flush())
        .map_err(|source| Error::DuckDb {
            context: context(),
            source,
        })
}

/// The registry's columns of `def`, quoted, in order.
fn column_list(def: &crate::registry::TableDef) -> String {
    def.columns
        .iter()
        .map(|c| ident(c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_line(sql: &str) -> String {
    let line = sql.trim().lines().next().unwrap_or_default();
    if line.len() > 120 {
        format!(
            "{}…",
            &line[..line.char_indices().nth(119).map_or(line.len(), |(i, _)| i)]
        )
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_bind_as_typed_literals_and_unknown_names_fail() {
        let p = ModelParams::historical("2024-01-01..2024-01-31".parse().unwrap());
        let sql = bind_params("SELECT $start_date, $end_date, $mode, '$1'", &p).unwrap();
        assert_eq!(
            sql,
            "SELECT DATE '2024-01-01', DATE '2024-01-31', 'historical', '$1'"
        );
        assert!(
            matches!(bind_params("SELECT $nope", &p), Err(Error::UnknownParam(n)) if n == "nope")
        );
    }
}

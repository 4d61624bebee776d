//! `backcourt export` (lake → BigQuery) and `backcourt mirror` (BigQuery →
//! lake) through the real binary, against the BigQuery and GCS emulators that
//! `scripts/test` starts.
//!
//! What is read back is compared with the lake, per date: a count and, per
//! column, a checksum built from the registry (sums of numbers, lengths and
//! distinct counts of strings, true counts of booleans, epoch sums of dates
//! and timestamps), computed once by DuckDB over the lake and once by
//! BigQuery over the exported table. Every test uses its own project id (a
//! namespace of the emulator), so they run in parallel.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use arrow::array::Array;
use backcourt::cloud::bigquery::{bq_type, schema, BigQuery};
use backcourt::lake::Lake;
use backcourt::registry::{ColumnType, Phase, TableDef, TableId};
use serde_json::{json, Value};

use crate::util::{
    bin, block_on, copy_lake, create_gcs_bucket, emulators, files, query, root, rows, run,
    season_league, show, tempdir, unique_name, Emulators, RAW_DIRS,
};

/// The dates the derived lake is run over (opening night onwards: Phase 4
/// and 5 have rows from 2023-11-07), and what mirror pulls.
const START: &str = "2023-10-24";
const END: &str = "2023-11-14";

/// Per date (`""` for a table without a date column): the checksum cells of
/// [`checks`], in order; `None` is NULL.
type Sums = BTreeMap<String, Vec<Option<String>>>;

/// The season league run over [`START`]..=[`END`] once, with the checksums
/// of every derived table that has rows.
struct Derived {
    _dir: tempfile::TempDir,
    lake: Lake,
    sums: BTreeMap<TableId, Sums>,
}

fn derived() -> &'static Derived {
    static DERIVED: OnceLock<Derived> = OnceLock::new();
    DERIVED.get_or_init(|| {
        let (dir, lake) = copy_lake(season_league(), &RAW_DIRS);
        let out = run(root(&lake), &["run", "--start", START, "--end", END]);
        assert!(out.status.success(), "run: {}", show(&out));
        let sums = derived_tables(&lake)
            .into_iter()
            .map(|t| (t, lake_sums(&lake, t)))
            .collect();
        Derived {
            _dir: dir,
            lake,
            sums,
        }
    })
}

/// Every derived table with rows in `lake`: what a bare `export` sends.
fn derived_tables(lake: &Lake) -> Vec<TableId> {
    TableId::ALL
        .iter()
        .copied()
        .filter(|t| t.phase() != Phase::Raw)
        .filter(|&t| !lake.partitions(t).expect("partitions").is_empty())
        .collect()
}

fn raw_tables() -> Vec<TableId> {
    TableId::ALL
        .iter()
        .copied()
        .filter(|t| t.phase() == Phase::Raw)
        .collect()
}

fn names(tables: &[TableId]) -> String {
    tables
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(",")
}

// ---------------------------------------------------------------- checksums

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Exact,
    Float,
}

/// One checksum: the same aggregate in GoogleSQL and in DuckDB.
struct Check {
    label: String,
    bq: String,
    duck: String,
    kind: Kind,
}

/// The checksums of a table, from its registry columns.
fn checks(def: &TableDef) -> Vec<Check> {
    let mut out = vec![Check {
        label: "count(*)".into(),
        bq: "COUNT(*)".into(),
        duck: "COUNT(*)".into(),
        kind: Kind::Exact,
    }];
    for c in def.columns {
        let (b, d) = (format!("`{}`", c.name), format!("\"{}\"", c.name));
        let mut add = |what: &str, bq: String, duck: String, kind: Kind| {
            out.push(Check {
                label: format!("{what}({})", c.name),
                bq,
                duck,
                kind,
            })
        };
        add(
            "count",
            format!("COUNT({b})"),
            format!("COUNT({d})"),
            Kind::Exact,
        );
        match c.ty {
            ColumnType::Integer | ColumnType::Bigint => add(
                "sum",
                format!("SUM({b})"),
                format!("CAST(SUM({d}) AS BIGINT)"),
                Kind::Exact,
            ),
            ColumnType::Double => add("sum", format!("SUM({b})"), format!("SUM({d})"), Kind::Float),
            ColumnType::Varchar => {
                add(
                    "sum_length",
                    format!("SUM(LENGTH({b}))"),
                    format!("CAST(SUM(LENGTH({d})) AS BIGINT)"),
                    Kind::Exact,
                );
                add(
                    "count_distinct",
                    format!("COUNT(DISTINCT {b})"),
                    format!("COUNT(DISTINCT {d})"),
                    Kind::Exact,
                );
            }
            ColumnType::Boolean => add(
                "sum_true",
                format!("SUM(CASE WHEN {b} THEN 1 ELSE 0 END)"),
                format!("CAST(SUM(CASE WHEN {d} THEN 1 ELSE 0 END) AS BIGINT)"),
                Kind::Exact,
            ),
            ColumnType::Date => add(
                "sum_days",
                format!("SUM(DATE_DIFF({b}, DATE '1970-01-01', DAY))"),
                format!("CAST(SUM(date_diff('day', DATE '1970-01-01', {d})) AS BIGINT)"),
                Kind::Exact,
            ),
            ColumnType::Timestamp => {
                add(
                    "sum_millis",
                    format!("SUM(UNIX_MILLIS({b}))"),
                    format!("CAST(SUM(epoch_ms({d})) AS BIGINT)"),
                    Kind::Exact,
                );
                add(
                    "max_micros",
                    format!("MAX(UNIX_MICROS({b}))"),
                    format!("MAX(epoch_us({d}))"),
                    Kind::Exact,
                );
            }
        }
    }
    out
}

/// The checksums of `table` in the lake, by DuckDB.
fn lake_sums(lake: &Lake, table: TableId) -> Sums {
    let def = table.def();
    let key = match def.date_column {
        Some(col) => format!("CAST(\"{col}\" AS VARCHAR)"),
        None => "''".into(),
    };
    let aggs: Vec<String> = checks(def).into_iter().map(|c| c.duck).collect();
    let sql = format!(
        "SELECT {key} AS k, {} FROM {table} GROUP BY 1 ORDER BY 1",
        aggs.join(", ")
    );
    let mut out = Sums::new();
    for b in query(lake, &sql) {
        for r in 0..b.num_rows() {
            let cells: Vec<Option<String>> = b
                .columns()
                .iter()
                .map(|c| {
                    c.is_valid(r).then(|| {
                        arrow::util::display::array_value_to_string(c, r).expect("displayable")
                    })
                })
                .collect();
            let k = cells[0].clone().expect("a date");
            out.insert(k, cells[1..].to_vec());
        }
    }
    out
}

/// The checksums of `table` as exported to `project`, by BigQuery.
fn bq_sums(project: &str, table: TableId) -> Sums {
    let def = table.def();
    let key = match def.date_column {
        Some(col) => format!("`{col}`"),
        None => "''".into(),
    };
    let aggs: Vec<String> = checks(def).into_iter().map(|c| c.bq).collect();
    let sql = format!(
        "SELECT {key} AS k, {} FROM `{project}.{}.{}` GROUP BY 1 ORDER BY 1",
        aggs.join(", "),
        table.dataset().name(),
        table.name()
    );
    let rows = bq_query(project, &sql);
    rows.into_iter()
        .map(|mut r| {
            let k = r.remove(0).unwrap_or_default();
            (k, r)
        })
        .collect()
}

fn same_cell(kind: Kind, a: &Option<String>, b: &Option<String>) -> bool {
    match (kind, a, b) {
        (_, None, None) => true,
        (Kind::Exact, Some(a), Some(b)) => a == b,
        (Kind::Float, Some(a), Some(b)) => {
            let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) else {
                return false;
            };
            (x.is_nan() && y.is_nan())
                || x == y
                || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) + 1e-6
        }
        _ => false,
    }
}

/// Where BigQuery's checksums of `table` differ from `expected` (the
/// lake's): `(date, check label, detail)`, a missing or extra date as one
/// entry labelled `date`.
fn diff_sums(table: TableId, expected: &Sums, got: &Sums) -> Vec<(String, String, String)> {
    let checks = checks(table.def());
    let mut diffs = Vec::new();
    for date in expected.keys().chain(got.keys()).collect::<BTreeSet<_>>() {
        let (Some(want), Some(have)) = (expected.get(date), got.get(date)) else {
            let detail = match expected.contains_key(date) {
                true => "missing in BigQuery",
                false => "not in the lake",
            };
            diffs.push((date.clone(), "date".into(), detail.into()));
            continue;
        };
        assert_eq!(want.len(), have.len(), "{table} {date}: cells");
        for ((check, w), h) in checks.iter().zip(want).zip(have) {
            if !same_cell(check.kind, w, h) {
                diffs.push((
                    date.clone(),
                    check.label.clone(),
                    format!("{h:?} in BigQuery, {w:?} in the lake"),
                ));
            }
        }
    }
    diffs
}

/// Asserts that BigQuery's checksums of `table` equal `expected`, date by
/// date and column by column.
fn assert_sums(what: &str, table: TableId, expected: &Sums, got: &Sums) {
    let diffs = diff_sums(table, expected, got);
    assert!(
        diffs.is_empty(),
        "{what}: {table}: {} checksums differ, e.g. {:#?}",
        diffs.len(),
        &diffs[..diffs.len().min(8)]
    );
}

/// Asserts that every table of `tables` in `project` holds exactly the
/// derived lake's rows.
fn assert_all_exported(what: &str, project: &str, tables: &[TableId]) {
    let d = derived();
    for &t in tables {
        assert_sums(what, t, &d.sums[&t], &bq_sums(project, t));
    }
}

/// Asserts that every table of `tables` in `project` has the derived lake's
/// row count on every date (a cheaper check than [`assert_all_exported`]).
fn assert_counts(what: &str, project: &str, tables: &[TableId]) {
    let d = derived();
    for &t in tables {
        let col = t.def().date_column.expect("a date column");
        let got: BTreeMap<String, String> = bq_query(
            project,
            &format!(
                "SELECT `{col}`, COUNT(*) FROM `{project}.{}.{}` GROUP BY 1 ORDER BY 1",
                t.dataset().name(),
                t.name()
            ),
        )
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect();
        let want: BTreeMap<String, String> = d.sums[&t]
            .iter()
            .map(|(date, cells)| (date.clone(), cells[0].clone().unwrap()))
            .collect();
        assert_eq!(got, want, "{what}: {t}: rows per date");
    }
}

// ------------------------------------------------------------ cloud helpers

fn bq_query(project: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    block_on(async {
        let bq = BigQuery::connect(project).await.expect("connect");
        bq.query(sql)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{sql}"))
            .rows
    })
}

fn bq_execute(project: &str, sql: &str) {
    block_on(async {
        let bq = BigQuery::connect(project).await.expect("connect");
        bq.execute(sql, "test statement")
            .await
            .unwrap_or_else(|e| panic!("{e}\n{sql}"));
    })
}

/// A GET of the BigQuery REST API below `projects/<project>/`.
fn bq_get(emu: &Emulators, project: &str, path: &str) -> Value {
    let url = format!(
        "http://{}/bigquery/v2/projects/{project}/{path}",
        emu.bigquery
    );
    block_on(async {
        let response = reqwest::Client::new()
            .get(&url)
            .send()
            .await
            .expect("BigQuery emulator reachable");
        assert!(response.status().is_success(), "GET {url}: {response:?}");
        response.json().await.expect("JSON")
    })
}

/// A POST of the BigQuery REST API below `projects/<project>/`.
fn bq_post(emu: &Emulators, project: &str, path: &str, body: &Value) {
    let url = format!(
        "http://{}/bigquery/v2/projects/{project}/{path}",
        emu.bigquery
    );
    block_on(async {
        let response = reqwest::Client::new()
            .post(&url)
            .json(body)
            .send()
            .await
            .expect("BigQuery emulator reachable");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {url}: {status}: {text}");
    })
}

/// The tables of a dataset, by the REST API.
fn tables_in(emu: &Emulators, project: &str, dataset: &str) -> Vec<String> {
    let list = bq_get(emu, project, &format!("datasets/{dataset}/tables"));
    list["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["tableReference"]["tableId"].as_str().expect("id").into())
        .collect()
}

/// Asserts that no export left a staging table in the datasets of `tables`.
fn assert_no_staging_tables(emu: &Emulators, project: &str, tables: &[TableId]) {
    let datasets: BTreeSet<&str> = tables.iter().map(|t| t.dataset().name()).collect();
    for ds in datasets {
        let left: Vec<String> = tables_in(emu, project, ds)
            .into_iter()
            .filter(|t| t.starts_with("_backcourt_staging_"))
            .collect();
        assert!(left.is_empty(), "{project}.{ds}: staging left: {left:?}");
    }
}

/// Every job of a project, by the REST API.
fn jobs_of(emu: &Emulators, project: &str) -> Vec<Value> {
    let list = bq_get(emu, project, "jobs?maxResults=10000");
    assert!(list.get("nextPageToken").is_none(), "one page of jobs");
    list["jobs"].as_array().cloned().unwrap_or_default()
}

/// The names of the objects under `prefix` in the GCS emulator.
fn objects_under(emu: &Emulators, bucket: &str, prefix: &str) -> Vec<String> {
    let url = format!("{}/storage/v1/b/{bucket}/o?prefix={prefix}", emu.gcs);
    let list: Value = block_on(async {
        let response = reqwest::Client::new()
            .get(&url)
            .send()
            .await
            .expect("GCS emulator reachable");
        assert!(response.status().is_success(), "GET {url}: {response:?}");
        response.json().await.expect("JSON")
    });
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| o["name"].as_str().expect("name").into())
        .collect()
}

/// `backcourt --json export ARGS` over the derived lake.
fn export(args: &[&str]) -> (Output, Vec<Value>) {
    let mut all = vec!["--json", "export"];
    all.extend_from_slice(args);
    let out = run(root(&derived().lake), &all);
    let reports = serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap_or_default();
    (out, reports)
}

/// The report of `table` in an export's JSON.
fn report(reports: &[Value], table: TableId) -> &Value {
    reports
        .iter()
        .find(|r| r["table"] == table.to_string())
        .unwrap_or_else(|| panic!("no report for {table}: {reports:#?}"))
}

// -------------------------------------------------------------------- tests

/// A bare export sends every derived table with rows, in two jobs each
/// whatever its number of dates, into day-partitioned targets created from
/// the registry, and BigQuery then holds the lake's rows date by date.
#[test]
fn export_round_trips_every_derived_table() {
    let Some(emu) = emulators("export_round_trips_every_derived_table") else {
        return;
    };
    let d = derived();
    let tables = derived_tables(&d.lake);
    assert!(
        tables.len() >= 10,
        "the run should fill most derived tables: {tables:?}"
    );
    let project = unique_name("bq-export");

    let (out, reports) = export(&["--project", &project]);
    assert!(out.status.success(), "export: {}", show(&out));
    let reported: BTreeSet<String> = reports
        .iter()
        .map(|r| r["table"].as_str().expect("table").to_string())
        .collect();
    let expected: BTreeSet<String> = tables.iter().map(|t| t.to_string()).collect();
    assert_eq!(reported, expected, "the tables exported");
    for &t in &tables {
        let r = report(&reports, t);
        let sums = &d.sums[&t];
        let lake_rows: u64 = sums
            .values()
            .map(|cells| cells[0].as_deref().expect("count").parse::<u64>().unwrap())
            .sum();
        assert_eq!(r["jobs"], 2, "{t}: {r}");
        assert_eq!(r["error"], Value::Null, "{t}: {r}");
        assert_eq!(r["created_target"], true, "{t}: {r}");
        assert_eq!(r["rows"], lake_rows, "{t}: {r}");
        assert_eq!(r["start"], json!(sums.keys().next()), "{t}: {r}");
        assert_eq!(r["end"], json!(sums.keys().next_back()), "{t}: {r}");
    }
    // What BigQuery saw, independently of the report: one load into a
    // staging table and one query per table, loads uploaded (not by URI).
    let jobs = jobs_of(&emu, &project);
    let loads: Vec<&Value> = jobs
        .iter()
        .filter(|j| j["configuration"].get("load").is_some())
        .collect();
    assert_eq!(loads.len(), tables.len(), "one load per table: {loads:#?}");
    assert_eq!(
        jobs.len(),
        2 * tables.len(),
        "a load and a query per table, whatever the dates"
    );
    for &t in &tables {
        let prefix = format!("_backcourt_staging_{}_", t.name());
        let into: Vec<&&Value> = loads
            .iter()
            .filter(|j| {
                let dest = &j["configuration"]["load"]["destinationTable"];
                dest["datasetId"] == t.dataset().name()
                    && dest["tableId"]
                        .as_str()
                        .is_some_and(|id| id.starts_with(&prefix))
            })
            .collect();
        assert_eq!(into.len(), 1, "{t}: loads into its staging table");
        let uris = &into[0]["configuration"]["load"]["sourceUris"];
        assert!(
            !uris.to_string().contains("gs://"),
            "{t}: uploaded, not loaded from a bucket: {uris}"
        );
    }

    assert_all_exported("first export", &project, &tables);

    // The targets: the registry's schema, partitioned by day on the date
    // column, clustered like the reference.
    for &t in &tables {
        let def = t.def();
        let resource = bq_get(
            &emu,
            &project,
            &format!("datasets/{}/tables/{}", t.dataset().name(), t.name()),
        );
        let fields: Vec<(String, String)> = resource["schema"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().into(),
                    f["type"].as_str().unwrap().into(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = def
            .columns
            .iter()
            .map(|c| (c.name.to_string(), bq_type(c.ty).to_string()))
            .collect();
        assert_eq!(fields, want, "{t}: schema");
        let col = def.date_column.expect("derived tables have a date column");
        assert_eq!(
            resource["timePartitioning"],
            json!({"type": "DAY", "field": col}),
            "{t}: partitioning"
        );
        let clustering = backcourt::export::clustering(def);
        if !clustering.is_empty() {
            assert_eq!(
                resource["clustering"]["fields"],
                json!(clustering),
                "{t}: clustering"
            );
        }
    }
    assert_no_staging_tables(&emu, &project, &tables);
}

/// Exporting again changes nothing (the range is replaced, never appended
/// to); a sub-range export replaces exactly that range of one table: rows
/// deleted in BigQuery inside it come back, a stray row inside it goes, and
/// a date deleted outside it stays deleted. A range the lake has no rows for
/// is emptied in BigQuery.
#[test]
fn export_twice_is_identical_and_replaces_only_the_range() {
    let Some(emu) = emulators("export_twice_is_identical_and_replaces_only_the_range") else {
        return;
    };
    let d = derived();
    let tables = derived_tables(&d.lake);
    let project = unique_name("bq-twice");
    for pass in ["first", "second"] {
        let (out, reports) = export(&["--project", &project]);
        assert!(out.status.success(), "{pass} export: {}", show(&out));
        assert_eq!(reports.len(), tables.len(), "{pass}: {reports:#?}");
        for r in &reports {
            assert_eq!(r["jobs"], 2, "{pass}: {r}");
            assert_eq!(r["created_target"], pass == "first", "{pass}: {r}");
        }
    }
    assert_counts("after two exports", &project, &tables);
    assert_all_exported("after two exports", &project, &[TableId::PlayerGameSummary]);

    let pgs = TableId::PlayerGameSummary;
    let target = format!("`{project}.nba_analytics.player_game_summary`");
    let (out, reports) = export(&[
        "--project",
        &project,
        "--tables",
        "player_game_summary",
        "--start",
        "2023-11-01",
        "--end",
        "2023-11-01",
    ]);
    assert!(out.status.success(), "one-day export: {}", show(&out));
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = report(&reports, pgs);
    assert_eq!(r["jobs"], 2, "{r}");
    assert_eq!(
        r["rows"].to_string(),
        *d.sums[&pgs]["2023-11-01"][0].as_ref().unwrap(),
        "{r}"
    );
    assert_sums(
        "one-day export",
        pgs,
        &d.sums[&pgs],
        &bq_sums(&project, pgs),
    );

    // Damage BigQuery: a date outside the next range deleted, a date inside
    // it deleted, a stray row inside it.
    bq_execute(
        &project,
        &format!("DELETE FROM {target} WHERE game_date IN (DATE '2023-10-25', DATE '2023-11-02')"),
    );
    bq_execute(
        &project,
        &format!(
            "INSERT INTO {target} (player_lookup, game_date, points) \
             VALUES ('zz_stray', DATE '2023-11-04', 99)"
        ),
    );
    // and the last processed row of a date inside it changed in a few columns.
    let one = rows(
        &d.lake,
        "SELECT player_lookup FROM nba_analytics.player_game_summary \
         WHERE game_date = DATE '2023-11-03' ORDER BY processed_at DESC, player_lookup LIMIT 1",
    )[0][0]
        .clone();
    bq_execute(
        &project,
        &format!(
            "UPDATE {target} SET points = points + 1, minutes_played = minutes_played + 0.001, \
             player_full_name = CONCAT(player_full_name, 'x'), \
             processed_at = TIMESTAMP_ADD(processed_at, INTERVAL 1 SECOND) \
             WHERE game_date = DATE '2023-11-03' AND player_lookup = '{one}'"
        ),
    );
    // (The checksums see each of those changes.)
    let diffs = diff_sums(pgs, &d.sums[&pgs], &bq_sums(&project, pgs));
    let dates: BTreeSet<&str> = diffs.iter().map(|(date, _, _)| date.as_str()).collect();
    assert_eq!(
        dates,
        BTreeSet::from(["2023-10-25", "2023-11-02", "2023-11-03", "2023-11-04"]),
        "{diffs:#?}"
    );
    let changed: BTreeSet<&str> = diffs
        .iter()
        .filter(|(date, _, _)| date == "2023-11-03")
        .map(|(_, label, _)| label.as_str())
        .collect();
    for label in [
        "sum(points)",
        "sum(minutes_played)",
        "sum_length(player_full_name)",
        "sum_millis(processed_at)",
        "max_micros(processed_at)",
    ] {
        assert!(changed.contains(label), "{label} not seen: {diffs:#?}");
    }

    let (out, _) = export(&[
        "--project",
        &project,
        "--tables",
        "player_game_summary",
        "--start",
        "2023-11-02",
        "--end",
        "2023-11-05",
    ]);
    assert!(out.status.success(), "range export: {}", show(&out));
    let mut expected = d.sums[&pgs].clone();
    assert!(expected.remove("2023-10-25").is_some(), "a game date");
    assert_sums("range export", pgs, &expected, &bq_sums(&project, pgs));

    // A range without rows in the lake empties that range in BigQuery.
    let pdc = TableId::PlayerDailyCache;
    let first_pdc = d.sums[&pdc].keys().next().unwrap().clone();
    assert!(first_pdc.as_str() > "2023-10-30", "{first_pdc}");
    bq_execute(
        &project,
        &format!(
            "INSERT INTO `{project}.nba_precompute.player_daily_cache` (player_lookup, cache_date) \
             VALUES ('zz_stray', DATE '2023-10-30')"
        ),
    );
    let (out, reports) = export(&[
        "--project",
        &project,
        "--tables",
        "nba_precompute.player_daily_cache",
        "--start",
        "2023-10-24",
        "--end",
        "2023-10-30",
    ]);
    assert!(out.status.success(), "empty-range export: {}", show(&out));
    assert_eq!(report(&reports, pdc)["rows"], 0, "{reports:#?}");
    assert_sums(
        "empty-range export",
        pdc,
        &d.sums[&pdc],
        &bq_sums(&project, pdc),
    );
    assert_no_staging_tables(&emu, &project, &tables);
}

/// A target whose schema does not match the registry (player_lookup an
/// INT64) fails its table: exit 1 naming it, the target's rows and schema
/// exactly as before, no staging table left; the other table of the same
/// export still lands.
#[test]
fn failing_export_leaves_the_target_unchanged() {
    let Some(emu) = emulators("failing_export_leaves_the_target_unchanged") else {
        return;
    };
    let project = unique_name("bq-fail");
    let pgs = TableId::PlayerGameSummary;
    let tog = TableId::TeamOffenseGameSummary;
    block_on(async {
        let bq = BigQuery::connect(&project).await.expect("connect");
        bq.ensure_dataset("nba_analytics", None)
            .await
            .expect("dataset");
    });
    let mut fields = schema(pgs.def());
    for f in fields["fields"].as_array_mut().unwrap() {
        if f["name"] == "player_lookup" {
            f["type"] = json!("INT64");
        }
    }
    bq_post(
        &emu,
        &project,
        "datasets/nba_analytics/tables",
        &json!({
            "tableReference": {"projectId": project, "datasetId": "nba_analytics",
                               "tableId": "player_game_summary"},
            "schema": fields,
            "timePartitioning": {"type": "DAY", "field": "game_date"},
        }),
    );
    let target = format!("`{project}.nba_analytics.player_game_summary`");
    bq_execute(
        &project,
        &format!(
            "INSERT INTO {target} (player_lookup, game_date, points) VALUES \
             (1, DATE '2023-10-24', 11), (2, DATE '2023-11-01', 22), (3, DATE '2023-11-14', 33)"
        ),
    );
    let snapshot = || {
        bq_query(
            &project,
            &format!(
                "SELECT player_lookup, CAST(game_date AS STRING), points FROM {target} \
                 ORDER BY player_lookup"
            ),
        )
    };
    let before = snapshot();
    assert_eq!(before.len(), 3, "{before:?}");
    let resource_path = "datasets/nba_analytics/tables/player_game_summary";
    let schema_before = bq_get(&emu, &project, resource_path)["schema"].clone();

    let (out, reports) = export(&[
        "--project",
        &project,
        "--tables",
        "player_game_summary,team_offense_game_summary",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nba_analytics.player_game_summary"),
        "the failed table is named: {}",
        show(&out)
    );
    assert!(
        stderr.contains("1 of 2 tables failed"),
        "only the failed table is reported failed: {}",
        show(&out)
    );
    let error = report(&reports, pgs)["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("player_lookup"),
        "the mismatched column is the cause: {reports:#?}"
    );
    assert_eq!(report(&reports, tog)["error"], Value::Null, "{reports:#?}");

    assert_eq!(snapshot(), before, "the failed target's rows");
    assert_eq!(
        bq_get(&emu, &project, resource_path)["schema"],
        schema_before,
        "the failed target's schema"
    );
    assert_all_exported("beside a failed table", &project, &[tog]);
    let left: Vec<String> = tables_in(&emu, &project, "nba_analytics");
    assert_eq!(
        left.iter().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([pgs.name().to_string(), tog.name().to_string()]),
        "no staging table left: {left:?}"
    );
}

/// `--staging gs://bucket/prefix`: the Parquet files go through GCS and are
/// loaded by URI; BigQuery ends with the lake's rows and nothing stays under
/// the prefix. A staging bucket that does not exist fails the table and
/// leaves its target as it was.
#[test]
fn export_through_a_staging_bucket() {
    let Some(emu) = emulators("export_through_a_staging_bucket") else {
        return;
    };
    let d = derived();
    let tables = derived_tables(&d.lake);
    let project = unique_name("bq-staged");
    let bucket = unique_name("bq-staging");
    create_gcs_bucket(&emu, &bucket);
    let staging = format!("gs://{bucket}/exports/run1");

    let (out, reports) = export(&["--project", &project, "--staging", &staging]);
    assert!(out.status.success(), "staged export: {}", show(&out));
    assert_eq!(reports.len(), tables.len(), "{reports:#?}");
    for r in &reports {
        assert_eq!(r["jobs"], 2, "{r}");
    }
    let loads: Vec<Value> = jobs_of(&emu, &project)
        .into_iter()
        .filter(|j| j["configuration"].get("load").is_some())
        .collect();
    assert_eq!(loads.len(), tables.len(), "{loads:#?}");
    for j in &loads {
        let uris = j["configuration"]["load"]["sourceUris"]
            .as_array()
            .expect("source URIs");
        assert_eq!(uris.len(), 1, "{j}");
        assert!(
            uris[0]
                .as_str()
                .unwrap()
                .starts_with(&format!("{staging}/")),
            "loaded from the staging prefix: {j}"
        );
    }
    assert_all_exported("staged export", &project, &tables);
    assert_no_staging_tables(&emu, &project, &tables);
    let left = objects_under(&emu, &bucket, "exports/");
    assert!(left.is_empty(), "staged objects left: {left:?}");

    let sdp = TableId::SystemDailyPerformance;
    let missing = unique_name("bq-no-such-bucket");
    let (out, _) = export(&[
        "--project",
        &project,
        "--tables",
        "system_daily_performance",
        "--staging",
        &format!("gs://{missing}/x"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&sdp.to_string()),
        "{}",
        show(&out)
    );
    assert_all_exported("after a failed staging upload", &project, &[sdp]);
    assert_no_staging_tables(&emu, &project, &[sdp]);

    // A failed export into a project without the target leaves no target:
    // "as it was" is "not there".
    let fresh = unique_name("bq-fresh");
    let (out, reports) = export(&[
        "--project",
        &fresh,
        "--tables",
        "system_daily_performance",
        "--staging",
        &format!("gs://{missing}/x"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_eq!(
        report(&reports, sdp)["created_target"],
        false,
        "{reports:#?}"
    );
    let left = tables_in(&emu, &fresh, sdp.dataset().name());
    assert!(
        left.is_empty(),
        "a failed export left tables behind: {left:?}"
    );
}

/// The resumable upload in many chunks (each acknowledged with 308 and the
/// range the server holds) loads the same rows as in one.
#[test]
fn a_load_uploaded_in_chunks_loads_every_row() {
    let Some(_emu) = emulators("a_load_uploaded_in_chunks_loads_every_row") else {
        return;
    };
    let d = derived();
    let table = TableId::PlayerGameSummary;
    let project = unique_name("bq-chunks");
    let out = bin()
        .env("BACKCOURT_UPLOAD_CHUNK_BYTES", "16384")
        .arg("--lake")
        .arg(root(&d.lake))
        .args([
            "--json",
            "export",
            "--project",
            &project,
            "--tables",
            table.name(),
        ])
        .output()
        .expect("run backcourt");
    assert!(out.status.success(), "chunked export: {}", show(&out));
    let reports: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON report");
    let bytes = report(&reports, table)["parquet_bytes"]
        .as_u64()
        .expect("bytes");
    assert!(
        bytes > 4 * 16384,
        "too small to need several chunks: {bytes}"
    );
    assert_all_exported("chunked upload", &project, &[table]);
}

/// Every file below `dir` whose partition date (if any) is in
/// [`START`]..=[`END`] and whose dataset is a raw one.
fn raw_files_in_range(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| {
            let parts: Vec<String> = p
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            RAW_DIRS.contains(&parts[0].as_str())
                && parts.iter().all(|s| match s.split_once('=') {
                    Some((_, date)) => (START..=END).contains(&date),
                    None => true,
                })
        })
        .collect()
}

fn under(files: Vec<(PathBuf, Vec<u8>)>, prefix: &str) -> Vec<(PathBuf, Vec<u8>)> {
    files
        .into_iter()
        .filter(|(p, _)| p.starts_with(prefix))
        .collect()
}

/// Raw tables exported for a range and mirrored into an empty lake come
/// back byte for byte; Phase 3 computed on the mirror equals the source's;
/// a narrower mirror replaces exactly its range (a date gone from BigQuery
/// loses its partition) and cleans its staging objects.
#[test]
fn mirror_round_trips_raw_tables_and_feeds_phase_3() {
    let Some(emu) = emulators("mirror_round_trips_raw_tables_and_feeds_phase_3") else {
        return;
    };
    let d = derived();
    let source = root(&d.lake);
    let project = unique_name("bq-mirror");
    let bucket = unique_name("bq-mirror");
    create_gcs_bucket(&emu, &bucket);
    let staging = format!("gs://{bucket}/mirror");
    let raw = names(&raw_tables());

    let (out, reports) = export(&[
        "--project",
        &project,
        "--tables",
        &raw,
        "--start",
        START,
        "--end",
        END,
    ]);
    assert!(out.status.success(), "raw export: {}", show(&out));
    assert_eq!(reports.len(), raw_tables().len(), "{reports:#?}");

    let mirror_dir = tempdir();
    let mirror_args = |tables: &str, start: &str, end: &str| {
        run(
            mirror_dir.path(),
            &[
                "mirror",
                "--project",
                &project,
                "--tables",
                tables,
                "--start",
                start,
                "--end",
                end,
                "--staging",
                &staging,
            ],
        )
    };
    let out = mirror_args(&raw, START, END);
    assert!(out.status.success(), "mirror: {}", show(&out));
    let expected = raw_files_in_range(source);
    assert!(expected.len() > 200, "{} files", expected.len());
    let mirrored = files(mirror_dir.path());
    let paths = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&mirrored), paths(&expected), "the mirrored files");
    for ((p, got), (_, want)) in mirrored.iter().zip(&expected) {
        assert!(got == want, "{}: not the source's bytes", p.display());
    }
    let left = objects_under(&emu, &bucket, "mirror/");
    assert!(left.is_empty(), "staged objects left: {left:?}");

    let out = run(
        mirror_dir.path(),
        &["run", "player_game_summary", "--start", START, "--end", END],
    );
    assert!(
        out.status.success(),
        "Phase 3 on the mirror: {}",
        show(&out)
    );
    let pgs = "nba_analytics/player_game_summary";
    let computed = under(files(mirror_dir.path()), pgs);
    let reference = under(files(source), pgs);
    assert_eq!(
        paths(&computed),
        paths(&reference),
        "player_game_summary partitions"
    );
    for ((p, got), (_, want)) in computed.iter().zip(&reference) {
        assert!(got == want, "{}: not the source's bytes", p.display());
    }

    // A date deleted in BigQuery, then a mirror of a range around it: that
    // partition goes, nothing else changes.
    let injury = "nba_raw/nbac_injury_report/game_date=2023-11-02/part-0.parquet";
    let before = files(mirror_dir.path());
    assert!(
        before.iter().any(|(p, _)| p == Path::new(injury)),
        "{injury} mirrored"
    );
    bq_execute(
        &project,
        &format!(
            "DELETE FROM `{project}.nba_raw.nbac_injury_report` \
             WHERE game_date = DATE '2023-11-02'"
        ),
    );
    let out = mirror_args("nbac_injury_report", "2023-11-01", "2023-11-03");
    assert!(out.status.success(), "narrow mirror: {}", show(&out));
    let want: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| p != Path::new(injury))
        .collect();
    let after = files(mirror_dir.path());
    assert_eq!(paths(&after), paths(&want), "only {injury} deleted");
    for ((p, got), (_, w)) in after.iter().zip(&want) {
        assert!(got == w, "{}: changed by the narrow mirror", p.display());
    }
    assert!(objects_under(&emu, &bucket, "mirror/").is_empty());
}

/// A raw table whose BigQuery copy lacks a column of the contract stops the
/// mirror (exit 1, table and column named) before anything is written, even
/// for the good table pulled before it; the staged files are deleted.
#[test]
fn mirror_of_a_table_missing_a_column_writes_nothing() {
    let Some(emu) = emulators("mirror_of_a_table_missing_a_column_writes_nothing") else {
        return;
    };
    let project = unique_name("bq-badmirror");
    let bucket = unique_name("bq-badmirror");
    create_gcs_bucket(&emu, &bucket);
    let (out, _) = export(&[
        "--project",
        &project,
        "--tables",
        "nbac_team_boxscore",
        "--start",
        "2023-11-01",
        "--end",
        "2023-11-03",
    ]);
    assert!(out.status.success(), "export: {}", show(&out));

    let sched = TableId::NbacSchedule;
    let mut fields = schema(sched.def());
    fields["fields"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["name"] != "home_team_tricode");
    bq_post(
        &emu,
        &project,
        "datasets/nba_raw/tables",
        &json!({
            "tableReference": {"projectId": project, "datasetId": "nba_raw",
                               "tableId": "nbac_schedule"},
            "schema": fields,
        }),
    );
    bq_execute(
        &project,
        &format!(
            "INSERT INTO `{project}.nba_raw.nbac_schedule` (game_id, game_date, away_team_tricode) \
             VALUES ('g1', DATE '2023-11-01', 'BOS'), ('g2', DATE '2023-11-02', 'LAL')"
        ),
    );

    let lake = tempdir();
    let out = run(
        lake.path(),
        &[
            "mirror",
            "--project",
            &project,
            "--tables",
            "nbac_team_boxscore,nbac_schedule",
            "--start",
            "2023-11-01",
            "--end",
            "2023-11-03",
            "--staging",
            &format!("gs://{bucket}/m"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nba_raw.nbac_schedule") && stderr.contains("home_team_tricode"),
        "table and column named: {}",
        show(&out)
    );
    let written: Vec<PathBuf> = files(lake.path()).into_iter().map(|(p, _)| p).collect();
    assert!(written.is_empty(), "written: {written:?}");
    let left = objects_under(&emu, &bucket, "m/");
    assert!(left.is_empty(), "staged objects left: {left:?}");
}

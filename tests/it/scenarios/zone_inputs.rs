//! Hand-built Phase 3 inputs for the zone tables of Phase 4, team_defense_zone_analysis and
//! player_shot_zone_analysis, and the tables built over them.
//!
//! Every scenario computes one analysis date, D = 2024-01-10, of the 2023-24 season, whose
//! opening night is 2023-10-24 (so D is far past the 14-day bootstrap). Rows are generated in SQL
//! with `range(n) t(i)`, game i being played i + 1 days before D (i = 0 is the latest game), so
//! the window rules (last 15 / 10 / 20 games, 30 days, strictly before D) are pinned on dates.

use std::sync::OnceLock;

use arrow::array::{Array, AsArray};
use arrow::datatypes::Float64Type;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{lake_with, query, rows};

pub const TDZA: TableId = TableId::TeamDefenseZoneAnalysis;
pub const PSZA: TableId = TableId::PlayerShotZoneAnalysis;

/// The analysis date.
pub const D: &str = "2024-01-10";

/// Runs `table`'s model over D alone and writes its rows and failures into `lake`.
pub fn build(lake: &Lake, table: TableId) {
    let engine = Engine::open(lake).expect("engine");
    let range = format!("{D}..{D}").parse().expect("date range");
    engine
        .write_model(
            table,
            table.sql().expect("a SQL model"),
            &ModelParams::historical(range),
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// `n` generated rows: `lead` columns, then the game date (`days` before D, an expression of the
/// row number i), then `cols` (expressions of i).
pub fn generated(lead: &str, n: usize, days: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {lead}, DATE '{D}' - CAST({days} AS INTEGER), {} FROM range({n}) t(i)",
        cols.join(", ")
    )
}

/// `nba_raw.nbac_schedule` rows from a query of (game_date, home, away), all final regular-season
/// games of 2023-24, plus opening night 2023-10-24 (OPP against OP2, two teams with no data).
pub fn schedule_sql(games: &str) -> String {
    format!(
        "SELECT 'G' || lpad(CAST(row_number() OVER (ORDER BY game_date, home, away) AS VARCHAR), 5, '0')
                AS game_id,
            game_date, 2023 AS season_year, home AS home_team_tricode, away AS away_team_tricode,
            3 AS game_status, 'Final' AS game_status_text, true AS is_regular_season,
            false AS is_playoffs, false AS is_play_in,
            game_date + INTERVAL 23 HOUR AS game_time_utc, game_date + INTERVAL 26 HOUR AS processed_at
        FROM (
            SELECT DATE '2023-10-24', 'OPP', 'OP2'
            UNION
            {games}
        ) g(game_date, home, away)"
    )
}

/// The one row of `sql`, each column as f64 (NULL → None).
pub fn doubles(lake: &Lake, sql: &str) -> Vec<Option<f64>> {
    let batches = query(lake, sql);
    let b = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .unwrap_or_else(|| panic!("no rows: {sql}"));
    assert_eq!(b.num_rows(), 1, "one row expected: {sql}");
    (0..b.num_columns())
        .map(|c| {
            let col = arrow::compute::cast(b.column(c), &arrow::datatypes::DataType::Float64)
                .expect("numeric column");
            let col = col.as_primitive::<Float64Type>();
            col.is_valid(0).then(|| col.value(0))
        })
        .collect()
}

/// Asserts that `sql`'s one row holds `expected`, column by column (to 1e-9).
pub fn assert_doubles(lake: &Lake, sql: &str, expected: &[Option<f64>]) {
    let got = doubles(lake, sql);
    assert_eq!(got.len(), expected.len(), "{sql}");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        let ok = match (g, e) {
            (Some(g), Some(e)) => (g - e).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        assert!(
            ok,
            "column {i} of {sql}: got {g:?}, expected {e:?}\nall: {got:?}"
        );
    }
}

/// The failures written for `table` on D, as (entity_id, category, reason, can_retry,
/// expected, actual, entity_type).
pub fn failures(lake: &Lake, table: TableId) -> Vec<Vec<String>> {
    rows(
        lake,
        &format!(
            "SELECT entity_id, failure_category, failure_reason, CAST(can_retry AS VARCHAR),
                    CAST(expected_game_count AS VARCHAR), CAST(actual_game_count AS VARCHAR),
                    entity_type
             FROM nba_processing.processing_failures
             WHERE table_name = '{}' AND analysis_date = DATE '{D}'
             ORDER BY entity_id",
            table.name()
        ),
    )
}

/// BOS plays every day from D − 20 to D (20 games before D), NEW from D − 6 to D (6 before D).
pub fn psza_schedule_sql() -> String {
    schedule_sql(&format!(
        "SELECT DATE '{D}' - CAST(i AS INTEGER), 'BOS', 'OPP' FROM range(21) t(i)
         UNION ALL
         SELECT DATE '{D}' - CAST(i AS INTEGER), 'NEW', 'OPP' FROM range(7) t(i)"
    ))
}

// ── player_shot_zone_analysis on real-shaped inputs: games without zone data ────────────────

/// The columns of [`pgs_real_sql`]'s rows: zone attempts and makes (NULL paint and mid-range
/// where the game has no play-by-play), the box score's field-goal attempts and makes, and
/// assisted makes (NULL without play-by-play).
pub const PGS_REAL_COLS: &str = "player, team, game_date, pa, pm, ma, mm, ta, tm, fga, fgm, ast";

/// `nba_analytics.player_game_summary` rows shaped like the real feed's recent seasons: threes,
/// field goals, free throws (2 made) and points come from the box score whatever the zones.
pub fn pgs_real_sql(rows: &str) -> String {
    format!(
        "SELECT player AS player_lookup, player || '_001' AS universal_player_id,
            strftime(game_date, '%Y%m%d') || '_' || team AS game_id, game_date,
            team AS team_abbr, 'OPP' AS opponent_team_abbr, 2023 AS season_year,
            30.0 AS minutes_played, true AS is_active, fga AS fg_attempts, fgm AS fg_makes,
            2 AS ft_makes, 2 * (fgm - tm) + tm * 3 + 2 AS points,
            CAST(pa AS INTEGER) AS paint_attempts, CAST(pm AS INTEGER) AS paint_makes,
            CAST(ma AS INTEGER) AS mid_range_attempts, CAST(mm AS INTEGER) AS mid_range_makes,
            ta AS three_pt_attempts, tm AS three_pt_makes,
            CAST(ast AS INTEGER) AS assisted_fg_makes,
            CAST(fgm - ast AS INTEGER) AS unassisted_fg_makes,
            md5(player || game_date) AS data_hash, game_date + INTERVAL 6 HOUR AS processed_at
        FROM (
            {rows}
        ) r({PGS_REAL_COLS})"
    )
}

/// BOS's players (the schedule of [`psza_schedule_sql`]), each also playing on D:
///
/// * nopbp, 12 games before D, none with zone data: 5 threes (2 made), 12 field goals (5).
/// * mixguy, 10 games: the 4 latest (i = 0..3) without zone data, 10 threes (3 made), 15 field
///   goals (6); the 6 older ones paint 2/4, mid 1/2, threes 1/4, 10 field goals (4), 2 assisted.
/// * nineguy, 10 games: the latest without zone data, the 9 older paint 3/5, mid 1/2, threes
///   1/3, 10 field goals (5), 1 assisted.
pub fn psza_real_rows() -> String {
    let zones = |name: &str, n: usize, cols: [&str; 9]| {
        generated(&format!("'{name}', 'BOS'"), n, "i + 1", &cols)
    };
    [
        zones(
            "nopbp",
            12,
            ["NULL", "NULL", "NULL", "NULL", "5", "2", "12", "5", "NULL"],
        ),
        zones(
            "mixguy",
            10,
            [
                "CASE WHEN i < 4 THEN NULL ELSE 4 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
                "CASE WHEN i < 4 THEN NULL ELSE 1 END",
                "CASE WHEN i < 4 THEN 10 ELSE 4 END",
                "CASE WHEN i < 4 THEN 3 ELSE 1 END",
                "CASE WHEN i < 4 THEN 15 ELSE 10 END",
                "CASE WHEN i < 4 THEN 6 ELSE 4 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
            ],
        ),
        zones(
            "nineguy",
            10,
            [
                "CASE WHEN i = 0 THEN NULL ELSE 5 END",
                "CASE WHEN i = 0 THEN NULL ELSE 3 END",
                "CASE WHEN i = 0 THEN NULL ELSE 2 END",
                "CASE WHEN i = 0 THEN NULL ELSE 1 END",
                "3",
                "1",
                "10",
                "5",
                "CASE WHEN i = 0 THEN NULL ELSE 1 END",
            ],
        ),
        format!(
            "SELECT p, 'BOS', DATE '{D}', NULL, NULL, NULL, NULL, 4, 1, 10, 4, NULL
             FROM (VALUES ('nopbp'), ('mixguy'), ('nineguy')) v(p)"
        ),
    ]
    .join("\nUNION ALL\n")
}

pub fn psza_real_scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, &psza_schedule_sql()),
                (TableId::PlayerGameSummary, &pgs_real_sql(&psza_real_rows())),
            ]);
            for table in [
                PSZA,
                TDZA,
                TableId::PlayerCompositeFactors,
                TableId::PlayerDailyCache,
                TableId::MlFeatureStoreV2,
            ] {
                build(&lake, table);
            }
            (dir, lake)
        })
        .1
}

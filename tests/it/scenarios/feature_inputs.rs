//! Hand-built Phase 3 inputs of one date for the feature store and the daily cache it reads:
//! 2023-12-01, NYK at BOS, 14 days past opening night (2023-10-24); the teams played each other
//! every other day before.
//! - alice (BOS): 10 games of history and a pre-game context.
//! - bob (NYK): six games of history and a pre-game context.
//! - carl (BOS): his first game, no context.
//! - dan (NEW, at home to OLD, two teams with no box scores): his first game.
//!
//! Each test builds its own lake from these, with the Phase 4 rows it needs.

use backcourt::dates::DateRange;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

pub const DAY: &str = "2023-12-01";

/// Games i = 0..=19 on 2023-10-24 + 2i, NYK at BOS; i = 19 is 2023-12-01.
pub const SCHEDULE: &str = "
    SELECT printf('00223%05d', i) AS game_id, CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date,
           2023 AS season_year, 'BOS' AS home_team_tricode, 'NYK' AS away_team_tricode,
           3 AS game_status, 'Final' AS game_status_text, true AS is_regular_season,
           false AS is_playoffs, false AS is_play_in
    FROM range(20) t(i)
    UNION ALL
    SELECT '0022300100', DATE '2023-12-01', 2023, 'NEW', 'OLD', 3, 'Final', true, false, false";

/// Team box scores of games 0..=18: BOS pace 100 + i and rating 110 + i/2,
/// winning unless i is a multiple of 4 (14 of 19); NYK pace 90 + i, rating
/// 105 + i/2, winning the others (5 of 19).
pub const TEAM_OFFENSE: &str = "
    SELECT strftime(CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE), '%Y%m%d') || '_NYK_BOS' AS game_id,
           CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date, team_abbr, 2023 AS season_year,
           base + i AS pace, rating + i / 2 AS offensive_rating,
           CASE WHEN team_abbr = 'BOS' THEN i % 4 <> 0 ELSE i % 4 = 0 END AS win_flag,
           TIMESTAMPTZ '2023-12-01 08:00:00+00' AS processed_at
    FROM range(19) t(i),
         (VALUES ('BOS', 100.0, 110.0), ('NYK', 90.0, 105.0)) v(team_abbr, base, rating)";

/// Box scores. alice: games 9..=18 (20 points, 30 minutes, 4 free throws
/// each, zones 6/4/3). bob: games 13..=18 scoring 10, 12, 14, 16, 24, 30 in
/// 20, 20, 20, 20, 30, 30 minutes, 2 free throws each, zones 5/3/2. All
/// three play on the day.
pub const PLAYER_GAMES: &str = "
    WITH games AS (
        SELECT 'alice' AS player_lookup, 'BOS' AS team_abbr, 'NYK' AS opponent_team_abbr, i,
               20 AS points, 30.0 AS minutes_played, 4 AS ft_makes, 6 AS paint_attempts,
               4 AS mid_range_attempts, 3 AS three_pt_attempts
        FROM range(9, 19) t(i)
        UNION ALL
        SELECT 'bob', 'NYK', 'BOS', i, [10, 12, 14, 16, 24, 30][i - 12],
               [20.0, 20, 20, 20, 30, 30][i - 12], 2, 5, 3, 2
        FROM range(13, 19) t(i)
        UNION ALL
        SELECT p, t, o, 19, 15, 25.0, 1, 4, 2, 2
        FROM (VALUES ('alice', 'BOS', 'NYK'), ('bob', 'NYK', 'BOS'), ('carl', 'BOS', 'NYK')) v(p, t, o)
    )
    SELECT player_lookup, player_lookup || '_001' AS universal_player_id,
           CASE WHEN team_abbr = 'NEW' THEN '20231201_OLD_NEW'
                ELSE strftime(CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE), '%Y%m%d') || '_NYK_BOS'
           END AS game_id,
           CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date, team_abbr,
           opponent_team_abbr, 2023 AS season_year, points, minutes_played, ft_makes,
           10 AS fg_attempts, 5 AS fg_makes, paint_attempts, mid_range_attempts, three_pt_attempts,
           true AS is_active, 20.0 AS usage_rate,
           TIMESTAMPTZ '2023-12-01 08:00:00+00' AS processed_at
    FROM (SELECT * FROM games UNION ALL SELECT 'dan', 'NEW', 'OLD', 19, 8, 18.0, 0, 2, 1, 1)
";

/// Pre-game context on the day for alice (back to back, available) and bob
/// (five days' rest, questionable, opponent ratings from Phase 3).
pub const CONTEXT: &str = "
    SELECT * FROM (VALUES
        ('alice', '20231201_NYK_BOS', DATE '2023-12-01', 'BOS', 'NYK', 1, true, 3, 'available',
         CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE)),
        ('bob', '20231201_NYK_BOS', DATE '2023-12-01', 'NYK', 'BOS', 5, false, 2, 'questionable',
         108.5, 97.5)
    ) t(player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, days_rest, back_to_back,
        games_in_last_7_days, player_status, opponent_def_rating_last_10, opponent_pace_last_10)";

pub fn phase3_inputs() -> Vec<(TableId, &'static str)> {
    vec![
        (TableId::NbacSchedule, SCHEDULE),
        (TableId::TeamOffenseGameSummary, TEAM_OFFENSE),
        (TableId::PlayerGameSummary, PLAYER_GAMES),
        (TableId::UpcomingPlayerGameContext, CONTEXT),
    ]
}

pub fn build(lake: &Lake, table: TableId) {
    let engine = Engine::open(lake).expect("engine");
    let range: DateRange = format!("{DAY}..{DAY}").parse().expect("range");
    engine
        .write_model(
            table,
            table.sql().expect("model"),
            &ModelParams::historical(range),
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

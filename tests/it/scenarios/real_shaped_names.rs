//! A hand-built date shaped like public data, for name resolution and the one line picker
//! (sql/backcourt/resolve_names.sql, sql/backcourt/pregame_lines.sql): Phase 3 and the name
//! tables (nba_processing.name_matches and unresolved_names) built over it.
//!
//! The schedule has no tip-off times, there is no registry and no alias table, the gamebook has
//! no player_lookup column values, the sportsbook spells names its own way ("Nic Claxton",
//! "Herb Jones", "Bub Carrington", "Trey Murphy", "Isaiah Stewart II"), props were snapshotted
//! once a day at 4 pm Eastern, and the injury report writes "Last, First".

use std::sync::OnceLock;

use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::lake_with;

// Two games on 2024-01-15, no tip-off times in the schedule:
// - BKN @ NOP at 8 pm Eastern (the props' commence_time 01:00 UTC on the 16th);
// - WAS @ DET, a 3 pm Eastern matinee (commence_time 20:00 UTC): the day's 4 pm snapshot came
//   after tip-off, so only its morning snapshot counts.
pub const SCHEDULE: &str = "SELECT * FROM (VALUES
    ('0022300600', 'NOP', 'BKN', 110, 100),
    ('0022300601', 'DET', 'WAS', 99, 101)
) t(game_id, home_team_tricode, away_team_tricode, home_team_score, away_team_score),
  (SELECT DATE '2024-01-15' AS game_date, 2023 AS season_year, 3 AS game_status, 'Final' AS game_status_text,
          true AS is_regular_season) d";

pub const GAMEBOOK: &str = "SELECT *, DATE '2024-01-15' AS game_date, 2023 AS season_year,
        TIMESTAMPTZ '2024-01-16 05:00:00+00' AS processed_at FROM (VALUES
    ('20240115_BKN_NOP', 'BKN', 'Nicolas Claxton', 'active', '30:00', 12, 5, 8, 0, 0, 2, 2),
    ('20240115_BKN_NOP', 'BKN', 'Mikal Bridges', 'active', '36:00', 21, 8, 17, 3, 7, 2, 2),
    ('20240115_BKN_NOP', 'BKN', 'Cam Thomas', 'inactive', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    ('20240115_BKN_NOP', 'NOP', 'Herbert Jones', 'active', '31:00', 9, 4, 9, 1, 3, 0, 0),
    ('20240115_BKN_NOP', 'NOP', 'Trey Murphy III', 'active', '33:00', 17, 6, 14, 3, 8, 2, 2),
    ('20240115_BKN_NOP', 'NOP', 'Zion Williamson', 'active', '32:00', 25, 10, 16, 0, 0, 5, 7),
    ('20240115_WAS_DET', 'WAS', 'Carlton Carrington', 'active', '28:00', 11, 4, 10, 2, 5, 1, 2),
    ('20240115_WAS_DET', 'WAS', 'Amen Thompson', 'active', '25:00', 8, 3, 7, 0, 1, 2, 2),
    ('20240115_WAS_DET', 'DET', 'Isaiah Stewart', 'active', '27:00', 7, 3, 6, 1, 2, 0, 0),
    ('20240115_WAS_DET', 'DET', 'Ausar Thompson', 'active', '26:00', 10, 4, 8, 0, 1, 2, 3)
) t(game_id, team_abbr, player_name, player_status, minutes, points, field_goals_made,
    field_goals_attempted, three_pointers_made, three_pointers_attempted, free_throws_made,
    free_throws_attempted)";

/// One snapshot a day (4 pm Eastern = 21:00 UTC), plus an earlier one for the matinee and an
/// in-game one for the evening game, whose moved line must never be read.
pub const ODDS: &str = "SELECT *, DATE '2024-01-15' AS game_date FROM (VALUES
    ('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 10.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-16 02:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_BKN_NOP', 'Mikal Bridges', 'fanduel', 20.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_BKN_NOP', 'Herb Jones', 'draftkings', 8.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_BKN_NOP', 'Trey Murphy', 'draftkings', 15.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_BKN_NOP', 'Jordan Hawkins', 'draftkings', 11.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-16 01:00:00+00'),
    ('20240115_WAS_DET', 'Bub Carrington', 'draftkings', 9.5, TIMESTAMPTZ '2024-01-15 16:00:00+00', TIMESTAMPTZ '2024-01-15 20:00:00+00'),
    ('20240115_WAS_DET', 'Bub Carrington', 'draftkings', 12.5, TIMESTAMPTZ '2024-01-15 21:00:00+00', TIMESTAMPTZ '2024-01-15 20:00:00+00'),
    ('20240115_WAS_DET', 'Isaiah Stewart II', 'draftkings', 7.5, TIMESTAMPTZ '2024-01-15 16:00:00+00', TIMESTAMPTZ '2024-01-15 20:00:00+00'),
    ('20240115_WAS_DET', 'A. Thompson', 'draftkings', 9.5, TIMESTAMPTZ '2024-01-15 16:00:00+00', TIMESTAMPTZ '2024-01-15 20:00:00+00')
) t(game_id, player_name, bookmaker, points_line, snapshot_timestamp, commence_time)";

/// BettingPros (no game id, no tip-off time): Zion only there, before tip-off; Ausar Thompson
/// after the matinee's tip-off, so no line.
pub const BETTINGPROS: &str =
    "SELECT *, DATE '2024-01-15' AS game_date, true AS is_active FROM (VALUES
    ('Zion Williamson', 'NOP', 'draftkings', 22.5, 23.5, TIMESTAMPTZ '2024-01-15 21:00:00+00'),
    ('Ausar Thompson', 'DET', 'draftkings', 9.5, 9.5, TIMESTAMPTZ '2024-01-15 21:00:00+00')
) t(player_name, player_team, bookmaker, points_line, opening_line, bookmaker_last_update)";

/// The NBA.com injury report writes "Last, First"; a real scraper keys it on that.
pub const INJURIES: &str = "SELECT *, DATE '2024-01-14' AS report_date, 17 AS report_hour,
        DATE '2024-01-15' AS game_date, 1.0 AS confidence_score FROM (VALUES
    ('BKN', 'Claxton, Nicolas', 'claxtonnicolas', 'questionable', 'Injury/Illness - Ankle'),
    ('BKN', 'Thomas, Cam', 'thomascam', 'out', 'Injury/Illness - Hamstring')
) t(team, player_name, player_lookup, injury_status, reason)";

pub const DATE: &str = "2024-01-15";

/// The hand-built date's feeds plus `extra`, with Phase 3 and the name tables built over it.
pub fn built(extra: &[(TableId, &'static str)]) -> (tempfile::TempDir, Lake) {
    let mut tables = vec![
        (TableId::NbacSchedule, SCHEDULE),
        (TableId::NbacGamebookPlayerStats, GAMEBOOK),
        (TableId::OddsApiPlayerPointsProps, ODDS),
        (TableId::BettingprosPlayerPointsProps, BETTINGPROS),
        (TableId::NbacInjuryReport, INJURIES),
    ];
    tables.extend_from_slice(extra);
    let (dir, lake) = lake_with(&tables);
    {
        let engine = Engine::open(&lake).expect("engine");
        let params = ModelParams::historical(DATE.parse().expect("date"));
        backcourt::analytics::build(&engine, &params).expect("Phase 3");
    }
    (dir, lake)
}

/// The hand-built lake, built once for the tests that read it.
pub fn lake() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE.get_or_init(|| built(&[])).1
}

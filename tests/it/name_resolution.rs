//! Name resolution and the one line picker on real-shaped feeds
//! (sql/backcourt/resolve_names.sql, sql/backcourt/pregame_lines.sql,
//! nba_processing.name_matches and unresolved_names).
//!
//! The hand-built date is shaped like public data: the schedule has no
//! tip-off times, there is no registry and no alias table, the gamebook has
//! no player_lookup column values, the sportsbook spells names its own way
//! ("Nic Claxton", "Herb Jones", "Bub Carrington", "Trey Murphy",
//! "Isaiah Stewart II"), props were snapshotted once a day at 4 pm Eastern,
//! and the injury report writes "Last, First".

use std::sync::OnceLock;

use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{lake_with, rows};

// Two games on 2024-01-15, no tip-off times in the schedule:
// - BKN @ NOP at 8 pm Eastern (the props' commence_time 01:00 UTC on the 16th);
// - WAS @ DET, a 3 pm Eastern matinee (commence_time 20:00 UTC): the day's 4 pm snapshot came
//   after tip-off, so only its morning snapshot counts.
const SCHEDULE: &str = "SELECT * FROM (VALUES
    ('0022300600', 'NOP', 'BKN', 110, 100),
    ('0022300601', 'DET', 'WAS', 99, 101)
) t(game_id, home_team_tricode, away_team_tricode, home_team_score, away_team_score),
  (SELECT DATE '2024-01-15' AS game_date, 2023 AS season_year, 3 AS game_status, 'Final' AS game_status_text,
          true AS is_regular_season) d";

const GAMEBOOK: &str = "SELECT *, DATE '2024-01-15' AS game_date, 2023 AS season_year,
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
const ODDS: &str = "SELECT *, DATE '2024-01-15' AS game_date FROM (VALUES
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
const BETTINGPROS: &str = "SELECT *, DATE '2024-01-15' AS game_date, true AS is_active FROM (VALUES
    ('Zion Williamson', 'NOP', 'draftkings', 22.5, 23.5, TIMESTAMPTZ '2024-01-15 21:00:00+00'),
    ('Ausar Thompson', 'DET', 'draftkings', 9.5, 9.5, TIMESTAMPTZ '2024-01-15 21:00:00+00')
) t(player_name, player_team, bookmaker, points_line, opening_line, bookmaker_last_update)";

/// The NBA.com injury report writes "Last, First"; a real scraper keys it on that.
const INJURIES: &str = "SELECT *, DATE '2024-01-14' AS report_date, 17 AS report_hour,
        DATE '2024-01-15' AS game_date, 1.0 AS confidence_score FROM (VALUES
    ('BKN', 'Claxton, Nicolas', 'claxtonnicolas', 'questionable', 'Injury/Illness - Ankle'),
    ('BKN', 'Thomas, Cam', 'thomascam', 'out', 'Injury/Illness - Hamstring')
) t(team, player_name, player_lookup, injury_status, reason)";

const DATE: &str = "2024-01-15";

/// The hand-built date's feeds plus `extra`, with Phase 3 and the name tables built over it.
fn built(extra: &[(TableId, &'static str)]) -> (tempfile::TempDir, Lake) {
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
fn lake() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE.get_or_init(|| built(&[])).1
}

/// `(player_lookup, points_line)` of every player-game of `table` (`line` names its column).
fn lines(table: &str, line: &str) -> Vec<Vec<String>> {
    rows(
        lake(),
        &format!(
            "SELECT player_lookup, coalesce(CAST({line} AS VARCHAR), 'NULL') FROM {table} \
             ORDER BY player_lookup"
        ),
    )
}

#[test]
fn every_spelling_meets_its_player_by_the_first_method_that_finds_him() {
    let found = rows(
        lake(),
        "SELECT feed, source_name, player_lookup, method FROM nba_processing.name_matches \
         WHERE feed <> 'nbac_injury_report' ORDER BY source_name",
    );
    let expected = [
        // The same surname and a first name that is a prefix of the other.
        [
            "odds_api_player_points_props",
            "Herb Jones",
            "herbertjones",
            "fuzzy",
        ],
        [
            "odds_api_player_points_props",
            "Nic Claxton",
            "nicolasclaxton",
            "fuzzy",
        ],
        // A nickname sharing nothing: the only Carrington of the game.
        [
            "odds_api_player_points_props",
            "Bub Carrington",
            "carltoncarrington",
            "surname",
        ],
        // Suffixes dropped on either side.
        [
            "odds_api_player_points_props",
            "Isaiah Stewart II",
            "isaiahstewart",
            "suffix",
        ],
        [
            "odds_api_player_points_props",
            "Trey Murphy",
            "treymurphyiii",
            "suffix",
        ],
    ];
    let mut expected: Vec<Vec<String>> = expected
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    expected.sort_by(|a, b| a[1].cmp(&b[1]));
    assert_eq!(found, expected);
    // The identity is not recorded: Mikal Bridges and Zion Williamson are spelt as listed.
    let exact = rows(
        lake(),
        "SELECT count(*) FROM nba_processing.name_matches WHERE method = 'exact'",
    );
    assert_eq!(exact, [["0"]]);
}

#[test]
fn last_first_injury_names_resolve_and_the_status_reaches_the_player() {
    let matched = rows(
        lake(),
        "SELECT source_name, player_lookup, method FROM nba_processing.name_matches \
         WHERE feed = 'nbac_injury_report' ORDER BY 1",
    );
    assert_eq!(
        matched,
        [
            ["Claxton, Nicolas", "nicolasclaxton", "suffix"],
            ["Thomas, Cam", "camthomas", "suffix"],
        ]
    );
    // Claxton played; his pre-game context carries the status the report gave him.
    let status = rows(
        lake(),
        "SELECT player_status FROM nba_analytics.upcoming_player_game_context \
         WHERE player_lookup = 'nicolasclaxton'",
    );
    assert_eq!(status, [["questionable"]]);
}

#[test]
fn a_name_no_player_of_the_game_answers_to_is_a_row_of_unresolved_names() {
    let unresolved = rows(
        lake(),
        "SELECT feed, source_lookup, scope_teams, reason, feed_rows, candidates \
         FROM nba_processing.unresolved_names ORDER BY source_lookup",
    );
    assert_eq!(
        unresolved,
        [
            // Two Thompsons in the game: never a guess.
            [
                "odds_api_player_points_props",
                "athompson",
                "DET,WAS",
                "ambiguous",
                "1",
                "4"
            ],
            // Not listed for either team.
            [
                "odds_api_player_points_props",
                "jordanhawkins",
                "BKN,NOP",
                "no_match",
                "1",
                "6"
            ],
        ]
    );
}

#[test]
fn an_alias_row_settles_a_spelling_the_game_alone_cannot() {
    // The same date with one alias row: the team's own mapping of the sportsbook's "A. Thompson".
    // The game has two Thompsons, so without it the name is ambiguous (above); with it, the alias
    // names Amen, by method 'alias', and his line reaches both Phase 3 tables.
    let (_dir, lake) = built(&[(
        TableId::PlayerAliases,
        "SELECT 'athompson' AS alias_lookup, 'amenthompson' AS nba_canonical_lookup, \
         'abbreviation' AS alias_type, true AS is_active",
    )]);
    assert_eq!(
        rows(
            &lake,
            "SELECT source_name, player_lookup, method FROM nba_processing.name_matches \
             WHERE source_name = 'A. Thompson'",
        ),
        [["A. Thompson", "amenthompson", "alias"]]
    );
    assert_eq!(
        rows(
            &lake,
            "SELECT source_lookup FROM nba_processing.unresolved_names ORDER BY 1",
        ),
        [["jordanhawkins"]]
    );
    for (table, line) in [
        ("nba_analytics.player_game_summary", "points_line"),
        (
            "nba_analytics.upcoming_player_game_context",
            "current_points_line",
        ),
    ] {
        assert_eq!(
            rows(
                &lake,
                &format!(
                    "SELECT CAST({line} AS VARCHAR) FROM {table} \
                     WHERE player_lookup = 'amenthompson'"
                ),
            ),
            [["9.5"]],
            "{table}"
        );
    }
}

#[test]
fn lines_are_cut_at_the_best_tip_off_known_and_both_phase_3_tables_agree() {
    let summary = lines("nba_analytics.player_game_summary", "points_line");
    let expected = [
        // The matinee: the 4 pm snapshot came after the props' commence_time.
        ["ausarthompson", "NULL"],
        ["carltoncarrington", "9.5"],
        // The in-game 14.5 is past commence_time; the 4 pm 10.5 is before it (a noon
        // Eastern cutoff would have lost it).
        ["herbertjones", "8.5"],
        ["isaiahstewart", "7.5"],
        ["amenthompson", "NULL"],
        ["mikalbridges", "20.5"],
        ["nicolasclaxton", "10.5"],
        ["treymurphyiii", "15.5"],
        // BettingPros only, cut at the Odds API's commence_time for his team-date.
        ["zionwilliamson", "22.5"],
    ];
    let mut expected: Vec<Vec<String>> = expected
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    expected.sort();
    assert_eq!(summary, expected);
    let context = lines(
        "nba_analytics.upcoming_player_game_context",
        "current_points_line",
    );
    assert_eq!(context, summary, "the two Phase 3 tables disagree");

    let meta = rows(
        lake(),
        "SELECT player_lookup, json_extract_string(quality_metadata, 'line_name_match'), \
                json_extract_string(quality_metadata, 'line_tip_source') \
         FROM nba_analytics.player_game_summary WHERE points_line IS NOT NULL ORDER BY 1",
    );
    assert!(
        meta.iter()
            .all(|r| r[2] == "commence_time" && !r[1].is_empty()),
        "{meta:?}"
    );
    let sources = rows(
        lake(),
        "SELECT current_points_line_source, opening_points_line, \
                json_extract_string(quality_metadata, 'line_feed') \
         FROM nba_analytics.upcoming_player_game_context WHERE player_lookup = 'zionwilliamson'",
    );
    assert_eq!(sources, [["draftkings", "23.5", "bettingpros"]]);
}

#[test]
fn a_game_with_a_schedule_time_is_cut_there_not_at_commence_time() {
    // The evening game gets its tip-off from the schedule (00:30 UTC), earlier than the props'
    // commence_time: the 4 pm snapshot still counts, an 00:45 one no longer does.
    let schedule = SCHEDULE.replace(
        "true AS is_regular_season",
        "true AS is_regular_season, TIMESTAMPTZ '2024-01-16 00:30:00+00' AS game_time_utc",
    );
    let odds = ODDS.replace(
        "('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-16 02:00:00+00'",
        "('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-16 00:45:00+00'",
    );
    let (_dir, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule),
        (TableId::NbacGamebookPlayerStats, GAMEBOOK),
        (TableId::OddsApiPlayerPointsProps, &odds),
    ]);
    let engine = Engine::open(&lake).expect("engine");
    let params = ModelParams::historical(DATE.parse().expect("date"));
    backcourt::analytics::build(&engine, &params).expect("Phase 3");
    let found = rows(
        &lake,
        "SELECT points_line, json_extract_string(quality_metadata, 'line_tip_source') \
         FROM nba_analytics.player_game_summary WHERE player_lookup = 'nicolasclaxton'",
    );
    assert_eq!(found, [["10.5", "schedule"]]);
}

//! `nba_analytics.player_game_summary` (reference-phase3 §3): formulas and
//! fallbacks on hand-built rows, invariants on the generated league, and one
//! test per reference [BUG] the model fixes (§10 items 1, 2, 3 and 5). Also
//! the one line picker (sql/backcourt/pregame_lines.sql) on the real-shaped
//! date of [`crate::scenarios::real_shaped_names`], where
//! upcoming_player_game_context must agree.

use std::sync::OnceLock;

use arrow::array::{ArrayRef, RecordBatch};
use backcourt::calendar::Calendar;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::scenarios::real_shaped_names::{self, lake};
use crate::util::{analytics_league, assert_none, int, lake_with, rows};

const PGS: TableId = TableId::PlayerGameSummary;

/// The system game id (`YYYYMMDD_AWAY_HOME`) of a schedule row `s`: every Phase 3 table's game_id.
const SYSTEM_ID: &str =
    "strftime(s.game_date, '%Y%m%d') || '_' || s.away_team_tricode || '_' || s.home_team_tricode";

// ── Hand-built rows ─────────────────────────────────────────────────────────────────────────────
//
// One date, three games:
// - LAL @ PHI (`0022300561`): gamebook (plus a copy of Embiid filed under the reversed id), BDL
//   under the reversed id `20240115_PHI_LAL` with Austin Reaves whom the gamebook does not list and
//   Moritz Wagner under his nickname with no alias; BigDataBall (ids prefixed, suffix and accents
//   dropped) and an NBA.com feed that must lose to it; PHI's team box score only.
// - BOS @ MIA (`0022300562`): gamebook and NBA.com play-by-play only, one shot at 0.0 ft.
// - DAL @ HOU (`0022300563`): no play-by-play, no schedule score (team box scores decide the
//   winner), Luka Dončić not in the registry.
// Tip-offs 00:00, 00:30 and 01:00 UTC on the 16th.

const SCHEDULE: &str = "SELECT * FROM (VALUES
    ('0022300561', DATE '2024-01-15', 2023, 'PHI', 'LAL', 3, 'Final', 110, 105, 'PHI', true, TIMESTAMPTZ '2024-01-16 00:00:00+00'),
    ('0022300562', DATE '2024-01-15', 2023, 'MIA', 'BOS', 3, 'Final', 90, 100, 'BOS', true, TIMESTAMPTZ '2024-01-16 00:30:00+00'),
    ('0022300563', DATE '2024-01-15', 2023, 'HOU', 'DAL', 3, 'Final', NULL, NULL, NULL, true, TIMESTAMPTZ '2024-01-16 01:00:00+00')
) t(game_id, game_date, season_year, home_team_tricode, away_team_tricode, game_status,
    game_status_text, home_team_score, away_team_score, winning_team_tricode, is_regular_season,
    game_time_utc)";

const GAMEBOOK: &str = "SELECT *, TIMESTAMPTZ '2024-01-16 03:00:00+00' AS processed_at FROM (VALUES
    ('20240115_LAL_PHI', 'PHI', 'Joel Embiid', 'joelembiid', 'active', true, '34:30', 9, 3, 5, 1, 2, 2, 2, 2, 8, 5, 1, 2, 3, 2, 7),
    ('20240115_PHI_LAL', 'PHI', 'Joel Embiid', 'joelembiid', 'active', true, '34:30', 9, 3, 5, 1, 2, 2, 2, 2, 8, 5, 1, 2, 3, 2, 7),
    ('20240115_LAL_PHI', 'PHI', 'Dario Šarić Jr.', 'dariosaricjr', 'active', false, '12:15', 2, 1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, -2),
    ('20240115_LAL_PHI', 'PHI', 'Moritz Wagner', 'moritzwagner', 'active', true, '3:00', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    ('20240115_LAL_PHI', 'PHI', 'Paul Reed', 'paulreed', 'active', false, '0:00', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    ('20240115_LAL_PHI', 'PHI', 'Tyrese Maxey', 'tyresemaxey', 'dnp', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    ('20240115_LAL_PHI', 'LAL', 'LeBron James', 'lebronjames', 'active', true, '36:00', 3, 1, 1, 1, 1, 0, 0, 0, 5, 7, 1, 1, 1, 2, -5),
    ('20240115_LAL_PHI', 'LAL', 'Anthony Davis', 'anthonydavis', 'active', true, '30:00', 2, 0, 0, 0, 0, 2, 2, 3, 9, 1, 0, 1, 0, 3, -5),
    ('20240115_BOS_MIA', 'BOS', 'Jayson Tatum', 'jaysontatum', 'active', true, '38:00', 5, 2, 3, 1, 1, 0, 0, 1, 6, 4, 1, 0, 2, 2, 10),
    ('20240115_BOS_MIA', 'BOS', 'Jaylen Brown', 'jaylenbrown', 'active', true, '20:00', 0, 0, 1, 0, 0, 0, 0, 0, 2, 1, 0, 0, 1, 3, 10),
    ('20240115_DAL_HOU', 'DAL', 'Luka Dončić', 'lukadoncic', 'active', true, '40:00', 2, 1, 1, 0, 0, 0, 0, 1, 10, 9, 2, 0, 4, 1, 20)
) t(game_id, team_abbr, player_name, player_lookup, player_status, starter, minutes, points,
    field_goals_made, field_goals_attempted, three_pointers_made, three_pointers_attempted,
    free_throws_made, free_throws_attempted, offensive_rebounds, defensive_rebounds, assists,
    steals, blocks, turnovers, personal_fouls, plus_minus),
    (SELECT DATE '2024-01-15' AS game_date, 2023 AS season_year) d";

const BDL: &str = "SELECT *, '20240115_PHI_LAL' AS game_id, DATE '2024-01-15' AS game_date,
        2023 AS season_year, TIMESTAMPTZ '2024-01-16 04:00:00+00' AS processed_at FROM (VALUES
    ('PHI', 'Joel Embiid', 'joelembiid', '34:30', 9, 5, 10, 2, 8, 1, 2, 3, 2, 3, 5, 1, 2, 2, 2),
    ('PHI', 'Dario Šarić Jr.', 'darioarijr', '12:15', 2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0),
    ('PHI', 'Moe Wagner', 'moewagner', '3:00', 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0),
    ('LAL', 'LeBron James', 'lebronjames', '36:00', 3, 7, 5, 0, 5, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0),
    ('LAL', 'Anthony Davis', 'anthonydavis', '30:00', 2, 1, 12, 3, 9, 0, 1, 0, 3, 0, 0, 0, 0, 2, 2),
    ('LAL', 'Austin Reaves', 'austinreaves', '35', 2, 4, 3, 1, 2, 1, 0, 2, 3, 1, 2, 0, 1, 0, 0)
) t(team_abbr, player_full_name, player_lookup, minutes, points, assists, rebounds,
    offensive_rebounds, defensive_rebounds, steals, blocks, turnovers, personal_fouls,
    field_goals_made, field_goals_attempted, three_pointers_made, three_pointers_attempted,
    free_throws_made, free_throws_attempted)";

const TEAM_BOX: &str = "SELECT *, DATE '2024-01-15' AS game_date, 2023 AS season_year FROM (VALUES
    ('20240115_LAL_PHI', 'PHI', true, '240:00', 85, 20, 12, 110),
    ('20240115_DAL_HOU', 'DAL', false, '240:00', 80, 22, 10, 120),
    ('20240115_DAL_HOU', 'HOU', true, '240:00', 90, 18, 14, 100)
) t(game_id, team_abbr, is_home, minutes, fg_attempted, ft_attempted, turnovers, points)";

const BIGDATABALL: &str = "SELECT *, '20240115_LAL_PHI' AS game_id, DATE '2024-01-15' AS game_date,
        'PHI' AS home_team_abbr, 'LAL' AS away_team_abbr,
        TIMESTAMPTZ '2024-01-16 05:00:00+00' AS processed_at FROM (VALUES
    (1, 'shot', 'driving layup', '1630000joelembiid', 'PHI', '1627000darioari', 'assist', true, '2PT', 3.0),
    (2, 'shot', 'pullup jump shot', '1630000joelembiid', 'PHI', '2544lebronjames', 'block', false, '2PT', 12.0),
    (3, 'shot', 'driving layup', '1630000joelembiid', 'PHI', NULL, NULL, true, '2PT', 8.0),
    (4, 'free throw', 'free throw 1/1', '1630000joelembiid', 'PHI', NULL, NULL, true, 'FT', NULL),
    (5, 'shot', '3pt jump shot', '1630000joelembiid', 'PHI', NULL, NULL, true, '3PT', 25.0),
    (6, 'shot', '3pt jump shot', '1630000joelembiid', 'PHI', NULL, NULL, false, '3PT', 24.0),
    (7, 'free throw', 'free throw technical', '1630000joelembiid', 'PHI', NULL, NULL, true, 'FT', NULL),
    (8, 'shot', 'driving layup', '1627000darioari', 'PHI', NULL, NULL, true, '2PT', 2.0),
    (9, 'shot', 'pullup jump shot', '1627000darioari', 'PHI', NULL, NULL, false, '2PT', 15.0),
    (10, 'shot', '3pt jump shot', '2544lebronjames', 'LAL', NULL, NULL, true, '3PT', 26.0),
    (11, 'shot', 'driving layup', '1628000austinreaves', 'LAL', NULL, NULL, true, '2PT', 6.0),
    (12, 'shot', '3pt jump shot', '1628000austinreaves', 'LAL', NULL, NULL, false, '3PT', 24.0),
    (13, 'free throw', 'free throw 1/2', '3000anthonydavis', 'LAL', NULL, NULL, true, 'FT', NULL),
    (14, 'free throw', 'free throw 2/2', '3000anthonydavis', 'LAL', NULL, NULL, true, 'FT', NULL)
) t(event_sequence, event_type, event_subtype, player_1_lookup, player_1_team_abbr,
    player_2_lookup, player_2_role, shot_made, shot_type, shot_distance)";

const NBAC_PBP: &str = "SELECT *, DATE '2024-01-15' AS game_date,
        TIMESTAMPTZ '2024-01-16 05:00:00+00' AS processed_at FROM (VALUES
    ('20240115_LAL_PHI', 'PHI', 'LAL', 1, 'fieldgoal', 'joelembiid', 'PHI', true, '2PT', 0.0),
    ('20240115_BOS_MIA', 'MIA', 'BOS', 1, 'fieldgoal', 'jaysontatum', 'BOS', true, '2PT', 0.0),
    ('20240115_BOS_MIA', 'MIA', 'BOS', 2, 'fieldgoal', 'jaysontatum', 'BOS', true, '3PT', 0.0),
    ('20240115_BOS_MIA', 'MIA', 'BOS', 3, 'fieldgoal', 'jaysontatum', 'BOS', false, '2PT', 5.0),
    ('20240115_BOS_MIA', 'MIA', 'BOS', 4, 'fieldgoal', 'jaylenbrown', 'BOS', false, '2PT', 4.0)
) t(game_id, home_team_abbr, away_team_abbr, event_sequence, event_type, player_1_lookup,
    player_1_team_abbr, shot_made, shot_type, shot_distance)";

const ODDS: &str = "SELECT *, DATE '2024-01-15' AS game_date FROM (VALUES
    ('20240115_LAL_PHI', 'joelembiid', 'draftkings', 8.5, TIMESTAMPTZ '2024-01-15 15:00:00+00'),
    ('20240115_PHI_LAL', 'joelembiid', 'draftkings', 9.5, TIMESTAMPTZ '2024-01-15 23:00:00+00'),
    ('20240115_LAL_PHI', 'joelembiid', 'draftkings', 7.5, TIMESTAMPTZ '2024-01-16 00:00:00+00'),
    ('20240115_LAL_PHI', 'joelembiid', 'draftkings', 5.5, TIMESTAMPTZ '2024-01-16 00:40:00+00'),
    ('20240115_LAL_PHI', 'joelembiid', 'fanduel', 10.5, TIMESTAMPTZ '2024-01-15 23:30:00+00'),
    ('20240115_LAL_PHI', 'joelembiid', 'betmgm', 8.5, TIMESTAMPTZ '2024-01-15 23:45:00+00'),
    ('20240115_LAL_PHI', 'dariosaricjr', 'fanduel', 1.5, TIMESTAMPTZ '2024-01-15 20:00:00+00'),
    ('20240115_LAL_PHI', 'dariosaricjr', 'fanduel', 2.0, TIMESTAMPTZ '2024-01-15 23:00:00+00'),
    ('20240115_LAL_PHI', 'lebronjames', 'caesars', 4.5, TIMESTAMPTZ '2024-01-15 23:00:00+00'),
    ('20240115_LAL_PHI', 'lebronjames', 'betmgm', 2.5, TIMESTAMPTZ '2024-01-15 22:00:00+00'),
    ('20240115_LAL_PHI', 'anthonydavis', 'draftkings', 1.5, TIMESTAMPTZ '2024-01-16 00:30:00+00')
) t(game_id, player_lookup, bookmaker, points_line, snapshot_timestamp)";

const BETTINGPROS: &str = "SELECT *, DATE '2024-01-15' AS game_date, true AS is_active FROM (VALUES
    ('austinreaves', 'LAL', 'draftkings', 1.5, 2.5, TIMESTAMPTZ '2024-01-15 22:00:00+00'),
    ('austinreaves', 'LAL', 'fanduel', 0.5, 3.5, TIMESTAMPTZ '2024-01-15 22:30:00+00'),
    ('joelembiid', 'PHI', 'draftkings', 30.5, 30.5, TIMESTAMPTZ '2024-01-15 22:00:00+00'),
    ('paulreed', 'PHI', 'draftkings', 0.5, 0.5, TIMESTAMPTZ '2024-01-16 00:10:00+00')
) t(player_lookup, player_team, bookmaker, points_line, opening_line, bookmaker_last_update)";

const REGISTRY: &str = "SELECT lookup || '_001' AS universal_player_id, lookup AS player_lookup,
        name AS player_name, team AS team_abbr, 2023 AS season_year FROM (VALUES
    ('joelembiid', 'Joel Embiid', 'PHI'), ('dariosaricjr', 'Dario Šarić Jr.', 'PHI'),
    ('moritzwagner', 'Moritz Wagner', 'PHI'), ('paulreed', 'Paul Reed', 'PHI'),
    ('tyresemaxey', 'Tyrese Maxey', 'PHI'), ('lebronjames', 'LeBron James', 'LAL'),
    ('anthonydavis', 'Anthony Davis', 'LAL'), ('austinreaves', 'Austin Reaves', 'LAL'),
    ('jaysontatum', 'Jayson Tatum', 'BOS'), ('jaylenbrown', 'Jaylen Brown', 'BOS')
) t(lookup, name, team)";

/// The hand-built lake with the model written over its one date.
fn hand_built() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, SCHEDULE),
                (TableId::NbacGamebookPlayerStats, GAMEBOOK),
                (TableId::BdlPlayerBoxscores, BDL),
                (TableId::NbacTeamBoxscore, TEAM_BOX),
                (TableId::BigdataballPlayByPlay, BIGDATABALL),
                (TableId::NbacPlayByPlay, NBAC_PBP),
                (TableId::OddsApiPlayerPointsProps, ODDS),
                (TableId::BettingprosPlayerPointsProps, BETTINGPROS),
                (TableId::NbaPlayersRegistry, REGISTRY),
            ]);
            {
                let engine = Engine::open(&lake).expect("engine");
                let params = ModelParams::historical("2024-01-15..2024-01-15".parse().unwrap());
                engine
                    .write_model(PGS, PGS.sql().expect("PGS is a SQL model"), &params)
                    .expect("player_game_summary over the hand-built rows");
            }
            (dir, lake)
        })
        .1
}

/// `columns` (comma-separated SQL expressions) of `player`'s row, each as text ('NULL' for NULL).
fn row_of(player: &str, columns: &str) -> Vec<String> {
    let select = columns
        .split(',')
        .map(|c| format!("coalesce(CAST(({c}) AS VARCHAR), 'NULL')"))
        .collect::<Vec<_>>()
        .join(", ");
    let found = rows(
        hand_built(),
        &format!(
            "SELECT {select} FROM nba_analytics.player_game_summary WHERE player_lookup = '{player}'"
        ),
    );
    assert_eq!(found.len(), 1, "one row for {player}: {found:?}");
    found.into_iter().next().unwrap()
}

#[test]
fn players_who_played_get_one_row_each_and_dnps_none() {
    let players = rows(
        hand_built(),
        "SELECT player_lookup, game_id, team_abbr, opponent_team_abbr, primary_source_used
         FROM nba_analytics.player_game_summary ORDER BY game_id, team_abbr, player_lookup",
    );
    // Game ids are the schedule's system ids (YYYYMMDD_AWAY_HOME), as in every Phase 3 table.
    let (bos, dal, lal) = ("20240115_BOS_MIA", "20240115_DAL_HOU", "20240115_LAL_PHI");
    let expected = [
        ["jaylenbrown", bos, "BOS", "MIA", "nbac_gamebook"],
        ["jaysontatum", bos, "BOS", "MIA", "nbac_gamebook"],
        ["lukadoncic", dal, "DAL", "HOU", "nbac_gamebook"],
        ["anthonydavis", lal, "LAL", "PHI", "nbac_gamebook"],
        ["austinreaves", lal, "LAL", "PHI", "bdl_boxscores"],
        ["lebronjames", lal, "LAL", "PHI", "nbac_gamebook"],
        ["dariosaricjr", lal, "PHI", "LAL", "nbac_gamebook"],
        ["joelembiid", lal, "PHI", "LAL", "nbac_gamebook"],
        ["moritzwagner", lal, "PHI", "LAL", "nbac_gamebook"],
        ["paulreed", lal, "PHI", "LAL", "nbac_gamebook"],
    ];
    assert_eq!(players, expected.map(|r| r.map(String::from).to_vec()));
}

#[test]
fn a_game_filed_under_reversed_ids_gives_one_row_per_player_with_the_schedules_system_id() {
    // Embiid's gamebook row exists under both id orders and his BDL row under the reversed one:
    // the id is built from the schedule row (LAL at PHI), never taken from a feed (§10 item 1).
    assert_eq!(
        row_of("joelembiid", "game_id, points, source_nbac_rows_found"),
        ["20240115_LAL_PHI", "9", "8"]
    );
}

#[test]
fn a_player_missing_from_a_partial_gamebook_gets_his_bdl_line_with_every_column() {
    // §10 item 3: the reference fell back to BDL per game (so Reaves was lost, his teammates
    // being in the gamebook) and nulled FGA/3PA/FTA/OREB/DREB on BDL rows.
    assert_eq!(
        row_of(
            "austinreaves",
            "minutes_played, points, fg_attempts, fg_makes, three_pt_attempts, ft_attempts, \
             offensive_rebounds, defensive_rebounds, plus_minus, starter_flag, quality_tier, \
             quality_issues, quality_used_fallback, universal_player_id"
        ),
        [
            "35.0",
            "2",
            "2",
            "1",
            "1",
            "0",
            "1",
            "2",
            "NULL",
            "NULL",
            "silver",
            r#"["backup_source_used"]"#,
            "true",
            "austinreaves_001"
        ]
    );
}

#[test]
fn a_nickname_with_no_alias_is_matched_by_its_box_line_not_duplicated() {
    // BDL's "Moe Wagner" resolves to nobody; his box line pairs him with the gamebook's Moritz.
    assert_eq!(
        int(
            hand_built(),
            "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary WHERE player_lookup LIKE '%wagner'"
        ),
        1
    );
    assert_eq!(
        row_of("moritzwagner", "source_bdl_completeness_pct"),
        // Six of the game's seven players are in BDL (Paul Reed is not).
        ["85.71"]
    );
}

#[test]
fn minutes_parse_to_decimals_and_zero_minutes_stay_zero() {
    // §10 item 3: the reference stored whole minutes and turned 0:00 into NULL.
    assert_eq!(row_of("joelembiid", "minutes_played"), ["34.5"]);
    assert_eq!(row_of("dariosaricjr", "minutes_played"), ["12.25"]);
    assert_eq!(
        row_of("paulreed", "minutes_played, personal_fouls"),
        ["0.0", "1"]
    );
}

#[test]
fn usage_rate_uses_team_totals_from_the_box_score_or_the_players() {
    // Embiid: 100·(5 + 0.44·2 + 3)·(240/5) / (34.5·(85 + 0.44·20 + 12)) = 11.6775…
    assert_eq!(row_of("joelembiid", "usage_rate"), ["11.68"]);
    // LAL has no team box score: FGA 1+0+2, FTA 0+2+0, TOV 1+0+2 from its players.
    // Reaves: 100·(2 + 0 + 2)·48 / (35·(3 + 0.88 + 3)) = 79.734…
    assert_eq!(row_of("austinreaves", "usage_rate"), ["79.73"]);
    // No minutes, no usage.
    assert_eq!(row_of("paulreed", "usage_rate"), ["NULL"]);
}

#[test]
fn shooting_percentages_are_null_only_without_a_denominator() {
    // TS = 9 / (2·(5 + 0.44·2)) = 0.7653; eFG = (3 + 0.5·1) / 5.
    assert_eq!(row_of("joelembiid", "ts_pct, efg_pct"), ["0.765", "0.7"]);
    // No FGA: eFG has no denominator, TS does (free throws): 2 / (2·0.88).
    assert_eq!(row_of("anthonydavis", "ts_pct, efg_pct"), ["1.136", "NULL"]);
    // 0 for 1 is a real zero (the reference stored it as NULL).
    assert_eq!(row_of("jaylenbrown", "ts_pct, efg_pct"), ["0.0", "0.0"]);
    assert_eq!(row_of("moritzwagner", "ts_pct, efg_pct"), ["NULL", "NULL"]);
}

#[test]
fn starter_and_win_flags_are_real() {
    // §10 item 3: win_flag was always FALSE; starter_flag was minutes > 20.
    assert_eq!(
        row_of("moritzwagner", "starter_flag, win_flag"),
        ["true", "true"]
    );
    assert_eq!(
        row_of("dariosaricjr", "starter_flag, win_flag"),
        ["false", "true"]
    );
    assert_eq!(row_of("lebronjames", "win_flag"), ["false"]);
    assert_eq!(row_of("jaysontatum", "win_flag"), ["true"]);
    // No schedule score: the team box scores decide (120 to 100).
    assert_eq!(row_of("lukadoncic", "win_flag"), ["true"]);
    assert_eq!(row_of("joelembiid", "plus_minus"), ["7"]);
}

#[test]
fn shot_zones_come_from_bigdataball_by_distance() {
    // Embiid: 3.0 and 8.0 ft made (paint), 12.0 ft missed (mid), two threes; one assisted make,
    // an and-one free throw (1/1) and a technical that is not one.
    assert_eq!(
        row_of(
            "joelembiid",
            "paint_attempts, paint_makes, mid_range_attempts, mid_range_makes, three_pt_attempts, \
             assisted_fg_makes, unassisted_fg_makes, and1_count, primary_source_used, data_sources"
        ),
        [
            "2",
            "2",
            "1",
            "0",
            "2",
            "1",
            "2",
            "1",
            "nbac_gamebook",
            r#"["bigdataball_pbp","nbac_gamebook","nbac_schedule","nbac_team_boxscore","odds_api"]"#
        ]
    );
    // The block of Embiid's 12-footer is LeBron's, credited to the blocker by zone.
    assert_eq!(
        row_of(
            "lebronjames",
            "paint_blocks, mid_range_blocks, three_pt_blocks, paint_attempts, mid_range_attempts"
        ),
        ["0", "1", "0", "0", "0"]
    );
}

#[test]
fn bigdataball_names_with_id_prefix_dropped_suffix_and_deleted_accents_join() {
    // §10 item 2: `1627000darioari` is Dario Šarić Jr. (no alias row; his registry name says so).
    assert_eq!(
        row_of(
            "dariosaricjr",
            "paint_attempts, paint_makes, mid_range_attempts, universal_player_id, quality_tier"
        ),
        ["1", "1", "1", "dariosaricjr_001", "gold"]
    );
    // Embiid's assist came from him, and Reaves (BDL only) joins his shots too.
    assert_eq!(
        row_of(
            "austinreaves",
            "paint_attempts, paint_makes, mid_range_attempts, three_pt_attempts"
        ),
        ["1", "1", "0", "1"]
    );
}

#[test]
fn nbac_play_by_play_is_the_per_game_fallback_and_zero_feet_is_unknown_not_paint() {
    // §10 item 5: the 0.0 ft two is unknown, so Tatum's paint/mid split is NULL, not 2 paint.
    assert_eq!(
        row_of(
            "jaysontatum",
            "paint_attempts, mid_range_attempts, assisted_fg_makes, quality_tier, quality_issues"
        ),
        [
            "NULL",
            "NULL",
            "NULL",
            "silver",
            r#"["shot_distance_unknown","shot_zones_from_nbac_pbp"]"#
        ]
    );
    assert_eq!(
        row_of(
            "jaylenbrown",
            "paint_attempts, paint_makes, mid_range_attempts, and1_count, quality_score"
        ),
        ["1", "0", "0", "NULL", "85.0"]
    );
}

#[test]
fn a_game_without_play_by_play_has_null_zones_and_an_unresolved_player_keeps_his_row() {
    // §10 item 3: the reference dropped players the registry did not know.
    assert_eq!(
        row_of(
            "lukadoncic",
            "universal_player_id, paint_attempts, three_pt_blocks, assisted_fg_makes, \
             shot_zones_estimated, quality_tier, quality_issues, is_production_ready, \
             source_bbd_rows_found, source_nbac_pbp_hash"
        ),
        [
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "false",
            "bronze",
            r#"["registry_unresolved","shot_zones_unavailable"]"#,
            "true",
            "NULL",
            "NULL"
        ]
    );
}

#[test]
fn the_line_is_the_last_pre_tip_snapshot_of_the_first_bookmaker_by_priority() {
    // §10 item 3: the reference picked an arbitrary snapshot with no pre-game cutoff. DraftKings
    // outranks FanDuel's later 10.5; its snapshots at tip-off (7.5) and after (5.5) are ignored.
    assert_eq!(
        row_of(
            "joelembiid",
            "points_line, points_line_source, opening_line, opening_line_source, line_movement, \
             over_under_result, margin"
        ),
        [
            "9.5",
            "draftkings",
            "8.5",
            "draftkings",
            "1.0",
            "UNDER",
            "-0.5"
        ]
    );
    // FanDuel alone: 1.5 then 2.0, a push on 2 points.
    assert_eq!(
        row_of(
            "dariosaricjr",
            "points_line, points_line_source, opening_line, line_movement, over_under_result, margin"
        ),
        ["2.0", "fanduel", "1.5", "0.5", "PUSH", "0.0"]
    );
    // Neither DraftKings nor FanDuel: the others alphabetically (betmgm before caesars).
    assert_eq!(
        row_of(
            "lebronjames",
            "points_line, points_line_source, over_under_result, margin"
        ),
        ["2.5", "betmgm", "OVER", "0.5"]
    );
    // Only an in-game snapshot: no line, no result.
    assert_eq!(
        row_of(
            "anthonydavis",
            "points_line, over_under_result, margin, line_movement"
        ),
        ["NULL", "NULL", "NULL", "NULL"]
    );
}

#[test]
fn bettingpros_is_the_fallback_for_lines_and_also_stops_at_tip_off() {
    // Reaves has no Odds-API line: BettingPros' DraftKings row with its own opening line.
    assert_eq!(
        row_of(
            "austinreaves",
            "points_line, points_line_source, opening_line, line_movement, over_under_result, data_sources"
        ),
        [
            "1.5",
            "draftkings",
            "2.5",
            "-1.0",
            "OVER",
            r#"["bdl_boxscores","bettingpros","bigdataball_pbp","nbac_schedule"]"#
        ]
    );
    // Embiid's Odds-API line wins over BettingPros' 30.5; Reed's only row is after tip-off.
    assert_eq!(row_of("joelembiid", "points_line"), ["9.5"]);
    assert_eq!(row_of("paulreed", "points_line"), ["NULL"]);
}

// ── The generated league ────────────────────────────────────────────────────────────────────────

/// Team-games with BigDataBall play-by-play, as (game_date, team_abbr).
const BDB_TEAM_GAMES: &str = "(SELECT DISTINCT game_date, team_abbr FROM (
    SELECT game_date, home_team_abbr AS team_abbr FROM nba_raw.bigdataball_play_by_play
    UNION ALL SELECT game_date, away_team_abbr FROM nba_raw.bigdataball_play_by_play))";

#[test]
fn the_league_has_exactly_one_row_per_player_game_played() {
    let lake = analytics_league();
    // The generator's truth lists every player-game played under the canonical lookup.
    assert_eq!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary"
        ),
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_synthetic.player_game_truth"
        )
    );
    assert_none(
        lake,
        "SELECT t.game_date, t.team_abbr, t.player_lookup FROM nba_synthetic.player_game_truth t
         ANTI JOIN nba_analytics.player_game_summary p
           ON p.game_date = t.game_date AND p.team_abbr = t.team_abbr AND p.player_lookup = t.player_lookup",
        "player-games played without a row",
    );
    // Every active gamebook row is there under its own lookup, with the schedule's game id.
    assert_none(
        lake,
        "SELECT g.game_date, g.team_abbr, g.player_lookup FROM nba_raw.nbac_gamebook_player_stats g
         ANTI JOIN nba_analytics.player_game_summary p
           ON p.game_date = g.game_date AND p.team_abbr = g.team_abbr AND p.player_lookup = g.player_lookup
         WHERE g.player_status = 'active'",
        "active gamebook rows without a row",
    );
    assert_none(
        lake,
        &format!(
            "SELECT p.game_id, p.game_date FROM nba_analytics.player_game_summary p
         ANTI JOIN nba_raw.nbac_schedule s
           ON {SYSTEM_ID} = p.game_id AND s.game_date = p.game_date
          AND p.team_abbr IN (s.home_team_tricode, s.away_team_tricode)
          AND p.opponent_team_abbr IN (s.home_team_tricode, s.away_team_tricode)"
        ),
        "game ids and opponents not the schedule's",
    );
    // Games with no gamebook are filled from BDL, and so are the reversed-id BDL games.
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary WHERE primary_source_used = 'bdl_boxscores'"
        ) > 500
    );
}

#[test]
fn league_points_are_two_field_goals_plus_threes_plus_free_throws() {
    assert_none(
        analytics_league(),
        "SELECT game_id, player_lookup FROM nba_analytics.player_game_summary
         WHERE points IS DISTINCT FROM 2 * fg_makes + three_pt_makes + ft_makes",
        "points identity",
    );
}

#[test]
fn league_zones_add_up_to_field_goal_attempts_wherever_play_by_play_places_them() {
    let lake = analytics_league();
    assert_none(
        lake,
        "SELECT game_id, player_lookup FROM nba_analytics.player_game_summary
         WHERE paint_attempts + mid_range_attempts + three_pt_attempts <> fg_attempts
            OR paint_makes + mid_range_makes + three_pt_makes <> fg_makes
            OR assisted_fg_makes + unassisted_fg_makes <> fg_makes",
        "zones that do not add up",
    );
    // Missing zones are always explained.
    assert_none(
        lake,
        "SELECT game_id, player_lookup, quality_issues FROM nba_analytics.player_game_summary
         WHERE paint_attempts IS NULL AND quality_issues NOT LIKE '%shot_distance_unknown%'
           AND quality_issues NOT LIKE '%shot_zones_unavailable%'",
        "NULL zones without an issue",
    );
    // The NBA.com games without coordinates exist, and their 0.0 ft shots are not paint.
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary
             WHERE quality_issues LIKE '%shot_distance_unknown%' AND paint_attempts IS NULL"
        ) > 100
    );
}

#[test]
fn league_names_join_across_sources_so_every_bigdataball_game_has_zones_for_everyone() {
    let lake = analytics_league();
    // §10 item 2: suffixes, accents, nicknames and (from 2024-25) id prefixes differ between the
    // box scores and BigDataBall; every player of a BigDataBall team-game still gets his zones.
    assert_none(
        lake,
        &format!(
            "SELECT p.game_id, p.player_lookup, p.quality_issues
             FROM nba_analytics.player_game_summary p
             SEMI JOIN {BDB_TEAM_GAMES} b ON b.game_date = p.game_date AND b.team_abbr = p.team_abbr
             WHERE p.paint_attempts IS NULL OR p.assisted_fg_makes IS NULL OR p.universal_player_id IS NULL"
        ),
        "BigDataBall team-games with a player left out",
    );
    // Every BigDataBall shot, assist and block is credited to a row of the right team.
    assert_none(
        lake,
        "WITH shots AS (
            SELECT game_date, player_1_team_abbr AS team_abbr, count(*) AS fga,
                   count(*) FILTER (WHERE shot_made AND player_2_role = 'assist') AS assisted,
                   count(*) FILTER (WHERE player_2_role = 'block') AS blocked
            FROM nba_raw.bigdataball_play_by_play WHERE shot_type IN ('2PT', '3PT') GROUP BY ALL),
         credited AS (
            SELECT game_date, team_abbr, opponent_team_abbr,
                   sum(paint_attempts + mid_range_attempts + three_pt_attempts) AS fga,
                   sum(assisted_fg_makes) AS assisted,
                   sum(paint_blocks + mid_range_blocks + three_pt_blocks) AS blocks
            FROM nba_analytics.player_game_summary GROUP BY ALL)
         SELECT s.*, c.fga, c.assisted, o.blocks FROM shots s
         LEFT JOIN credited c USING (game_date, team_abbr)
         LEFT JOIN credited o ON o.game_date = s.game_date AND o.opponent_team_abbr = s.team_abbr
         WHERE c.fga IS DISTINCT FROM s.fga OR c.assisted IS DISTINCT FROM s.assisted
            OR o.blocks IS DISTINCT FROM s.blocked",
        "BigDataBall events not credited",
    );
    // The names that differ are many: accented or suffixed players, and a whole prefixed season.
    assert!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary p
                 SEMI JOIN {BDB_TEAM_GAMES} b ON b.game_date = p.game_date AND b.team_abbr = p.team_abbr
                 WHERE regexp_matches(p.player_full_name, '[^\\x00-\\x7F]|\\s(Jr\\.|Sr\\.|II|III|IV)$')"
            )
        ) > 2_000
    );
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_raw.bigdataball_play_by_play
             WHERE regexp_matches(player_1_lookup, '^[0-9]+')"
        ) > 100_000
    );
}

#[test]
fn league_lines_come_from_the_last_snapshot_before_tip_off_by_bookmaker_priority() {
    let lake = analytics_league();
    // Recompute from the raw feed: the snapshots of (player, bookmaker) strictly before the
    // schedule's tip-off. Names resolve through the alias table, the schedule through the game id.
    let pre_tip = format!(
        "WITH odds AS (
            SELECT o.game_date, coalesce(a.nba_canonical_lookup, o.player_lookup) AS player_lookup,
                   o.bookmaker, o.points_line, o.snapshot_timestamp, {SYSTEM_ID} AS game_id,
                   o.snapshot_timestamp < s.game_time_utc AS pre_tip
            FROM nba_raw.odds_api_player_points_props o
            LEFT JOIN nba_reference.player_aliases a ON a.alias_lookup = o.player_lookup
            JOIN nba_raw.nbac_schedule s ON s.game_date = o.game_date
             AND {SYSTEM_ID} = o.game_id)"
    );
    let checked = format!(
        "{pre_tip}
         SELECT p.game_id, p.player_lookup, p.points_line, p.opening_line,
                arg_max(o.points_line, o.snapshot_timestamp) FILTER (WHERE o.pre_tip) AS last_pre_tip,
                arg_min(o.points_line, o.snapshot_timestamp) FILTER (WHERE o.pre_tip) AS first_pre_tip
         FROM nba_analytics.player_game_summary p
         JOIN odds o ON o.game_id = p.game_id AND o.player_lookup = p.player_lookup
          AND o.bookmaker = p.points_line_source
         WHERE p.data_sources LIKE '%odds_api%'
         GROUP BY ALL"
    );
    assert_none(
        lake,
        &format!(
            "SELECT * FROM ({checked}) WHERE last_pre_tip IS DISTINCT FROM points_line
                OR first_pre_tip IS DISTINCT FROM opening_line"
        ),
        "lines that are not the chosen book's last pre-tip snapshot",
    );
    assert!(int(lake, &format!("SELECT count(*)::BIGINT FROM ({checked})")) > 50_000);
    // The in-game snapshot moved in most games, so reading it would have been caught above.
    assert!(
        int(
            lake,
            &format!(
                "{pre_tip} SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary p
                 JOIN odds o ON o.game_id = p.game_id AND o.player_lookup = p.player_lookup
                  AND o.bookmaker = p.points_line_source AND NOT o.pre_tip
                 WHERE o.points_line <> p.points_line"
            )
        ) > 20_000
    );
    // DraftKings is used whenever it quoted the player before tip-off.
    assert_none(
        lake,
        &format!(
            "{pre_tip} SELECT p.game_id, p.player_lookup, p.points_line_source
             FROM nba_analytics.player_game_summary p
             SEMI JOIN odds o ON o.game_id = p.game_id AND o.player_lookup = p.player_lookup
              AND o.bookmaker = 'draftkings' AND o.pre_tip
             WHERE p.points_line_source IS DISTINCT FROM 'draftkings'"
        ),
        "DraftKings passed over",
    );
    assert_none(
        lake,
        "SELECT game_id, player_lookup FROM nba_analytics.player_game_summary
         WHERE (points_line IS NULL) <> (over_under_result IS NULL)
            OR over_under_result <> CASE WHEN points > points_line THEN 'OVER'
                                         WHEN points < points_line THEN 'UNDER' ELSE 'PUSH' END
            OR margin IS DISTINCT FROM points - points_line
            OR line_movement IS DISTINCT FROM points_line - opening_line",
        "prop results",
    );
}

#[test]
fn league_usage_rates_of_a_team_add_up_to_one_hundred_in_overtime_too() {
    let lake = analytics_league();
    // Σ usage·minutes / (team minutes / 5) is 100 when the team totals are the players' sums;
    // overtime games (265+ minutes) break a formula with a fixed 48.
    assert_none(
        lake,
        "SELECT p.game_id, p.team_abbr, sum(p.usage_rate * p.minutes_played) / (max(t.m) / 5) AS total
         FROM nba_analytics.player_game_summary p
         JOIN (SELECT game_date, team_abbr, CAST(split_part(minutes, ':', 1) AS DOUBLE) AS m
               FROM nba_raw.nbac_team_boxscore) t USING (game_date, team_abbr)
         GROUP BY ALL HAVING abs(total - 100) > 0.1",
        "team usage not 100",
    );
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_raw.nbac_team_boxscore WHERE minutes <> '240:00'"
        ) > 100
    );
    // One winner per game, the schedule's.
    assert_none(
        lake,
        &format!(
            "SELECT p.game_id, p.team_abbr FROM nba_analytics.player_game_summary p
         JOIN nba_raw.nbac_schedule s ON {SYSTEM_ID} = p.game_id AND s.game_date = p.game_date
         WHERE p.win_flag IS DISTINCT FROM (p.team_abbr = s.winning_team_tricode)"
        ),
        "win flags",
    );
}

#[test]
fn league_dates_are_the_calendar_game_dates() {
    let lake = analytics_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let expected: Vec<String> = calendar.game_dates().map(|d| d.to_string()).collect();
    let got: Vec<String> = rows(
        lake,
        "SELECT DISTINCT game_date FROM nba_analytics.player_game_summary ORDER BY 1",
    )
    .concat();
    assert_eq!(got, expected);
}

#[test]
fn league_tables_all_key_a_game_by_the_schedules_system_id() {
    // §10 item 1: the reference wrote NBA.com ids in some tables and system ids in others, so
    // the joins between them missed. One id everywhere: YYYYMMDD_AWAY_HOME of the schedule row.
    let lake = analytics_league();
    let tables = [
        (PGS, "team_abbr"),
        (TableId::TeamOffenseGameSummary, "team_abbr"),
        (TableId::TeamDefenseGameSummary, "defending_team_abbr"),
        (TableId::UpcomingPlayerGameContext, "team_abbr"),
        (TableId::UpcomingTeamGameContext, "team_abbr"),
    ];
    let played =
        "(SELECT * FROM nba_raw.nbac_schedule WHERE coalesce(game_status_text, '') <> 'PPD')";
    for (table, team) in tables {
        assert_none(
            lake,
            &format!(
                "SELECT t.game_id, t.game_date, t.{team}, {SYSTEM_ID} AS expected FROM {table} t
                 LEFT JOIN {played} s ON s.game_date = t.game_date
                  AND t.{team} IN (s.home_team_tricode, s.away_team_tricode)
                 WHERE t.game_id IS DISTINCT FROM {SYSTEM_ID}"
            ),
            &format!("{table}: game ids that are not the schedule row's system id"),
        );
    }
    // The same set of games in every table.
    let (first, _) = tables[0];
    for (table, _) in &tables[1..] {
        assert_none(
            lake,
            &format!(
                "(SELECT game_id FROM {first} EXCEPT SELECT game_id FROM {table})
                 UNION ALL
                 (SELECT game_id FROM {table} EXCEPT SELECT game_id FROM {first})"
            ),
            &format!("game ids in only one of {first} and {table}"),
        );
    }
    // The offence table also keeps the NBA.com id of the same schedule row.
    assert_none(
        lake,
        &format!(
            "SELECT t.game_id, t.team_abbr, t.nba_game_id FROM {} t
             LEFT JOIN {played} s ON s.game_date = t.game_date AND {SYSTEM_ID} = t.game_id
             WHERE t.nba_game_id IS DISTINCT FROM s.game_id",
            TableId::TeamOffenseGameSummary
        ),
        "nba_game_id that is not the schedule row's NBA.com id",
    );
    assert!(
        int(
            lake,
            "SELECT count(DISTINCT game_id)::BIGINT FROM nba_analytics.player_game_summary"
        ) > 1000
    );
}

/// Every row of `batches` whose `game_date` is `date`, all columns rendered, sorted.
fn rendered_rows(batches: &[RecordBatch], date: &str) -> Vec<String> {
    use arrow::datatypes::DataType;
    use arrow::util::display::array_value_to_string;
    let mut out = Vec::new();
    for b in batches {
        // Registry order; timestamps as integers (arrow's display cannot parse the "UTC" zone).
        let cols: Vec<ArrayRef> =
            PGS.def()
                .columns
                .iter()
                .map(|c| {
                    let col = b.column_by_name(c.name).expect("registry column");
                    match col.data_type() {
                        DataType::Timestamp(..) => arrow::compute::cast(col, &DataType::Int64)
                            .expect("timestamp to integer"),
                        _ => col.clone(),
                    }
                })
                .collect();
        let date_col = b.column_by_name("game_date").expect("game_date");
        for r in 0..b.num_rows() {
            if array_value_to_string(date_col, r).expect("date") != date {
                continue;
            }
            let row: Vec<String> = cols
                .iter()
                .map(|c| array_value_to_string(c, r).expect("displayable"))
                .collect();
            out.push(row.join("|"));
        }
    }
    out.sort();
    out
}

#[test]
fn a_one_date_run_equals_that_date_inside_a_longer_run() {
    // DESIGN principle 3 (replay equivalence) and determinism: no wall clock, no range leakage.
    let lake = analytics_league();
    let engine = Engine::open(lake).expect("engine");
    let sql = PGS.sql().expect("PGS is a SQL model");
    let run = |range: &str| {
        engine
            .run_model(PGS, sql, &ModelParams::historical(range.parse().unwrap()))
            .expect("model run")
            .rows
    };
    let alone = rendered_rows(&run("2024-01-15..2024-01-15"), "2024-01-15");
    let inside = rendered_rows(&run("2024-01-01..2024-01-31"), "2024-01-15");
    assert!(alone.len() > 50, "{} rows", alone.len());
    assert_eq!(alone, inside);
    assert_eq!(
        alone,
        rendered_rows(&run("2024-01-15..2024-01-15"), "2024-01-15")
    );
}

// ── Lines on real-shaped feeds ([`real_shaped_names`]) ─────────────────────────────────────────

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
    let schedule = real_shaped_names::SCHEDULE.replace(
        "true AS is_regular_season",
        "true AS is_regular_season, TIMESTAMPTZ '2024-01-16 00:30:00+00' AS game_time_utc",
    );
    let odds = real_shaped_names::ODDS.replace(
        "('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-16 02:00:00+00'",
        "('20240115_BKN_NOP', 'Nic Claxton', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-16 00:45:00+00'",
    );
    let (_dir, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule),
        (
            TableId::NbacGamebookPlayerStats,
            real_shaped_names::GAMEBOOK,
        ),
        (TableId::OddsApiPlayerPointsProps, &odds),
    ]);
    let engine = Engine::open(&lake).expect("engine");
    let params = ModelParams::historical(real_shaped_names::DATE.parse().expect("date"));
    backcourt::analytics::build(&engine, &params).expect("Phase 3");
    let found = rows(
        &lake,
        "SELECT points_line, json_extract_string(quality_metadata, 'line_tip_source') \
         FROM nba_analytics.player_game_summary WHERE player_lookup = 'nicolasclaxton'",
    );
    assert_eq!(found, [["10.5", "schedule"]]);
}

//! nba_analytics.team_offense_game_summary (`sql/nba_analytics/team_offense_game_summary.sql`,
//! reference-phase3 §4): formulas against the hand-built game of [`crate::scenarios::team_game`],
//! and invariants of the generated league. Each reference [BUG] of §10 that concerns the table is
//! pinned by a test named after it.
//!
//! team_defense_game_summary reads its opponent's offence from this table, so the hand-built
//! games here also check the defence's mirror of each number, and the tests asserting one rule of
//! both team tables (rows per game, date coverage, one-date replay, quality columns) are here.
//! What the defence computes itself is in `team_defense_game_summary.rs`.

use backcourt::calendar::Calendar;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::scenarios::team_game::{
    bdb_pbp, bdl, build_team, gamebook, nbac_pbp, one, schedule, tdgs, team_box, togs, Line,
    PlayerRow, NBA_ID, REVERSED_ID, SYSTEM_ID, TDGS, TOGS,
};
use crate::util::{analytics_league, assert_none, float, int, lake_with, rows};

fn togs_f(lake: &Lake, team: &str, column: &str) -> f64 {
    float(
        lake,
        &format!("SELECT CAST({column} AS DOUBLE) FROM {TOGS} WHERE team_abbr = '{team}'"),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn possessions_ratings_and_true_shooting_follow_the_reference_formulas() {
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("240:00")),
    ]);
    build_team(&lake);
    // BOS: 88 + 0.44·20 + 14 − 10 = 100.8 possessions; LAL: 85 + 0.44·22 + 15 − 12 = 97.68.
    assert_eq!(togs(&lake, "BOS", "possessions"), "101");
    assert_eq!(togs(&lake, "LAL", "possessions"), "98");
    // Ratings use the unrounded estimate: 110 / 100.8 · 100 and 100 / 97.68 · 100.
    assert!(close(togs_f(&lake, "BOS", "offensive_rating"), 109.13));
    assert!(close(togs_f(&lake, "LAL", "offensive_rating"), 102.38));
    // TS% = PTS / (2·(FGA + 0.44·FTA)): 110 / 193.6 and 100 / 189.36.
    assert!(close(togs_f(&lake, "BOS", "ts_pct"), 0.568));
    assert!(close(togs_f(&lake, "LAL", "ts_pct"), 0.528));
    // Regulation: pace is possessions per 48 minutes.
    assert!(close(togs_f(&lake, "BOS", "pace"), 100.8));
    assert!(close(togs_f(&lake, "LAL", "pace"), 97.7));
    assert_eq!(togs(&lake, "BOS", "overtime_periods"), "0");
    // Result and identity.
    assert_eq!(togs(&lake, "BOS", "win_flag"), "true");
    assert_eq!(togs(&lake, "LAL", "win_flag"), "false");
    assert_eq!(togs(&lake, "BOS", "margin_of_victory"), "10");
    assert_eq!(togs(&lake, "LAL", "margin_of_victory"), "-10");
    // One id across Phase 3 (§10 item 1): the schedule row's system id; the NBA.com id beside it.
    assert_eq!(togs(&lake, "BOS", "game_id"), SYSTEM_ID);
    assert_eq!(togs(&lake, "BOS", "nba_game_id"), NBA_ID);
    assert_eq!(togs(&lake, "BOS", "opponent_team_abbr"), "LAL");
    assert_eq!(togs(&lake, "BOS", "home_game"), "true");
    assert_eq!(
        togs(&lake, "BOS", "primary_source_used"),
        "nbac_team_boxscore"
    );
    assert_eq!(togs(&lake, "BOS", "quality_tier"), "gold");
    assert_eq!(togs(&lake, "BOS", "quality_reconstructed"), "false");
    assert_eq!(togs(&lake, "BOS", "source_nbac_boxscore_rows_found"), "2");
    // No play-by-play: zones unknown, flagged, not zero.
    assert_eq!(togs(&lake, "BOS", "team_paint_attempts"), "");
    assert_eq!(togs(&lake, "BOS", "second_chance_points_scored"), "");
    assert_eq!(
        togs(&lake, "BOS", "quality_issues"),
        r#"["shot_zones_unavailable"]"#
    );
    assert_eq!(togs(&lake, "BOS", "data_hash").len(), 16);

    // TDGS is the opponent's offence seen from the defence.
    assert_eq!(tdgs(&lake, "BOS", "points_allowed"), "100");
    assert_eq!(tdgs(&lake, "BOS", "opp_fg_attempts"), "85");
    assert_eq!(tdgs(&lake, "BOS", "turnovers_forced"), "15");
    assert_eq!(tdgs(&lake, "BOS", "fouls_committed"), "19");
    assert_eq!(tdgs(&lake, "BOS", "three_pt_points_allowed"), "24");
    assert_eq!(tdgs(&lake, "BOS", "steals"), "8");
    assert_eq!(tdgs(&lake, "BOS", "defensive_rebounds"), "35");
    assert_eq!(tdgs(&lake, "BOS", "defensive_rating"), "102.38");
    assert_eq!(tdgs(&lake, "BOS", "opponent_ts_pct"), "0.528");
    assert_eq!(tdgs(&lake, "BOS", "win_flag"), "true");
    assert_eq!(tdgs(&lake, "BOS", "margin_of_victory"), "10");
    assert_eq!(tdgs(&lake, "LAL", "defensive_rating"), "109.13");
    assert_eq!(tdgs(&lake, "LAL", "win_flag"), "false");
    assert_eq!(tdgs(&lake, "LAL", "home_game"), "false");
    assert_eq!(
        tdgs(&lake, "BOS", "primary_source_used"),
        "nbac_team_boxscore+nbac_team_boxscore"
    );
    // No BigDataBall: blocks by zone are unknown, not 0 (the reference filled 0).
    assert_eq!(tdgs(&lake, "BOS", "blocks_paint"), "");
}

#[test]
fn bug_overtime_is_counted_and_pace_is_normalised_to_48_minutes_in_both_tables() {
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("265:00")),
    ]);
    build_team(&lake);
    assert_eq!(togs(&lake, "BOS", "overtime_periods"), "1");
    // 53 game minutes: 100.8 · 48 / 53 and 97.68 · 48 / 53.
    assert!(close(togs_f(&lake, "BOS", "pace"), 91.3));
    assert!(close(togs_f(&lake, "LAL", "pace"), 88.5));
    // Ratings are per possession, untouched by the extra minutes.
    assert!(close(togs_f(&lake, "BOS", "offensive_rating"), 109.13));
    // The reference's TDGS wrote overtime_periods = 0 and an opponent pace of raw possessions.
    assert_eq!(tdgs(&lake, "BOS", "overtime_periods"), "1");
    assert_eq!(tdgs(&lake, "BOS", "opponent_pace"), "88.5");
    assert_eq!(tdgs(&lake, "LAL", "opponent_pace"), "91.3");
}

#[test]
fn box_score_minutes_missing_take_overtime_from_the_play_by_play_periods() {
    // The reference read NULL minutes as 240 (no overtime, pace over 48 minutes).
    let events = [
        (1, 1, "BOS", "fieldgoal", "'2PT'", "true", "3.0"),
        (2, 6, "LAL", "fieldgoal", "'2PT'", "true", "3.0"),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("NULL")),
        (TableId::NbacPlayByPlay, &nbac_pbp(SYSTEM_ID, &events)),
    ]);
    build_team(&lake);
    assert_eq!(togs(&lake, "BOS", "overtime_periods"), "2");
    // 100.8 · 48 / 58.
    assert!(close(togs_f(&lake, "BOS", "pace"), 83.4));
    assert_eq!(tdgs(&lake, "LAL", "overtime_periods"), "2");
}

#[test]
fn bug_nbac_distance_zero_is_an_unknown_zone_not_paint_and_the_fallback_reads_fieldgoal_events() {
    let events = [
        (1, 1, "BOS", "fieldgoal", "'2PT'", "true", "3.0"),
        (2, 1, "BOS", "fieldgoal", "'2PT'", "false", "8.0"),
        (3, 1, "BOS", "fieldgoal", "'2PT'", "true", "8.1"),
        (4, 1, "BOS", "fieldgoal", "'2PT'", "false", "21.9"),
        // A three is a three whatever its (missing) distance.
        (5, 1, "BOS", "fieldgoal", "'3PT'", "true", "0.0"),
        (6, 1, "LAL", "fieldgoal", "'2PT'", "true", "4.0"),
        // No coordinates: the reference counted this as paint.
        (7, 1, "LAL", "fieldgoal", "'2PT'", "false", "0.0"),
        (8, 1, "LAL", "freethrow", "'FT'", "true", "NULL"),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("240:00")),
        (TableId::NbacPlayByPlay, &nbac_pbp(SYSTEM_ID, &events)),
    ]);
    build_team(&lake);
    assert_eq!(togs(&lake, "BOS", "team_paint_attempts"), "2");
    assert_eq!(togs(&lake, "BOS", "team_paint_makes"), "1");
    assert_eq!(togs(&lake, "BOS", "team_mid_range_attempts"), "2");
    assert_eq!(togs(&lake, "BOS", "team_mid_range_makes"), "1");
    assert_eq!(togs(&lake, "BOS", "points_in_paint_scored"), "2");
    assert_eq!(togs(&lake, "BOS", "shot_zones_available"), "true");
    assert_eq!(togs(&lake, "BOS", "shot_zones_source"), "nbac_pbp");
    assert_eq!(togs(&lake, "BOS", "quality_issues"), "[]");
    // One shot of unknown zone makes LAL's zones unknown: NULL and flagged, never a low count.
    assert_eq!(togs(&lake, "LAL", "team_paint_attempts"), "");
    assert_eq!(togs(&lake, "LAL", "team_mid_range_attempts"), "");
    assert_eq!(togs(&lake, "LAL", "shot_zones_available"), "false");
    assert_eq!(
        togs(&lake, "LAL", "quality_issues"),
        r#"["shot_zones_unavailable"]"#
    );
    // TDGS takes the NBA.com fallback ('fieldgoal' events; the reference looked for
    // 'shot'/'miss'/'made' and found none).
    assert_eq!(tdgs(&lake, "LAL", "opp_paint_attempts"), "2");
    assert_eq!(tdgs(&lake, "LAL", "opp_mid_range_makes"), "1");
    assert_eq!(tdgs(&lake, "LAL", "points_in_paint_allowed"), "2");
    assert_eq!(tdgs(&lake, "LAL", "mid_range_points_allowed"), "2");
    assert_eq!(tdgs(&lake, "BOS", "opp_paint_attempts"), "");
    // NBA.com has no blocker: blocks by zone stay unknown.
    assert_eq!(tdgs(&lake, "LAL", "blocks_paint"), "");
    assert_eq!(
        tdgs(&lake, "LAL", "quality_issues"),
        r#"["zone_blocks_unavailable"]"#
    );
}

#[test]
fn second_chance_points_are_scored_after_an_offensive_rebound_within_the_possession() {
    let events = [
        (1, 1, "BOS", "fieldgoal", "'2PT'", "false", "5.0"),
        (2, 1, "BOS", "rebound", "NULL", "NULL", "NULL"),
        (3, 1, "BOS", "fieldgoal", "'2PT'", "true", "3.0"),
        (4, 1, "LAL", "fieldgoal", "'3PT'", "true", "25.0"),
        (5, 1, "BOS", "fieldgoal", "'3PT'", "false", "26.0"),
        (6, 1, "LAL", "rebound", "NULL", "NULL", "NULL"),
        (7, 1, "LAL", "fieldgoal", "'2PT'", "false", "12.0"),
        (8, 1, "LAL", "rebound", "NULL", "NULL", "NULL"),
        (9, 1, "LAL", "freethrow", "'FT'", "true", "NULL"),
        (10, 1, "LAL", "freethrow", "'FT'", "true", "NULL"),
        (11, 1, "BOS", "turnover", "NULL", "NULL", "NULL"),
        (12, 1, "BOS", "fieldgoal", "'2PT'", "true", "2.0"),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("240:00")),
        (TableId::NbacPlayByPlay, &nbac_pbp(SYSTEM_ID, &events)),
    ]);
    build_team(&lake);
    // BOS: the putback after its own miss (2); the basket after its turnover is not.
    assert_eq!(togs(&lake, "BOS", "second_chance_points_scored"), "2");
    // LAL: two free throws after its offensive rebound; the three after BOS's score is not.
    assert_eq!(togs(&lake, "LAL", "second_chance_points_scored"), "2");
    assert_eq!(tdgs(&lake, "BOS", "second_chance_points_allowed"), "2");
}

fn player<'a>(game_id: &'a str, team: &'a str, name: &'a str, line: Line) -> PlayerRow<'a> {
    PlayerRow {
        game_id,
        team,
        name,
        status: "active",
        minutes: "48:00",
        line,
    }
}

/// 10 points: 4/9 FG, 1/3 3P, 1/2 FT, 1 OREB, 2 TOV.
const TEN: Line = Line {
    fgm: 4,
    fga: 9,
    tpm: 1,
    tpa: 3,
    ftm: 1,
    fta: 2,
    oreb: 1,
    dreb: 4,
    ast: 2,
    stl: 1,
    blk: 1,
    tov: 2,
    pf: 2,
};

/// 8 points: 3/8 FG, 1/2 3P, 1/1 FT.
const EIGHT: Line = Line {
    fgm: 3,
    fga: 8,
    tpm: 1,
    tpa: 2,
    ftm: 1,
    fta: 1,
    oreb: 0,
    dreb: 3,
    ast: 1,
    stl: 2,
    blk: 0,
    tov: 1,
    pf: 3,
};

/// 7 points: 3/5 FG, 0/1 3P, 1/2 FT, 2 OREB.
const SEVEN: Line = Line {
    fgm: 3,
    fga: 5,
    tpm: 0,
    tpa: 1,
    ftm: 1,
    fta: 2,
    oreb: 2,
    dreb: 1,
    ast: 0,
    stl: 0,
    blk: 0,
    tov: 1,
    pf: 1,
};

#[test]
fn a_missing_team_box_score_is_rebuilt_from_player_rows_and_flagged() {
    let g = SYSTEM_ID;
    let mut gb = vec![
        player(g, "BOS", "Nikola Jokić", TEN),
        player(g, "BOS", "Player Two", TEN),
        player(g, "BOS", "Player Three", TEN),
        player(g, "BOS", "Player Four", TEN),
        player(g, "BOS", "Player Five", TEN),
        player(g, "LAL", "Laker One", EIGHT),
        player(g, "LAL", "Laker Two", EIGHT),
        player(g, "LAL", "Laker Three", EIGHT),
        player(g, "LAL", "Laker Four", EIGHT),
        player(g, "LAL", "Laker Five", EIGHT),
    ];
    gb.push(PlayerRow {
        status: "inactive",
        ..player(g, "BOS", "Hurt Guy", TEN)
    });
    gb.push(PlayerRow {
        status: "dnp",
        ..player(g, "BOS", "Bench Guy", TEN)
    });
    // BDL: BOS's five (one spelt without the accent, resolved by the alias table) plus a
    // sixth player the gamebook lacks; LAL's five with one spelling no alias resolves.
    let bdl_rows = vec![
        player(g, "BOS", "Nikola Joki", TEN),
        player(g, "BOS", "Player Two", TEN),
        player(g, "BOS", "Player Three", TEN),
        player(g, "BOS", "Player Four", TEN),
        player(g, "BOS", "Player Five", TEN),
        PlayerRow {
            minutes: "10:00",
            ..player(g, "BOS", "Extra Guy", SEVEN)
        },
        player(g, "LAL", "Laker 1", TEN),
        player(g, "LAL", "Laker Two", TEN),
        player(g, "LAL", "Laker Three", TEN),
        player(g, "LAL", "Laker Four", TEN),
        player(g, "LAL", "Laker Five", TEN),
    ];
    let aliases = "SELECT * FROM (VALUES ('nikolajoki', 'nikolajokic', 'diacritics', true))
                   t(alias_lookup, nba_canonical_lookup, alias_type, is_active)";
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacGamebookPlayerStats, &gamebook(&gb)),
        (TableId::BdlPlayerBoxscores, &bdl(&bdl_rows)),
        (TableId::PlayerAliases, aliases),
    ]);
    build_team(&lake);
    // BOS: five gamebook players (50) + the BDL-only player (7), Jokić counted once.
    assert_eq!(togs(&lake, "BOS", "points_scored"), "57");
    assert_eq!(togs(&lake, "BOS", "fg_attempts"), "50");
    assert_eq!(togs(&lake, "BOS", "ft_attempts"), "12");
    // 50 + 0.44·12 + 11 − 7 = 59.28.
    assert_eq!(togs(&lake, "BOS", "possessions"), "59");
    assert_eq!(togs(&lake, "BOS", "players_inactive"), "1");
    assert_eq!(
        togs(&lake, "BOS", "data_sources"),
        r#"["bdl_player_boxscores","nbac_gamebook_player_stats","nbac_schedule"]"#
    );
    // LAL: both feeds hold a player the other lacks (a spelling, not a missing player), so
    // only the gamebook counts: 5 × 8, not 5 × 8 + 10.
    assert_eq!(togs(&lake, "LAL", "points_scored"), "40");
    assert_eq!(
        togs(&lake, "LAL", "data_sources"),
        r#"["nbac_gamebook_player_stats","nbac_schedule"]"#
    );
    for team in ["BOS", "LAL"] {
        assert_eq!(
            togs(&lake, team, "primary_source_used"),
            "reconstructed_team_from_players"
        );
        assert_eq!(togs(&lake, team, "quality_reconstructed"), "true");
        assert_eq!(togs(&lake, team, "quality_used_fallback"), "true");
        assert_eq!(togs(&lake, team, "quality_tier"), "silver");
        assert_eq!(togs(&lake, team, "quality_score"), "85.0");
        assert_eq!(togs(&lake, team, "is_production_ready"), "true");
        assert_eq!(
            togs(&lake, team, "quality_issues"),
            r#"["backup_source_used","reconstructed","shot_zones_unavailable"]"#
        );
        assert_eq!(togs(&lake, team, "source_nbac_boxscore_rows_found"), "0");
        assert_eq!(togs(&lake, team, "overtime_periods"), "0");
    }
    assert_eq!(togs(&lake, "BOS", "win_flag"), "true");
    assert_eq!(togs(&lake, "BOS", "margin_of_victory"), "17");
    // TDGS: actions from the same player rows.
    assert_eq!(tdgs(&lake, "LAL", "points_allowed"), "57");
    assert_eq!(tdgs(&lake, "BOS", "steals"), "5");
    assert_eq!(tdgs(&lake, "LAL", "steals"), "10");
    assert_eq!(tdgs(&lake, "BOS", "quality_reconstructed"), "true");
    assert_eq!(
        tdgs(&lake, "BOS", "primary_source_used"),
        "reconstructed_team_from_players+reconstructed_team_from_players"
    );
    assert_eq!(
        tdgs(&lake, "BOS", "source_gamebook_players_rows_found"),
        "7"
    );
}

/// Five names a side: ("Celtic One", "Laker One"), ...
fn roster_names() -> Vec<(String, String)> {
    ["One", "Two", "Three", "Four", "Five"]
        .iter()
        .map(|n| (format!("Celtic {n}"), format!("Laker {n}")))
        .collect()
}

#[test]
fn bug_bdl_attempts_are_kept_when_the_team_is_rebuilt_from_bdl_alone() {
    // No box score and no gamebook; BDL delivered the game twice, under the system id and
    // reversed: each player counts once. Overtime comes from the play-by-play's periods.
    let names = roster_names();
    let mut bdl_rows = Vec::new();
    for id in [SYSTEM_ID, REVERSED_ID] {
        for (celtic, laker) in &names {
            bdl_rows.push(player(id, "BOS", celtic, TEN));
            bdl_rows.push(player(id, "LAL", laker, EIGHT));
        }
    }
    let events = [
        (1, 1, "BOS", "fieldgoal", "'2PT'", "true", "3.0"),
        (2, 5, "LAL", "fieldgoal", "'2PT'", "true", "3.0"),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::BdlPlayerBoxscores, &bdl(&bdl_rows)),
        (TableId::NbacPlayByPlay, &nbac_pbp(REVERSED_ID, &events)),
    ]);
    build_team(&lake);
    assert_eq!(int(&lake, &format!("SELECT count(*) FROM {TOGS}")), 2);
    assert_eq!(togs(&lake, "BOS", "points_scored"), "50");
    assert_eq!(togs(&lake, "BOS", "fg_attempts"), "45");
    assert_eq!(togs(&lake, "BOS", "three_pt_attempts"), "15");
    assert_eq!(togs(&lake, "BOS", "ft_attempts"), "10");
    // 45 + 0.44·10 + 10 − 5 = 54.4 possessions, over 53 minutes (one overtime).
    assert_eq!(togs(&lake, "BOS", "possessions"), "54");
    assert_eq!(togs(&lake, "BOS", "overtime_periods"), "1");
    assert!(close(togs_f(&lake, "BOS", "pace"), 49.3));
    // 50 / (2·(45 + 0.44·10)).
    assert_eq!(togs(&lake, "BOS", "ts_pct"), "0.506");
    assert_eq!(
        togs(&lake, "BOS", "data_sources"),
        r#"["bdl_player_boxscores","nbac_play_by_play","nbac_schedule"]"#
    );
}

#[test]
fn bug_a_reversed_game_id_in_one_source_neither_duplicates_nor_drops_rows() {
    // The box score and gamebook use the system id; BDL and BigDataBall carry HOME_AWAY.
    // The reference's fallback added BDL's "other" game as a second team row (fixed 89967237).
    let names = roster_names();
    let mut bdl_rows = Vec::new();
    let mut gb = Vec::new();
    for (celtic, laker) in &names {
        bdl_rows.push(player(REVERSED_ID, "BOS", celtic, TEN));
        bdl_rows.push(player(REVERSED_ID, "LAL", laker, EIGHT));
        gb.push(player(SYSTEM_ID, "BOS", celtic, TEN));
        gb.push(player(SYSTEM_ID, "LAL", laker, EIGHT));
    }
    let bdb = [
        (
            1,
            "BOS",
            "shot",
            "driving layup",
            "'2PT'",
            "true",
            "2.0",
            "NULL",
        ),
        (
            2,
            "LAL",
            "shot",
            "pullup jump shot",
            "'2PT'",
            "true",
            "12.0",
            "NULL",
        ),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("240:00")),
        (TableId::NbacGamebookPlayerStats, &gamebook(&gb)),
        (TableId::BdlPlayerBoxscores, &bdl(&bdl_rows)),
        (TableId::BigdataballPlayByPlay, &bdb_pbp(REVERSED_ID, &bdb)),
    ]);
    build_team(&lake);
    assert_eq!(
        rows(
            &lake,
            &format!(
                "SELECT game_id, nba_game_id, team_abbr, points_scored, primary_source_used
                 FROM {TOGS} ORDER BY 3"
            )
        ),
        [
            [SYSTEM_ID, NBA_ID, "BOS", "110", "nbac_team_boxscore"],
            [SYSTEM_ID, NBA_ID, "LAL", "100", "nbac_team_boxscore"]
        ]
    );
    assert_eq!(
        rows(
            &lake,
            &format!("SELECT game_id, defending_team_abbr, points_allowed FROM {TDGS} ORDER BY 2")
        ),
        [[SYSTEM_ID, "BOS", "100"], [SYSTEM_ID, "LAL", "110"]]
    );
    // The reversed-id play-by-play is found by (date, team).
    assert_eq!(togs(&lake, "BOS", "shot_zones_source"), "bigdataball_pbp");
    assert_eq!(togs(&lake, "LAL", "team_mid_range_makes"), "1");
}

#[test]
fn rows_are_byte_identical_when_rerun() {
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("265:00")),
    ]);
    build_team(&lake);
    let first = rows(
        &lake,
        &format!("SELECT data_hash, CAST(processed_at AS VARCHAR) FROM {TOGS} ORDER BY team_abbr"),
    );
    build_team(&lake);
    let second = rows(
        &lake,
        &format!("SELECT data_hash, CAST(processed_at AS VARCHAR) FROM {TOGS} ORDER BY team_abbr"),
    );
    assert_eq!(first, second);
    // Meta timestamps come from the inputs, not the clock.
    assert_eq!(first[0][1], "2024-11-02 03:00:00+00");
}

// ---- The generated league ----

/// Played (not postponed) schedule games, keyed as every Phase 3 table keys them: game_id is the
/// system id `YYYYMMDD_AWAY_HOME` of the row, nba_game_id the schedule's NBA.com id.
const PLAYED: &str = "(SELECT * REPLACE (strftime(game_date, '%Y%m%d') || '_' || away_team_tricode
                                || '_' || home_team_tricode AS game_id),
                              game_id AS nba_game_id
                       FROM nba_raw.nbac_schedule WHERE coalesce(game_status_text, '') <> 'PPD')";

#[test]
fn every_played_game_has_exactly_two_rows_in_each_table_under_its_system_id() {
    let lake = analytics_league();
    for (table, team) in [(TOGS, "team_abbr"), (TDGS, "defending_team_abbr")] {
        assert_none(
            lake,
            &format!(
                "SELECT s.game_id, s.game_date, count(t.game_id) FROM {PLAYED} s
                 LEFT JOIN {table} t ON t.game_id = s.game_id AND t.game_date = s.game_date
                 GROUP BY ALL HAVING count(t.game_id) <> 2
                    OR count(DISTINCT t.{team}) <> 2"
            ),
            &format!("{table}: rows per played game"),
        );
        assert_none(
            lake,
            &format!(
                "SELECT t.game_id, t.{team} FROM {table} t
                 WHERE NOT EXISTS (SELECT 1 FROM {PLAYED} s WHERE s.game_id = t.game_id
                                   AND s.game_date = t.game_date
                                   AND t.{team} IN (s.home_team_tricode, s.away_team_tricode))"
            ),
            &format!("{table}: rows outside the schedule"),
        );
    }
}

#[test]
fn date_coverage_equals_the_calendars_game_dates() {
    let lake = analytics_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let expected: Vec<String> = calendar.game_dates().map(|d| d.to_string()).collect();
    for table in [TOGS, TDGS] {
        let got: Vec<String> = rows(
            lake,
            &format!("SELECT DISTINCT CAST(game_date AS VARCHAR) FROM {table} ORDER BY 1"),
        )
        .concat();
        assert_eq!(got, expected, "{table}");
    }
}

#[test]
fn team_points_are_the_sum_of_the_teams_player_points() {
    // Player rows: the gamebook's active players, or BDL's for a team-game the gamebook lacks.
    let lake = analytics_league();
    assert_none(
        lake,
        &format!(
            "WITH gb AS (SELECT game_date, team_abbr, sum(points) AS p FROM nba_raw.nbac_gamebook_player_stats
                         WHERE player_status = 'active' GROUP BY ALL),
                  bdl AS (SELECT game_date, team_abbr, sum(points) AS p FROM nba_raw.bdl_player_boxscores
                          GROUP BY ALL)
             SELECT t.game_date, t.team_abbr, t.points_scored, gb.p, bdl.p FROM {TOGS} t
             LEFT JOIN gb USING (game_date, team_abbr) LEFT JOIN bdl USING (game_date, team_abbr)
             WHERE t.points_scored IS DISTINCT FROM coalesce(gb.p, bdl.p)"
        ),
        "team points against player points",
    );
    // And against player_game_summary, which picks the same player rows its own way.
    assert_none(
        lake,
        &format!(
            "WITH p AS (SELECT game_date, team_abbr, sum(points) AS p
                        FROM nba_analytics.player_game_summary GROUP BY ALL)
             SELECT t.game_date, t.team_abbr, t.points_scored, p.p FROM {TOGS} t
             LEFT JOIN p USING (game_date, team_abbr)
             WHERE t.points_scored IS DISTINCT FROM p.p"
        ),
        "team points against player_game_summary",
    );
    // The reconstruction happened where the box score was missing, and only there.
    assert_none(
        lake,
        &format!(
            "SELECT t.game_date, t.team_abbr, t.quality_reconstructed FROM {TOGS} t
             WHERE t.quality_reconstructed = EXISTS (
                 SELECT 1 FROM nba_raw.nbac_team_boxscore b
                 WHERE b.game_date = t.game_date AND b.team_abbr = t.team_abbr)"
        ),
        "reconstructed exactly where the team box score is missing",
    );
    assert!(
        int(
            lake,
            &format!("SELECT count(*) FROM {TOGS} WHERE quality_reconstructed")
        ) > 0
    );
}

#[test]
fn every_game_has_exactly_one_winner_matching_the_schedule() {
    let lake = analytics_league();
    assert_none(
        lake,
        &format!(
            "SELECT t.game_id, count(*) FILTER (WHERE t.win_flag), any_value(s.winning_team_tricode),
                    any_value(t.team_abbr) FILTER (WHERE t.win_flag)
             FROM {TOGS} t JOIN {PLAYED} s USING (game_id)
             GROUP BY t.game_id
             HAVING count(*) FILTER (WHERE t.win_flag) <> 1
                 OR any_value(t.team_abbr) FILTER (WHERE t.win_flag) <> any_value(s.winning_team_tricode)"
        ),
        "one winner per game",
    );
}

#[test]
fn about_six_percent_of_games_go_to_overtime_and_pace_is_not_inflated_by_it() {
    let lake = analytics_league();
    let share = float(
        lake,
        &format!("SELECT avg((overtime_periods > 0)::INTEGER)::DOUBLE FROM {TOGS}"),
    );
    assert!((0.04..0.08).contains(&share), "overtime share {share}");
    // The box score's minutes agree with the overtime count.
    assert_none(
        lake,
        &format!(
            "SELECT t.game_id, t.team_abbr, t.overtime_periods, b.minutes FROM {TOGS} t
             JOIN nba_raw.nbac_team_boxscore b ON b.game_date = t.game_date AND b.team_abbr = t.team_abbr
             WHERE b.minutes <> (240 + 25 * t.overtime_periods)::VARCHAR || ':00'"
        ),
        "overtime against box-score minutes",
    );
    // Per-48 pace is about the same with and without overtime (unnormalised, one overtime
    // would read 53/48 ≈ 10 % higher).
    let ratio = float(
        lake,
        &format!(
            "SELECT (avg(pace) FILTER (WHERE overtime_periods > 0)
                     / avg(pace) FILTER (WHERE overtime_periods = 0))::DOUBLE FROM {TOGS}"
        ),
    );
    assert!((0.95..1.05).contains(&ratio), "OT/regulation pace {ratio}");
    let pace = float(lake, &format!("SELECT avg(pace)::DOUBLE FROM {TOGS}"));
    assert!((85.0..115.0).contains(&pace), "pace {pace}");
}

#[test]
fn zones_and_threes_add_up_to_field_goal_attempts_where_play_by_play_exists() {
    let lake = analytics_league();
    assert_none(
        lake,
        &format!(
            "SELECT game_id, team_abbr, team_paint_attempts, team_mid_range_attempts,
                    three_pt_attempts, fg_attempts FROM {TOGS}
             WHERE shot_zones_available
               AND team_paint_attempts + team_mid_range_attempts + three_pt_attempts <> fg_attempts"
        ),
        "zones + threes = FGA",
    );
    assert_none(
        lake,
        &format!(
            "SELECT game_id, team_abbr FROM {TOGS}
             WHERE shot_zones_available <> (team_paint_attempts IS NOT NULL)
                OR team_paint_makes > team_paint_attempts
                OR points_in_paint_scored <> 2 * team_paint_makes
                OR (NOT shot_zones_available AND quality_issues NOT LIKE '%shot_zones_unavailable%')"
        ),
        "zone columns consistent",
    );
    // Zones are missing only where BigDataBall is missing and NBA.com had no coordinates.
    assert_none(
        lake,
        &format!(
            "SELECT t.game_id, t.team_abbr FROM {TOGS} t
             WHERE NOT t.shot_zones_available AND (
                 EXISTS (SELECT 1 FROM nba_raw.bigdataball_play_by_play p
                         WHERE p.game_date = t.game_date AND p.player_1_team_abbr = t.team_abbr)
                 OR NOT EXISTS (SELECT 1 FROM nba_raw.nbac_play_by_play p
                                WHERE p.game_date = t.game_date AND p.player_1_team_abbr = t.team_abbr
                                  AND p.shot_type = '2PT' AND p.shot_distance = 0))"
        ),
        "zones missing only without any usable play-by-play",
    );
    let available = float(
        lake,
        &format!("SELECT avg(shot_zones_available::INTEGER)::DOUBLE FROM {TOGS}"),
    );
    assert!(available > 0.98, "zones available on {available}");
    // TDGS: the defence's zone blocks add up to its blocks where BigDataBall has the game.
    assert_none(
        lake,
        &format!(
            "SELECT d.game_id, d.defending_team_abbr FROM {TDGS} d
             JOIN nba_raw.nbac_team_boxscore b
               ON b.game_date = d.game_date AND b.team_abbr = d.defending_team_abbr
             WHERE d.blocks_paint IS NOT NULL
               AND d.blocks_paint + d.blocks_mid_range + d.blocks_three_pt <> b.blocks"
        ),
        "zone blocks = blocks",
    );
}

#[test]
fn one_date_alone_gives_the_same_rows_as_inside_the_full_range() {
    let lake = analytics_league();
    let engine = Engine::open(lake).expect("engine");
    // A date with an overtime game and one with a rebuilt team, each run on its own.
    for pick in ["overtime_periods > 0", "quality_reconstructed"] {
        let date = one(
            lake,
            &format!("SELECT CAST(min(game_date) AS VARCHAR) FROM {TOGS} WHERE {pick}"),
        );
        let params = ModelParams::historical(date.parse().expect("date"));
        for (table, name, team) in [
            (TableId::TeamOffenseGameSummary, TOGS, "team_abbr"),
            (TableId::TeamDefenseGameSummary, TDGS, "defending_team_abbr"),
        ] {
            let alone = engine
                .run_model(table, table.sql().expect("SQL model"), &params)
                .expect("one-date run")
                .rows;
            let mut got: Vec<Vec<String>> = Vec::new();
            for b in &alone {
                let col = |n: &str| b.column_by_name(n).expect("column").clone();
                let (t, h) = (col(team), col("data_hash"));
                for r in 0..b.num_rows() {
                    got.push(
                        [&t, &h]
                            .iter()
                            .map(|c| arrow::util::display::array_value_to_string(c, r).unwrap())
                            .collect(),
                    );
                }
            }
            got.sort();
            let full = rows(
                lake,
                &format!(
                    "SELECT {team}, data_hash FROM {name} WHERE game_date = DATE '{date}' ORDER BY 1"
                ),
            );
            assert_eq!(got, full, "{name} on {date}");
        }
    }
}

#[test]
fn quality_columns_are_filled_honestly() {
    let lake = analytics_league();
    for table in [TOGS, TDGS] {
        assert_none(
            lake,
            &format!(
                "SELECT * FROM {table}
                 WHERE quality_tier IS NULL OR quality_score IS NULL OR data_hash IS NULL
                    OR length(data_hash) <> 16 OR processed_at IS NULL OR created_at IS NULL
                    OR quality_issues IS NULL OR data_sources IS NULL
                    OR is_production_ready IS DISTINCT FROM (quality_tier IN ('gold', 'silver', 'bronze'))
                    OR processed_with_issues <> (quality_issues <> '[]')
                    OR quality_reconstructed <> (quality_tier <> 'gold' AND quality_issues LIKE '%reconstructed%')"
            ),
            &format!("{table}: quality columns"),
        );
    }
}

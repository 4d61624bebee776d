//! nba_analytics.team_defense_game_summary (`sql/nba_analytics/team_defense_game_summary.sql`,
//! reference-phase3 §5): what the defence computes itself, blocks credited by zone from
//! BigDataBall, on the hand-built game of [`crate::scenarios::team_game`], and the agreement of
//! offence and defence from both sides of every game of the generated league.
//!
//! The rest of the table is the opponent's offence read from team_offense_game_summary, so its
//! columns are asserted beside the offence's in `team_offense_game_summary.rs`: the hand-built
//! games check the defence's mirror of each number there, and the invariants of both tables (rows
//! per game, date coverage, one-date replay, quality columns) are asserted there for both.

use backcourt::registry::TableId;

use crate::scenarios::team_game::{
    bdb_pbp, build_team, nbac_pbp, schedule, tdgs, team_box, togs, SYSTEM_ID, TDGS, TOGS,
};
use crate::util::{analytics_league, assert_none, lake_with};

#[test]
fn bigdataball_zones_come_first_and_blocks_are_credited_to_the_defence_by_zone() {
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
            "BOS",
            "shot",
            "pullup jump shot",
            "'2PT'",
            "false",
            "15.0",
            "'block'",
        ),
        (
            3,
            "BOS",
            "shot",
            "3pt jump shot",
            "'3PT'",
            "false",
            "25.0",
            "NULL",
        ),
    ];
    // NBA.com has the same BOS shots without coordinates, and LAL's with them.
    let nbac = [
        (1, 1, "BOS", "fieldgoal", "'2PT'", "true", "0.0"),
        (2, 1, "BOS", "fieldgoal", "'2PT'", "false", "0.0"),
        (3, 1, "BOS", "fieldgoal", "'3PT'", "false", "0.0"),
        (4, 1, "LAL", "fieldgoal", "'2PT'", "true", "10.0"),
    ];
    let (_d, lake) = lake_with(&[
        (TableId::NbacSchedule, &schedule()),
        (TableId::NbacTeamBoxscore, &team_box("240:00")),
        (TableId::BigdataballPlayByPlay, &bdb_pbp(SYSTEM_ID, &bdb)),
        (TableId::NbacPlayByPlay, &nbac_pbp(SYSTEM_ID, &nbac)),
    ]);
    build_team(&lake);
    assert_eq!(togs(&lake, "BOS", "shot_zones_source"), "bigdataball_pbp");
    assert_eq!(togs(&lake, "BOS", "team_paint_attempts"), "1");
    assert_eq!(togs(&lake, "BOS", "team_paint_makes"), "1");
    assert_eq!(togs(&lake, "BOS", "team_mid_range_attempts"), "1");
    assert_eq!(togs(&lake, "BOS", "team_mid_range_makes"), "0");
    // BigDataBall lacks LAL's shots: LAL falls back to NBA.com on its own.
    assert_eq!(togs(&lake, "LAL", "shot_zones_source"), "nbac_pbp");
    assert_eq!(togs(&lake, "LAL", "team_mid_range_makes"), "1");
    // The blocked BOS mid-range jumper is LAL's block.
    assert_eq!(tdgs(&lake, "LAL", "blocks_mid_range"), "1");
    assert_eq!(tdgs(&lake, "LAL", "blocks_paint"), "0");
    assert_eq!(tdgs(&lake, "LAL", "blocks_three_pt"), "0");
    assert_eq!(tdgs(&lake, "BOS", "blocks_mid_range"), "");
}

#[test]
fn offence_and_defence_agree_from_both_sides_of_every_game() {
    let lake = analytics_league();
    // TOGS(A) scored = TDGS(A's opponent) allowed; A's opponent's opponent is A.
    assert_none(
        lake,
        &format!(
            "SELECT o.game_id, o.team_abbr FROM {TOGS} o
             LEFT JOIN {TDGS} d ON d.game_id = o.game_id AND d.defending_team_abbr = o.opponent_team_abbr
             LEFT JOIN {TOGS} r ON r.game_id = o.game_id AND r.team_abbr = o.opponent_team_abbr
             WHERE d.points_allowed IS DISTINCT FROM o.points_scored
                OR d.opponent_team_abbr IS DISTINCT FROM o.team_abbr
                OR r.opponent_team_abbr IS DISTINCT FROM o.team_abbr
                OR d.defensive_rating IS DISTINCT FROM o.offensive_rating
                OR d.opp_paint_attempts IS DISTINCT FROM o.team_paint_attempts
                OR o.margin_of_victory IS DISTINCT FROM o.points_scored - r.points_scored"
        ),
        "offence vs defence",
    );
    // The defender's own context matches its offence row.
    assert_none(
        lake,
        &format!(
            "SELECT d.game_id, d.defending_team_abbr FROM {TDGS} d
             JOIN {TOGS} o ON o.game_id = d.game_id AND o.team_abbr = d.defending_team_abbr
             WHERE d.win_flag IS DISTINCT FROM o.win_flag
                OR d.margin_of_victory IS DISTINCT FROM o.margin_of_victory
                OR d.home_game IS DISTINCT FROM o.home_game
                OR d.overtime_periods IS DISTINCT FROM o.overtime_periods
                OR d.fouls_committed IS DISTINCT FROM o.personal_fouls"
        ),
        "defender context",
    );
}

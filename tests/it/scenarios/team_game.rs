//! One hand-built game for the two team tables, LAL at BOS on 2024-11-01: its ids, both teams'
//! box lines, a builder for each feed the game can be read from (schedule, team box score,
//! NBA.com and BigDataBall play-by-play, gamebook, BDL), the build of both team models over its
//! date, and readers of their rows. Each test builds its own lake from these feeds.

use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::rows;

pub const TOGS: &str = "nba_analytics.team_offense_game_summary";
pub const TDGS: &str = "nba_analytics.team_defense_game_summary";

/// The hand-built game: LAL at BOS on 2024-11-01.
pub const DATE: &str = "2024-11-01";
pub const NBA_ID: &str = "0022400101";
pub const SYSTEM_ID: &str = "20241101_LAL_BOS";
pub const REVERSED_ID: &str = "20241101_BOS_LAL";

/// A team's box line: made/attempted shots, rebounds and the rest.
#[derive(Clone, Copy)]
pub struct Line {
    pub fgm: i32,
    pub fga: i32,
    pub tpm: i32,
    pub tpa: i32,
    pub ftm: i32,
    pub fta: i32,
    pub oreb: i32,
    pub dreb: i32,
    pub ast: i32,
    pub stl: i32,
    pub blk: i32,
    pub tov: i32,
    pub pf: i32,
}

impl Line {
    fn points(&self) -> i32 {
        2 * self.fgm + self.tpm + self.ftm
    }
}

/// BOS: 110 points on 88 FGA, 20 FTA, 14 TOV, 10 OREB → 100.8 possessions.
pub const BOS: Line = Line {
    fgm: 40,
    fga: 88,
    tpm: 12,
    tpa: 30,
    ftm: 18,
    fta: 20,
    oreb: 10,
    dreb: 35,
    ast: 25,
    stl: 8,
    blk: 5,
    tov: 14,
    pf: 19,
};

/// LAL: 100 points on 85 FGA, 22 FTA, 15 TOV, 12 OREB → 97.68 possessions.
pub const LAL: Line = Line {
    fgm: 38,
    fga: 85,
    tpm: 8,
    tpa: 25,
    ftm: 16,
    fta: 22,
    oreb: 12,
    dreb: 33,
    ast: 22,
    stl: 7,
    blk: 4,
    tov: 15,
    pf: 18,
};

pub const PROCESSED: &str = "TIMESTAMP '2024-11-02 03:00:00'";

pub fn schedule() -> String {
    format!(
        "SELECT * FROM (VALUES ('{NBA_ID}', DATE '{DATE}', 2024, 'BOS', 'LAL', 3, 'Final', {}, {}, {PROCESSED}))
         t(game_id, game_date, season_year, home_team_tricode, away_team_tricode, game_status,
           game_status_text, home_team_score, away_team_score, processed_at)",
        BOS.points(),
        LAL.points()
    )
}

pub fn box_value(team: &str, home: bool, l: &Line, minutes: &str, margin: i32) -> String {
    let minutes = match minutes {
        "NULL" => "CAST(NULL AS VARCHAR)".to_string(),
        m => format!("'{m}'"),
    };
    format!(
        "('{SYSTEM_ID}', '{NBA_ID}', DATE '{DATE}', 2024, '{team}', {home}, {minutes}, {}, {}, {}, {}, {}, {},
          {}, {}, {}, {}, {}, {}, {}, {}, {}, {margin}, {PROCESSED})",
        l.fgm,
        l.fga,
        l.tpm,
        l.tpa,
        l.ftm,
        l.fta,
        l.oreb,
        l.dreb,
        l.oreb + l.dreb,
        l.ast,
        l.stl,
        l.blk,
        l.tov,
        l.pf,
        l.points()
    )
}

/// Both teams' box scores, with `minutes` per team ('240:00', '265:00' after one overtime).
pub fn team_box(minutes: &str) -> String {
    let margin = BOS.points() - LAL.points();
    format!(
        "SELECT * FROM (VALUES {}, {}) t(game_id, nba_game_id, game_date, season_year, team_abbr,
           is_home, minutes, fg_made, fg_attempted, three_pt_made, three_pt_attempted, ft_made,
           ft_attempted, offensive_rebounds, defensive_rebounds, total_rebounds, assists, steals,
           blocks, turnovers, personal_fouls, points, plus_minus, processed_at)",
        box_value("BOS", true, &BOS, minutes, margin),
        box_value("LAL", false, &LAL, minutes, -margin)
    )
}

/// NBA.com play-by-play events `(seq, period, team, event_type, shot_type, made, distance)`.
pub fn nbac_pbp(game_id: &str, events: &[(i32, i32, &str, &str, &str, &str, &str)]) -> String {
    let values: Vec<String> = events
        .iter()
        .map(|(seq, period, team, ty, shot, made, dist)| {
            format!(
                "('{game_id}', DATE '{DATE}', {seq}, {period}, 'BOS', 'LAL', '{ty}', 'p{seq}', '{team}',
                  {made}, {shot}, {dist}, {PROCESSED})"
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, event_sequence, period, home_team_abbr,
           away_team_abbr, event_type, player_1_lookup, player_1_team_abbr, shot_made, shot_type,
           shot_distance, processed_at)",
        values.join(", ")
    )
}

/// BigDataBall events `(seq, team, event_type, subtype, shot_type, made, distance, role)`.
#[allow(clippy::type_complexity)]
pub fn bdb_pbp(
    game_id: &str,
    events: &[(i32, &str, &str, &str, &str, &str, &str, &str)],
) -> String {
    let values: Vec<String> = events
        .iter()
        .map(|(seq, team, ty, sub, shot, made, dist, role)| {
            format!(
                "('{game_id}', DATE '{DATE}', {seq}, 1, 'BOS', 'LAL', '{ty}', '{sub}', 'p{seq}', '{team}',
                  CAST({role} AS VARCHAR), {made}, {shot}, {dist}, {PROCESSED})"
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, event_sequence, period, home_team_abbr,
           away_team_abbr, event_type, event_subtype, player_1_lookup, player_1_team_abbr,
           player_2_role, shot_made, shot_type, shot_distance, processed_at)",
        values.join(", ")
    )
}

/// A player's box line: `(game_id, team, name, status, minutes, pts-making line)`.
pub struct PlayerRow<'a> {
    pub game_id: &'a str,
    pub team: &'a str,
    pub name: &'a str,
    pub status: &'a str,
    pub minutes: &'a str,
    pub line: Line,
}

pub fn gamebook(players: &[PlayerRow]) -> String {
    let values: Vec<String> = players
        .iter()
        .map(|p| {
            let l = &p.line;
            let stat = |v: i32| {
                if p.status == "active" {
                    v.to_string()
                } else {
                    "NULL".into()
                }
            };
            format!(
                "('{}', DATE '{DATE}', 2024, '{}', '{}', player_lookup('{}'), '{}', {}, {}, {}, {}, {}, {}, {},
                  {}, {}, {}, {}, {}, {}, {}, {}, {}, {PROCESSED})",
                p.game_id,
                p.team,
                p.name,
                p.name,
                p.status,
                if p.status == "active" {
                    format!("'{}'", p.minutes)
                } else {
                    "NULL".into()
                },
                stat(l.points()),
                stat(l.fgm),
                stat(l.fga),
                stat(l.tpm),
                stat(l.tpa),
                stat(l.ftm),
                stat(l.fta),
                stat(l.oreb),
                stat(l.dreb),
                stat(l.oreb + l.dreb),
                stat(l.ast),
                stat(l.stl),
                stat(l.blk),
                stat(l.tov),
                stat(l.pf),
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, season_year, team_abbr, player_name,
           player_lookup, player_status, minutes, points, field_goals_made, field_goals_attempted,
           three_pointers_made, three_pointers_attempted, free_throws_made, free_throws_attempted,
           offensive_rebounds, defensive_rebounds, total_rebounds, assists, steals, blocks, turnovers,
           personal_fouls, processed_at)",
        values.join(", ")
    )
}

pub fn bdl(players: &[PlayerRow]) -> String {
    let values: Vec<String> = players
        .iter()
        .map(|p| {
            let l = &p.line;
            format!(
                "('{}', DATE '{DATE}', 2024, '{}', '{}', player_lookup('{}'), '{}', {}, {}, {}, {}, {}, {}, {},
                  {}, {}, {}, {}, {}, {}, {}, {}, {PROCESSED})",
                p.game_id,
                p.team,
                p.name,
                p.name,
                p.minutes,
                l.points(),
                l.ast,
                l.oreb + l.dreb,
                l.oreb,
                l.dreb,
                l.stl,
                l.blk,
                l.tov,
                l.pf,
                l.fgm,
                l.fga,
                l.tpm,
                l.tpa,
                l.ftm,
                l.fta,
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, season_year, team_abbr, player_full_name,
           player_lookup, minutes, points, assists, rebounds, offensive_rebounds, defensive_rebounds,
           steals, blocks, turnovers, personal_fouls, field_goals_made, field_goals_attempted,
           three_pointers_made, three_pointers_attempted, free_throws_made, free_throws_attempted,
           processed_at)",
        values.join(", ")
    )
}

/// Runs the two team models over the hand-built date.
pub fn build_team(lake: &Lake) {
    let engine = Engine::open(lake).expect("engine");
    let params = ModelParams::historical(DATE.parse().expect("date"));
    for table in [
        TableId::TeamOffenseGameSummary,
        TableId::TeamDefenseGameSummary,
    ] {
        engine
            .write_model(table, table.sql().expect("a SQL model"), &params)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// `column` of the TOGS row of `team`, as text ("" for NULL).
pub fn togs(lake: &Lake, team: &str, column: &str) -> String {
    one(
        lake,
        &format!("SELECT CAST({column} AS VARCHAR) FROM {TOGS} WHERE team_abbr = '{team}'"),
    )
}

/// `column` of the TDGS row where `team` defends, as text ("" for NULL).
pub fn tdgs(lake: &Lake, team: &str, column: &str) -> String {
    one(
        lake,
        &format!(
            "SELECT CAST({column} AS VARCHAR) FROM {TDGS} WHERE defending_team_abbr = '{team}'"
        ),
    )
}

pub fn one(lake: &Lake, sql: &str) -> String {
    let r = rows(lake, sql);
    assert_eq!(r.len(), 1, "expected one row: {sql}: {r:?}");
    r[0][0].clone()
}

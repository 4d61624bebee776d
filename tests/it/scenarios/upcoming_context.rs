//! The inputs of the two pre-game context tables, upcoming_player_game_context and
//! upcoming_team_game_context: a hand-built date with both tables built over it (once), the
//! readers of its rows, and a generated season whose last day is still to be played, run live
//! (once).

use std::sync::OnceLock;

use arrow::array::RecordBatch;
use backcourt::calendar::parse_seasons;
use backcourt::dates::DateRange;
use backcourt::engine::{Engine, Mode, ModelParams};
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;
use chrono::{DateTime, NaiveDate, Utc};

use crate::util::{lake_with, registry_batch, rows, tempdir};

pub const UPGC: TableId = TableId::UpcomingPlayerGameContext;
pub const UTGC: TableId = TableId::UpcomingTeamGameContext;

/// Runs the team context, then the player context (which reads it), over
/// `params`, writing both into `lake`.
pub fn build_context(lake: &Lake, params: &ModelParams) {
    let engine = Engine::open(lake).expect("engine");
    for table in [UTGC, UPGC] {
        engine
            .write_model(table, table.sql().expect("a SQL model"), params)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

pub fn range(s: &str) -> DateRange {
    s.parse().expect("date range")
}

/// The one row `sql` returns, rendered as strings.
pub fn one_row(lake: &Lake, sql: &str) -> Vec<String> {
    let mut found = rows(lake, sql);
    assert_eq!(found.len(), 1, "{sql}: {found:?}");
    found.pop().expect("one row")
}

// ── Hand-built scenario ──────────────────────────────────────────────────────────────────
//
// 2024-01-20: BOS (home) vs LAC, tip-off 00:30 UTC on the 21st, the target game; MIA vs DEN is
// in progress (status 2). BOS won 13 straight from 2023-12-10 (more than 30 days), lost
// 2023-10-25 and 2023-12-05, and played at MIA the day before; 2024-01-14 is a postponed row.
//
// BOS players: aaronalpha (a veteran with a DNP on the 18th, a 99-point row on the 20th itself
// and a row on the 22nd), bobbybeta (a rookie with no history), carlgamma (three games).
// LAC: samstarter (started both games) and benbench (started none), both ruled out;
// danieldelta doubtful.

/// (NBA id, date, home, away, status, home score, away score, tip-off UTC).
pub type Game = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
    i32,
    &'static str,
);

#[rustfmt::skip]
pub const GAMES: &[Game] = &[
    ("0022300001", "2023-10-25", "BOS", "NYK", 3, 100, 110, "2023-10-25 23:30"),
    ("0022300002", "2023-12-05", "BOS", "NYK", 3, 95, 99, "2023-12-06 00:30"),
    ("0022300003", "2023-12-10", "BOS", "NYK", 3, 110, 100, "2023-12-11 00:30"),
    ("0022300004", "2023-12-20", "BOS", "NYK", 3, 110, 100, "2023-12-21 00:30"),
    ("0022300005", "2023-12-22", "BOS", "NYK", 3, 110, 100, "2023-12-23 00:30"),
    ("0022300006", "2023-12-24", "BOS", "NYK", 3, 110, 100, "2023-12-25 00:30"),
    ("0022300007", "2023-12-26", "BOS", "NYK", 3, 110, 100, "2023-12-27 00:30"),
    ("0022300008", "2023-12-28", "BOS", "NYK", 3, 110, 100, "2023-12-29 00:30"),
    ("0022300009", "2024-01-01", "BOS", "NYK", 3, 110, 100, "2024-01-02 00:30"),
    ("0022300010", "2024-01-08", "BOS", "NYK", 3, 110, 100, "2024-01-09 00:30"),
    ("0022300011", "2024-01-12", "BOS", "NYK", 3, 110, 100, "2024-01-13 00:30"),
    ("0022300012", "2024-01-16", "BOS", "NYK", 3, 110, 100, "2024-01-17 00:30"),
    ("0022300013", "2024-01-17", "BOS", "NYK", 3, 110, 100, "2024-01-18 00:30"),
    ("0022300014", "2024-01-18", "BOS", "NYK", 3, 110, 100, "2024-01-19 00:30"),
    ("0022300015", "2024-01-19", "MIA", "BOS", 3, 101, 105, "2024-01-20 00:30"),
    ("0022300016", "2024-01-20", "BOS", "LAC", 3, 100, 120, "2024-01-21 00:30"),
    ("0022300017", "2024-01-15", "LAC", "MIA", 3, 110, 100, "2024-01-16 03:30"),
    ("0022300018", "2024-01-18", "DEN", "LAC", 3, 100, 90, "2024-01-19 02:00"),
    ("0022300019", "2024-01-20", "MIA", "DEN", 2, 50, 48, "2024-01-21 00:00"),
];

pub fn schedule_sql() -> String {
    let mut values: Vec<String> = GAMES
        .iter()
        .map(|(id, date, home, away, status, hs, as_, tip)| {
            let winner = if hs > as_ { home } else { away };
            let (text, winner) = match status {
                3 => ("'Final'".to_string(), format!("'{winner}'")),
                _ => ("'Q3'".to_string(), "NULL".to_string()),
            };
            format!(
                "('{id}', DATE '{date}', 2023, '{home}', '{away}', {status}, {text}, {hs}, {as_}, \
                 {winner}, true, false, false, TIMESTAMPTZ '{tip}:00+00', TIMESTAMPTZ '{tip}:00+00' + INTERVAL 3 HOUR)"
            )
        })
        .collect();
    // Postponed: stays on its date with status 1 and must not count as a game.
    values.push(
        "('0022300020', DATE '2024-01-14', 2023, 'BOS', 'NYK', 1, 'PPD', NULL, NULL, NULL, \
         true, false, false, TIMESTAMPTZ '2024-01-15 00:30:00+00', TIMESTAMPTZ '2024-01-14 10:00:00+00')"
            .into(),
    );
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, season_year, home_team_tricode, \
         away_team_tricode, game_status, game_status_text, home_team_score, away_team_score, \
         winning_team_tricode, is_regular_season, is_playoffs, is_play_in, game_time_utc, processed_at)",
        values.join(",\n")
    )
}

/// (player, team, date, points, minutes, starter).
#[rustfmt::skip]
pub const BOX: &[(&str, &str, &str, i32, f64, bool)] = &[
    ("aaronalpha", "BOS", "2023-12-20", 100, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-22", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-24", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-26", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-28", 10, 20.0, true),
    ("aaronalpha", "BOS", "2024-01-01", 40, 35.0, true),
    ("aaronalpha", "BOS", "2024-01-08", 5, 10.0, true),
    ("aaronalpha", "BOS", "2024-01-12", 30, 30.0, true),
    ("aaronalpha", "BOS", "2024-01-16", 15, 20.0, true),
    ("aaronalpha", "BOS", "2024-01-17", 18, 25.5, true),
    // A DNP that made the box score with zero minutes.
    ("aaronalpha", "BOS", "2024-01-18", 0, 0.0, false),
    ("aaronalpha", "BOS", "2024-01-19", 20, 30.0, true),
    // The game itself and a later one: neither may be read.
    ("aaronalpha", "BOS", "2024-01-20", 99, 48.0, true),
    ("aaronalpha", "BOS", "2024-01-22", 50, 40.0, true),
    ("bobbybeta", "BOS", "2024-01-20", 2, 5.0, false),
    ("carlgamma", "BOS", "2024-01-16", 20, 20.0, false),
    ("carlgamma", "BOS", "2024-01-17", 8, 20.0, false),
    ("carlgamma", "BOS", "2024-01-19", 5, 20.0, false),
    ("carlgamma", "BOS", "2024-01-20", 7, 20.0, false),
    ("samstarter", "LAC", "2024-01-15", 20, 34.0, true),
    ("samstarter", "LAC", "2024-01-18", 22, 35.0, true),
    ("benbench", "LAC", "2024-01-15", 4, 12.0, false),
    ("benbench", "LAC", "2024-01-18", 6, 14.0, false),
];

pub fn pgs_sql() -> String {
    let values: Vec<String> = BOX
        .iter()
        .map(|(player, team, date, points, minutes, starter)| {
            let uid = if *player == "bobbybeta" {
                "NULL".to_string()
            } else {
                format!("'{player}_001'")
            };
            format!(
                "('{player}', {uid}, strftime(DATE '{date}', '%Y%m%d') || '_{team}', DATE '{date}', \
                 '{team}', 2023, {points}, {minutes}, {starter}, TIMESTAMPTZ '{date} 06:00:00+00')"
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(player_lookup, universal_player_id, game_id, game_date, \
         team_abbr, season_year, points, minutes_played, starter_flag, processed_at)",
        values.join(",\n")
    )
}

pub const PROPS: &str = "SELECT * FROM (VALUES
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 15.5, TIMESTAMPTZ '2024-01-20 20:00:00+00'),
    -- The same snapshot under a reversed id: one line, not two rows.
    ('20240120_BOS_LAC', DATE '2024-01-20', 'aaronalpha', 'draftkings', 15.5, TIMESTAMPTZ '2024-01-20 20:00:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'fanduel', 16.5, TIMESTAMPTZ '2024-01-20 21:00:00+00'),
    -- In-game, after tip-off.
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 30.5, TIMESTAMPTZ '2024-01-21 01:10:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'carlgamma', 'fanduel', 10.5, TIMESTAMPTZ '2024-01-20 20:00:00+00')
) t(game_id, game_date, player_lookup, bookmaker, points_line, snapshot_timestamp)";

/// The feed lists the game with home and away swapped and names teams in full.
pub const GAME_LINES: &str = "SELECT * FROM (VALUES
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -3.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 3.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -4.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 4.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -10.5, TIMESTAMPTZ '2024-01-21 01:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 10.5, TIMESTAMPTZ '2024-01-21 01:00:00+00'),
    ('evt1', 'fanduel', 'spreads', 'Boston Celtics', -6.5, TIMESTAMPTZ '2024-01-20 19:00:00+00'),
    ('evt1', 'fanduel', 'spreads', 'LA Clippers', 6.5, TIMESTAMPTZ '2024-01-20 19:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Over', 220.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Under', 220.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Over', 221.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Under', 221.5, TIMESTAMPTZ '2024-01-20 18:00:00+00')
) t(game_id, bookmaker_key, market_key, outcome_name, outcome_point, snapshot_timestamp),
  (SELECT DATE '2024-01-20' AS game_date, 'LA Clippers' AS home_team, 'Boston Celtics' AS away_team)";

/// Statuses as the feed might capitalise them. Report hours are Eastern: 21:00 on the 20th is
/// 02:00 UTC on the 21st, after tip-off.
pub const INJURIES: &str = "SELECT * FROM (VALUES
    (DATE '2024-01-19', 17, 'BOS', 'carlgamma', 'Probable', 0.9),
    (DATE '2024-01-20', 13, 'BOS', 'bobbybeta', 'Questionable', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'danieldelta', 'DOUBTFUL', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'samstarter', 'Out', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'benbench', 'out', 1.0),
    (DATE '2024-01-20', 21, 'BOS', 'aaronalpha', 'OUT', 1.0)
) t(report_date, report_hour, team, player_lookup, injury_status, confidence_score),
  (SELECT DATE '2024-01-20' AS game_date)";

pub const TRAVEL: &str = "SELECT * FROM (VALUES
    ('MIA', 'BOS', 1258), ('BOS', 'MIA', 1258), ('DEN', 'BOS', 1754), ('BOS', 'DEN', 1754),
    ('DEN', 'MIA', 1711), ('MIA', 'DEN', 1711)
) t(from_team, to_team, distance_miles)";

pub const REGISTRY: &str = "SELECT * FROM (VALUES
    ('aaronalpha_001', 'aaronalpha', 'BOS', 2023), ('bobbybeta_001', 'bobbybeta', 'BOS', 2023),
    ('carlgamma_001', 'carlgamma', 'BOS', 2023)
) t(universal_player_id, player_lookup, team_abbr, season_year)";

/// The hand-built lake with both context tables built for 2024-01-20 (historical).
pub fn scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let schedule = schedule_sql();
            let pgs = pgs_sql();
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, &schedule),
                (TableId::PlayerGameSummary, &pgs),
                (TableId::OddsApiPlayerPointsProps, PROPS),
                (TableId::OddsApiGameLines, GAME_LINES),
                (TableId::NbacInjuryReport, INJURIES),
                (TableId::TravelDistances, TRAVEL),
                (TableId::NbaPlayersRegistry, REGISTRY),
            ]);
            build_context(
                &lake,
                &ModelParams::historical(range("2024-01-20..2024-01-20")),
            );
            (dir, lake)
        })
        .1
}

/// `columns` of the player's context row on 2024-01-20.
pub fn player(name: &str, columns: &str) -> Vec<String> {
    one_row(
        scenario(),
        &format!(
            "SELECT {columns} FROM nba_analytics.upcoming_player_game_context \
             WHERE player_lookup = '{name}' AND game_date = DATE '2024-01-20'"
        ),
    )
}

/// `columns` of the team's context row on 2024-01-20.
pub fn team(abbr: &str, columns: &str) -> Vec<String> {
    one_row(
        scenario(),
        &format!(
            "SELECT {columns} FROM nba_analytics.upcoming_team_game_context \
             WHERE team_abbr = '{abbr}' AND game_date = DATE '2024-01-20'"
        ),
    )
}

// ── Live mode on a generated season whose last day is still to be played ───────────────

pub struct LiveSeason {
    _dir: tempfile::TempDir,
    pub lake: Lake,
    pub day: NaiveDate,
    pub as_of: DateTime<Utc>,
}

/// One generated season with its last day scheduled, Phase 3 built historically up to the day
/// before, and three injury-report rows added for the last day's home team.
pub fn live_season() -> &'static LiveSeason {
    static LIVE: OnceLock<LiveSeason> = OnceLock::new();
    LIVE.get_or_init(|| {
        let dir = tempdir();
        let lake = Lake::open(dir.path().to_str().expect("utf-8")).expect("lake");
        let league = fixtures::generate(&GenerateConfig {
            scheduled_last_day: true,
            ..GenerateConfig::new(parse_seasons("2023-24").expect("season"), 11)
        });
        fixtures::write(&lake, &league).expect("write");
        let day = league.span.end;
        // Noon Eastern (EDT) on the day: before every tip-off and before its 13:00 report.
        let as_of: DateTime<Utc> = format!("{day}T16:00:00Z").parse().expect("timestamp");
        {
            let engine = Engine::open(&lake).expect("engine");
            // Three players of the home team's roster whose ESPN spelling is canonical: one
            // ruled out the evening before (before as_of), one ruled out at 13:00 on the day
            // (after as_of), one questionable the evening before.
            let sql = format!(
                "WITH home AS (SELECT home_team_tricode AS t FROM nba_raw.nbac_schedule WHERE game_date = DATE '{day}' ORDER BY game_id LIMIT 1),
                 picked AS (
                    SELECT r.player_lookup, row_number() OVER (ORDER BY r.player_lookup) AS n
                    FROM nba_raw.espn_team_rosters r
                    JOIN nba_reference.nba_players_registry g ON g.player_lookup = r.player_lookup
                    WHERE r.roster_date = DATE '{day}' AND team_tricode(r.team_abbr) = (SELECT t FROM home)
                    GROUP BY r.player_lookup)
                 SELECT * FROM nba_raw.nbac_injury_report WHERE game_date = DATE '{day}'
                 UNION ALL BY NAME
                 SELECT CASE n WHEN 2 THEN DATE '{day}' ELSE DATE '{day}' - 1 END AS report_date,
                        CASE n WHEN 2 THEN 13 ELSE 17 END AS report_hour, DATE '{day}' AS game_date,
                        (SELECT t FROM home) AS team, player_lookup,
                        CASE n WHEN 3 THEN 'Questionable' ELSE 'Out' END AS injury_status,
                        1.0 AS confidence_score
                 FROM picked WHERE n <= 3"
            );
            let batches: Vec<RecordBatch> = engine
                .query(&sql)
                .expect("injury rows")
                .iter()
                .map(|b| {
                    let schema = b.schema();
                    registry_batch(
                        TableId::NbacInjuryReport,
                        schema
                            .fields()
                            .iter()
                            .zip(b.columns())
                            .map(|(f, c)| (f.name().as_str(), c.clone()))
                            .collect(),
                    )
                })
                .collect();
            lake.write(TableId::NbacInjuryReport, &batches, WriteScope::DatesPresent)
                .expect("write injuries");
            let engine = Engine::open(&lake).expect("engine");
            let before = DateRange::new(league.span.start, day.pred_opt().expect("a day before"))
                .expect("range");
            backcourt::analytics::build(&engine, &ModelParams::historical(before))
                .expect("historical build");
        }
        build_context(
            &lake,
            &ModelParams {
                range: DateRange::day(day),
                mode: Mode::Live,
                as_of: Some(as_of),
            },
        );
        LiveSeason {
            _dir: dir,
            lake,
            day,
            as_of,
        }
    })
}

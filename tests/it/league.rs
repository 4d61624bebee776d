//! The synthetic league: every modelling line of the foundation issue's
//! section 4, as an assertion on the generated four seasons.

use backcourt::fixtures::{all_star_break, BOOKMAKERS};
use backcourt::names::{player_lookup, TEAMS};
use backcourt::registry::TableId;

use crate::scenarios::upcoming_context::live_season;
use crate::util::{assert_none, float, int, league, rows};

/// Regular-season and postseason games that were played (PPD rows excluded).
const PLAYED: &str = "(SELECT * FROM nba_raw.nbac_schedule WHERE game_status_text <> 'PPD')";

/// The system game id of a schedule row.
const SYSTEM_ID: &str =
    "strftime(game_date, '%Y%m%d') || '_' || away_team_tricode || '_' || home_team_tricode";

#[test]
fn thirty_real_teams() {
    let teams: Vec<String> = rows(
        league(),
        "SELECT DISTINCT home_team_tricode FROM nba_raw.nbac_schedule ORDER BY 1",
    )
    .concat();
    let real: Vec<&str> = TEAMS.iter().map(|t| t.tricode).collect();
    assert_eq!(teams, real);
}

#[test]
fn each_season_has_1230_regular_season_games_82_per_team_41_at_home() {
    let lake = league();
    assert_none(
        lake,
        &format!("SELECT season_year, count(*) FROM {PLAYED} WHERE is_regular_season GROUP BY 1 HAVING count(*) <> 1230"),
        "regular-season games per season",
    );
    assert_eq!(
        int(
            lake,
            &format!("SELECT count(DISTINCT season_year)::BIGINT FROM {PLAYED}")
        ),
        4
    );
    assert_none(
        lake,
        &format!(
            "SELECT season_year, t, count(*), count(*) FILTER (WHERE home) FROM (
                SELECT season_year, home_team_tricode AS t, true AS home FROM {PLAYED} WHERE is_regular_season
                UNION ALL SELECT season_year, away_team_tricode, false FROM {PLAYED} WHERE is_regular_season)
             GROUP BY ALL HAVING count(*) <> 82 OR count(*) FILTER (WHERE home) <> 41"
        ),
        "games per team",
    );
}

#[test]
fn play_in_then_best_of_seven_playoffs() {
    let lake = league();
    assert_none(
        lake,
        &format!("SELECT season_year, count(*) FROM {PLAYED} WHERE is_play_in GROUP BY 1 HAVING count(*) <> 6"),
        "six play-in games a season",
    );
    // Every series: 4 to 7 games, the winner with exactly four wins.
    let series = format!(
        "SELECT season_year, playoff_round, least(home_team_tricode, away_team_tricode) AS a,
                greatest(home_team_tricode, away_team_tricode) AS b, count(*) AS games,
                greatest(count(*) FILTER (WHERE winning_team_tricode = least(home_team_tricode, away_team_tricode)),
                         count(*) FILTER (WHERE winning_team_tricode = greatest(home_team_tricode, away_team_tricode))) AS wins,
                min(game_date) AS first, max(game_date) AS last
         FROM {PLAYED} WHERE is_playoffs GROUP BY ALL"
    );
    assert_none(
        lake,
        &format!("SELECT * FROM ({series}) WHERE games NOT BETWEEN 4 AND 7 OR wins <> 4"),
        "series",
    );
    assert_none(
        lake,
        &format!(
            "SELECT season_year, playoff_round, count(*) FROM ({series}) GROUP BY ALL
             HAVING count(*) <> CASE playoff_round WHEN 1 THEN 8 WHEN 2 THEN 4 WHEN 3 THEN 2 ELSE 1 END"
        ),
        "8, 4, 2 and 1 series per round",
    );
    // The postseason follows the regular season, and rounds follow each other.
    assert_none(
        lake,
        &format!(
            "SELECT season_year FROM {PLAYED} GROUP BY 1
             HAVING max(game_date) FILTER (WHERE is_regular_season) >= min(game_date) FILTER (WHERE is_play_in)
                 OR max(game_date) FILTER (WHERE is_play_in) >= min(game_date) FILTER (WHERE is_playoffs)"
        ),
        "postseason order",
    );
}

#[test]
fn back_to_backs_per_team_per_season_are_10_to_20() {
    assert_none(
        league(),
        &format!(
            "WITH g AS (SELECT season_year, game_date, unnest([home_team_tricode, away_team_tricode]) AS team
                        FROM {PLAYED} WHERE is_regular_season),
                  b AS (SELECT season_year, team,
                               game_date - lag(game_date) OVER (PARTITION BY season_year, team ORDER BY game_date) AS gap
                        FROM g)
             SELECT season_year, team, count(*) FILTER (WHERE gap = 1) AS b2b FROM b GROUP BY ALL
             HAVING count(*) FILTER (WHERE gap = 1) NOT BETWEEN 10 AND 20"
        ),
        "back-to-backs",
    );
    // And nobody plays three days running.
    assert_none(
        league(),
        &format!(
            "WITH g AS (SELECT game_date, unnest([home_team_tricode, away_team_tricode]) AS team FROM {PLAYED})
             SELECT team, game_date FROM g
             WHERE EXISTS (SELECT 1 FROM g AS y WHERE y.team = g.team AND y.game_date = g.game_date - 1)
               AND EXISTS (SELECT 1 FROM g AS z WHERE z.team = g.team AND z.game_date = g.game_date - 2)"
        ),
        "three in three days",
    );
}

#[test]
fn the_all_star_break_has_no_games() {
    for season in backcourt::calendar::parse_seasons(crate::util::SEASONS).unwrap() {
        let asb = all_star_break(season);
        assert_eq!(asb.len(), 7);
        assert_eq!(
            int(
                league(),
                &format!(
                    "SELECT count(*)::BIGINT FROM nba_raw.nbac_schedule WHERE game_date BETWEEN DATE '{}' AND DATE '{}'",
                    asb.start, asb.end
                )
            ),
            0,
            "{season}"
        );
    }
}

#[test]
fn a_handful_of_postponed_games_are_replayed_later() {
    let lake = league();
    assert_none(
        lake,
        "SELECT season_year, count(*) FROM nba_raw.nbac_schedule WHERE game_status_text = 'PPD'
         GROUP BY 1 HAVING count(*) NOT BETWEEN 1 AND 6",
        "postponed games per season",
    );
    assert_eq!(
        int(lake, "SELECT count(DISTINCT season_year)::BIGINT FROM nba_raw.nbac_schedule WHERE game_status_text = 'PPD'"),
        4
    );
    assert_none(
        lake,
        "SELECT p.game_id FROM nba_raw.nbac_schedule AS p WHERE p.game_status_text = 'PPD' AND p.home_team_score IS NULL
           AND NOT EXISTS (SELECT 1 FROM nba_raw.nbac_schedule AS r
                           WHERE r.game_id = p.game_id AND r.game_status_text = 'Final' AND r.game_date > p.game_date
                             AND r.home_team_tricode = p.home_team_tricode AND r.away_team_tricode = p.away_team_tricode)",
        "postponed game without a later replay",
    );
    // A postponed game has no box score on its original date.
    assert_none(
        lake,
        &format!(
            "SELECT {SYSTEM_ID} FROM nba_raw.nbac_schedule WHERE game_status_text = 'PPD'
             AND {SYSTEM_ID} IN (SELECT game_id FROM nba_raw.nbac_gamebook_player_stats)"
        ),
        "box score for a postponed game",
    );
}

#[test]
fn about_six_percent_of_games_go_to_overtime() {
    let share = float(
        league(),
        "SELECT avg(CASE WHEN minutes <> '240:00' THEN 1 ELSE 0 END)::DOUBLE FROM nba_raw.nbac_team_boxscore",
    );
    assert!((0.04..0.085).contains(&share), "{share}");
    assert!(
        int(
            league(),
            "SELECT count(*)::BIGINT FROM nba_raw.nbac_team_boxscore WHERE minutes = '290:00'"
        ) > 0
    );
}

#[test]
fn rosters_of_fifteen_of_whom_eight_to_eleven_play() {
    let lake = league();
    assert_none(
        lake,
        "SELECT roster_date, team_abbr, count(*) FROM nba_raw.espn_team_rosters GROUP BY ALL HAVING count(*) <> 15",
        "ESPN roster size",
    );
    assert_none(
        lake,
        "SELECT game_id, team_abbr, count(*) FROM nba_raw.nbac_gamebook_player_stats GROUP BY ALL HAVING count(*) <> 15",
        "players listed per team-game",
    );
    assert_none(
        lake,
        "SELECT game_id, team_abbr, count(*) FILTER (WHERE player_status = 'active') AS n
         FROM nba_raw.nbac_gamebook_player_stats GROUP BY ALL HAVING n NOT BETWEEN 8 AND 11",
        "players who played per team-game",
    );
    // Every size from 8 to 11 actually occurs.
    assert_eq!(
        int(
            lake,
            "SELECT count(DISTINCT n)::BIGINT FROM (SELECT count(*) FILTER (WHERE player_status = 'active') AS n
             FROM nba_raw.nbac_gamebook_player_stats GROUP BY game_id, team_abbr)"
        ),
        4
    );
}

/// Seconds of a 'MM:SS' or whole-minutes string.
const SECONDS: &str = "CASE WHEN contains(minutes, ':') THEN CAST(split_part(minutes, ':', 1) AS INTEGER) * 60 + CAST(split_part(minutes, ':', 2) AS INTEGER) ELSE CAST(minutes AS INTEGER) * 60 END";

#[test]
fn team_minutes_are_240_plus_25_per_overtime() {
    let lake = league();
    assert_none(
        lake,
        &format!(
            "WITH p AS (SELECT game_id, team_abbr, sum({SECONDS}) AS secs FROM nba_raw.nbac_gamebook_player_stats
                        WHERE player_status = 'active' GROUP BY ALL)
             SELECT p.game_id, p.team_abbr, p.secs, t.minutes
             FROM p JOIN nba_raw.nbac_team_boxscore AS t USING (game_id, team_abbr)
             WHERE p.secs <> CAST(split_part(t.minutes, ':', 1) AS INTEGER) * 60"
        ),
        "gamebook minutes vs 240 + 25 per overtime",
    );
    assert_none(
        lake,
        "SELECT DISTINCT minutes FROM nba_raw.nbac_team_boxscore
         WHERE minutes NOT IN ('240:00', '265:00', '290:00', '315:00')",
        "team minutes",
    );
}

#[test]
fn points_are_two_fgm_plus_threes_plus_free_throws_in_every_row() {
    for table in [
        "nba_raw.nbac_gamebook_player_stats",
        "nba_raw.bdl_player_boxscores",
    ] {
        assert_none(
            league(),
            &format!(
                "SELECT game_id, player_lookup FROM {table}
                 WHERE points <> 2 * field_goals_made + three_pointers_made + free_throws_made
                    OR field_goals_made > field_goals_attempted OR three_pointers_made > three_pointers_attempted
                    OR three_pointers_attempted > field_goals_attempted OR free_throws_made > free_throws_attempted"
            ),
            table,
        );
    }
}

#[test]
fn team_box_scores_are_the_sum_of_their_players() {
    assert_none(
        league(),
        "WITH p AS (SELECT game_id, team_abbr, sum(points) AS points, sum(field_goals_made) AS fgm,
                           sum(field_goals_attempted) AS fga, sum(three_pointers_made) AS tpm,
                           sum(three_pointers_attempted) AS tpa, sum(free_throws_made) AS ftm,
                           sum(free_throws_attempted) AS fta, sum(offensive_rebounds) AS oreb,
                           sum(defensive_rebounds) AS dreb, sum(assists) AS ast, sum(steals) AS stl,
                           sum(blocks) AS blk, sum(turnovers) AS tov, sum(personal_fouls) AS pf
                    FROM nba_raw.nbac_gamebook_player_stats WHERE player_status = 'active' GROUP BY ALL)
         SELECT t.game_id, t.team_abbr FROM nba_raw.nbac_team_boxscore AS t JOIN p USING (game_id, team_abbr)
         WHERE (t.points, t.fg_made, t.fg_attempted, t.three_pt_made, t.three_pt_attempted, t.ft_made,
                t.ft_attempted, t.offensive_rebounds, t.defensive_rebounds, t.assists, t.steals, t.blocks,
                t.turnovers, t.personal_fouls)
            <> (p.points, p.fgm, p.fga, p.tpm, p.tpa, p.ftm, p.fta, p.oreb, p.dreb, p.ast, p.stl, p.blk, p.tov, p.pf)
            OR t.total_rebounds <> t.offensive_rebounds + t.defensive_rebounds",
        "team box vs players",
    );
    // The schedule's final score is the team box score, and the margin is the team plus-minus.
    assert_none(
        league(),
        "SELECT s.game_id FROM nba_raw.nbac_schedule AS s
         JOIN nba_raw.nbac_team_boxscore AS h ON h.nba_game_id = s.game_id AND h.is_home
         JOIN nba_raw.nbac_team_boxscore AS a ON a.nba_game_id = s.game_id AND NOT a.is_home
         WHERE s.game_status_text = 'Final'
           AND (h.points <> s.home_team_score OR a.points <> s.away_team_score OR h.plus_minus <> h.points - a.points
                OR h.points = a.points)",
        "schedule score vs team box",
    );
}

#[test]
fn injuries_are_announced_before_the_games_they_miss() {
    let lake = league();
    // Every injured inactive player was on a report before tip-off (report
    // hours are Eastern; +5 h is the later of EST/EDT, so this is strict).
    assert_none(
        lake,
        &format!(
            "SELECT g.game_id, g.player_lookup FROM nba_raw.nbac_gamebook_player_stats AS g
             JOIN (SELECT *, {SYSTEM_ID} AS system_id FROM {PLAYED}) AS s ON s.system_id = g.game_id
             WHERE g.player_status = 'inactive'
               AND NOT EXISTS (
                 SELECT 1 FROM nba_raw.nbac_injury_report AS r
                 WHERE r.player_lookup = g.player_lookup AND r.game_date = g.game_date
                   AND r.injury_status IN ('out', 'doubtful', 'questionable')
                   AND CAST(r.report_date AS TIMESTAMP) + to_hours(r.report_hour + 5) < CAST(s.game_time_utc AS TIMESTAMP))"
        ),
        "inactive without a prior report",
    );
    // Out means out: nobody reported out plays that game.
    assert_none(
        lake,
        "SELECT r.game_date, r.player_lookup FROM nba_raw.nbac_injury_report AS r
         JOIN nba_raw.nbac_gamebook_player_stats AS g USING (game_date, player_lookup)
         WHERE r.injury_status = 'out' AND g.player_status = 'active'",
        "reported out but played",
    );
    assert!(int(lake, "SELECT count(*)::BIGINT FROM nba_raw.nbac_injury_report WHERE injury_status = 'questionable'") > 0);
    assert!(int(lake, "SELECT count(DISTINCT report_date < game_date)::BIGINT FROM nba_raw.nbac_injury_report") == 2);
}

#[test]
fn dnps_are_listed_with_a_reason() {
    let lake = league();
    assert!(int(lake, "SELECT count(*)::BIGINT FROM nba_raw.nbac_gamebook_player_stats WHERE player_status = 'dnp'") > 1000);
    assert_none(
        lake,
        "SELECT game_id, player_lookup FROM nba_raw.nbac_gamebook_player_stats
         WHERE (player_status = 'active') = (dnp_reason IS NOT NULL)
            OR (player_status = 'active') <> (minutes IS NOT NULL)
            OR (player_status <> 'active' AND points IS NOT NULL)",
        "status, reason, minutes and stats agree",
    );
}

#[test]
fn players_are_traded_mid_season() {
    // A traded player appears for two teams in a season, all games for the
    // first before any for the second.
    let traded = rows(
        league(),
        "WITH t AS (SELECT season_year, player_lookup, team_abbr, min(game_date) AS first, max(game_date) AS last
                    FROM nba_raw.nbac_gamebook_player_stats GROUP BY ALL)
         SELECT a.season_year, a.player_lookup FROM t AS a JOIN t AS b USING (season_year, player_lookup)
         WHERE a.team_abbr <> b.team_abbr AND a.last < b.first AND extract(month FROM b.first) IN (12, 1, 2)",
    );
    assert!(traded.len() >= 12, "{traded:?}");
    for season in ["2021", "2022", "2023", "2024"] {
        assert!(
            traded.iter().any(|r| r[0] == season),
            "no trade in {season}"
        );
    }
}

#[test]
fn rookies_join_and_players_age() {
    let lake = league();
    // Players whose first season is after 2021-22 are rookies: 60 a season.
    assert_none(
        lake,
        "WITH f AS (SELECT player_lookup, min(season_year) AS first FROM nba_reference.nba_players_registry GROUP BY 1)
         SELECT first, count(*) FROM f WHERE first > 2021 GROUP BY 1 HAVING count(*) NOT BETWEEN 40 AND 80",
        "rookies per season",
    );
    // Ageing: a rookie's latent scoring rate (expected points per expected
    // minute) grows from his first to his second season on average.
    let growth = float(
        lake,
        "WITH f AS (SELECT player_lookup, min(season_year) AS first FROM nba_reference.nba_players_registry GROUP BY 1),
              r AS (SELECT t.player_lookup, t.season_year - f.first AS year,
                           sum(t.expected_points) / sum(t.expected_minutes) AS rate
                    FROM nba_synthetic.player_game_truth AS t JOIN f USING (player_lookup)
                    WHERE f.first > 2021 GROUP BY ALL)
         SELECT avg(b.rate - a.rate)::DOUBLE FROM r AS a JOIN r AS b USING (player_lookup) WHERE a.year = 0 AND b.year = 1",
    );
    assert!(growth > 0.0, "{growth}");
}

#[test]
fn play_by_play_matches_every_players_box_score() {
    let lake = league();
    // Per team-game, the multiset of per-player shooting lines counted from
    // each play-by-play feed equals the gamebook's (names differ per feed,
    // so the lines are compared as sorted lists).
    let line = "lpad(CAST(fga AS VARCHAR), 3, '0') || '/' || fgm || '/' || tpa || '/' || tpm || '/' || fta || '/' || ftm";
    for (table, two, three, ft) in [
        (
            "nba_raw.bigdataball_play_by_play",
            "shot_type = '2PT'",
            "shot_type = '3PT'",
            "shot_type = 'FT'",
        ),
        (
            "nba_raw.nbac_play_by_play",
            "shot_type = '2PT'",
            "shot_type = '3PT'",
            "shot_type = 'FT'",
        ),
    ] {
        assert_none(
            lake,
            &format!(
                "WITH pbp AS (
                    SELECT game_id, player_1_team_abbr AS team_abbr, player_1_lookup,
                           count(*) FILTER (WHERE {two} OR {three}) AS fga,
                           count(*) FILTER (WHERE ({two} OR {three}) AND shot_made) AS fgm,
                           count(*) FILTER (WHERE {three}) AS tpa, count(*) FILTER (WHERE {three} AND shot_made) AS tpm,
                           count(*) FILTER (WHERE {ft}) AS fta, count(*) FILTER (WHERE {ft} AND shot_made) AS ftm
                    FROM {table} GROUP BY ALL HAVING count(*) FILTER (WHERE shot_type IS NOT NULL) > 0),
                 a AS (SELECT game_id, team_abbr, list({line} ORDER BY {line}) AS lines FROM pbp GROUP BY ALL),
                 box AS (SELECT game_id, team_abbr, field_goals_attempted AS fga, field_goals_made AS fgm,
                                three_pointers_attempted AS tpa, three_pointers_made AS tpm,
                                free_throws_attempted AS fta, free_throws_made AS ftm
                         FROM nba_raw.nbac_gamebook_player_stats
                         WHERE player_status = 'active' AND field_goals_attempted + free_throws_attempted > 0),
                 b AS (SELECT game_id, team_abbr, list({line} ORDER BY {line}) AS lines FROM box GROUP BY ALL)
                 SELECT game_id, team_abbr FROM a JOIN b USING (game_id, team_abbr) WHERE a.lines <> b.lines"
            ),
            table,
        );
    }
    // Assists, blocks and rebounds are credited in BigDataBall's events.
    assert_none(
        lake,
        "WITH e AS (SELECT game_id, player_1_team_abbr AS team_abbr,
                           count(*) FILTER (WHERE player_2_role = 'assist') AS ast,
                           count(*) FILTER (WHERE event_type = 'rebound') AS reb
                    FROM nba_raw.bigdataball_play_by_play GROUP BY ALL),
              k AS (SELECT game_id, CASE WHEN player_1_team_abbr = home_team_abbr THEN away_team_abbr ELSE home_team_abbr END AS team_abbr,
                           count(*) AS blk
                    FROM nba_raw.bigdataball_play_by_play WHERE player_2_role = 'block' GROUP BY ALL)
         SELECT t.game_id, t.team_abbr FROM nba_raw.nbac_team_boxscore AS t
         JOIN e USING (game_id, team_abbr) LEFT JOIN k USING (game_id, team_abbr)
         WHERE t.assists <> e.ast OR t.total_rebounds <> e.reb OR t.blocks <> coalesce(k.blk, 0)",
        "assists, rebounds and blocks",
    );
}

#[test]
fn shot_distances_fit_their_zones_and_and_ones_follow_made_shots() {
    let lake = league();
    assert_none(
        lake,
        "SELECT game_id, event_sequence FROM nba_raw.bigdataball_play_by_play
         WHERE (shot_type = '3PT' AND shot_distance < 22) OR (shot_type = '2PT' AND shot_distance >= 22)
            OR (shot_type = '2PT' AND event_subtype = 'driving layup' AND shot_distance > 8)
            OR (shot_type IN ('2PT', '3PT') AND (shot_distance IS NULL OR shot_distance <= 0))",
        "distances",
    );
    for zone in [
        "shot_distance <= 8",
        "shot_distance > 8 AND shot_distance < 22",
        "shot_distance >= 22",
    ] {
        assert!(
            int(lake, &format!("SELECT count(*)::BIGINT FROM nba_raw.bigdataball_play_by_play WHERE shot_type <> 'FT' AND {zone}"))
                > 10_000,
            "{zone}"
        );
    }
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_raw.bigdataball_play_by_play AS f
             JOIN nba_raw.bigdataball_play_by_play AS s
               ON s.game_id = f.game_id AND s.event_sequence = f.event_sequence - 1
             WHERE f.event_subtype = 'free throw 1/1' AND s.shot_type = '2PT' AND s.shot_made
               AND s.player_1_lookup = f.player_1_lookup"
        ) > 500,
        "and-one free throws"
    );
}

#[test]
fn each_feed_spells_names_its_own_way() {
    let lake = league();
    // BDL deletes accented letters.
    let bdl = rows(
        lake,
        "SELECT DISTINCT player_full_name, player_lookup FROM nba_raw.bdl_player_boxscores",
    );
    let mut accented = 0;
    for r in &bdl {
        let ascii: String = r[0].chars().filter(char::is_ascii).collect();
        assert_eq!(r[1], player_lookup(&ascii), "{r:?}");
        if ascii != r[0] {
            accented += 1;
            assert_ne!(r[1], player_lookup(&r[0]), "{r:?}");
        }
    }
    assert!(accented > 20, "{accented}");
    // The gamebook uses the canonical function.
    assert_none(
        lake,
        "SELECT 1 FROM nba_raw.nbac_gamebook_player_stats WHERE player_lookup = '' LIMIT 1",
        "empty",
    );
    for r in rows(
        lake,
        "SELECT DISTINCT player_name, player_lookup FROM nba_raw.nbac_gamebook_player_stats",
    ) {
        assert_eq!(r[1], player_lookup(&r[0]), "{r:?}");
    }
    // ESPN and BettingPros drop suffixes; the gamebook has them.
    let suffixed = "regexp_matches(player_name, ' (Jr\\.|Sr\\.|II|III|IV)$')";
    assert!(int(lake, &format!("SELECT count(DISTINCT player_name)::BIGINT FROM nba_raw.nbac_gamebook_player_stats WHERE {suffixed}")) > 10);
    for (table, col) in [
        ("nba_raw.espn_team_rosters", "player_full_name"),
        ("nba_raw.bettingpros_player_points_props", "player_name"),
    ] {
        assert_none(
            lake,
            &format!("SELECT DISTINCT {col} FROM {table} WHERE regexp_matches({col}, ' (Jr\\.|Sr\\.|II|III|IV)$')"),
            table,
        );
    }
    // BigDataBall drops suffixes too, and prefixes the NBA.com id from 2024-25 on.
    assert_none(
        lake,
        "SELECT DISTINCT player_1_lookup FROM nba_raw.bigdataball_play_by_play
         WHERE (game_date >= DATE '2024-10-01') <> regexp_matches(player_1_lookup, '^[0-9]+[a-z]')",
        "BigDataBall id prefix exactly from 2024-25",
    );
    assert_none(
        lake,
        "SELECT DISTINCT b.player_1_lookup FROM nba_raw.bigdataball_play_by_play AS b
         JOIN nba_raw.nbac_gamebook_player_stats AS g
           ON regexp_replace(b.player_1_lookup, '^[0-9]+', '') = g.player_lookup
         WHERE regexp_matches(g.player_name, ' (Jr\\.|Sr\\.|II|III|IV)$')",
        "BigDataBall keeps a suffix",
    );
}

#[test]
fn aliases_map_variants_onto_canonical_lookups_with_a_few_gaps() {
    let lake = league();
    assert_none(
        lake,
        "SELECT alias_lookup FROM nba_reference.player_aliases
         WHERE nba_canonical_lookup NOT IN (SELECT player_lookup FROM nba_reference.nba_players_registry)
            OR alias_lookup IN (SELECT player_lookup FROM nba_reference.nba_players_registry)",
        "alias targets are registry players; aliases are not",
    );
    for alias_type in ["diacritics", "suffix", "nickname"] {
        assert!(
            int(lake, &format!("SELECT count(*)::BIGINT FROM nba_reference.player_aliases WHERE alias_type = '{alias_type}'"))
                > 0,
            "{alias_type}"
        );
    }
    // Some BDL spellings stay unresolved (no alias, not canonical).
    let unresolved = int(
        lake,
        "SELECT count(DISTINCT player_lookup)::BIGINT FROM nba_raw.bdl_player_boxscores
         WHERE player_lookup NOT IN (SELECT player_lookup FROM nba_reference.nba_players_registry)
           AND player_lookup NOT IN (SELECT alias_lookup FROM nba_reference.player_aliases)",
    );
    assert!(unresolved > 0);
    // The registry's ids are {lookup}_NNN.
    assert_none(
        lake,
        "SELECT universal_player_id FROM nba_reference.nba_players_registry
         WHERE NOT regexp_matches(universal_player_id, '^' || player_lookup || '_[0-9]{3}$')",
        "universal_player_id format",
    );
}

#[test]
fn sources_go_missing_with_their_fallback_present() {
    let lake = league();
    let games = format!("(SELECT {SYSTEM_ID} AS game_id, game_date FROM {PLAYED})");
    // Gamebook missing for some games, BDL present for each of them.
    let no_gamebook = format!(
        "(SELECT game_id FROM {games} WHERE game_id NOT IN (SELECT game_id FROM nba_raw.nbac_gamebook_player_stats))"
    );
    assert!(int(lake, &format!("SELECT count(*)::BIGINT FROM {no_gamebook}")) >= 20);
    assert_none(
        lake,
        &format!("SELECT game_id FROM {no_gamebook} WHERE game_id NOT IN (SELECT game_id FROM nba_raw.bdl_player_boxscores)"),
        "a game with neither box score",
    );
    // BigDataBall missing for some dates; NBA.com play-by-play present on them.
    let no_bdb = format!(
        "(SELECT DISTINCT game_date FROM {games} WHERE game_date NOT IN (SELECT game_date FROM nba_raw.bigdataball_play_by_play))"
    );
    assert!(int(lake, &format!("SELECT count(*)::BIGINT FROM {no_bdb}")) >= 10);
    assert_none(
        lake,
        &format!("SELECT game_id FROM {games} WHERE game_id NOT IN (SELECT game_id FROM nba_raw.nbac_play_by_play)"),
        "a game without NBA.com play-by-play",
    );
    // Some NBA.com play-by-play has no coordinates: every shot at 0.0.
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM (SELECT game_id FROM nba_raw.nbac_play_by_play WHERE shot_type <> 'FT'
             GROUP BY 1 HAVING max(shot_distance) = 0.0)"
        ) >= 50
    );
    // A few HOME_AWAY ids in BDL: the swapped id is a real game.
    assert!(
        int(
            lake,
            &format!(
                "SELECT count(DISTINCT b.game_id)::BIGINT FROM nba_raw.bdl_player_boxscores AS b
                 WHERE b.game_id NOT IN (SELECT game_id FROM {games})
                   AND split_part(b.game_id, '_', 1) || '_' || split_part(b.game_id, '_', 3) || '_' || split_part(b.game_id, '_', 2)
                       IN (SELECT game_id FROM {games})"
            )
        ) >= 10
    );
    // Team box scores missing for a few games.
    assert!(
        int(lake, &format!("SELECT count(*)::BIGINT FROM {games} WHERE game_id NOT IN (SELECT game_id FROM nba_raw.nbac_team_boxscore)"))
            >= 10
    );
}

#[test]
fn the_sportsbook_prices_rotation_players_around_their_latent_mean() {
    let lake = league();
    // Several bookmakers, several snapshots per game day, .5 lines, prices around -110.
    let books = rows(
        lake,
        "SELECT DISTINCT bookmaker FROM nba_raw.odds_api_player_points_props ORDER BY 1",
    )
    .concat();
    let mut expected: Vec<String> = BOOKMAKERS.iter().map(|b| b.to_string()).collect();
    expected.sort();
    assert_eq!(books, expected);
    assert_none(
        lake,
        "SELECT game_id, player_lookup, bookmaker FROM nba_raw.odds_api_player_points_props GROUP BY ALL
         HAVING count(DISTINCT snapshot_timestamp) < 3",
        "snapshots per player-game-book",
    );
    assert_none(
        lake,
        "SELECT points_line FROM nba_raw.odds_api_player_points_props
         WHERE points_line - floor(points_line) <> 0.5
            OR over_price_american NOT BETWEEN -130 AND -95 OR under_price_american NOT BETWEEN -130 AND -95",
        "lines and prices",
    );
    // Some snapshots come after tip-off.
    assert!(int(lake, "SELECT count(*)::BIGINT FROM nba_raw.odds_api_player_points_props WHERE snapshot_timestamp > commence_time") > 0);
    // The last pre-game line is a noisy estimate of the latent mean.
    let (mae, corr) = {
        let r = rows(
            lake,
            "WITH closing AS (
                SELECT game_id, player_lookup, points_line FROM nba_raw.odds_api_player_points_props
                WHERE snapshot_timestamp < commence_time AND bookmaker = 'draftkings'
                QUALIFY row_number() OVER (PARTITION BY game_id, player_lookup ORDER BY snapshot_timestamp DESC) = 1)
             SELECT avg(abs(points_line - expected_points)), corr(points_line, expected_points)
             FROM closing JOIN nba_synthetic.player_game_truth USING (game_id, player_lookup)",
        );
        (
            r[0][0].parse::<f64>().unwrap(),
            r[0][1].parse::<f64>().unwrap(),
        )
    };
    assert!(mae < 2.0 && corr > 0.9, "mae {mae}, corr {corr}");
    // Props are missing for some rotation players.
    let share_missing = float(
        lake,
        "SELECT avg(CASE WHEN p.player_lookup IS NULL THEN 1 ELSE 0 END)::DOUBLE
         FROM nba_synthetic.player_game_truth AS t
         LEFT JOIN (SELECT DISTINCT game_id, player_lookup FROM nba_raw.odds_api_player_points_props) AS p
           USING (game_id, player_lookup)
         WHERE t.expected_minutes >= 30",
    );
    assert!((0.05..0.3).contains(&share_missing), "{share_missing}");
    // Game lines: spreads with opposite signs per snapshot, totals over and under alike, every game.
    assert_none(
        lake,
        "SELECT game_id, bookmaker_key, snapshot_timestamp FROM nba_raw.odds_api_game_lines GROUP BY ALL
         HAVING sum(outcome_point) FILTER (WHERE market_key = 'spreads') <> 0
             OR count(DISTINCT outcome_point) FILTER (WHERE market_key = 'totals') <> 1
             OR count(*) <> 4",
        "game lines",
    );
    assert_eq!(
        int(
            lake,
            "SELECT count(DISTINCT game_id)::BIGINT FROM nba_raw.odds_api_game_lines"
        ),
        int(lake, &format!("SELECT count(*)::BIGINT FROM {PLAYED}"))
    );
}

#[test]
fn the_truth_table_covers_every_player_game_played() {
    let lake = league();
    assert_none(
        lake,
        "SELECT game_id, player_lookup FROM nba_raw.nbac_gamebook_player_stats AS g WHERE player_status = 'active'
         AND NOT EXISTS (SELECT 1 FROM nba_synthetic.player_game_truth AS t
                         WHERE t.game_id = g.game_id AND t.player_lookup = g.player_lookup AND t.actual_points = g.points)",
        "played without truth",
    );
    let corr = float(
        lake,
        "SELECT corr(actual_points, expected_points)::DOUBLE FROM nba_synthetic.player_game_truth",
    );
    assert!(corr > 0.6, "{corr}");
    let bias = float(
        lake,
        "SELECT avg(actual_points - expected_points)::DOUBLE FROM nba_synthetic.player_game_truth",
    );
    assert!(bias.abs() < 0.3, "the latent mean is unbiased: {bias}");
}

// ── A season whose last day is still to be played ([`live_season`]) ─────────────────────

#[test]
fn the_generator_can_leave_the_last_day_scheduled() {
    let live = live_season();
    let lake = &live.lake;
    let day = live.day;
    assert_none(
        lake,
        &format!(
            "SELECT game_id FROM nba_raw.nbac_schedule WHERE game_date = DATE '{day}'
             AND (game_status <> 1 OR game_status_text <> 'Scheduled' OR home_team_score IS NOT NULL
                  OR winning_team_tricode IS NOT NULL)"
        ),
        "the last day is scheduled, without results",
    );
    for table in [
        TableId::NbacGamebookPlayerStats,
        TableId::BdlPlayerBoxscores,
        TableId::NbacTeamBoxscore,
        TableId::BigdataballPlayByPlay,
        TableId::NbacPlayByPlay,
        TableId::PlayerGameTruth,
    ] {
        assert_eq!(
            int(
                lake,
                &format!("SELECT count(*)::BIGINT FROM {table} WHERE game_date = DATE '{day}'")
            ),
            0,
            "{table} on the unplayed day"
        );
    }
    for (table, at) in [
        (TableId::OddsApiPlayerPointsProps, "snapshot_timestamp"),
        (TableId::OddsApiGameLines, "snapshot_timestamp"),
    ] {
        assert!(
            int(
                lake,
                &format!("SELECT count(*)::BIGINT FROM {table} WHERE game_date = DATE '{day}'")
            ) > 0,
            "{table} has pre-game rows"
        );
        assert_none(
            lake,
            &format!(
                "SELECT x.{at} FROM {table} x JOIN nba_raw.nbac_schedule s
                   ON s.game_date = x.game_date WHERE x.game_date = DATE '{day}' AND x.{at} >= s.game_time_utc"
            ),
            "no snapshot after tip-off",
        );
    }
    assert!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_raw.espn_team_rosters WHERE roster_date = DATE '{day}'"
            )
        ) > 0
    );
}

/// Every dated raw table of `league`, concatenated, with only the rows dated `last` or before.
fn dated_rows_through(
    league: &backcourt::fixtures::League,
    last: chrono::NaiveDate,
) -> Vec<(TableId, arrow::array::RecordBatch)> {
    use arrow::array::{BooleanArray, Date32Array};
    let last = backcourt::dates::date_to_date32(last);
    league
        .tables
        .iter()
        .filter_map(|(table, batches)| {
            let column = table.def().date_column?;
            let schema = batches.first()?.schema();
            let all = arrow::compute::concat_batches(&schema, batches).expect("concat");
            let dates = all
                .column_by_name(column)
                .expect("date column")
                .as_any()
                .downcast_ref::<Date32Array>()
                .expect("DATE");
            let keep: BooleanArray = dates.iter().map(|d| d.map(|d| d <= last)).collect();
            Some((
                *table,
                arrow::compute::filter_record_batch(&all, &keep).expect("filter"),
            ))
        })
        .collect()
}

#[test]
fn a_league_ended_early_holds_the_whole_leagues_rows_up_to_its_end() {
    use backcourt::fixtures::{generate, GenerateConfig};
    let through = chrono::NaiveDate::from_ymd_opt(2023, 12, 20).expect("date");
    let whole = GenerateConfig::new(
        backcourt::calendar::parse_seasons("2022-23..2023-24").expect("seasons"),
        7,
    );
    let early = generate(&GenerateConfig {
        through: Some(through),
        ..whole.clone()
    });
    assert_eq!(early.span.end, through, "2023-12-20 is a game date");
    let expected = dated_rows_through(&generate(&whole), through);
    let got = dated_rows_through(&early, chrono::NaiveDate::MAX);
    assert_eq!(
        got.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        expected.iter().map(|(t, _)| *t).collect::<Vec<_>>()
    );
    for ((table, got), (_, expected)) in got.iter().zip(&expected) {
        assert!(expected.num_rows() > 0, "{table} has rows up to {through}");
        assert!(got == expected, "{table}: the early league's rows differ");
    }
}

-- backcourt.feed_name_resolution(start_date, end_date): every player name the props, injury and
-- play-by-play feeds of the range carry, resolved against the players the games list and those
-- who played (player_game_summary), as the models resolve them. Play-by-play rows carry only a
-- lookup, so only the spelling methods apply to them; a shooter's team is his own, an assist or
-- block may be either team's.
CREATE OR REPLACE MACRO backcourt.feed_name_resolution(start_date, end_date) AS TABLE
WITH
-- Play-by-play has millions of rows and few names: each raw spelling is counted first, then
-- normalised once.
pbp_raw AS (
    SELECT 'bigdataball_play_by_play' AS feed, game_date,
           CASE WHEN player_1_team_abbr IS NOT NULL THEN [team_code(player_1_team_abbr)]
                ELSE list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]) END AS teams,
           player_1_lookup AS raw, count(*) AS feed_rows
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_1_lookup IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'bigdataball_play_by_play', game_date,
           list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]), player_2_lookup, count(*)
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_2_lookup IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'nbac_play_by_play', game_date,
           CASE WHEN player_1_team_abbr IS NOT NULL THEN [team_code(player_1_team_abbr)]
                ELSE list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]) END,
           player_1_lookup, count(*)
    FROM nba_raw.nbac_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_1_lookup IS NOT NULL
    GROUP BY ALL
),
feed_names AS (
    SELECT 'odds_api_player_points_props' AS feed, game_date, teams, spelling, name, 1 AS feed_rows
    FROM backcourt.odds_props(start_date, end_date)
    UNION ALL
    SELECT 'bettingpros_player_points_props', game_date, teams, spelling, name, 1
    FROM backcourt.bettingpros_props(start_date, end_date)
    UNION ALL
    SELECT 'nbac_injury_report', game_date, [team_abbr], spelling, name, 1
    FROM backcourt.injury_rows(start_date, end_date)
    UNION ALL
    SELECT feed, game_date, teams, player_lookup(raw), NULL, feed_rows FROM pbp_raw
),
candidates AS (SELECT * FROM backcourt.name_candidates(start_date, end_date))
SELECT * FROM backcourt.resolve_names('feed_names', 'candidates');

-- backcourt.phase4_players(mode, start_date, end_date): one row per player with a game on a
-- non-bootstrap game date of the range, or on a bootstrap date that carries last season over
-- (`carries_over`, which only the feature store keeps). Historical: the players who played that date
-- (backcourt.player_games); live: the players of the pre-game context
-- (nba_analytics.upcoming_player_game_context). The reference mixed the two (its backfills
-- predicted the expected roster, handoff note 105); here the mode says which.
CREATE OR REPLACE MACRO backcourt.phase4_players(mode, start_date, end_date) AS TABLE
WITH players AS (
    SELECT p.player_lookup, p.universal_player_id, p.game_date, p.game_id, p.team_abbr,
           p.opponent_team_abbr, d.season_year, g.home = p.team_abbr AS home_game, g.season_phase,
           d.carries_over
    FROM backcourt.game_dates d
    JOIN (
        SELECT player_lookup, universal_player_id, game_date, game_id, team_abbr, opponent_team_abbr
        FROM backcourt.player_games
        WHERE mode = 'historical' AND game_date BETWEEN start_date AND end_date
        UNION ALL
        SELECT player_lookup, universal_player_id, game_date, game_id, team_abbr, opponent_team_abbr
        FROM nba_analytics.upcoming_player_game_context
        WHERE mode = 'live' AND game_date BETWEEN start_date AND end_date
        QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY game_id) = 1
    ) p USING (game_date)
    LEFT JOIN backcourt.games g ON g.game_id = p.game_id
    WHERE NOT d.is_bootstrap OR d.carries_over
)
-- The opponent's days since its last game, from the calendar (same convention as days_rest).
SELECT p.*, CAST(p.game_date - o.game_date AS INTEGER) AS opponent_days_rest
FROM players p
ASOF LEFT JOIN backcourt.team_games o
  ON o.team_abbr = p.opponent_team_abbr AND o.season_year = p.season_year
 AND p.game_date > o.game_date;

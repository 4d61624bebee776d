//! nba_processing.unresolved_names (`sql/nba_processing/unresolved_names.sql`,
//! sql/backcourt/resolve_names.sql) on the real-shaped date of
//! [`crate::scenarios::real_shaped_names`]: a name no player of its game answers to, ambiguous or
//! unmatched, is a row with the teams searched and the candidates, never a guess. An alias row
//! that settles such a name is tested in `name_matches.rs`.

use crate::scenarios::real_shaped_names::lake;
use crate::util::rows;

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

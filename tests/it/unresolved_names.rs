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

/// The two name tables share one resolution per session and range
/// (src/engine/memo.rs). A feed rewritten within the session must be
/// resolved afresh: a memo kept across the write would miss the new name.
#[test]
fn a_feed_rewritten_within_the_session_is_resolved_afresh() {
    use backcourt::dates::DateRange;
    use backcourt::engine::{Engine, ModelParams};
    use backcourt::lake::WriteScope;
    use backcourt::registry::TableId;

    let (_dir, lake) = crate::scenarios::real_shaped_names::built(&[]);
    let engine = Engine::open(&lake).expect("engine");
    let day: DateRange = crate::scenarios::real_shaped_names::DATE
        .parse()
        .expect("date");
    let params = ModelParams::historical(day);
    let unresolved = || {
        rows(
            &lake,
            "SELECT source_lookup FROM nba_processing.unresolved_names ORDER BY 1",
        )
    };
    engine
        .build_table(TableId::NameMatches, &params)
        .expect("name_matches");
    engine
        .build_table(TableId::UnresolvedNames, &params)
        .expect("unresolved_names");
    assert_eq!(unresolved(), [["athompson"], ["jordanhawkins"]]);

    // The book renames Jordan Hawkins: a new spelling no one answers to.
    let renamed = engine
        .query(
            "SELECT * REPLACE (CASE WHEN player_name = 'Jordan Hawkins' THEN 'Jordan Hawkins Sr' \
             ELSE player_name END AS player_name) FROM nba_raw.odds_api_player_points_props",
        )
        .expect("renamed rows");
    lake.write(
        TableId::OddsApiPlayerPointsProps,
        &renamed,
        WriteScope::Range(day),
    )
    .expect("rewrite the props");
    engine
        .build_table(TableId::UnresolvedNames, &params)
        .expect("unresolved_names again");
    assert_eq!(
        unresolved(),
        [["athompson"], ["jordanhawkinssr"]],
        "the rewritten feed's names"
    );
}

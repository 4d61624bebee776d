//! nba_processing.name_matches (`sql/nba_processing/name_matches.sql`,
//! sql/backcourt/resolve_names.sql) on the real-shaped date of
//! [`crate::scenarios::real_shaped_names`]: every feed spelling meets its player by the first
//! method that finds him (fuzzy, surname, suffix; an alias row before them), "Last, First"
//! injury names resolve, and the resolved status and lines reach Phase 3. The names left
//! unresolved are tested in `unresolved_names.rs`, the line picker in `player_game_summary.rs`.

use backcourt::registry::TableId;

use crate::scenarios::real_shaped_names::{built, lake};
use crate::util::rows;

#[test]
fn every_spelling_meets_its_player_by_the_first_method_that_finds_him() {
    let found = rows(
        lake(),
        "SELECT feed, source_name, player_lookup, method FROM nba_processing.name_matches \
         WHERE feed <> 'nbac_injury_report' ORDER BY source_name",
    );
    let expected = [
        // The same surname and a first name that is a prefix of the other.
        [
            "odds_api_player_points_props",
            "Herb Jones",
            "herbertjones",
            "fuzzy",
        ],
        [
            "odds_api_player_points_props",
            "Nic Claxton",
            "nicolasclaxton",
            "fuzzy",
        ],
        // A nickname sharing nothing: the only Carrington of the game.
        [
            "odds_api_player_points_props",
            "Bub Carrington",
            "carltoncarrington",
            "surname",
        ],
        // Suffixes dropped on either side.
        [
            "odds_api_player_points_props",
            "Isaiah Stewart II",
            "isaiahstewart",
            "suffix",
        ],
        [
            "odds_api_player_points_props",
            "Trey Murphy",
            "treymurphyiii",
            "suffix",
        ],
    ];
    let mut expected: Vec<Vec<String>> = expected
        .iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect();
    expected.sort_by(|a, b| a[1].cmp(&b[1]));
    assert_eq!(found, expected);
    // The identity is not recorded: Mikal Bridges and Zion Williamson are spelt as listed.
    let exact = rows(
        lake(),
        "SELECT count(*) FROM nba_processing.name_matches WHERE method = 'exact'",
    );
    assert_eq!(exact, [["0"]]);
}

#[test]
fn last_first_injury_names_resolve_and_the_status_reaches_the_player() {
    let matched = rows(
        lake(),
        "SELECT source_name, player_lookup, method FROM nba_processing.name_matches \
         WHERE feed = 'nbac_injury_report' ORDER BY 1",
    );
    assert_eq!(
        matched,
        [
            ["Claxton, Nicolas", "nicolasclaxton", "suffix"],
            ["Thomas, Cam", "camthomas", "suffix"],
        ]
    );
    // Claxton played; his pre-game context carries the status the report gave him.
    let status = rows(
        lake(),
        "SELECT player_status FROM nba_analytics.upcoming_player_game_context \
         WHERE player_lookup = 'nicolasclaxton'",
    );
    assert_eq!(status, [["questionable"]]);
}

#[test]
fn an_alias_row_settles_a_spelling_the_game_alone_cannot() {
    // The same date with one alias row: the team's own mapping of the sportsbook's "A. Thompson".
    // The game has two Thompsons, so without it the name is ambiguous (above); with it, the alias
    // names Amen, by method 'alias', and his line reaches both Phase 3 tables.
    let (_dir, lake) = built(&[(
        TableId::PlayerAliases,
        "SELECT 'athompson' AS alias_lookup, 'amenthompson' AS nba_canonical_lookup, \
         'abbreviation' AS alias_type, true AS is_active",
    )]);
    assert_eq!(
        rows(
            &lake,
            "SELECT source_name, player_lookup, method FROM nba_processing.name_matches \
             WHERE source_name = 'A. Thompson'",
        ),
        [["A. Thompson", "amenthompson", "alias"]]
    );
    assert_eq!(
        rows(
            &lake,
            "SELECT source_lookup FROM nba_processing.unresolved_names ORDER BY 1",
        ),
        [["jordanhawkins"]]
    );
    for (table, line) in [
        ("nba_analytics.player_game_summary", "points_line"),
        (
            "nba_analytics.upcoming_player_game_context",
            "current_points_line",
        ),
    ] {
        assert_eq!(
            rows(
                &lake,
                &format!(
                    "SELECT CAST({line} AS VARCHAR) FROM {table} \
                     WHERE player_lookup = 'amenthompson'"
                ),
            ),
            [["9.5"]],
            "{table}"
        );
    }
}

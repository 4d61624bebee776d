//! The calendar against the generated schedule.

use std::collections::BTreeSet;

use backcourt::calendar::{Calendar, GameKind, Season};
use backcourt::engine::Engine;
use chrono::NaiveDate;

use crate::util::{league, rows};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn calendar() -> Calendar {
    Calendar::load(&Engine::open(league()).unwrap()).unwrap()
}

#[test]
fn opening_nights_and_bootstrap_come_from_the_schedule() {
    let cal = calendar();
    assert_eq!(
        cal.seasons(),
        [Season(2021), Season(2022), Season(2023), Season(2024)]
    );
    for (season, night) in [
        (2021, "2021-10-19"),
        (2022, "2022-10-18"),
        (2023, "2023-10-24"),
        (2024, "2024-10-22"),
    ] {
        assert_eq!(
            cal.opening_night(Season(season)),
            Some(d(night)),
            "{season}"
        );
        let boot = cal.bootstrap(Season(season)).unwrap();
        assert_eq!((boot.start, boot.len()), (d(night), 14));
    }
    assert!(cal.is_bootstrap(d("2023-11-06")));
    assert!(!cal.is_bootstrap(d("2023-11-07")));
}

#[test]
fn game_dates_match_the_schedule_without_postponed_rows() {
    let cal = calendar();
    let expected: BTreeSet<NaiveDate> = rows(
        league(),
        "SELECT DISTINCT CAST(game_date AS VARCHAR) FROM nba_raw.nbac_schedule WHERE game_status_text <> 'PPD'",
    )
    .into_iter()
    .map(|r| d(&r[0]))
    .collect();
    let got: BTreeSet<NaiveDate> = cal.game_dates().collect();
    assert_eq!(got, expected);
    // Play-in and playoff dates are game dates too.
    assert!(cal.games().any(|g| g.kind == GameKind::PlayIn));
    assert!(cal.games().any(|g| g.kind == GameKind::Playoffs));
}

#[test]
fn postponed_games_are_excluded_on_their_date_and_their_replays_included() {
    let cal = calendar();
    assert!(!cal.postponed().is_empty());
    for p in cal.postponed() {
        assert!(
            !cal.games_on(p.date)
                .iter()
                .any(|g| g.nba_game_id == p.nba_game_id),
            "{p:?} still on its date"
        );
        let replay = cal
            .games()
            .find(|g| g.nba_game_id == p.nba_game_id)
            .expect("replayed");
        assert!(replay.date > p.date);
        assert_eq!((&replay.home, &replay.away), (&p.home, &p.away));
    }
}

#[test]
fn teams_playing_on_a_date_are_the_schedules() {
    let cal = calendar();
    for r in rows(
        league(),
        "SELECT CAST(game_date AS VARCHAR), string_agg(t, ',' ORDER BY t) FROM (
            SELECT DISTINCT game_date, unnest([home_team_tricode, away_team_tricode]) AS t
            FROM nba_raw.nbac_schedule WHERE game_status_text <> 'PPD') GROUP BY game_date",
    ) {
        assert_eq!(cal.teams_playing(d(&r[0])).join(","), r[1], "{}", r[0]);
    }
    assert!(cal.teams_playing(d("2023-08-01")).is_empty());
}

#[test]
fn the_nba_cup_final_is_no_regular_season_game_whatever_the_feed_flags() {
    // Real-shaped: no tip-off times, and the importer flagged the Cup final (NBA.com id 006…)
    // a regular-season game, as the public schedule exports do.
    let (_dir, lake) = crate::util::lake_with(&[(
        backcourt::registry::TableId::NbacSchedule,
        "SELECT * FROM (VALUES
            ('0022300001', DATE '2023-10-24', 2023, 'DEN', 'LAL', 3, true),
            ('0022300300', DATE '2023-12-08', 2023, 'BOS', 'MIA', 3, true),
            ('0062300001', DATE '2023-12-09', 2023, 'LAL', 'IND', 3, true)
         ) t(game_id, game_date, season_year, home_team_tricode, away_team_tricode,
             game_status, is_regular_season)",
    )]);
    assert_eq!(
        rows(
            &lake,
            "SELECT nba_game_id, is_regular_season, season_phase FROM backcourt.games \
             ORDER BY nba_game_id"
        ),
        [
            ["0022300001", "true", "regular_season"],
            ["0022300300", "true", "regular_season"],
            ["0062300001", "false", "nba_cup_final"],
        ]
    );
    let cal = Calendar::load(&Engine::open(&lake).unwrap()).unwrap();
    let kinds: Vec<GameKind> = cal
        .games_on(d("2023-12-09"))
        .iter()
        .map(|g| g.kind)
        .collect();
    assert_eq!(kinds, [GameKind::CupFinal]);
    assert_eq!(cal.opening_night(Season(2023)), Some(d("2023-10-24")));
}

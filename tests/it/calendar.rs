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

//! The one season calendar (DESIGN principle 2), read from `nba_raw.nbac_schedule`.
//!
//! Seasons, opening nights, the bootstrap window, game dates and the teams
//! playing on a date all come from here; "expected" anywhere in backcourt
//! means this calendar, never the table being checked.
//!
//! - A season is named by the year it starts; a date in October or later
//!   belongs to that year's season, any earlier date to the previous one
//!   (reference-phase3 §0.1).
//! - Opening night is the first date of the season with a regular-season game
//!   that was played (postponed games do not count).
//! - Bootstrap is opening night and the 13 days after it
//!   (reference-phase4 §0.3, `BOOTSTRAP_DAYS = 14`): too little history for
//!   point-in-time features, so those dates are skipped, not failed.
//! - Game dates are the dates with at least one game that was not postponed:
//!   regular season, play-in and playoffs. A postponed game (status text
//!   `PPD`) keeps its row on the original date and is excluded there; its
//!   rescheduled replay is an ordinary game on its new date.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Date32Type, Int32Type};
use chrono::{Datelike, Days, NaiveDate};

use crate::dates::{date32_to_date, DateRange};
use crate::engine::{self, Engine};

/// Days of a season's start without enough history: opening night + 13.
pub const BOOTSTRAP_DAYS: u64 = 14;

/// A season, named by the year it starts (`2023-24` is `Season(2023)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Season(pub i32);

impl Season {
    /// The season a date belongs to: October or later is that year's season.
    pub fn of(date: NaiveDate) -> Season {
        if date.month() >= 10 {
            Season(date.year())
        } else {
            Season(date.year() - 1)
        }
    }

    /// The year the season starts.
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// The first season backcourt knows: the BAA's first, 1946-47.
    pub const FIRST: Season = Season(1946);
    /// The last season backcourt knows.
    pub const LAST: Season = Season(2100);

    /// Every date that belongs to a season backcourt knows (October 1946 to
    /// September 2101): a date outside it is a mistake in the data, not a
    /// game.
    pub fn known_dates() -> DateRange {
        let start = NaiveDate::from_ymd_opt(Self::FIRST.0, 10, 1).expect("a date");
        let end = NaiveDate::from_ymd_opt(Self::LAST.0 + 1, 9, 30).expect("a date");
        DateRange { start, end }
    }
}

impl fmt::Display for Season {
    /// `2024-25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

/// A season name that did not parse.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a season: expected e.g. 2023-24 (or 2021-22..2024-25 for a range)")]
pub struct BadSeason(String);

impl FromStr for Season {
    type Err = BadSeason;

    /// `2023-24`, or the start year alone (`2023`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadSeason(s.to_string());
        let (start, end) = match s.trim().split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (s.trim(), None),
        };
        let year: i32 = start.parse().map_err(|_| bad())?;
        if !(Season::FIRST.0..=Season::LAST.0).contains(&year) {
            return Err(bad());
        }
        if let Some(end) = end {
            let expected = format!("{:02}", (year + 1) % 100);
            if end != expected && end != (year + 1).to_string() {
                return Err(bad());
            }
        }
        Ok(Season(year))
    }
}

/// Parses `2021-22..2024-25` (or one season) into the seasons it spans.
pub fn parse_seasons(s: &str) -> Result<Vec<Season>, BadSeason> {
    let (first, last) = match s.split_once("..") {
        Some((a, b)) => (a.parse::<Season>()?, b.parse::<Season>()?),
        None => {
            let one = s.parse::<Season>()?;
            (one, one)
        }
    };
    if last < first {
        return Err(BadSeason(s.to_string()));
    }
    Ok((first.0..=last.0).map(Season).collect())
}

/// What stage of the season a game belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameKind {
    RegularSeason,
    PlayIn,
    Playoffs,
    /// The NBA Cup final (NBA.com id prefix [`CUP_FINAL_ID_PREFIX`]): a game
    /// that counts in no standings, whatever the schedule's flags say.
    CupFinal,
}

/// NBA.com game ids begin with the kind of game: 002 regular season, 004
/// playoffs, 005 play-in, 006 the NBA Cup final.
pub const CUP_FINAL_ID_PREFIX: &str = "006";

/// One row of the schedule, as the calendar needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledGame {
    /// The NBA.com id (a postponed game and its replay share it).
    pub nba_game_id: String,
    pub date: NaiveDate,
    pub season: Season,
    pub home: String,
    pub away: String,
    pub kind: GameKind,
    /// Status text `PPD`: the game did not happen on this date.
    pub postponed: bool,
}

/// The season calendar.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Games that were played or are scheduled, by date (postponed rows excluded).
    by_date: BTreeMap<NaiveDate, Vec<ScheduledGame>>,
    /// Postponed rows, on their original dates.
    postponed: Vec<ScheduledGame>,
    opening_nights: BTreeMap<Season, NaiveDate>,
}

impl Calendar {
    /// Builds the calendar from schedule rows.
    pub fn from_games(games: impl IntoIterator<Item = ScheduledGame>) -> Calendar {
        let mut cal = Calendar::default();
        for g in games {
            if g.postponed {
                cal.postponed.push(g);
                continue;
            }
            if g.kind == GameKind::RegularSeason {
                let night = cal.opening_nights.entry(g.season).or_insert(g.date);
                *night = (*night).min(g.date);
            }
            cal.by_date.entry(g.date).or_default().push(g);
        }
        for games in cal.by_date.values_mut() {
            games.sort_by(|a, b| a.nba_game_id.cmp(&b.nba_game_id));
        }
        cal.postponed
            .sort_by(|a, b| (a.date, &a.nba_game_id).cmp(&(b.date, &b.nba_game_id)));
        cal
    }

    /// Reads `nba_raw.nbac_schedule` through the engine.
    pub fn load(engine: &Engine) -> engine::Result<Calendar> {
        let batches = engine.query(
            "SELECT game_id, game_date, season_year, home_team_tricode, away_team_tricode, \
             coalesce(upper(trim(game_status_text)) IN ('PPD', 'POSTPONED'), false) AS postponed, \
             coalesce(is_play_in, false) AS is_play_in, coalesce(is_playoffs, false) AS is_playoffs \
             FROM nba_raw.nbac_schedule",
        )?;
        let mut games = Vec::new();
        for b in &batches {
            let id = b.column(0).as_string::<i32>();
            let date = b.column(1).as_primitive::<Date32Type>();
            let season = b.column(2).as_primitive::<Int32Type>();
            let home = b.column(3).as_string::<i32>();
            let away = b.column(4).as_string::<i32>();
            let postponed = b.column(5).as_boolean();
            let play_in = b.column(6).as_boolean();
            let playoffs = b.column(7).as_boolean();
            for i in 0..b.num_rows() {
                let d = date32_to_date(date.value(i));
                games.push(ScheduledGame {
                    nba_game_id: id.value(i).to_string(),
                    date: d,
                    season: if season.is_null(i) {
                        Season::of(d)
                    } else {
                        Season(season.value(i))
                    },
                    home: home.value(i).to_string(),
                    away: away.value(i).to_string(),
                    kind: if id.value(i).starts_with(CUP_FINAL_ID_PREFIX) {
                        GameKind::CupFinal
                    } else if play_in.value(i) {
                        GameKind::PlayIn
                    } else if playoffs.value(i) {
                        GameKind::Playoffs
                    } else {
                        GameKind::RegularSeason
                    },
                    postponed: postponed.value(i),
                });
            }
        }
        Ok(Calendar::from_games(games))
    }

    /// The seasons the schedule covers, in order.
    pub fn seasons(&self) -> Vec<Season> {
        self.opening_nights.keys().copied().collect()
    }

    /// Opening night of `season`.
    pub fn opening_night(&self, season: Season) -> Option<NaiveDate> {
        self.opening_nights.get(&season).copied()
    }

    /// The bootstrap window of `season`: opening night and the 13 days after.
    pub fn bootstrap(&self, season: Season) -> Option<DateRange> {
        let start = self.opening_night(season)?;
        DateRange::new(start, start + Days::new(BOOTSTRAP_DAYS - 1))
    }

    /// Is `date` inside its season's bootstrap window?
    pub fn is_bootstrap(&self, date: NaiveDate) -> bool {
        self.bootstrap(Season::of(date))
            .is_some_and(|r| r.contains(date))
    }

    /// Whether `date` is in the bootstrap window of a season after the
    /// calendar's first: its players' history carries over from the season
    /// before, so the feature store and Phase 5 compute it (the other Phase 4
    /// tables, which describe this season alone, still skip it). A season
    /// with nothing before it in the lake has nothing to carry.
    pub fn carries_over(&self, date: NaiveDate) -> bool {
        let season = Season::of(date);
        self.is_bootstrap(date) && self.opening_nights.range(..season).next_back().is_some()
    }

    /// Whether Phase 5 predicts `date`'s games: a game date outside the
    /// bootstrap, or one that carries over.
    pub fn predicts(&self, date: NaiveDate) -> bool {
        !self.games_on(date).is_empty() && (!self.is_bootstrap(date) || self.carries_over(date))
    }

    /// Every game date, in order.
    pub fn game_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.by_date.keys().copied()
    }

    /// The game dates inside `range`, in order.
    pub fn game_dates_in(&self, range: DateRange) -> impl Iterator<Item = NaiveDate> + '_ {
        self.by_date.range(range.start..=range.end).map(|(d, _)| *d)
    }

    /// The first and last game date of the schedule.
    pub fn span(&self) -> Option<DateRange> {
        DateRange::new(
            *self.by_date.keys().next()?,
            *self.by_date.keys().next_back()?,
        )
    }

    /// The games played (or scheduled and not postponed) on `date`.
    pub fn games_on(&self, date: NaiveDate) -> &[ScheduledGame] {
        self.by_date.get(&date).map_or(&[], Vec::as_slice)
    }

    /// Every game of the calendar, postponed rows excluded, in date order.
    pub fn games(&self) -> impl Iterator<Item = &ScheduledGame> {
        self.by_date.values().flatten()
    }

    /// The rows of postponed games, on their original dates.
    pub fn postponed(&self) -> &[ScheduledGame] {
        &self.postponed
    }

    /// The teams with a game on `date`, sorted.
    pub fn teams_playing(&self, date: NaiveDate) -> Vec<&str> {
        let mut teams: Vec<&str> = self
            .games_on(date)
            .iter()
            .flat_map(|g| [g.home.as_str(), g.away.as_str()])
            .collect();
        teams.sort_unstable();
        teams.dedup();
        teams
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn game(
        id: &str,
        date: &str,
        home: &str,
        away: &str,
        kind: GameKind,
        postponed: bool,
    ) -> ScheduledGame {
        ScheduledGame {
            nba_game_id: id.into(),
            date: d(date),
            season: Season::of(d(date)),
            home: home.into(),
            away: away.into(),
            kind,
            postponed,
        }
    }

    #[test]
    fn season_of_a_date_turns_in_october() {
        assert_eq!(Season::of(d("2024-09-30")), Season(2023));
        assert_eq!(Season::of(d("2024-10-01")), Season(2024));
        assert_eq!(Season::of(d("2025-06-15")), Season(2024));
        assert_eq!(Season(2024).to_string(), "2024-25");
        assert_eq!(Season(1999).to_string(), "1999-00");
        assert_eq!("2024-25".parse::<Season>().unwrap(), Season(2024));
        assert!("2024-27".parse::<Season>().is_err());
        assert_eq!(parse_seasons("2021-22..2024-25").unwrap().len(), 4);
    }

    #[test]
    fn known_dates_are_the_known_seasons() {
        let known = Season::known_dates();
        assert_eq!(Season::of(known.start), Season::FIRST);
        assert_eq!(Season::of(known.end), Season::LAST);
        assert_eq!(Season::of(known.start.pred_opt().unwrap()), Season(1945));
        assert_eq!(Season::of(known.end.succ_opt().unwrap()), Season(2101));
        assert!("1945-46".parse::<Season>().is_err() && "2101-02".parse::<Season>().is_err());
        assert!("1946-47".parse::<Season>().is_ok() && "2100-01".parse::<Season>().is_ok());
    }

    #[test]
    fn postponed_games_leave_their_date_and_replays_count() {
        let cal = Calendar::from_games([
            game(
                "1",
                "2023-10-24",
                "BOS",
                "NYK",
                GameKind::RegularSeason,
                false,
            ),
            game(
                "2",
                "2023-10-23",
                "LAL",
                "DEN",
                GameKind::RegularSeason,
                true,
            ),
            game(
                "2",
                "2023-12-01",
                "LAL",
                "DEN",
                GameKind::RegularSeason,
                false,
            ),
            game("3", "2024-04-20", "BOS", "MIA", GameKind::Playoffs, false),
        ]);
        assert_eq!(cal.opening_night(Season(2023)), Some(d("2023-10-24")));
        assert_eq!(
            cal.game_dates().collect::<Vec<_>>(),
            [d("2023-10-24"), d("2023-12-01"), d("2024-04-20")]
        );
        assert!(cal.games_on(d("2023-10-23")).is_empty());
        assert_eq!(cal.postponed().len(), 1);
        assert_eq!(cal.teams_playing(d("2023-12-01")), ["DEN", "LAL"]);
        assert_eq!(
            cal.bootstrap(Season(2023)).unwrap().to_string(),
            "2023-10-24..2023-11-06"
        );
        assert!(cal.is_bootstrap(d("2023-11-06")));
        assert!(!cal.is_bootstrap(d("2023-11-07")));
        assert!(!cal.is_bootstrap(d("2024-04-20")));
    }
}

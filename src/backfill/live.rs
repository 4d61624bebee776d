//! A live run: one date's slate predicted before its games are played.
//!
//! Two runs of the one runner, each under the lake's lock: first every
//! earlier date is brought up to date (a resume, usually only yesterday's
//! games and their grading), then the date itself is computed, forced, by
//! every table but the grading ones. The pre-game tables
//! ([`TableId::is_pregame`]) compute it in live mode: the rostered players
//! of the scheduled games, with the reports, rosters and line snapshots
//! published by `as_of`. The other tables compute it as usual (no box
//! scores yet: no rows), so they are recomputed once the games are played.
//!
//! The ledger marks the pre-game dates live ([`super::ledger::Entry::live_as_of`]),
//! and later runs keep them ([`super::plan::kept_live`]): the run after the
//! games grades the predictions that were made before tip-off.

use arrow::datatypes::{Date32Type, Int64Type};
use chrono::{DateTime, NaiveDate, Utc};

use super::plan::{DateSpec, Selection};
use super::run::{self, RunOptions, RunReport};
use crate::calendar::Calendar;
use crate::dates::DateRange;
use crate::engine::Engine;
use crate::lake::Lake;
use crate::registry::TableId;

/// Why a date cannot be run live.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("no games are scheduled on {date} in nba_raw.nbac_schedule{}; name a game date with --date", next.map(|d| format!(" (the next one is {d})")).unwrap_or_default())]
    NoGames {
        date: NaiveDate,
        next: Option<NaiveDate>,
    },
    #[error("every game on {date} is final in nba_raw.nbac_schedule: a live run predicts games not yet played; `backcourt run --dates {date}` computes the date from its results")]
    AllFinal { date: NaiveDate },
    #[error("DuckDB gave no date for today in America/New_York")]
    NoToday,
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
}

/// The tables a live run computes for its date: everything the pipeline
/// runs except what grades the predictions (it reads the games' results).
pub fn tables() -> Vec<TableId> {
    let predictions = TableId::PlayerPropPredictions;
    let grading = Selection::downstream_of(predictions);
    Selection::runnable()
        .into_iter()
        .filter(|t| *t == predictions || !grading.contains(t))
        .collect()
}

/// Today's date in US-Eastern, where the league's game dates are kept.
pub fn today(engine: &Engine) -> Result<NaiveDate, LiveError> {
    let days = engine
        .scalar::<Date32Type>("SELECT CAST(timezone('America/New_York', now()) AS DATE)")?
        .ok_or(LiveError::NoToday)?;
    Ok(crate::dates::date32_to_date(days))
}

/// Checks that `date` has games still to be played.
pub fn check_slate(engine: &Engine, calendar: &Calendar, date: NaiveDate) -> Result<(), LiveError> {
    if calendar.games_on(date).is_empty() {
        let next = calendar.game_dates().find(|d| *d > date);
        return Err(LiveError::NoGames { date, next });
    }
    let unplayed = engine
        .scalar::<Int64Type>(&format!(
            "SELECT CAST(count(*) AS BIGINT) FROM nba_raw.nbac_schedule \
             WHERE game_date = DATE '{date}' AND coalesce(game_status, 1) <> 3"
        ))?
        .unwrap_or(0);
    if unplayed == 0 {
        return Err(LiveError::AllFinal { date });
    }
    Ok(())
}

/// What a live run did: the catch-up over the earlier dates (none when the
/// date opens the calendar) and the date itself (none when the catch-up
/// did not finish: the date would be blocked by what it left undone).
#[derive(Debug)]
pub struct LiveReport {
    pub catch_up: Option<(RunOptions, RunReport)>,
    pub live: Option<(RunOptions, RunReport)>,
}

/// Runs `date` live as of `as_of`, after bringing the earlier dates up to
/// date.
pub fn run(
    lake: &Lake,
    calendar: &Calendar,
    date: NaiveDate,
    as_of: DateTime<Utc>,
    command: &str,
) -> Result<LiveReport, run::Error> {
    let before = calendar
        .span()
        .and_then(|span| DateRange::new(span.start, date.pred_opt()?));
    let catch_up = match before {
        Some(range) => {
            let options = RunOptions {
                tables: Vec::new(),
                dates: DateSpec::Ranges(vec![range]),
                force: false,
                dry_run: false,
                command: command.to_string(),
                live: None,
            };
            let report = run::run(lake, &options)?;
            Some((options, report))
        }
        None => None,
    };
    if catch_up.as_ref().is_some_and(|(_, r)| !r.succeeded()) {
        return Ok(LiveReport {
            catch_up,
            live: None,
        });
    }
    let options = live_options(date, as_of, command);
    let report = run::run(lake, &options)?;
    Ok(LiveReport {
        catch_up,
        live: Some((options, report)),
    })
}

fn live_options(date: NaiveDate, as_of: DateTime<Utc>, command: &str) -> RunOptions {
    RunOptions {
        tables: tables(),
        dates: DateSpec::Ranges(vec![DateRange::day(date)]),
        force: true,
        dry_run: false,
        command: command.to_string(),
        live: Some(as_of),
    }
}

//! The plan: which (table, date) a run computes, and why.
//!
//! The tables come from the registry (every SQL-model table, or those named,
//! or one and everything downstream of it), ordered so each runs after what
//! it reads. The dates a table owes are the calendar's game dates of the
//! selection (Phase 4 and 5 skip the bootstrap windows). A date is planned
//! when the ledger has no entry for it, when it failed or was blocked, when
//! the fingerprint of its inputs or the hash of its partition no longer
//! match the ledger, when an upstream date it reads is itself planned, or
//! when forced. Everything else is done and left alone, and so is a live
//! run's pre-game record of a date ([`kept_live`]) until a run is forced.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use super::ledger::{Ledger, Skip, Status};
use super::state::{window, LakeState};
use crate::calendar::{Calendar, Season};
use crate::dates::DateRange;
use crate::registry::{Phase, TableId};

/// What a run was asked to do.
#[derive(Debug, Clone)]
pub struct Selection {
    /// In dependency order.
    pub tables: Vec<TableId>,
    /// Calendar days, sorted; dates without games are not owed by any table
    /// ([`DateSpec::resolve`]).
    pub dates: Vec<NaiveDate>,
    pub force: bool,
}

impl Selection {
    /// Every table a run can compute (SQL models), in dependency order.
    pub fn runnable() -> Vec<TableId> {
        TableId::topological_order()
            .into_iter()
            .filter(|t| t.is_computed())
            .collect()
    }

    /// `table` and every runnable table that reads it, directly or not.
    pub fn downstream_of(table: TableId) -> Vec<TableId> {
        let mut cone = vec![table];
        for t in Self::runnable() {
            if t.def().upstream.iter().any(|u| cone.contains(u)) && !cone.contains(&t) {
                cone.push(t);
            }
        }
        Self::runnable()
            .into_iter()
            .filter(|t| cone.contains(t))
            .collect()
    }
}

/// The dates a command names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateSpec {
    /// Days and ranges (`--start/--end`, `--dates`).
    Ranges(Vec<DateRange>),
    /// Every day of one season of the calendar.
    Season(Season),
    /// Every day of the calendar.
    All,
}

/// Dates that name nothing in the calendar.
#[derive(Debug, thiserror::Error)]
pub enum DateSpecError {
    #[error("season {season} is not in the lake's schedule (it has {known})")]
    UnknownSeason { season: Season, known: String },
    #[error("the lake's schedule (nba_raw.nbac_schedule) has no games: nothing to run; import or generate raw tables first")]
    EmptyCalendar,
}

impl DateSpec {
    /// The calendar days named, sorted, each once.
    pub fn resolve(&self, calendar: &Calendar) -> Result<Vec<NaiveDate>, DateSpecError> {
        let days: BTreeSet<NaiveDate> = match self {
            DateSpec::Ranges(ranges) => ranges.iter().flat_map(|r| r.days()).collect(),
            DateSpec::All => calendar
                .span()
                .ok_or(DateSpecError::EmptyCalendar)?
                .days()
                .collect(),
            DateSpec::Season(season) => {
                let dates: Vec<NaiveDate> = calendar
                    .game_dates()
                    .filter(|d| Season::of(*d) == *season)
                    .collect();
                match (dates.first(), dates.last()) {
                    (Some(&a), Some(&b)) => {
                        DateRange::new(a, b).expect("in order").days().collect()
                    }
                    _ => {
                        return Err(DateSpecError::UnknownSeason {
                            season: *season,
                            known: calendar
                                .seasons()
                                .iter()
                                .map(|s| s.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        })
                    }
                }
            }
        };
        Ok(days.into_iter().collect())
    }
}

/// Writes sorted dates compactly for `--dates`: runs of consecutive days
/// as ranges.
pub fn compact_dates(dates: &BTreeSet<NaiveDate>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = dates.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == end.succ_opt().as_ref() {
            end = iter.next().expect("peeked");
        }
        parts.push(DateRange::new(start, end).expect("in order").to_string());
    }
    parts.join(",")
}

/// Why a date is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Why {
    /// Never computed.
    Missing,
    /// The last attempt failed.
    Failed,
    /// The last run could not compute it: an upstream date was not done.
    Blocked,
    /// An input it read has changed since it was computed.
    InputsChanged,
    /// Its partition was changed or deleted since it was written.
    OutputChanged,
    /// An upstream date inside its read window is planned in this run.
    Upstream(TableId),
    /// `--force`.
    Forced,
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Why::Missing => f.write_str("missing"),
            Why::Failed => f.write_str("failed"),
            Why::Blocked => f.write_str("blocked"),
            Why::InputsChanged => f.write_str("stale: inputs changed"),
            Why::OutputChanged => f.write_str("stale: partition changed or deleted"),
            Why::Upstream(t) => write!(f, "upstream {} runs", t.name()),
            Why::Forced => f.write_str("forced"),
        }
    }
}

/// One table's part of the plan.
#[derive(Debug, Clone)]
pub struct TablePlan {
    pub table: TableId,
    /// Dependency level: 0 reads no planned table; tables of one level run
    /// side by side.
    pub stage: usize,
    /// Dates to compute, in order.
    pub run: Vec<(NaiveDate, Why)>,
    /// Game dates done and current.
    pub current: Vec<NaiveDate>,
    /// Game dates in a bootstrap window (accepted skips).
    pub bootstrap: Vec<NaiveDate>,
}

impl TablePlan {
    /// The game dates the table owes within the selection (computed or not).
    pub fn owed(&self) -> usize {
        self.run.len() + self.current.len()
    }
}

/// The whole plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub tables: Vec<TablePlan>,
    /// Selected days without a game: nothing is owed for them.
    pub no_game_dates: usize,
}

impl Plan {
    /// Whether the run has nothing to compute.
    pub fn is_empty(&self) -> bool {
        self.tables.iter().all(|t| t.run.is_empty())
    }
}

/// Whether `table` owes rows for `date`: a game date, and for Phase 4 and 5
/// not in a bootstrap window, unless the table carries last season over into
/// it (`TableId::carries_over`, `Calendar::carries_over`). `None` when it owes
/// nothing at all.
pub fn owes(calendar: &Calendar, table: TableId, date: NaiveDate) -> Option<Owes> {
    if calendar.games_on(date).is_empty() {
        return None;
    }
    if table.phase() >= Phase::Precompute
        && calendar.is_bootstrap(date)
        && !(table.carries_over() && calendar.carries_over(date))
    {
        return Some(Owes::Bootstrap);
    }
    Some(Owes::Rows)
}

/// What a table owes for a game date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owes {
    Rows,
    Bootstrap,
}

/// Whether `date` of `table` is a live run's pre-game record that a run
/// which is not forced keeps: the games have since been played, so their
/// inputs changed, but what was predicted before tip-off is what gets
/// graded. It is kept while its partition is as the live run wrote it;
/// `--force` (or a later `run --live`) recomputes it.
pub fn kept_live(ledger: &Ledger, state: &LakeState, table: TableId, date: NaiveDate) -> bool {
    ledger.get(date).is_some_and(|e| {
        table.is_pregame()
            && e.status == Status::Done
            && e.live_as_of.is_some()
            && state.table(table).dated.get(&date).map(|p| p.hex()) == e.output
    })
}

/// Why a done-looking entry is not current, if it is not.
pub fn staleness(
    ledger: &Ledger,
    state: &LakeState,
    table: TableId,
    date: NaiveDate,
    fingerprint: &str,
) -> Option<Why> {
    let Some(entry) = ledger.get(date) else {
        return Some(Why::Missing);
    };
    match (entry.status, &entry.skip) {
        (Status::Failed, _) => return Some(Why::Failed),
        (Status::Skipped, Some(Skip::Blocked { .. })) => return Some(Why::Blocked),
        // A bootstrap skip recorded for a date that is no longer one.
        (Status::Skipped, _) => return Some(Why::Missing),
        (Status::Stale, _) => return Some(Why::InputsChanged),
        (Status::Done, _) => {}
    }
    if entry.inputs != fingerprint {
        return Some(Why::InputsChanged);
    }
    let partition = state.table(table).dated.get(&date).map(|p| p.hex());
    (partition != entry.output).then_some(Why::OutputChanged)
}

/// Plans `selection` against the ledgers and the lake as they are now.
pub fn plan(
    selection: &Selection,
    calendar: &Calendar,
    ledgers: &HashMap<TableId, Ledger>,
    state: &LakeState,
) -> Plan {
    let mut planned: HashMap<TableId, BTreeSet<NaiveDate>> = HashMap::new();
    let mut stages: HashMap<TableId, usize> = HashMap::new();
    let mut tables = Vec::new();
    for &table in &selection.tables {
        let selected_upstream: Vec<TableId> = table
            .def()
            .upstream
            .iter()
            .copied()
            .filter(|u| selection.tables.contains(u))
            .collect();
        let stage = selected_upstream
            .iter()
            .map(|u| stages[u] + 1)
            .max()
            .unwrap_or(0);
        stages.insert(table, stage);
        let ledger = &ledgers[&table];
        let mut tp = TablePlan {
            table,
            stage,
            run: Vec::new(),
            current: Vec::new(),
            bootstrap: Vec::new(),
        };
        for &date in &selection.dates {
            match owes(calendar, table, date) {
                None => continue,
                Some(Owes::Bootstrap) => {
                    tp.bootstrap.push(date);
                    continue;
                }
                Some(Owes::Rows) => {}
            }
            let why = if selection.force {
                Some(Why::Forced)
            } else if kept_live(ledger, state, table, date) {
                None
            } else {
                staleness(ledger, state, table, date, &state.fingerprint(table, date)).or_else(
                    || {
                        selected_upstream.iter().copied().find_map(|u| {
                            let (lo, hi) = window(table, u, date);
                            planned[&u].range(lo..=hi).next().map(|_| Why::Upstream(u))
                        })
                    },
                )
            };
            match why {
                Some(why) => tp.run.push((date, why)),
                None => tp.current.push(date),
            }
        }
        planned.insert(table, tp.run.iter().map(|(d, _)| *d).collect());
        tables.push(tp);
    }
    let no_game_dates = selection
        .dates
        .iter()
        .filter(|d| calendar.games_on(**d).is_empty())
        .count();
    Plan {
        tables,
        no_game_dates,
    }
}

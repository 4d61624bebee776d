//! The coverage matrix and the pre-flight check: what the lake holds per
//! (table, date) against what the calendar says it should, and whether the
//! inputs a run would read are ready.
//!
//! Expectations never come from the table being checked: teams playing and
//! games come from the schedule, players from the raw box scores
//! (`backcourt.players_played`); statuses come from the ledger and the
//! lake's partitions, as the runner's plan sees them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arrow::array::AsArray;
use chrono::NaiveDate;

use super::plan::{self, owes, DateSpec, Owes, Why};
use super::run::{self, load_ledgers, select};
use super::state::{window, LakeState};
use crate::calendar::{Calendar, Season};
use crate::dates::DateRange;
use crate::engine::{bind_params, Engine, ModelParams};
use crate::lake::Lake;
use crate::registry::{RowsRule, TableId};

/// The state of one (table, date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellState {
    /// Done and current.
    Done,
    /// Done, but an input changed since (or an upstream date is to rerun).
    Stale,
    Failed,
    /// Not computed: an upstream date was not done.
    Blocked,
    /// Never computed, or its partition was deleted.
    Missing,
    /// A bootstrap date: nothing owed.
    Bootstrap,
    /// No game that date: nothing owed.
    NoGames,
}

impl CellState {
    pub const fn as_str(self) -> &'static str {
        match self {
            CellState::Done => "done",
            CellState::Stale => "stale",
            CellState::Failed => "failed",
            CellState::Blocked => "blocked",
            CellState::Missing => "missing",
            CellState::Bootstrap => "bootstrap",
            CellState::NoGames => "no_games",
        }
    }

    /// Whether a run reading this date would consume it.
    pub fn ready(self) -> bool {
        matches!(
            self,
            CellState::Done | CellState::Stale | CellState::Bootstrap | CellState::NoGames
        )
    }
}

/// One (table, date) of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub state: CellState,
    /// Rows of the date's partition (`None`: no partition).
    pub rows: Option<u64>,
    /// What the calendar and the raw box scores say it should hold, for
    /// tables with such a rule.
    pub expected: Option<u64>,
}

/// What the calendar and the raw box scores say about a date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Day {
    pub games: u64,
    pub teams_playing: u64,
    /// Players the raw box scores have playing.
    pub players: u64,
    /// Teams on the season's schedule.
    pub season_teams: u64,
}

/// The date × table matrix.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub tables: Vec<TableId>,
    pub days: Vec<(NaiveDate, Day)>,
    pub cells: HashMap<(TableId, NaiveDate), Cell>,
}

/// The rows `table` should hold on a date, where its registry entry gives a
/// rule ([`RowsRule`]).
pub fn expected_rows(table: TableId, day: &Day) -> Option<u64> {
    let systems = crate::predictions::systems::SystemId::ALL.len() as u64;
    match table.def().producer.model()?.rows {
        RowsRule::TeamsPlaying => Some(day.teams_playing),
        RowsRule::SeasonTeams => Some(day.season_teams),
        RowsRule::PlayersPlaying => Some(day.players),
        RowsRule::PlayersPlayingPerSystem => Some(day.players * systems),
        RowsRule::Systems => Some(systems),
        RowsRule::FollowsData => None,
    }
}

/// Builds the matrix of `tables` (none: every runnable table) over `range`.
pub fn coverage(lake: &Lake, tables: &[TableId], range: DateRange) -> Result<Coverage, run::Error> {
    let engine = Engine::open(lake)?;
    let calendar = Calendar::load(&engine)?;
    coverage_in(&engine, &calendar, tables, range)
}

/// [`coverage`] in an open session.
fn coverage_in(
    engine: &Engine,
    calendar: &Calendar,
    tables: &[TableId],
    range: DateRange,
) -> Result<Coverage, run::Error> {
    let lake = engine.lake();
    let selection = select(calendar, tables, &DateSpec::Ranges(vec![range]), false)?;
    let ledgers = load_ledgers(lake, &selection.tables)?;
    let state = LakeState::scan(lake, &selection.tables)?;
    let plan = plan::plan(&selection, calendar, &ledgers, &state);
    let days = days(engine, calendar, range)?;
    let mut cells = HashMap::new();
    for tp in &plan.tables {
        let table = tp.table;
        let rows = |d: NaiveDate| state.table(table).dated.get(&d).and_then(|p| p.rows);
        let why: HashMap<NaiveDate, Why> = tp.run.iter().copied().collect();
        for (date, day) in &days {
            let cell_state = match owes(calendar, table, *date) {
                None => CellState::NoGames,
                Some(Owes::Bootstrap) => CellState::Bootstrap,
                Some(Owes::Rows) => match why.get(date) {
                    None => CellState::Done,
                    Some(Why::Missing) => CellState::Missing,
                    Some(Why::Failed) => CellState::Failed,
                    Some(Why::Blocked) => CellState::Blocked,
                    // Written with rows and gone since: deleted.
                    Some(Why::OutputChanged) if rows(*date).is_none() => CellState::Missing,
                    Some(_) => CellState::Stale,
                },
            };
            let expected = match cell_state {
                CellState::NoGames | CellState::Bootstrap => None,
                _ => expected_rows(table, day),
            };
            cells.insert(
                (table, *date),
                Cell {
                    state: cell_state,
                    rows: rows(*date),
                    expected,
                },
            );
        }
    }
    Ok(Coverage {
        tables: selection.tables,
        days,
        cells,
    })
}

/// The calendar's and the raw box scores' facts for every day of `range`.
fn days(
    engine: &Engine,
    calendar: &Calendar,
    range: DateRange,
) -> Result<Vec<(NaiveDate, Day)>, run::Error> {
    let sql = bind_params(
        "SELECT game_date, count(DISTINCT player_lookup)::BIGINT FROM backcourt.players_played \
         WHERE game_date BETWEEN $start_date AND $end_date GROUP BY 1",
        &ModelParams::historical(range),
    )?;
    let mut players = BTreeMap::new();
    for b in engine.query(&sql)? {
        let d = b.column(0).as_primitive::<arrow::datatypes::Date32Type>();
        let n = b.column(1).as_primitive::<arrow::datatypes::Int64Type>();
        for i in 0..b.num_rows() {
            players.insert(crate::dates::date32_to_date(d.value(i)), n.value(i) as u64);
        }
    }
    let mut season_teams: HashMap<Season, BTreeSet<&str>> = HashMap::new();
    for g in calendar.games() {
        season_teams
            .entry(g.season)
            .or_default()
            .extend([g.home.as_str(), g.away.as_str()]);
    }
    Ok(range
        .days()
        .map(|d| {
            let day = Day {
                games: calendar.games_on(d).len() as u64,
                teams_playing: calendar.teams_playing(d).len() as u64,
                players: players.get(&d).copied().unwrap_or(0),
                season_teams: season_teams
                    .get(&Season::of(d))
                    .map_or(0, |t| t.len() as u64),
            };
            (d, day)
        })
        .collect())
}

/// One upstream's readiness for a run of `table` over some dates.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub upstream: TableId,
    /// Game dates the run would read (inside the read windows).
    pub dates_needed: usize,
    pub dates_ready: usize,
    /// The dates that are not, with why.
    pub not_ready: Vec<(NaiveDate, String)>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.not_ready.is_empty()
    }
}

/// What a run of `table` over `range` would read, date by date: for a table
/// backcourt computes, its state as the plan sees it; for a raw input, its
/// partition present and, for the box-score feeds, rows for at least
/// `min_ratio` of the teams the calendar has playing.
pub fn preflight(
    lake: &Lake,
    table: TableId,
    range: DateRange,
    min_ratio: f64,
) -> Result<Vec<Readiness>, run::Error> {
    let engine = Engine::open(lake)?;
    let calendar = Calendar::load(&engine)?;
    let selection = select(&calendar, &[table], &DateSpec::Ranges(vec![range]), false)?;
    let owed: Vec<NaiveDate> = selection
        .dates
        .iter()
        .copied()
        .filter(|&d| owes(&calendar, table, d) == Some(Owes::Rows))
        .collect();
    let mut out = Vec::new();
    for &up in table.def().upstream {
        let mut needed: BTreeSet<NaiveDate> = BTreeSet::new();
        if up.def().date_column.is_some() {
            for &d in &owed {
                let (lo, hi) = window(table, up, d);
                let lo = lo.max(calendar.span().map_or(lo, |s| s.start));
                let hi = hi.min(calendar.span().map_or(hi, |s| s.end));
                if lo <= hi {
                    needed.extend(
                        calendar
                            .game_dates_in(DateRange::new(lo, hi).expect("ordered"))
                            .filter(|&g| owes(&calendar, up, g) == Some(Owes::Rows)),
                    );
                }
            }
        }
        let mut not_ready = Vec::new();
        let runnable = up.is_computed();
        if up.def().date_column.is_none() {
            if lake.partitions(up)?.is_empty() {
                not_ready.push((range.start, format!("{up} has no rows")));
            }
        } else if runnable {
            let span = DateRange::new(
                *needed.first().unwrap_or(&range.start),
                *needed.last().unwrap_or(&range.start),
            )
            .expect("ordered");
            let cov = coverage_in(&engine, &calendar, &[up], span)?;
            for d in &needed {
                if let Some(c) = cov.cells.get(&(up, *d)) {
                    if !c.state.ready() {
                        not_ready.push((*d, c.state.as_str().to_string()));
                    }
                }
            }
        } else {
            let present: BTreeSet<NaiveDate> = lake
                .partitions(up)?
                .into_iter()
                .filter_map(|p| p.date)
                .collect();
            let teams = if BOX_SCORES.contains(&up) {
                teams_with_rows(&engine, up, &needed)?
            } else {
                HashMap::new()
            };
            for d in &needed {
                if !present.contains(d) {
                    not_ready.push((*d, "no partition".into()));
                    continue;
                }
                if let Some(&n) = teams.get(d) {
                    let playing = calendar.teams_playing(*d).len() as f64;
                    let ratio = n as f64 / playing.max(1.0);
                    if ratio < min_ratio {
                        not_ready.push((
                            *d,
                            format!("rows for {n} of {playing} teams playing ({ratio:.2} < {min_ratio})"),
                        ));
                    }
                }
            }
        }
        out.push(Readiness {
            upstream: up,
            dates_needed: needed.len(),
            dates_ready: needed.len().saturating_sub(not_ready.len()),
            not_ready,
        });
    }
    Ok(out)
}

/// The raw feeds that should have rows for every team playing.
const BOX_SCORES: [TableId; 3] = [
    TableId::NbacGamebookPlayerStats,
    TableId::BdlPlayerBoxscores,
    TableId::NbacTeamBoxscore,
];

/// Per date, the teams `table` has rows for, over the span of `dates`.
fn teams_with_rows(
    engine: &Engine,
    table: TableId,
    dates: &BTreeSet<NaiveDate>,
) -> Result<HashMap<NaiveDate, u64>, run::Error> {
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return Ok(HashMap::new());
    };
    let col = table.def().date_column.expect("a dated table");
    let b = engine.query(&format!(
        "SELECT {col}, count(DISTINCT coalesce(team_tricode(team_abbr), team_abbr))::BIGINT FROM {table} \
         WHERE {col} BETWEEN DATE '{first}' AND DATE '{last}' GROUP BY 1"
    ))?;
    let mut out = HashMap::new();
    for b in b {
        let d = b.column(0).as_primitive::<arrow::datatypes::Date32Type>();
        let n = b.column(1).as_primitive::<arrow::datatypes::Int64Type>();
        for i in 0..b.num_rows() {
            out.insert(crate::dates::date32_to_date(d.value(i)), n.value(i) as u64);
        }
    }
    Ok(out)
}

/// Player names one feed carried over a range that no player of their game
/// answers to (sql/backcourt/resolve_names.sql): each row behind them is a
/// line, an injury status or a shot that no model used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedFeed {
    /// The raw table (`odds_api_player_points_props`, ...).
    pub feed: String,
    /// Distinct (date, scope, spelling) left unresolved.
    pub spellings: u64,
    /// The feed rows they stand for.
    pub rows: u64,
}

/// Where [`unresolved_names`] reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamesFrom {
    /// `nba_processing.unresolved_names`, as the last run wrote it.
    Table,
    /// The raw feeds, resolved now (before a run: `preflight`).
    Feeds,
}

/// The unresolved names of `range` per feed, most rows first.
pub fn unresolved_names(
    engine: &Engine,
    range: DateRange,
    from: NamesFrom,
) -> Result<Vec<UnresolvedFeed>, run::Error> {
    let source = match from {
        NamesFrom::Table => format!(
            "SELECT feed, feed_rows FROM {} WHERE game_date BETWEEN $start_date AND $end_date",
            TableId::UnresolvedNames
        ),
        NamesFrom::Feeds => "SELECT feed, feed_rows \
             FROM backcourt.feed_name_resolution($start_date, $end_date) \
             WHERE player_lookup IS NULL"
            .to_string(),
    };
    let sql = bind_params(
        &format!(
            "SELECT feed, count(*)::BIGINT, sum(feed_rows)::BIGINT FROM ({source}) \
             GROUP BY feed ORDER BY 3 DESC, 1"
        ),
        &ModelParams::historical(range),
    )?;
    let mut out = Vec::new();
    for b in engine.query(&sql)? {
        let feeds = b.column(0).as_string::<i32>();
        let spellings = b.column(1).as_primitive::<arrow::datatypes::Int64Type>();
        let rows = b.column(2).as_primitive::<arrow::datatypes::Int64Type>();
        for i in 0..b.num_rows() {
            out.push(UnresolvedFeed {
                feed: feeds.value(i).to_string(),
                spellings: spellings.value(i) as u64,
                rows: rows.value(i) as u64,
            });
        }
    }
    Ok(out)
}

/// One line for a person: "unresolved names 2024-01-01..2024-01-31: 595 rows of
/// odds_api_player_points_props (177 names), ... (nba_processing.unresolved_names)".
pub fn unresolved_line(range: DateRange, feeds: &[UnresolvedFeed]) -> String {
    if feeds.is_empty() {
        return format!("Unresolved player names {range}: none.");
    }
    let parts: Vec<String> = feeds
        .iter()
        .map(|f| format!("{} rows of {} ({} names)", f.rows, f.feed, f.spellings))
        .collect();
    format!(
        "Unresolved player names {range}: {} (see {}; an alias in nba_reference.player_aliases resolves one).",
        parts.join(", "),
        TableId::UnresolvedNames
    )
}

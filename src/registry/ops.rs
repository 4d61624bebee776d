//! Operational tables (`nba_processing`), following `spec/reference-ops.md`
//! §6.1 (failure storage) and §6.2 (categories). The reference keeps separate
//! `precompute_failures` and `analytics_failures` tables keyed on a processor
//! class name; backcourt keeps one table for every processor, keyed on the
//! output table's name, so the coverage matrix joins failures to the registry
//! directly (principle 10: one category enum for writers and readers).

use super::{columns, sql_file, Dataset, Model, Producer, ReadWindow, RowsRule, TableDef, TableId};

pub(super) fn def(id: TableId) -> &'static TableDef {
    TABLES
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not an ops table"))
}

static TABLES: &[TableDef] = &[TableDef {
    id: TableId::ProcessingFailures,
    dataset: Dataset::NbaProcessing,
    name: "processing_failures",
    doc: "one row per entity a processor failed to produce on a date (DATE_LEVEL: the whole date)",
    date_column: Some("analysis_date"),
    grain: &[
        "table_name",
        "analysis_date",
        "entity_id",
        "failure_category",
    ],
    columns: columns![
        // What failed: the output table (registry name), the run, the date and the entity
        // (entity_type PLAYER | TEAM | GAME | DATE)
        table_name: Varchar, run_id: Varchar, analysis_date: Date, entity_id: Varchar,
        entity_type: Varchar,
        // Why
        failure_category: Varchar, failure_reason: Varchar, can_retry: Boolean,
        // DNP vs data-gap classification (§6.3); missing_game_dates is a JSON array of dates
        failure_type: Varchar, is_correctable: Boolean, expected_game_count: Integer,
        actual_game_count: Integer, missing_game_dates: Varchar, raw_data_checked: Boolean,
        // Lifecycle (UNRESOLVED | RESOLVED | PERMANENT | INVESTIGATING)
        resolution_status: Varchar, resolved_at: Timestamp, created_at: Timestamp,
    ],
    upstream: &[],
    producer: Producer::Runner,
    bounds: &[],
    clustering: &[],
},
TableDef {
    id: TableId::NameMatches,
    dataset: Dataset::NbaProcessing,
    name: "name_matches",
    doc: "one row per feed spelling resolved to a player other than by identity, with the method",
    date_column: Some("game_date"),
    grain: &["game_date", "feed", "source_lookup", "scope_teams"],
    columns: columns![
        game_date: Date, feed: Varchar, source_lookup: Varchar, source_name: Varchar,
        // The teams the feed row may belong to (comma-separated; NULL: any team that date)
        scope_teams: Varchar,
        // Whom it names, and how (alias | suffix | fuzzy | surname)
        player_lookup: Varchar, team_abbr: Varchar, method: Varchar,
        feed_rows: Bigint, candidates: Integer,
    ],
    upstream: NAME_FEEDS,
    producer: Producer::Sql(Model {
        sql: sql_file!("nba_processing", "name_matches"),
        reads: ReadWindow::SameDate,
        rows: RowsRule::FollowsData,
    }),
    bounds: &[],
    clustering: &[],
},
TableDef {
    id: TableId::UnresolvedNames,
    dataset: Dataset::NbaProcessing,
    name: "unresolved_names",
    doc: "one row per feed spelling no player of its game resolves to, with the rows it left unread",
    date_column: Some("game_date"),
    grain: &["game_date", "feed", "source_lookup", "scope_teams"],
    columns: columns![
        game_date: Date, feed: Varchar, source_lookup: Varchar, source_name: Varchar,
        scope_teams: Varchar,
        // no_match | ambiguous | no_candidates (no player listed for the scope)
        reason: Varchar,
        feed_rows: Bigint, candidates: Integer,
        // The scope's player whose lookup is closest: a hint for an alias, never applied
        closest_player: Varchar,
    ],
    upstream: NAME_FEEDS,
    producer: Producer::Sql(Model {
        sql: sql_file!("nba_processing", "unresolved_names"),
        reads: ReadWindow::SameDate,
        rows: RowsRule::FollowsData,
    }),
    bounds: &[],
    clustering: &[],
}];

/// What the name tables read: the feeds whose names they resolve, and the
/// players the games list (sql/backcourt/resolve_names.sql).
const NAME_FEEDS: &[TableId] = &[
    TableId::OddsApiPlayerPointsProps,
    TableId::BettingprosPlayerPointsProps,
    TableId::NbacInjuryReport,
    TableId::BigdataballPlayByPlay,
    TableId::NbacPlayByPlay,
    TableId::NbacGamebookPlayerStats,
    TableId::BdlPlayerBoxscores,
    TableId::EspnTeamRosters,
    TableId::NbacSchedule,
    TableId::NbaPlayersRegistry,
    TableId::PlayerAliases,
    TableId::PlayerGameSummary,
];

//! The one registry of tables (DESIGN principle 1).
//!
//! Every table backcourt reads or writes is declared here exactly once: its
//! dataset and name (the BigQuery name, verbatim), the date column it is
//! partitioned on, its grain key, its typed columns and the ranges their
//! values keep, the tables it reads, what produces it (a SQL model, the
//! predictions kernel, an input) with how far back a date's rows read and how
//! many rows a date should hold, and its BigQuery clustering. The lake layout,
//! the engine's views, import validation, the runner's DAG and fingerprints,
//! the coverage matrix and the BigQuery export are all derived from these
//! entries; nothing else in the code keeps its own list of tables or a
//! per-table rule.

mod analytics;
mod ops;
mod precompute;
mod predictions;
mod raw;

use std::fmt;
use std::str::FromStr;

/// A BigQuery dataset, which is also the first level of the lake layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    NbaRaw,
    NbaReference,
    NbaStatic,
    NbaAnalytics,
    NbaPrecompute,
    NbaPredictions,
    NbaProcessing,
    /// Ground truth that only the synthetic league can know (latent means).
    NbaSynthetic,
}

impl Dataset {
    /// Every dataset, in pipeline order.
    pub const ALL: [Dataset; 8] = [
        Dataset::NbaRaw,
        Dataset::NbaReference,
        Dataset::NbaStatic,
        Dataset::NbaAnalytics,
        Dataset::NbaPrecompute,
        Dataset::NbaPredictions,
        Dataset::NbaProcessing,
        Dataset::NbaSynthetic,
    ];

    /// The dataset's BigQuery name.
    pub const fn name(self) -> &'static str {
        match self {
            Dataset::NbaRaw => "nba_raw",
            Dataset::NbaReference => "nba_reference",
            Dataset::NbaStatic => "nba_static",
            Dataset::NbaAnalytics => "nba_analytics",
            Dataset::NbaPrecompute => "nba_precompute",
            Dataset::NbaPredictions => "nba_predictions",
            Dataset::NbaProcessing => "nba_processing",
            Dataset::NbaSynthetic => "nba_synthetic",
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The stages of the pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Inputs: imported, mirrored or generated.
    Raw,
    /// Phase 3, `nba_analytics`.
    Analytics,
    /// Phase 4, `nba_precompute` and the feature store.
    Precompute,
    /// Phase 5, predictions and grading.
    Predictions,
    /// Bookkeeping tables (failures).
    Ops,
}

/// A column type of the raw contract (`spec/raw-tables.md`), named as in DuckDB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// Utf8.
    Varchar,
    /// Int32.
    Integer,
    /// Int64.
    Bigint,
    /// Float64.
    Double,
    /// Boolean.
    Boolean,
    /// Date32.
    Date,
    /// Timestamp(µs, UTC).
    Timestamp,
}

impl ColumnType {
    /// The DuckDB type name, used in casts and empty views.
    pub const fn sql(self) -> &'static str {
        match self {
            ColumnType::Varchar => "VARCHAR",
            ColumnType::Integer => "INTEGER",
            ColumnType::Bigint => "BIGINT",
            ColumnType::Double => "DOUBLE",
            ColumnType::Boolean => "BOOLEAN",
            ColumnType::Date => "DATE",
            ColumnType::Timestamp => "TIMESTAMPTZ",
        }
    }

    /// The Arrow type every lake file stores for this column.
    pub fn arrow(self) -> arrow::datatypes::DataType {
        use arrow::datatypes::{DataType, TimeUnit};
        match self {
            ColumnType::Varchar => DataType::Utf8,
            ColumnType::Integer => DataType::Int32,
            ColumnType::Bigint => DataType::Int64,
            ColumnType::Double => DataType::Float64,
            ColumnType::Boolean => DataType::Boolean,
            ColumnType::Date => DataType::Date32,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        }
    }
}

/// One typed column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
}

/// What produces a table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Producer {
    /// An input: written by `import`, `mirror` or the fixture generator.
    Raw,
    /// Written only by the synthetic league (ground truth a real feed cannot have).
    Generator,
    /// A SQL model, `sql/<dataset>/<table>.sql`, embedded in the binary. It
    /// computes any date range in one pass (see `engine::Engine::run_model`).
    Sql(Model),
    /// The Rust kernels of `src/predictions/` (the systems, training and
    /// inference), whose output the table's SQL model shapes into rows. The
    /// runner runs the kernels before the SQL, and the ledger's fingerprint
    /// covers their source as well as the SQL.
    Kernel {
        model: Model,
        /// The hash of the kernels' Rust source (build.rs).
        source_hash: &'static str,
    },
    /// Written by the backfill runner itself as models run: the entities a
    /// model dropped for a data reason (`nba_processing.processing_failures`).
    Runner,
}

impl Producer {
    /// The model the runner computes the table with, if it computes it.
    pub const fn model(&self) -> Option<&Model> {
        match self {
            Producer::Sql(model) | Producer::Kernel { model, .. } => Some(model),
            _ => None,
        }
    }
}

/// How a computed table's rows for a date come about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// `sql/<dataset>/<table>.sql`, embedded.
    pub sql: &'static str,
    /// The dates of its upstream tables a date's rows read.
    pub reads: ReadWindow,
    /// How many rows a date with games should hold (the coverage matrix).
    pub rows: RowsRule,
}

/// The rows a table should hold on a date with games, as a rule of the
/// date's games (`backfill::coverage` counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsRule {
    /// One per team playing the date.
    TeamsPlaying,
    /// One per team on the season's schedule, playing or not.
    SeasonTeams,
    /// One per player the raw box scores have playing the date.
    PlayersPlaying,
    /// One per player playing the date and prediction system.
    PlayersPlayingPerSystem,
    /// One per prediction system.
    Systems,
    /// No rule: the count follows the data (e.g. every player with season
    /// history, or the names that needed resolving).
    FollowsData,
}

/// The `sql/<dataset>/<table>.sql` of a table's model, embedded (the registry
/// entry and its SQL file are named alike, so a reader finds one from the other).
macro_rules! sql_file {
    ($dataset:literal, $table:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sql/",
            $dataset,
            "/",
            $table,
            ".sql"
        ))
    };
}
pub(crate) use sql_file;

/// The bounds a numeric column's non-NULL values keep on every row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub column: &'static str,
    pub min: f64,
    pub max: f64,
}

/// Shorthand for a table's [`Bounds`]: `bounds![pace_score: -3.0..=3.0]`.
macro_rules! bounds {
    ($($name:ident : $min:literal ..= $max:literal),* $(,)?) => {
        &[$($crate::registry::Bounds { column: stringify!($name), min: $min as f64, max: $max as f64 }),*]
    };
}
pub(crate) use bounds;

/// The declaration of one table.
#[derive(Debug)]
pub struct TableDef {
    pub id: TableId,
    pub dataset: Dataset,
    pub name: &'static str,
    /// One line on what a row is.
    pub doc: &'static str,
    /// The date column the lake partitions on (`None` for small reference tables).
    pub date_column: Option<&'static str>,
    /// Columns that identify a row; unique within the table.
    pub grain: &'static [&'static str],
    pub columns: &'static [Column],
    /// Tables this one reads.
    pub upstream: &'static [TableId],
    pub producer: Producer,
    /// The ranges numeric columns keep (checked on the built league).
    pub bounds: &'static [Bounds],
    /// The BigQuery clustering columns of the exported table, at most four;
    /// empty: the grain's first four.
    pub clustering: &'static [&'static str],
}

impl TableDef {
    /// The column called `name`, if the table has one.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The Arrow schema of the table's rows, in declaration order.
    pub fn arrow_schema(&self) -> arrow::datatypes::SchemaRef {
        use arrow::datatypes::{Field, Schema};
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(c.name, c.ty.arrow(), true))
            .collect();
        std::sync::Arc::new(Schema::new(fields))
    }
}

/// Shorthand for the column lists of the registry's table entries.
macro_rules! columns {
    ($($name:ident : $ty:ident),* $(,)?) => {
        &[$($crate::registry::Column { name: stringify!($name), ty: $crate::registry::ColumnType::$ty }),*]
    };
}
pub(crate) use columns;

macro_rules! table_ids {
    ($($variant:ident => $dataset:ident . $name:ident),* $(,)?) => {
        /// Every table backcourt knows, spelt so that a typo is a compile error.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TableId { $($variant),* }

        impl TableId {
            /// Every table, in registry order (raw inputs first, then pipeline order).
            pub const ALL: &'static [TableId] = &[$(TableId::$variant),*];

            /// The table's dataset.
            pub const fn dataset(self) -> Dataset {
                match self { $(TableId::$variant => Dataset::$dataset),* }
            }

            /// The table's name within its dataset.
            pub const fn name(self) -> &'static str {
                match self { $(TableId::$variant => stringify!($name)),* }
            }
        }
    };
}

table_ids! {
    NbacSchedule => NbaRaw.nbac_schedule,
    NbacGamebookPlayerStats => NbaRaw.nbac_gamebook_player_stats,
    BdlPlayerBoxscores => NbaRaw.bdl_player_boxscores,
    NbacTeamBoxscore => NbaRaw.nbac_team_boxscore,
    BigdataballPlayByPlay => NbaRaw.bigdataball_play_by_play,
    NbacPlayByPlay => NbaRaw.nbac_play_by_play,
    OddsApiPlayerPointsProps => NbaRaw.odds_api_player_points_props,
    BettingprosPlayerPointsProps => NbaRaw.bettingpros_player_points_props,
    OddsApiGameLines => NbaRaw.odds_api_game_lines,
    NbacInjuryReport => NbaRaw.nbac_injury_report,
    EspnTeamRosters => NbaRaw.espn_team_rosters,
    NbaPlayersRegistry => NbaReference.nba_players_registry,
    PlayerAliases => NbaReference.player_aliases,
    TravelDistances => NbaStatic.travel_distances,
    PlayerGameTruth => NbaSynthetic.player_game_truth,
    PlayerSpellings => NbaSynthetic.player_spellings,
    PlayerGameSummary => NbaAnalytics.player_game_summary,
    TeamOffenseGameSummary => NbaAnalytics.team_offense_game_summary,
    TeamDefenseGameSummary => NbaAnalytics.team_defense_game_summary,
    UpcomingPlayerGameContext => NbaAnalytics.upcoming_player_game_context,
    UpcomingTeamGameContext => NbaAnalytics.upcoming_team_game_context,
    TeamDefenseZoneAnalysis => NbaPrecompute.team_defense_zone_analysis,
    PlayerShotZoneAnalysis => NbaPrecompute.player_shot_zone_analysis,
    PlayerCompositeFactors => NbaPrecompute.player_composite_factors,
    PlayerDailyCache => NbaPrecompute.player_daily_cache,
    MlFeatureStoreV2 => NbaPredictions.ml_feature_store_v2,
    PlayerPropPredictions => NbaPredictions.player_prop_predictions,
    PredictionAccuracy => NbaPredictions.prediction_accuracy,
    SystemDailyPerformance => NbaPredictions.system_daily_performance,
    ProcessingFailures => NbaProcessing.processing_failures,
    NameMatches => NbaProcessing.name_matches,
    UnresolvedNames => NbaProcessing.unresolved_names,
}

impl TableId {
    /// The table's full declaration.
    pub fn def(self) -> &'static TableDef {
        let def = match self.dataset() {
            Dataset::NbaRaw
            | Dataset::NbaReference
            | Dataset::NbaStatic
            | Dataset::NbaSynthetic => raw::def(self),
            Dataset::NbaAnalytics => analytics::def(self),
            Dataset::NbaPrecompute => precompute::def(self),
            Dataset::NbaPredictions => match self {
                TableId::MlFeatureStoreV2 => precompute::def(self),
                _ => predictions::def(self),
            },
            Dataset::NbaProcessing => ops::def(self),
        };
        debug_assert_eq!(def.id, self);
        def
    }

    /// The SQL of the table's model, if it is computed.
    pub fn sql(self) -> Option<&'static str> {
        self.def().producer.model().map(|m| m.sql)
    }

    /// Whether the runner computes the table (a SQL model or the kernel).
    pub fn is_computed(self) -> bool {
        self.def().producer.model().is_some()
    }

    /// Which dates of its date-partitioned upstream tables the table's rows
    /// for one date read (its model's [`Model::reads`]; an input reads
    /// nothing). The schedule is the exception: every model reads a season's
    /// calendar around the date (opening nights, the season's team games), so
    /// it counts within [`SCHEDULE_DAYS`] either side.
    ///
    /// The windows are supersets of what the SQL reads (its lookbacks are
    /// 300, 366 and, for `backcourt.player_form`, 430 days); the ledger
    /// fingerprints exactly these dates, so a change anywhere inside them
    /// marks the date stale, and the runner does not run a date while an
    /// upstream date inside them is not done.
    pub fn read_window(self) -> ReadWindow {
        self.def()
            .producer
            .model()
            .map_or(ReadWindow::SameDate, |m| m.reads)
    }

    /// Every table of `dataset` in an order where each comes after the
    /// tables it reads (a topological order of the registry's upstream edges).
    pub fn in_dependency_order(dataset: Dataset) -> Vec<TableId> {
        let mut order = Self::topological();
        order.retain(|t| t.dataset() == dataset);
        order
    }

    /// Every table `phase` produces, each after the tables it reads.
    pub fn in_phase_order(phase: Phase) -> Vec<TableId> {
        let mut order = Self::topological();
        order.retain(|t| t.phase() == phase);
        order
    }

    /// Whether the table computes the bootstrap dates that carry over last
    /// season's history (`Calendar::carries_over`): the feature store and
    /// Phase 5. The other Phase 4 tables describe the season so far alone.
    pub fn carries_over(self) -> bool {
        self == TableId::MlFeatureStoreV2 || self.phase() == Phase::Predictions
    }

    /// Whether the table's rows for a date are a pre-game record: computed
    /// from what was known before tip-off (the `$mode`/`$as_of` models and
    /// the predictions that read them). A live run (`run --live`) computes
    /// these as of its `as_of`; the other tables it computes historically.
    pub fn is_pregame(self) -> bool {
        matches!(
            self,
            TableId::UpcomingTeamGameContext
                | TableId::UpcomingPlayerGameContext
                | TableId::PlayerCompositeFactors
                | TableId::PlayerDailyCache
                | TableId::MlFeatureStoreV2
                | TableId::PlayerPropPredictions
        )
    }

    /// The pipeline phase that produces the table. The dataset says it, but
    /// for the feature store (it lives in `nba_predictions`, where the
    /// reference's BigQuery tables have it, and Phase 4 writes it,
    /// reference-phase4 §6) and the name-resolution tables (bookkeeping in
    /// `nba_processing`, computed beside Phase 3 from the raw feeds).
    pub fn phase(self) -> Phase {
        match (self, self.dataset()) {
            (TableId::MlFeatureStoreV2, _) => Phase::Precompute,
            // Name resolution is read from the raw feeds beside Phase 3.
            (TableId::NameMatches | TableId::UnresolvedNames, _) => Phase::Analytics,
            (_, Dataset::NbaAnalytics) => Phase::Analytics,
            (_, Dataset::NbaPrecompute) => Phase::Precompute,
            (_, Dataset::NbaPredictions) => Phase::Predictions,
            (_, Dataset::NbaProcessing) => Phase::Ops,
            _ => Phase::Raw,
        }
    }

    /// Every table, each after the tables it reads.
    pub fn topological_order() -> Vec<TableId> {
        Self::topological()
    }

    fn topological() -> Vec<TableId> {
        fn visit(id: TableId, seen: &mut Vec<TableId>) {
            if seen.contains(&id) {
                return;
            }
            for &up in id.def().upstream {
                visit(up, seen);
            }
            seen.push(id);
        }
        let mut order = Vec::new();
        for &id in Self::ALL {
            visit(id, &mut order);
        }
        order
    }

    /// The inputs of the pipeline: tables that `import` and the generator write.
    pub fn raw() -> impl Iterator<Item = TableId> {
        Self::ALL
            .iter()
            .copied()
            .filter(|t| t.def().producer == Producer::Raw)
    }
}

impl fmt::Display for TableId {
    /// `dataset.table`, the BigQuery name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.dataset().name(), self.name())
    }
}

/// How far back a table's rows for a date read their inputs
/// ([`Model::reads`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWindow {
    /// The date itself.
    SameDate,
    /// The date and the `n` days before it.
    Days(u32),
    /// Every date up to and including it.
    AllBefore,
}

/// The schedule dates each side of a date that every model may read.
pub const SCHEDULE_DAYS: u32 = 366;

/// A table name that is not in the registry.
#[derive(Debug, thiserror::Error)]
#[error("unknown table `{0}` (see `backcourt tables` for the registry)")]
pub struct UnknownTable(pub String);

impl FromStr for TableId {
    type Err = UnknownTable;

    /// Accepts `dataset.table` or, where it is unambiguous, the bare table name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let found: Vec<TableId> = Self::ALL
            .iter()
            .copied()
            .filter(|t| match s.split_once('.') {
                Some((ds, name)) => t.dataset().name() == ds && t.name() == name,
                None => t.name() == s,
            })
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            _ => Err(UnknownTable(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A live run computes the pre-game tables with `$mode = 'live'`: a
    /// model that reads `$mode` but is not pre-game would be computed
    /// historically by it, and a pre-game table that neither reads `$mode`
    /// nor reads one that does would not change at all.
    #[test]
    fn the_pregame_tables_are_the_mode_models_and_what_reads_only_them() {
        for &id in TableId::ALL {
            let reads_mode = id.sql().is_some_and(|sql| sql.contains("$mode"));
            let reads_pregame = id.def().upstream.iter().any(|u| u.is_pregame());
            if reads_mode {
                assert!(id.is_pregame(), "{id} reads $mode but is not pre-game");
            }
            if id.is_pregame() {
                assert!(
                    reads_mode || reads_pregame,
                    "{id} is pre-game without reading $mode"
                );
            }
        }
        assert!(TableId::PlayerPropPredictions.is_pregame());
        assert!(
            !TableId::PredictionAccuracy.is_pregame(),
            "grading reads the games' results"
        );
    }

    #[test]
    fn every_table_is_declared_once_and_consistently() {
        let mut names = HashSet::new();
        for &id in TableId::ALL {
            let def = id.def();
            assert_eq!(def.id, id);
            assert_eq!(def.dataset, id.dataset(), "{id}");
            assert_eq!(def.name, id.name(), "{id}");
            assert!(names.insert(id.to_string()), "{id} declared twice");
            let mut cols = HashSet::new();
            for c in def.columns {
                assert!(
                    cols.insert(c.name),
                    "{id}: column {} declared twice",
                    c.name
                );
            }
            if let Some(date) = def.date_column {
                assert_eq!(
                    def.column(date).map(|c| c.ty),
                    Some(ColumnType::Date),
                    "{id}: date column {date}"
                );
            }
            assert!(!def.grain.is_empty(), "{id}: no grain");
            for g in def.grain {
                assert!(
                    def.column(g).is_some(),
                    "{id}: grain column {g} is not a column"
                );
            }
            for up in def.upstream {
                assert_ne!(*up, id, "{id} reads itself");
            }
        }
    }

    #[test]
    fn names_parse_back() {
        for &id in TableId::ALL {
            assert_eq!(id.to_string().parse::<TableId>().unwrap(), id);
            assert_eq!(id.name().parse::<TableId>().unwrap(), id);
        }
        assert!("nba_raw.nope".parse::<TableId>().is_err());
    }

    #[test]
    fn dependency_order_puts_every_table_after_what_it_reads() {
        for ds in Dataset::ALL {
            let order = TableId::in_dependency_order(ds);
            let expected: HashSet<TableId> = TableId::ALL
                .iter()
                .copied()
                .filter(|t| t.dataset() == ds)
                .collect();
            assert_eq!(
                order.iter().copied().collect::<HashSet<_>>(),
                expected,
                "{ds}"
            );
            assert_eq!(order.len(), expected.len(), "{ds}: a table twice");
            for (i, t) in order.iter().enumerate() {
                for up in t.def().upstream.iter().filter(|u| u.dataset() == ds) {
                    let j = order.iter().position(|o| o == up).unwrap();
                    assert!(j < i, "{t} runs before {up}, which it reads");
                }
            }
        }
    }

    #[test]
    fn phases_order_their_tables_and_the_feature_store_is_phase_4() {
        let precompute = TableId::in_phase_order(Phase::Precompute);
        assert_eq!(precompute.len(), 5, "{precompute:?}");
        assert_eq!(precompute.last(), Some(&TableId::MlFeatureStoreV2));
        assert!(!TableId::in_phase_order(Phase::Predictions).contains(&TableId::MlFeatureStoreV2));
        for &t in TableId::ALL {
            for up in t.def().upstream {
                assert!(
                    up.phase() <= t.phase(),
                    "{t} ({:?}) reads the later {up}",
                    t.phase()
                );
            }
        }
    }

    #[test]
    fn upstream_graph_is_acyclic() {
        // Depth-first search with colours; the DAG of later stages is derived from it.
        fn visit(id: TableId, state: &mut std::collections::HashMap<TableId, u8>) {
            match state.get(&id) {
                Some(1) => panic!("cycle through {id}"),
                Some(2) => return,
                _ => {}
            }
            state.insert(id, 1);
            for &up in id.def().upstream {
                visit(up, state);
            }
            state.insert(id, 2);
        }
        let mut state = Default::default();
        for &id in TableId::ALL {
            visit(id, &mut state);
        }
    }

    #[test]
    fn bounds_and_clustering_name_declared_columns() {
        for &table in TableId::ALL {
            let def = table.def();
            for b in def.bounds {
                let column = def
                    .column(b.column)
                    .unwrap_or_else(|| panic!("{table}: bound on undeclared {}", b.column));
                assert!(
                    matches!(
                        column.ty,
                        ColumnType::Double | ColumnType::Integer | ColumnType::Bigint
                    ),
                    "{table}: bound on non-numeric {}",
                    b.column
                );
                assert!(b.min < b.max, "{table}.{}: empty bound", b.column);
            }
            assert!(
                def.clustering.len() <= 4,
                "{table}: BigQuery clusters on at most 4"
            );
            for c in def.clustering {
                assert!(
                    def.column(c).is_some(),
                    "{table}: clusters on undeclared {c}"
                );
            }
        }
    }
}

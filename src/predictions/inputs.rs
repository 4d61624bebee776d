//! The kernels' input: the feature store read once for a whole range
//! (`sql/backcourt/prediction_inputs.sql`), grouped by player in date order.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{Date32Type, Float64Type, Int32Type};
use chrono::NaiveDate;

use super::features::{Defaults, FeatureLayout, Features};
use super::systems::Subject;
use crate::dates::{date32_to_date, DateRange};
use crate::engine::{self, Engine, ModelParams};

/// One player-date of the feature store.
#[derive(Debug, Clone)]
pub struct InputRow {
    pub player_lookup: Arc<str>,
    pub game_date: NaiveDate,
    pub game_id: Arc<str>,
    pub features: Features,
    /// The features whose stored source is `default`.
    pub defaults: Defaults,
    pub feature_quality: f64,
    pub days_rest: Option<i32>,
    /// The real pre-game line, if a book posted one.
    pub line: Option<f64>,
    /// What he scored: a training target and, for later dates, history;
    /// never an input to this row's own prediction.
    pub actual_points: Option<f64>,
}

/// The rows, sorted by (player, date), and per player the slice of his rows.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub rows: Vec<InputRow>,
    pub players: Vec<Range<usize>>,
    /// Mean opponent defensive rating over each date's rows: pre-game
    /// information (every rating is computed from games before the date).
    league_def_rating: HashMap<NaiveDate, f64>,
}

/// A stored row the kernels cannot read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("ml_feature_store_v2 {player} on {date}: {source}")]
    Feature {
        player: String,
        date: NaiveDate,
        source: super::features::FeatureError,
    },
    #[error("reading the feature store: {0}")]
    Engine(#[from] engine::Error),
    #[error("column {0} of the prediction inputs has an unexpected type")]
    Column(&'static str),
}

/// The query the kernels' inputs come from: the feature store joined to
/// the pre-game context and the lines (the tables it names are the kernel's
/// upstream in the registry).
pub const SQL: &str = include_str!("../../sql/backcourt/prediction_inputs.sql");

impl Inputs {
    /// Every feature-store row up to `end`, one query.
    pub fn load(engine: &Engine, end: NaiveDate) -> Result<Inputs, InputError> {
        let sql = engine::bind_params(SQL, &ModelParams::historical(DateRange::day(end)))?;
        Inputs::from_batches(&engine.query(&sql)?)
    }

    /// Builds the inputs from the query's batches (sorted by player, date).
    pub fn from_batches(batches: &[RecordBatch]) -> Result<Inputs, InputError> {
        let mut rows = Vec::with_capacity(batches.iter().map(|b| b.num_rows()).sum());
        let mut layout: Option<(Vec<String>, FeatureLayout)> = None;
        let mut last_player: Option<Arc<str>> = None;
        let mut games: HashMap<String, Arc<str>> = HashMap::new();
        for b in batches {
            let players = column(b, "player_lookup", |a| a.as_string_opt::<i32>())?;
            let dates = column(b, "game_date", |a| a.as_primitive_opt::<Date32Type>())?;
            let game_ids = column(b, "game_id", |a| a.as_string_opt::<i32>())?;
            let names = column(b, "feature_names", |a| a.as_list_opt::<i32>())?;
            let values = column(b, "features", |a| a.as_list_opt::<i32>())?;
            let sources = column(b, "feature_sources", |a| a.as_list_opt::<i32>())?;
            let quality = column(b, "feature_quality_score", |a| {
                a.as_primitive_opt::<Float64Type>()
            })?;
            let rest = column(b, "days_rest", |a| a.as_primitive_opt::<Int32Type>())?;
            let line = column(b, "line", |a| a.as_primitive_opt::<Float64Type>())?;
            let actual = column(b, "actual_points", |a| a.as_primitive_opt::<Float64Type>())?;
            let opt = |a: &arrow::array::PrimitiveArray<Float64Type>, i: usize| {
                a.is_valid(i).then(|| a.value(i))
            };
            for i in 0..b.num_rows() {
                let player = players.value(i);
                let date = date32_to_date(dates.value(i));
                let feature_error = |source| InputError::Feature {
                    player: player.to_string(),
                    date,
                    source,
                };
                let row_names = names.value(i);
                let row_names = row_names.as_string::<i32>();
                let same = layout.as_ref().is_some_and(|(known, _)| {
                    known.len() == row_names.len()
                        && known
                            .iter()
                            .zip(row_names.iter())
                            .all(|(k, n)| Some(k.as_str()) == n)
                });
                if !same {
                    let owned: Vec<String> = row_names
                        .iter()
                        .map(|n| n.unwrap_or_default().to_string())
                        .collect();
                    let parsed = FeatureLayout::new(&owned).map_err(feature_error)?;
                    layout = Some((owned, parsed));
                }
                let row_values = values.value(i);
                let row_values: Vec<f64> = row_values
                    .as_primitive::<Float64Type>()
                    .iter()
                    .map(|v| v.unwrap_or(f64::NAN))
                    .collect();
                let parsed = &layout.as_ref().expect("set above").1;
                let features = parsed.read(&row_values).map_err(feature_error)?;
                // A row written without sources reads as having no defaults.
                let defaults = if sources.is_valid(i) {
                    let row_sources = sources.value(i);
                    let row_sources: Vec<&str> = row_sources
                        .as_string::<i32>()
                        .iter()
                        .map(|s| s.unwrap_or_default())
                        .collect();
                    parsed.defaults(&row_sources).map_err(feature_error)?
                } else {
                    Defaults::NONE
                };
                let player_lookup = match &last_player {
                    Some(p) if &**p == player => p.clone(),
                    _ => {
                        let p: Arc<str> = player.into();
                        last_player = Some(p.clone());
                        p
                    }
                };
                let game_id = games
                    .entry(game_ids.value(i).to_string())
                    .or_insert_with_key(|k| k.as_str().into())
                    .clone();
                rows.push(InputRow {
                    player_lookup,
                    game_date: date,
                    game_id,
                    features,
                    defaults,
                    feature_quality: opt(quality, i).unwrap_or(0.0),
                    days_rest: rest.is_valid(i).then(|| rest.value(i)),
                    line: opt(line, i),
                    actual_points: opt(actual, i),
                });
            }
        }
        Ok(Inputs::new(rows))
    }

    /// Groups `rows` (sorted here by player, date) and computes each date's
    /// league rating.
    pub fn new(mut rows: Vec<InputRow>) -> Inputs {
        rows.sort_by(|a, b| {
            (&*a.player_lookup, a.game_date).cmp(&(&*b.player_lookup, b.game_date))
        });
        let mut players = Vec::new();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].player_lookup != rows[start].player_lookup {
                players.push(start..i);
                start = i;
            }
        }
        let mut sums: HashMap<NaiveDate, (f64, f64)> = HashMap::new();
        for r in &rows {
            let e = sums.entry(r.game_date).or_default();
            e.0 += r.features.opponent_def_rating;
            e.1 += 1.0;
        }
        let league_def_rating = sums.into_iter().map(|(d, (s, n))| (d, s / n)).collect();
        Inputs {
            rows,
            players,
            league_def_rating,
        }
    }

    /// What a system sees of row `i`.
    pub fn subject(&self, i: usize) -> Subject<'_> {
        let r = &self.rows[i];
        Subject {
            features: &r.features,
            defaults: r.defaults,
            line: r.line,
            league_def_rating: self.league_def_rating[&r.game_date],
            days_rest: r.days_rest,
            feature_quality: r.feature_quality,
        }
    }
}

/// The column `name` of `b` as the type `typed` expects, or an error naming it.
fn column<'a, T: ?Sized>(
    b: &'a RecordBatch,
    name: &'static str,
    typed: impl FnOnce(&'a ArrayRef) -> Option<&'a T>,
) -> Result<&'a T, InputError> {
    b.column_by_name(name)
        .and_then(typed)
        .ok_or(InputError::Column(name))
}

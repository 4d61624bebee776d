//! Phase 5: the prediction systems, the trained model, the ensemble and
//! grading (`nba_predictions.player_prop_predictions`, `prediction_accuracy`,
//! `system_daily_performance`), for a whole date range in one pass.
//!
//! The feature store is read once ([`inputs::Inputs`]); the heuristics run on
//! every player-date in parallel ([`kernel`]); each date is predicted by the
//! model whose cutoff is the latest on or before it ([`model`]), trained only
//! on earlier rows; the ensemble combines them ([`systems::ensemble`]). The
//! kernels' rows go to SQL (`sql/nba_predictions/player_prop_predictions.sql`)
//! for the table's full shape, then the two grading models run over the
//! range. A prediction a system cannot make (too few similar games, no model
//! trained yet) is a failure row, not a silent gap.

pub mod features;
pub mod inputs;
pub mod kernel;
pub mod model;
pub mod systems;

use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    ArrayRef, Date32Builder, Float64Builder, Int32Builder, RecordBatch, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema};
use chrono::NaiveDate;

use crate::calendar::{Calendar, Season};
use crate::dates::date_to_date32;
use crate::engine::TableBuild;
use crate::engine::{self, Engine, ModelParams};
use crate::failures::FailureCategory;
use crate::registry::TableId;
use inputs::Inputs;
use kernel::Heuristics;
use model::{Model, ModelCard, HYPER};
use systems::{ensemble, Prediction, SystemId};

/// The table the kernels' rows are handed to SQL in.
pub const KERNEL_TABLE: &str = "__prediction_kernel";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Engine(#[from] engine::Error),
    #[error(transparent)]
    Inputs(#[from] inputs::InputError),
    #[error(transparent)]
    Model(#[from] model::ModelError),
    #[error("building the kernel rows: {0}")]
    Arrow(#[from] arrow::error::ArrowError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A model the build used.
#[derive(Debug, Clone)]
pub struct ModelUse {
    pub card: ModelCard,
    /// Loaded from the lake (same training rows) rather than trained.
    pub reused: bool,
    pub seconds: f64,
}

/// What building Phase 5 over a range did.
#[derive(Debug, Clone)]
pub struct Build {
    pub tables: Vec<TableBuild>,
    pub models: Vec<ModelUse>,
    /// Per system: predictions written and failures (no prediction).
    pub per_system: Vec<(SystemId, usize, usize)>,
    pub predicted_dates: usize,
    /// Reading the feature store, the heuristic kernels, model training and
    /// inference with the ensemble, in seconds.
    pub load_seconds: f64,
    pub heuristics_seconds: f64,
    pub training_seconds: f64,
    pub inference_seconds: f64,
}

/// One system's outcome for one player-date.
type Outcome = std::result::Result<Prediction, String>;

/// Builds the three Phase 5 tables over `params.range`: the predictions,
/// then their grading.
pub fn build(engine: &Engine, calendar: &Calendar, params: &ModelParams) -> Result<Build> {
    let mut build = predict(engine, calendar, params)?;
    for table in [TableId::PredictionAccuracy, TableId::SystemDailyPerformance] {
        build.tables.push(engine.build_table(table, params)?);
    }
    Ok(build)
}

/// Builds `player_prop_predictions` over `params.range` (every system, the
/// models it needs trained or reused); grading is two SQL models on top.
pub fn predict(engine: &Engine, calendar: &Calendar, params: &ModelParams) -> Result<Build> {
    let range = params.range;
    let t = Instant::now();
    engine.hold_upstream(TableId::PlayerPropPredictions, range)?;
    let inputs = Inputs::load(engine, range.end)?;
    let load_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    // Every row, not only the range's: the models' validation windows (for
    // the ensemble weights) lie before it.
    let heuristics = kernel::heuristics(&inputs, |_| true);
    let heuristics_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let fitted = models_for(engine, calendar, &inputs, &heuristics, range)?;
    let models: Vec<ModelUse> = fitted.iter().map(|(u, _)| u.clone()).collect();
    let training_seconds = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let in_range: Vec<usize> = (0..inputs.rows.len())
        .filter(|&i| range.contains(inputs.rows[i].game_date))
        .collect();
    let gbm = gbm_predictions(&inputs, &fitted, &in_range);
    let mut outcomes: Vec<(usize, Option<&str>, Vec<Outcome>)> = Vec::with_capacity(in_range.len());
    for (k, &i) in in_range.iter().enumerate() {
        let h = heuristics[i].as_ref().expect("heuristics ran on every row");
        let (model_id, gbm_outcome) = match &gbm[k] {
            Some((m, p)) => (Some(m.model_id.as_str()), Ok(p.clone())),
            None => (
                None,
                Err(format!(
                    "no {} model: no feature-store rows with points before {}",
                    SystemId::Gbm,
                    inputs.rows[i].game_date
                )),
            ),
        };
        let weights = gbm[k]
            .as_ref()
            .map_or_else(ensemble::Weights::default, |(m, _)| m.ensemble_weights);
        let mut row: Vec<Outcome> = vec![
            Ok(h.moving_average.clone()),
            Ok(h.zone_matchup.clone()),
            h.similarity.clone().map_err(|e| e.to_string()),
            gbm_outcome,
        ];
        let components: Vec<Prediction> = row.iter().filter_map(|o| o.clone().ok()).collect();
        row.push(Ok(ensemble::combine(
            &components,
            &weights,
            inputs.rows[i].line,
        )));
        outcomes.push((i, model_id, row));
    }
    let batch = kernel_batch(&inputs, &outcomes)?;
    let inference_seconds = t.elapsed().as_secs_f64();

    let mut per_system: Vec<(SystemId, usize, usize)> =
        SystemId::ALL.iter().map(|&s| (s, 0, 0)).collect();
    for (_, _, row) in &outcomes {
        for (slot, o) in row.iter().enumerate() {
            if o.is_ok() {
                per_system[slot].1 += 1;
            } else {
                per_system[slot].2 += 1;
            }
        }
    }
    let mut dates: Vec<NaiveDate> = in_range.iter().map(|&i| inputs.rows[i].game_date).collect();
    dates.sort();
    dates.dedup();

    engine.load_batch(KERNEL_TABLE, &batch)?;
    let built = engine.build_table(TableId::PlayerPropPredictions, params);
    engine.unload_batch(KERNEL_TABLE)?;
    let tables = vec![built?];
    Ok(Build {
        tables,
        models,
        per_system,
        predicted_dates: dates.len(),
        load_seconds,
        heuristics_seconds,
        training_seconds,
        inference_seconds,
    })
}

/// The first date each season of the calendar is predicted on
/// (`Calendar::predicts`): opening night when last season carries over, else
/// the first date after the bootstrap.
pub fn season_openings(calendar: &Calendar) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = Vec::new();
    let mut last: Option<Season> = None;
    for d in calendar.game_dates() {
        if !calendar.predicts(d) || last == Some(Season::of(d)) {
            continue;
        }
        last = Some(Season::of(d));
        out.push(d);
    }
    out
}

/// The distinct dates of rows with points (what a model can train on).
pub fn training_dates(inputs: &Inputs) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = inputs
        .rows
        .iter()
        .filter(|r| r.actual_points.is_some())
        .map(|r| r.game_date)
        .collect();
    dates.sort();
    dates.dedup();
    dates
}

/// The base heuristic's prediction of row `i`, for validation errors.
fn heuristic_points(heuristics: &[Option<Heuristics>], i: usize, system: SystemId) -> Option<f64> {
    let h = heuristics[i].as_ref()?;
    match system {
        SystemId::MovingAverage => Some(h.moving_average.points),
        SystemId::ZoneMatchup => Some(h.zone_matchup.points),
        SystemId::Similarity => h.similarity.as_ref().ok().map(|p| p.points),
        _ => None,
    }
}

/// Trains (or loads, when the stored one has the same training rows) the
/// model for `cutoff` and stores it.
pub fn fit(
    engine: &Engine,
    inputs: &Inputs,
    heuristics: &[Option<Heuristics>],
    cutoff: NaiveDate,
) -> Result<(ModelUse, Model)> {
    let t = Instant::now();
    let split = model::split(inputs, cutoff, &HYPER);
    let id = model::model_id(cutoff);
    let heuristic = |i, s| heuristic_points(heuristics, i, s);
    let fingerprint = model::fingerprint(inputs, &split, &HYPER, heuristic);
    if let Some(stored) = Model::load(engine.lake(), &id)? {
        if stored.card.fingerprint == fingerprint {
            let used = ModelUse {
                card: stored.card.clone(),
                reused: true,
                seconds: t.elapsed().as_secs_f64(),
            };
            return Ok((used, stored));
        }
    }
    let trained = model::train(inputs, cutoff, &split, &HYPER, heuristic)?;
    trained.save(engine.lake())?;
    tracing::info!(model = %trained.card.model_id, rows = trained.card.train_rows, validation_mae = ?trained.card.validation_mae, "trained");
    let used = ModelUse {
        card: trained.card.clone(),
        reused: false,
        seconds: t.elapsed().as_secs_f64(),
    };
    Ok((used, trained))
}

/// The models the dates of `range` need: for each date, the latest cutoff
/// on or before it.
fn models_for(
    engine: &Engine,
    calendar: &Calendar,
    inputs: &Inputs,
    heuristics: &[Option<Heuristics>],
    range: crate::dates::DateRange,
) -> Result<Vec<(ModelUse, Model)>> {
    let cutoffs = model::cutoffs(&training_dates(inputs), &season_openings(calendar));
    let first_needed = cutoffs.iter().copied().filter(|&c| c <= range.start).max();
    cutoffs
        .into_iter()
        .filter(|&c| c <= range.end && (Some(c) >= first_needed || c >= range.start))
        .map(|c| fit(engine, inputs, heuristics, c))
        .collect()
}

/// The gbm prediction of each row of `rows` with the model it came from
/// (`None` before the first model).
fn gbm_predictions<'m>(
    inputs: &Inputs,
    models: &'m [(ModelUse, Model)],
    rows: &[usize],
) -> Vec<Option<(&'m ModelCard, Prediction)>> {
    let mut out: Vec<Option<(&ModelCard, Prediction)>> = vec![None; rows.len()];
    for (slot, (_, model)) in models.iter().enumerate() {
        let next = models.get(slot + 1).map(|n| n.1.card.cutoff);
        let mine: Vec<usize> = (0..rows.len())
            .filter(|&k| {
                let d = inputs.rows[rows[k]].game_date;
                d >= model.card.cutoff && next.is_none_or(|n| d < n)
            })
            .collect();
        let idx: Vec<usize> = mine.iter().map(|&k| rows[k]).collect();
        for (&k, points) in mine.iter().zip(model.predict(inputs, &idx)) {
            let s = inputs.subject(rows[k]);
            out[k] = Some((&model.card, gbm_prediction(&s, points)));
        }
    }
    out
}

/// The gbm's confidence (reference §2.4 on the 0–1 scale): 0.70, plus 0.10
/// / 0.07 / 0.05 / 0.02 for feature quality ≥ 90 / 80 / 70 / 60, plus 0.10 /
/// 0.07 / 0.05 / 0.02 for a last-10 std < 4 / 6 / 8 / above.
pub fn gbm_prediction(s: &systems::Subject, points: f64) -> Prediction {
    let q = s.feature_quality;
    let mut c = 70.0
        + if q >= 90.0 {
            10.0
        } else if q >= 80.0 {
            7.0
        } else if q >= 70.0 {
            5.0
        } else if q >= 60.0 {
            2.0
        } else {
            0.0
        };
    let std = s.features.points_std_last_10;
    c += if std < 4.0 {
        10.0
    } else if std < 6.0 {
        7.0
    } else if std < 8.0 {
        5.0
    } else {
        2.0
    };
    let confidence = c / 100.0;
    Prediction {
        system: SystemId::Gbm,
        points,
        confidence,
        recommendation: SystemId::Gbm.gate().recommend(points, confidence, s.line),
        adjustments: Default::default(),
        similar: None,
        agreement: None,
    }
}

/// The columns the kernels hand to `player_prop_predictions.sql`, without
/// rows: what a reader loads into [`KERNEL_TABLE`] to describe that SQL's
/// output without predicting (the registry's column test).
pub fn kernel_columns() -> Result<RecordBatch> {
    kernel_batch(&Inputs::default(), &[])
}

/// The kernels' rows in the shape `player_prop_predictions.sql` reads.
fn kernel_batch(
    inputs: &Inputs,
    outcomes: &[(usize, Option<&str>, Vec<Outcome>)],
) -> Result<RecordBatch> {
    let n = outcomes.len() * SystemId::ALL.len();
    let mut player = StringBuilder::with_capacity(n, n * 16);
    let mut date = Date32Builder::with_capacity(n);
    let mut game = StringBuilder::with_capacity(n, n * 16);
    let mut system = StringBuilder::with_capacity(n, n * 20);
    let mut floats: Vec<Float64Builder> = (0..FLOAT_COLUMNS.len())
        .map(|_| Float64Builder::with_capacity(n))
        .collect();
    let mut similar_count = Int32Builder::with_capacity(n);
    let mut contributing = Int32Builder::with_capacity(n);
    let mut recommendation = StringBuilder::with_capacity(n, n * 5);
    let mut model_id = StringBuilder::with_capacity(n, n * 22);
    let mut key_factors = StringBuilder::new();
    let mut failure_category = StringBuilder::new();
    let mut failure_reason = StringBuilder::new();

    for (i, gbm_model, row) in outcomes {
        let r = &inputs.rows[*i];
        for (system_id, outcome) in SystemId::ALL.iter().zip(row) {
            player.append_value(&*r.player_lookup);
            date.append_value(date_to_date32(r.game_date));
            game.append_value(&*r.game_id);
            system.append_value(system_id.as_str());
            let p = match outcome {
                Ok(p) => p,
                Err(reason) => {
                    for f in floats.iter_mut() {
                        f.append_null();
                    }
                    similar_count.append_null();
                    contributing.append_null();
                    recommendation.append_null();
                    model_id.append_null();
                    key_factors.append_null();
                    failure_category.append_value(FailureCategory::InsufficientData.as_str());
                    failure_reason.append_value(format!("{system_id}: {reason}"));
                    continue;
                }
            };
            let a = &p.adjustments;
            let heuristic = matches!(
                system_id,
                SystemId::MovingAverage | SystemId::ZoneMatchup | SystemId::Similarity
            );
            let adj = |v: f64| heuristic.then_some(v);
            let values: [Option<f64>; FLOAT_COLUMNS.len()] = [
                Some(p.points),
                Some(p.confidence),
                r.line,
                adj(a.fatigue),
                adj(a.shot_zone),
                adj(a.pace),
                adj(a.usage_spike),
                adj(a.home_away),
                adj(a.other),
                p.similar.map(|s| s.baseline),
                p.similar.map(|s| s.avg_score),
                p.similar.map(|s| s.min_score),
                p.agreement.as_ref().map(|g| g.spread),
                p.agreement.as_ref().map(|g| g.score),
            ];
            for (b, v) in floats.iter_mut().zip(values) {
                b.append_option(v);
            }
            similar_count.append_option(p.similar.map(|s| s.count as i32));
            contributing.append_option(p.agreement.as_ref().map(|g| g.components.len() as i32));
            recommendation.append_value(p.recommendation.as_str());
            model_id.append_option(match system_id {
                SystemId::Gbm | SystemId::Ensemble => *gbm_model,
                _ => None,
            });
            key_factors.append_option(p.agreement.as_ref().map(|g| {
                serde_json::json!({
                    "agreement_type": g.kind,
                    "components": g.components.iter().map(|(s, points, w)| serde_json::json!({
                        "system_id": s.as_str(), "predicted_points": points, "weight": w
                    })).collect::<Vec<_>>(),
                })
                .to_string()
            }));
            failure_category.append_null();
            failure_reason.append_null();
        }
    }

    let mut fields = vec![
        Field::new("player_lookup", DataType::Utf8, false),
        Field::new("game_date", DataType::Date32, false),
        Field::new("game_id", DataType::Utf8, false),
        Field::new("system_id", DataType::Utf8, false),
    ];
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(player.finish()),
        Arc::new(date.finish()),
        Arc::new(game.finish()),
        Arc::new(system.finish()),
    ];
    for (name, mut b) in FLOAT_COLUMNS.iter().zip(floats) {
        fields.push(Field::new(*name, DataType::Float64, true));
        columns.push(Arc::new(b.finish()));
    }
    for (name, array) in [
        (
            "similar_games_count",
            Arc::new(similar_count.finish()) as ArrayRef,
        ),
        ("contributing_systems", Arc::new(contributing.finish())),
        ("recommendation", Arc::new(recommendation.finish())),
        ("ml_model_id", Arc::new(model_id.finish())),
        ("key_factors", Arc::new(key_factors.finish())),
        ("failure_category", Arc::new(failure_category.finish())),
        ("failure_reason", Arc::new(failure_reason.finish())),
    ] {
        fields.push(Field::new(name, array.data_type().clone(), true));
        columns.push(array);
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

/// The kernel table's DOUBLE columns, in the order `kernel_batch` fills them.
const FLOAT_COLUMNS: [&str; 14] = [
    "predicted_points",
    "confidence_score",
    "line",
    "fatigue_adjustment",
    "shot_zone_adjustment",
    "pace_adjustment",
    "usage_spike_adjustment",
    "home_away_adjustment",
    "other_adjustments",
    "similarity_baseline",
    "avg_similarity_score",
    "min_similarity_score",
    "prediction_variance",
    "system_agreement_score",
];

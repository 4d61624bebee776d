//! `gbm_points_v1`: a gradient-boosted regressor of a player's points on the
//! 25 stored features, trained here (the reference shipped a mock, §2.4/§6).
//!
//! **Chronology.** A model is named by its cutoff and trained only on rows
//! dated before it; it predicts dates from its cutoff up to the next one.
//! The cutoffs ([`cutoffs`]) are every season's first non-bootstrap date
//! that has earlier rows (so a season is predicted by a model of the seasons
//! before it) and, while history is young, each date at which the number of
//! earlier training dates reaches a power of two (1, 2, 4, … dates). No model
//! exists before the first training date, so the league's very first
//! predicted date has no gbm prediction.
//!
//! **Validation.** The last 15 % of a model's training dates (at least one)
//! are held out: boosting stops when their RMSE has not improved for
//! [`Hyper::early_stopping_rounds`] rounds, and their MAE is the model's
//! validation MAE. The same window gives every system's validation error,
//! from which the ensemble's weights are learned.
//!
//! **Artefact.** `models/gbm_points_v1/<model_id>.json` in the lake: the card
//! ([`ModelCard`]: cutoff, rows, MAEs, importances, hyper-parameters, the
//! ensemble weights, a fingerprint of the training rows, the settings and
//! the heuristics' validation predictions) and the booster. A stored model
//! whose fingerprint matches is reused, not retrained.

use chrono::NaiveDate;
use forust_ml::gradientbooster::ImportanceMethod;
use forust_ml::metric::Metric;
use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};
use serde::{Deserialize, Serialize};

use super::features::{FEATURE_NAMES, FEATURE_VERSION};
use super::inputs::Inputs;
use super::systems::ensemble::Weights;
use super::systems::SystemId;
use crate::lake::{self, Lake};

/// The folder of the model artefacts in the lake.
pub const MODEL_DIR: &str = "models/gbm_points_v1";

/// The booster's settings (an XGBoost-style histogram GBM).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Hyper {
    pub max_iterations: usize,
    pub learning_rate: f32,
    pub max_depth: usize,
    pub min_leaf_weight: f32,
    pub l2: f32,
    pub nbins: u16,
    pub early_stopping_rounds: usize,
    /// Rounds when there is no validation window to stop on.
    pub iterations_unvalidated: usize,
    pub validation_share: f64,
    pub seed: u64,
}

/// How a model and its card are made, beyond [`Hyper`]: part of the
/// fingerprint, so changing the method retrains stored models.
const METHOD: &str = "squared loss; early stopping on validation RMSE; ensemble weights: validation-MAE grid of 0.05, none for a system absent from validation";

pub const HYPER: Hyper = Hyper {
    max_iterations: 400,
    learning_rate: 0.05,
    max_depth: 4,
    min_leaf_weight: 30.0,
    l2: 1.0,
    nbins: 64,
    early_stopping_rounds: 25,
    iterations_unvalidated: 40,
    validation_share: 0.15,
    seed: 42,
};

/// What a trained model is and how well it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub model_id: String,
    pub system_id: String,
    pub feature_version: String,
    pub features: Vec<String>,
    /// Trained on rows dated strictly before this.
    pub cutoff: NaiveDate,
    pub first_training_date: NaiveDate,
    pub last_training_date: NaiveDate,
    pub train_rows: usize,
    pub train_dates: usize,
    pub validation_rows: usize,
    pub validation_dates: usize,
    pub train_mae: f64,
    pub validation_mae: Option<f64>,
    pub trees: usize,
    /// Share of the total split gain, by feature, largest first.
    pub feature_importance: Vec<(String, f64)>,
    pub hyperparameters: Hyper,
    /// Every base system's MAE on the validation window (None when it made
    /// no prediction there).
    pub validation_mae_by_system: Vec<(String, Option<f64>)>,
    pub ensemble_weights: Weights,
    /// FNV-1a of the training rows and settings: equal means same model.
    pub fingerprint: String,
}

/// A model: its card and its booster.
pub struct Model {
    pub card: ModelCard,
    pub booster: GradientBooster,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    card: ModelCard,
    booster: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("training {model_id}: {message}")]
    Training { model_id: String, message: String },
    #[error("no feature-store rows with points before {0}: nothing to train on")]
    NoTrainingRows(NaiveDate),
    #[error("model artefact {path}: {message}")]
    Artefact { path: String, message: String },
    #[error(transparent)]
    Lake(#[from] lake::Error),
}

pub fn model_id(cutoff: NaiveDate) -> String {
    format!("gbm_points_v1_{}", cutoff.format("%Y%m%d"))
}

pub fn artefact_path(model_id: &str) -> String {
    format!("{MODEL_DIR}/{model_id}.json")
}

/// The model cutoffs for dates up to `last` (see the module docs): `dates`
/// are the distinct training dates (rows with points), sorted; `openings`
/// the first non-bootstrap date of each season.
pub fn cutoffs(dates: &[NaiveDate], openings: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = openings
        .iter()
        .copied()
        .filter(|&d| dates.first().is_some_and(|&first| first < d))
        .collect();
    // The date at which 2^k training dates lie before it is dates[2^k].
    let mut k = 1usize;
    while k < dates.len() {
        out.push(dates[k]);
        k *= 2;
    }
    out.sort();
    out.dedup();
    out
}

/// The rows a model with `cutoff` trains and validates on: indices of
/// `inputs.rows` with points dated before the cutoff, split chronologically.
pub struct TrainingSplit {
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub dates: Vec<NaiveDate>,
}

pub fn split(inputs: &Inputs, cutoff: NaiveDate, hyper: &Hyper) -> TrainingSplit {
    let rows: Vec<usize> = (0..inputs.rows.len())
        .filter(|&i| {
            let r = &inputs.rows[i];
            r.game_date < cutoff && r.actual_points.is_some()
        })
        .collect();
    let mut dates: Vec<NaiveDate> = rows.iter().map(|&i| inputs.rows[i].game_date).collect();
    dates.sort();
    dates.dedup();
    let held = if dates.len() >= 2 {
        ((dates.len() as f64 * hyper.validation_share).ceil() as usize).max(1)
    } else {
        0
    };
    let first_held = dates
        .get(dates.len() - held)
        .copied()
        .unwrap_or(NaiveDate::MAX);
    let (validation, train) = rows
        .into_iter()
        .partition(|&i| inputs.rows[i].game_date >= first_held);
    TrainingSplit {
        train,
        validation,
        dates,
    }
}

/// Column-major feature matrix of `rows` (forust's layout).
fn matrix_data(inputs: &Inputs, rows: &[usize]) -> Vec<f64> {
    let mut data = vec![0.0; rows.len() * FEATURE_NAMES.len()];
    for (r, &i) in rows.iter().enumerate() {
        for (c, v) in inputs.rows[i].features.to_array().into_iter().enumerate() {
            data[c * rows.len() + r] = v;
        }
    }
    data
}

fn targets(inputs: &Inputs, rows: &[usize]) -> Vec<f64> {
    rows.iter()
        .map(|&i| {
            inputs.rows[i]
                .actual_points
                .expect("training rows have points")
        })
        .collect()
}

/// FNV-1a over the training rows (date, player, features, points), the
/// settings, and the heuristics' predictions on the validation rows (the
/// ensemble weights are fitted on them, so a changed heuristic retrains): a
/// cheap identity for "the same model and card would come out".
pub fn fingerprint(
    inputs: &Inputs,
    split: &TrainingSplit,
    hyper: &Hyper,
    heuristic_predictions: impl Fn(usize, SystemId) -> Option<f64>,
) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(serde_json::to_string(hyper)
        .expect("hyper serialises")
        .as_bytes());
    eat(FEATURE_VERSION.as_bytes());
    eat(METHOD.as_bytes());
    for &i in split.train.iter().chain(&split.validation) {
        let r = &inputs.rows[i];
        eat(r.game_date.to_string().as_bytes());
        eat(r.player_lookup.as_bytes());
        for v in r.features.to_array() {
            eat(&v.to_le_bytes());
        }
        eat(&r.actual_points.unwrap_or(f64::NAN).to_le_bytes());
    }
    eat(&(split.validation.len() as u64).to_le_bytes());
    for &i in &split.validation {
        for system in super::systems::ensemble::COMPONENTS {
            eat(&heuristic_predictions(i, system)
                .unwrap_or(f64::NAN)
                .to_le_bytes());
        }
    }
    format!("{h:016x}")
}

/// Trains the model for `cutoff` on `split`. `heuristic_predictions(row,
/// system)` gives a base heuristic's prediction of a row (`None` where it
/// made none): their errors on the validation rows are recorded and fit
/// the ensemble's weights.
pub fn train(
    inputs: &Inputs,
    cutoff: NaiveDate,
    split: &TrainingSplit,
    hyper: &Hyper,
    heuristic_predictions: impl Fn(usize, SystemId) -> Option<f64>,
) -> Result<Model, ModelError> {
    let model_id = model_id(cutoff);
    if split.train.is_empty() {
        return Err(ModelError::NoTrainingRows(cutoff));
    }
    let fail = |e: forust_ml::errors::ForustError| ModelError::Training {
        model_id: model_id.clone(),
        message: e.to_string(),
    };
    let x_train = matrix_data(inputs, &split.train);
    let y_train = targets(inputs, &split.train);
    let x_valid = matrix_data(inputs, &split.validation);
    let y_valid = targets(inputs, &split.validation);
    let train_matrix = Matrix::new(&x_train, split.train.len(), FEATURE_NAMES.len());
    let weights_train = vec![1.0; split.train.len()];
    let weights_valid = vec![1.0; split.validation.len()];
    let mean = y_train.iter().sum::<f64>() / y_train.len() as f64;
    let mut booster = GradientBooster::default()
        .set_objective_type(ObjectiveType::SquaredLoss)
        .set_iterations(hyper.max_iterations)
        .set_learning_rate(hyper.learning_rate)
        .set_max_depth(hyper.max_depth)
        .set_min_leaf_weight(hyper.min_leaf_weight)
        .set_l2(hyper.l2)
        .set_nbins(hyper.nbins)
        .set_seed(hyper.seed)
        .set_initialize_base_score(false)
        .set_base_score(mean)
        .set_parallel(true)
        .set_evaluation_metric(Some(Metric::RootMeanSquaredError));
    let evaluation = if split.validation.is_empty() {
        // Nothing to stop on (a single training date): a short, fixed run.
        booster = booster.set_iterations(hyper.iterations_unvalidated);
        None
    } else {
        booster = booster.set_early_stopping_rounds(Some(hyper.early_stopping_rounds));
        Some(vec![(
            Matrix::new(&x_valid, split.validation.len(), FEATURE_NAMES.len()),
            y_valid.as_slice(),
            weights_valid.as_slice(),
        )])
    };
    booster
        .fit(&train_matrix, &y_train, &weights_train, evaluation)
        .map_err(fail)?;

    let mae = |pred: &[f64], y: &[f64]| {
        pred.iter().zip(y).map(|(p, y)| (p - y).abs()).sum::<f64>() / y.len() as f64
    };
    let train_pred = clamp_all(booster.predict(&train_matrix, true));
    let train_mae = mae(&train_pred, &y_train);
    let (validation_mae, valid_pred) = if split.validation.is_empty() {
        (None, Vec::new())
    } else {
        let m = Matrix::new(&x_valid, split.validation.len(), FEATURE_NAMES.len());
        let p = clamp_all(booster.predict(&m, true));
        (Some(mae(&p, &y_valid)), p)
    };

    // Every base system on the validation rows: its MAE for the card, and
    // the rows for the ensemble's weights.
    let components = super::systems::ensemble::COMPONENTS;
    let validation_predictions: Vec<[Option<f64>; 4]> = split
        .validation
        .iter()
        .enumerate()
        .map(|(v, &i)| {
            components.map(|system| {
                if system == SystemId::Gbm {
                    Some(valid_pred[v])
                } else {
                    heuristic_predictions(i, system)
                }
            })
        })
        .collect();
    let by_system: Vec<(String, Option<f64>)> = components
        .iter()
        .enumerate()
        .map(|(slot, system)| {
            let errors: Vec<f64> = validation_predictions
                .iter()
                .zip(&y_valid)
                .filter_map(|(p, y)| p[slot].map(|p| (p - y).abs()))
                .collect();
            let mae = (!errors.is_empty())
                .then(|| round(errors.iter().sum::<f64>() / errors.len() as f64));
            (system.as_str().to_string(), mae)
        })
        .collect();

    let gains = booster.calculate_feature_importance(ImportanceMethod::TotalGain, true);
    let mut feature_importance: Vec<(String, f64)> = gains
        .into_iter()
        .map(|(i, g)| (FEATURE_NAMES[i].to_string(), round(f64::from(g))))
        .collect();
    feature_importance.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    let card = ModelCard {
        model_id,
        system_id: SystemId::Gbm.as_str().into(),
        feature_version: FEATURE_VERSION.into(),
        features: FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        cutoff,
        first_training_date: *split.dates.first().expect("non-empty"),
        last_training_date: *split.dates.last().expect("non-empty"),
        train_rows: split.train.len(),
        train_dates: split.dates.len() - count_dates(inputs, &split.validation),
        validation_rows: split.validation.len(),
        validation_dates: count_dates(inputs, &split.validation),
        train_mae: round(train_mae),
        validation_mae: validation_mae.map(round),
        trees: booster
            .prediction_iteration
            .unwrap_or(booster.trees.len())
            .min(booster.trees.len()),
        feature_importance,
        hyperparameters: *hyper,
        validation_mae_by_system: by_system,
        ensemble_weights: Weights::fit(&validation_predictions, &y_valid),
        fingerprint: fingerprint(inputs, split, hyper, &heuristic_predictions),
    };
    Ok(Model { card, booster })
}

fn count_dates(inputs: &Inputs, rows: &[usize]) -> usize {
    let mut d: Vec<NaiveDate> = rows.iter().map(|&i| inputs.rows[i].game_date).collect();
    d.sort();
    d.dedup();
    d.len()
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn clamp_all(v: Vec<f64>) -> Vec<f64> {
    v.into_iter()
        .map(|p| p.clamp(0.0, super::systems::MAX_POINTS))
        .collect()
}

impl Model {
    /// Predicted points for `rows` (clamped to [0, 60], 2 dp).
    pub fn predict(&self, inputs: &Inputs, rows: &[usize]) -> Vec<f64> {
        if rows.is_empty() {
            return Vec::new();
        }
        let data = matrix_data(inputs, rows);
        let m = Matrix::new(&data, rows.len(), FEATURE_NAMES.len());
        clamp_all(self.booster.predict(&m, true))
            .into_iter()
            .map(|p| (p * 100.0).round() / 100.0)
            .collect()
    }

    /// Writes the artefact (one atomic put).
    pub fn save(&self, lake: &Lake) -> Result<(), ModelError> {
        let path = artefact_path(&self.card.model_id);
        let artefact = |message: String| ModelError::Artefact {
            path: path.clone(),
            message,
        };
        let stored = Stored {
            card: self.card.clone(),
            booster: self
                .booster
                .json_dump()
                .map_err(|e| artefact(e.to_string()))?,
        };
        let bytes = serde_json::to_vec_pretty(&stored).map_err(|e| artefact(e.to_string()))?;
        lake.put(&path, bytes)?;
        Ok(())
    }

    /// Reads the artefact of `model_id`, if stored.
    pub fn load(lake: &Lake, model_id: &str) -> Result<Option<Model>, ModelError> {
        let path = artefact_path(model_id);
        let bytes = match lake.get(&path) {
            Ok(bytes) => bytes,
            Err(lake::Error::Store {
                source: object_store::Error::NotFound { .. },
                ..
            }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let artefact = |message: String| ModelError::Artefact {
            path: path.clone(),
            message,
        };
        let stored: Stored = serde_json::from_slice(&bytes).map_err(|e| artefact(e.to_string()))?;
        let booster =
            GradientBooster::from_json(&stored.booster).map_err(|e| artefact(e.to_string()))?;
        Ok(Some(Model {
            card: stored.card,
            booster,
        }))
    }
}

/// The cards of every stored model, by cutoff.
pub fn stored_cards(lake: &Lake) -> Result<Vec<ModelCard>, ModelError> {
    let mut cards = Vec::new();
    for path in lake.list(MODEL_DIR)? {
        if !path.ends_with(".json") {
            continue;
        }
        let stored: Stored =
            serde_json::from_slice(&lake.get(&path)?).map_err(|e| ModelError::Artefact {
                path: path.clone(),
                message: e.to_string(),
            })?;
        cards.push(stored.card);
    }
    cards.sort_by_key(|c| c.cutoff);
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn cutoffs_double_the_history_and_open_each_season_with_data_before_it() {
        // Ten training dates in one season, then a second season opening.
        let dates: Vec<NaiveDate> = (1..=10)
            .map(|i| d("2021-11-01") + chrono::Days::new(i))
            .collect();
        let openings = [d("2021-11-02"), d("2022-11-01")];
        let cuts = cutoffs(&dates, &openings);
        // dates[1], dates[2], dates[4], dates[8]: 1, 2, 4 and 8 dates before
        // them; the first opening has nothing before it (dates[0] is on it).
        assert_eq!(
            cuts,
            vec![
                d("2021-11-03"),
                d("2021-11-04"),
                d("2021-11-06"),
                d("2021-11-10"),
                d("2022-11-01"),
            ]
        );
        for c in &cuts {
            let before = dates.iter().filter(|x| *x < c).count();
            assert!(before > 0, "{c} has no training date before it");
        }
        assert!(cutoffs(&[], &openings).is_empty());
    }
}

//! `ensemble_v1`: a weighted mean of the other systems' predictions.
//!
//! The reference weighted by each system's own confidence, on scales that
//! did not agree, and ignored the weights its registry listed (§2.5). Here
//! the weights are learned on the trained model's validation window (dates
//! before the model's cutoff, so before every date it predicts): the
//! multiples of 0.05 that minimise the combination's mean absolute error
//! there ([`Weights::fit`]), renormalised over the components a player has.
//! The confidence, the call and the agreement metadata follow the reference
//! on the 0–1 scale.
//!
//! `similarity_balanced_v1` is retired from the ensemble ([`RETIRED`]): it
//! still predicts, is graded and has its validation MAE on every model card,
//! but it gets no weight and no vote. Measured on the generated league (issue
//! 17, docs/pipeline.md): on its own rows it was worse than a plain mean of the
//! last 10 games (MAE 4.796 against 4.648 over four seasons, with a 90-day
//! window covering 76 % of player-games); with a year's window (91 %
//! coverage) and without the venue and fatigue terms that counted twice, it
//! is still worse than the last-10 mean on its rows (4.701 against 4.630 over
//! 85,654 player-games). Left in, it got weights of 0–0.15 and the ensemble's
//! four-season MAE was 4.4418; retired, 4.4412. A system no better than the
//! plainest average adds only noise to a weighted mean.

use super::{clamp_points, round_to, Agreement, Prediction, Recommendation, SystemId};

/// The base systems an ensemble combines.
pub const COMPONENTS: [SystemId; 4] = [
    SystemId::MovingAverage,
    SystemId::ZoneMatchup,
    SystemId::Similarity,
    SystemId::Gbm,
];

/// Base systems the ensemble ignores (the module doc says why): weight 0,
/// no part in the confidence, the agreement or the vote.
pub const RETIRED: [SystemId; 1] = [SystemId::Similarity];

fn retired(system: SystemId) -> bool {
    RETIRED.contains(&system)
}

/// One weight per base system (in [`COMPONENTS`] order), summing to 1.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Weights(pub [f64; 4]);

impl Default for Weights {
    /// Equal weights over the systems not retired, for when nothing has been
    /// validated yet.
    fn default() -> Self {
        let live = COMPONENTS.iter().filter(|&&s| !retired(s)).count() as f64;
        Weights(COMPONENTS.map(|s| if retired(s) { 0.0 } else { 1.0 / live }))
    }
}

impl Weights {
    /// Grid steps per unit weight when fitting: weights are multiples of 0.05.
    pub const GRID: usize = 20;

    /// The weights (multiples of 0.05 summing to 1) whose combination has
    /// the smallest mean absolute error on validation rows: `predictions`
    /// holds each row's base predictions in [`COMPONENTS`] order (`None`
    /// where a system made none), `actual` its points. A system with no
    /// prediction on any row gets weight 0: its weight would change no
    /// error, so any value would tie and be unvalidated (the first in
    /// enumeration order gave it 0.95); so does a [`RETIRED`] one. Ties keep
    /// the first weights in enumeration order, so the fit is deterministic.
    pub fn fit(predictions: &[[Option<f64>; 4]], actual: &[f64]) -> Weights {
        if predictions.is_empty() {
            return Weights::default();
        }
        let seen: [bool; 4] = std::array::from_fn(|i| {
            !retired(COMPONENTS[i]) && predictions.iter().any(|p| p[i].is_some())
        });
        let g = Self::GRID;
        let mut best = (f64::INFINITY, Weights::default());
        for a in 0..=g {
            for b in 0..=g - a {
                for c in 0..=g - a - b {
                    let w = [a, b, c, g - a - b - c].map(|k| k as f64 / g as f64);
                    if w.iter().zip(seen).any(|(&w, seen)| w > 0.0 && !seen) {
                        continue;
                    }
                    let candidate = Weights(w);
                    let error: f64 = predictions
                        .iter()
                        .zip(actual)
                        .map(|(p, y)| (candidate.mean(p) - y).abs())
                        .sum();
                    if error < best.0 {
                        best = (error, candidate);
                    }
                }
            }
        }
        best.1
    }

    pub fn of(&self, system: SystemId) -> f64 {
        COMPONENTS
            .iter()
            .position(|&s| s == system)
            .map_or(0.0, |i| self.0[i])
    }

    /// The weighted mean of the predictions present, renormalised over them;
    /// equal weights when none of them has weight. A [`RETIRED`] system's
    /// prediction is never read.
    pub fn mean(&self, predictions: &[Option<f64>; 4]) -> f64 {
        let (mut sum, mut total, mut plain, mut n) = (0.0, 0.0, 0.0, 0.0);
        for ((p, w), system) in predictions.iter().zip(self.0).zip(COMPONENTS) {
            if retired(system) {
                continue;
            }
            if let Some(p) = p {
                sum += p * w;
                total += w;
                plain += p;
                n += 1.0;
            }
        }
        if total > 0.0 {
            sum / total
        } else {
            plain / n
        }
    }
}

/// Combines the base predictions a player has (at least the moving average
/// and the zone matchup, which always predict), leaving out [`RETIRED`] ones.
pub fn combine(components: &[Prediction], weights: &Weights, line: Option<f64>) -> Prediction {
    let components: Vec<Prediction> = components
        .iter()
        .filter(|p| !retired(p.system))
        .cloned()
        .collect();
    let components = components.as_slice();
    let mut slots = [None; 4];
    for p in components {
        if let Some(i) = COMPONENTS.iter().position(|&s| s == p.system) {
            slots[i] = Some(p.points);
        }
    }
    let points = round_to(clamp_points(weights.mean(&slots)), 2);
    let total: f64 = components.iter().map(|p| weights.of(p.system)).sum();
    let used: Vec<(&Prediction, f64)> = components
        .iter()
        .map(|p| {
            let w = if total > 0.0 {
                weights.of(p.system) / total
            } else {
                1.0 / components.len() as f64
            };
            (p, w)
        })
        .filter(|&(_, w)| w > 0.0)
        .collect();

    let n = components.len() as f64;
    let mean = components.iter().map(|p| p.points).sum::<f64>() / n;
    let spread = (components
        .iter()
        .map(|p| (p.points - mean).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let mut confidence = 100.0 * components.iter().map(|p| p.confidence).sum::<f64>() / n;
    confidence += if spread < 2.0 {
        10.0
    } else if spread < 3.0 {
        5.0
    } else if spread < 6.0 {
        -5.0
    } else {
        -10.0
    };
    if components.len() == COMPONENTS.len() - RETIRED.len() {
        confidence += 5.0;
    }
    let confidence = round_to(confidence.clamp(20.0, 95.0) / 100.0, 4);

    let mut recommendation = SystemId::Ensemble
        .gate()
        .recommend(points, confidence, line);
    if matches!(recommendation, Recommendation::Over | Recommendation::Under) {
        let votes = |r: Recommendation| components.iter().filter(|p| p.recommendation == r).count();
        let half = components.len() as f64 / 2.0;
        if votes(Recommendation::Over) as f64 > half {
            recommendation = Recommendation::Over;
        } else if votes(Recommendation::Under) as f64 > half {
            recommendation = Recommendation::Under;
        }
    }

    let (score, kind) = if spread < 2.0 {
        (95.0, "high")
    } else if spread < 3.0 {
        (85.0, "good")
    } else if spread < 6.0 {
        (70.0, "moderate")
    } else {
        ((100.0 - 5.0 * spread).max(50.0), "low")
    };
    Prediction {
        system: SystemId::Ensemble,
        points,
        confidence,
        recommendation,
        adjustments: Default::default(),
        similar: None,
        agreement: Some(Agreement {
            spread: round_to(spread, 2),
            score: round_to(score, 2),
            kind,
            components: used
                .iter()
                .map(|(p, w)| (p.system, p.points, round_to(*w, 4)))
                .collect(),
        }),
    }
}

//! `moving_average_baseline_v1` (reference §2.1): a weighted average of the
//! last 5, last 10 and season scoring, nudged by context.
//!
//! Fixed here: fatigue reads the store's direction (100 = fresh, so a *low*
//! score costs points), and the confidence sees the real games-in-last-7-days
//! instead of the constant 3 a misspelt name gave.

use super::{
    clamp_points, round_to, volatility_confidence, Adjustments, Prediction, Subject, SystemId,
};

pub const WEIGHT_LAST_5: f64 = 0.50;
pub const WEIGHT_LAST_10: f64 = 0.30;
pub const WEIGHT_SEASON: f64 = 0.20;

pub fn predict(s: &Subject) -> Prediction {
    let f = s.features;
    let base = WEIGHT_LAST_5 * f.points_avg_last_5
        + WEIGHT_LAST_10 * f.points_avg_last_10
        + WEIGHT_SEASON * f.points_avg_season;
    let adjustments = Adjustments {
        fatigue: if f.fatigue_score < 50.0 {
            -2.5
        } else if f.fatigue_score < 70.0 {
            -1.0
        } else {
            0.0
        },
        shot_zone: 0.3 * f.shot_zone_mismatch_score,
        pace: super::pace_points(base, f.pace_score),
        usage_spike: 0.4 * f.usage_spike_score,
        home_away: if f.is_home() { 0.5 } else { -0.5 },
        other: if f.back_to_back >= 0.5 { -1.5 } else { 0.0 },
    };
    let points = round_to(clamp_points(base + adjustments.total()), 2);
    let confidence = volatility_confidence(f);
    Prediction {
        system: SystemId::MovingAverage,
        points,
        confidence,
        recommendation: SystemId::MovingAverage
            .gate()
            .recommend(points, confidence, s.line),
        adjustments,
        similar: None,
        agreement: None,
    }
}

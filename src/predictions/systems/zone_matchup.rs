//! `zone_matchup_v1` (reference §2.2): the season average plus, per shot
//! zone, what the opponent's defence gives up, weighted by how much of the
//! player's scoring comes from that zone.
//!
//! Fixed here: the sign (a weak defence, rated above the league, *adds*
//! points; the reference subtracted them), the pivot (the league's mean
//! rating that date, not a fixed 110 on a scale whose mean is near 116), the
//! free-throw share read from the store instead of a 12.0 default, and
//! fatigue's direction.

use super::{
    clamp_points, round_to, volatility_confidence, Adjustments, Prediction, Subject, SystemId,
};

/// Points per rating point above the league, before the zone multiplier.
pub const POINTS_PER_RATING: f64 = 0.3;
/// A zone's adjustment is clamped to ±this.
pub const ZONE_CAP: f64 = 3.0;

/// The weight of a zone that makes up `share` (a fraction) of the player's
/// shots or points: 1.0 from 40 %, 0.7 from 20 %, else 0.4.
pub fn zone_weight(share: f64) -> f64 {
    if share >= 0.40 {
        1.0
    } else if share >= 0.20 {
        0.7
    } else {
        0.4
    }
}

/// Σ over paint, mid-range, three and free throws of
/// clamp((rating − league) × 0.3 × m, ±3) × weight(share), with m = 1.2,
/// 1.0, 1.1, 0.8.
pub fn zone_adjustment(s: &Subject) -> f64 {
    let f = s.features;
    let above_league = f.opponent_def_rating - s.league_def_rating;
    [
        (f.pct_paint, 1.2),
        (f.pct_mid_range, 1.0),
        (f.pct_three, 1.1),
        (f.pct_free_throw, 0.8),
    ]
    .iter()
    .map(|&(share, multiplier)| {
        (above_league * POINTS_PER_RATING * multiplier).clamp(-ZONE_CAP, ZONE_CAP)
            * zone_weight(share)
    })
    .sum()
}

pub fn predict(s: &Subject) -> Prediction {
    let f = s.features;
    let adjustments = Adjustments {
        fatigue: if f.fatigue_score < 50.0 {
            -1.5
        } else if f.fatigue_score < 70.0 {
            -0.8
        } else {
            0.0
        },
        shot_zone: zone_adjustment(s),
        pace: 0.4 * f.pace_score,
        home_away: if f.is_home() { 0.8 } else { -0.8 },
        ..Adjustments::default()
    };
    let points = round_to(clamp_points(f.points_avg_season + adjustments.total()), 2);
    let confidence = volatility_confidence(f);
    Prediction {
        system: SystemId::ZoneMatchup,
        points,
        confidence,
        recommendation: SystemId::ZoneMatchup
            .gate()
            .recommend(points, confidence, s.line),
        adjustments,
        similar: None,
        agreement: None,
    }
}

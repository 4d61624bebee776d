//! `zone_matchup_v1` (reference §2.2): the season average plus, per shot
//! zone, what the opponent's defence gives up, weighted by how much of the
//! player's scoring comes from that zone.
//!
//! Fixed here: the sign (a weak defence, rated above the league, *adds*
//! points; the reference subtracted them), the pivot (the league's mean
//! rating that date, not a fixed 110 on a scale whose mean is near 116), the
//! free-throw share read from the store instead of a 12.0 default, and
//! fatigue's direction.
//!
//! Changed from the reference (issue 17, measured on the generated league,
//! docs/pipeline.md): the reference added clamp(gap × 0.3 × m, ±3) once per
//! zone with a weight of at least 0.4 whatever the player's shots, so four
//! zones added about 1.2 points per rating point of gap to a bench player and
//! a star alike, even where every zone share was the store's default (mean
//! absolute adjustment 1.0 point, and with the ±0.8 venue term an MAE of
//! 5.05–5.15 against 4.43–4.47 for the season average it starts from). Now:
//!
//! * a defence rated `gap` points per 100 possessions above the league gives
//!   up gap / league more points, so a zone adds
//!   season average × its share of his scoring × m × gap / league, shrunk by
//!   [`RATING_SHRINK`] (the opponent's last-15-games rating is a noisy
//!   measure of its defence: on the generated league the least-squares
//!   slope of points − season average on the full term is 0.40);
//! * the shares: free throws take `pct_free_throw` of his points, and the
//!   rest is split by his attempts in the paint, mid-range and beyond the arc;
//! * a zone whose share is the store's default adds nothing, and neither does
//!   any zone when the opponent's rating is a default: a default is no data;
//! * the venue is ±[`HOME_EDGE`] of the season average instead of ±0.8 points
//!   (the generated league's home and away players score +0.12 and −0.13
//!   against their season average, near 1 % of its mean of 12).

use super::{
    clamp_points, round_to, volatility_confidence, Adjustments, Prediction, Subject, SystemId,
};

/// The share of the full rating effect the adjustment keeps.
pub const RATING_SHRINK: f64 = 0.5;
/// A zone's adjustment is clamped to ±this.
pub const ZONE_CAP: f64 = 3.0;
/// Home players score this fraction of their season average more, away
/// players as much less: the NBA's home edge of about 2.5 points on a team's
/// ~112, split between the two sides.
pub const HOME_EDGE: f64 = 0.011;

/// The zones: feature name of the share, and how strongly the zone follows
/// the defence (the reference's multipliers).
pub const ZONES: [(&str, f64); 4] = [
    ("pct_paint", 1.2),
    ("pct_mid_range", 1.0),
    ("pct_three", 1.1),
    ("pct_free_throw", 0.8),
];

/// Each zone's share of the player's scoring, in [`ZONES`] order: free throws
/// take `pct_free_throw`, the field-goal zones split the rest by their share
/// of his attempts. A zone whose share is a default weighs 0 (a default
/// free-throw share also leaves the field-goal zones the whole).
pub fn zone_shares(s: &Subject) -> [f64; 4] {
    let f = s.features;
    let known = |name: &str, v: f64| if s.defaults.has(name) { 0.0 } else { v };
    let ft = known("pct_free_throw", f.pct_free_throw).clamp(0.0, 1.0);
    [
        (1.0 - ft) * known("pct_paint", f.pct_paint),
        (1.0 - ft) * known("pct_mid_range", f.pct_mid_range),
        (1.0 - ft) * known("pct_three", f.pct_three),
        ft,
    ]
}

/// Σ over the zones of clamp(season × share × m × gap / league × 0.5, ±3),
/// gap = opponent rating − league rating that date; exactly 0 when the
/// opponent's rating or every share is a default.
pub fn zone_adjustment(s: &Subject) -> f64 {
    let f = s.features;
    if s.defaults.has("opponent_def_rating") || s.league_def_rating <= 0.0 {
        return 0.0;
    }
    let relative = (f.opponent_def_rating - s.league_def_rating) / s.league_def_rating;
    zone_shares(s)
        .iter()
        .zip(ZONES)
        .map(|(&share, (_, multiplier))| {
            (RATING_SHRINK * f.points_avg_season * share * multiplier * relative)
                .clamp(-ZONE_CAP, ZONE_CAP)
        })
        .sum()
}

pub fn predict(s: &Subject) -> Prediction {
    let f = s.features;
    let venue = HOME_EDGE * f.points_avg_season;
    let adjustments = Adjustments {
        fatigue: if f.fatigue_score < 50.0 {
            -1.5
        } else if f.fatigue_score < 70.0 {
            -0.8
        } else {
            0.0
        },
        shot_zone: zone_adjustment(s),
        pace: super::pace_points(f.points_avg_season, f.pace_score),
        home_away: if f.is_home() { venue } else { -venue },
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

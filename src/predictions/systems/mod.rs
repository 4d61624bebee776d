//! The prediction systems and what they share: one id spelling each, one
//! confidence scale (0–1), one fatigue direction (100 = fresh), and one
//! recommendation rule against the real line.
//!
//! The reference had three spellings of the baseline's id, confidences on
//! 0–1 and 0–100 depending on the system, fatigue penalised in opposite
//! directions and a placeholder 20.0 line (spec/reference-phase5.md §10).

pub mod ensemble;
pub mod moving_average;
pub mod similarity;
pub mod zone_matchup;

use super::features::{Defaults, Features};

/// Predictions are clamped to this range (reference §2).
pub const MAX_POINTS: f64 = 60.0;

/// A prediction system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SystemId {
    MovingAverage,
    ZoneMatchup,
    Similarity,
    Gbm,
    Ensemble,
}

impl SystemId {
    pub const ALL: [SystemId; 5] = [
        SystemId::MovingAverage,
        SystemId::ZoneMatchup,
        SystemId::Similarity,
        SystemId::Gbm,
        SystemId::Ensemble,
    ];

    /// The `system_id` written to every table.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemId::MovingAverage => "moving_average_baseline_v1",
            SystemId::ZoneMatchup => "zone_matchup_v1",
            SystemId::Similarity => "similarity_balanced_v1",
            SystemId::Gbm => "gbm_points_v1",
            SystemId::Ensemble => "ensemble_v1",
        }
    }

    /// When this system makes a call instead of passing.
    pub fn gate(self) -> Gate {
        match self {
            // The reference's "edge > 2.0 and confidence > 0.45".
            SystemId::MovingAverage | SystemId::ZoneMatchup => Gate {
                min_edge: 2.0,
                min_confidence: 0.46,
            },
            SystemId::Similarity => Gate {
                min_edge: 2.0,
                min_confidence: 0.65,
            },
            SystemId::Gbm => Gate {
                min_edge: 1.5,
                min_confidence: 0.60,
            },
            SystemId::Ensemble => Gate {
                min_edge: 1.5,
                min_confidence: 0.65,
            },
        }
    }
}

impl std::fmt::Display for SystemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The call on a prop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recommendation {
    Over,
    Under,
    Pass,
    /// No real pre-game line exists: nothing to call against (no placeholder line, ever).
    NoLine,
}

impl Recommendation {
    pub fn as_str(self) -> &'static str {
        match self {
            Recommendation::Over => "OVER",
            Recommendation::Under => "UNDER",
            Recommendation::Pass => "PASS",
            Recommendation::NoLine => "NO_LINE",
        }
    }
}

/// A system's thresholds: it calls OVER or UNDER only when the edge
/// |prediction − line| is at least `min_edge` points and its confidence is
/// at least `min_confidence`; otherwise it passes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    pub min_edge: f64,
    pub min_confidence: f64,
}

impl Gate {
    pub fn recommend(self, points: f64, confidence: f64, line: Option<f64>) -> Recommendation {
        let Some(line) = line else {
            return Recommendation::NoLine;
        };
        let edge = points - line;
        if confidence < self.min_confidence || edge.abs() < self.min_edge {
            Recommendation::Pass
        } else if edge > 0.0 {
            Recommendation::Over
        } else {
            Recommendation::Under
        }
    }
}

/// What a heuristic added to its base, by the reference's component columns.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Adjustments {
    pub fatigue: f64,
    pub shot_zone: f64,
    pub pace: f64,
    pub usage_spike: f64,
    pub home_away: f64,
    /// Rest (back-to-back) and anything else.
    pub other: f64,
}

impl Adjustments {
    pub fn total(&self) -> f64 {
        self.fatigue + self.shot_zone + self.pace + self.usage_spike + self.home_away + self.other
    }
}

/// The similar games a similarity prediction was made from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimilarGames {
    pub count: usize,
    pub baseline: f64,
    pub avg_score: f64,
    pub min_score: f64,
}

/// How much an ensemble's components agreed.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Population standard deviation of the component predictions.
    pub spread: f64,
    /// 95 / 85 / 70 when the spread is under 2 / 3 / 6 points, else
    /// max(50, 100 − 5·spread) (reference §2.5).
    pub score: f64,
    pub kind: &'static str,
    /// (system, its prediction, its weight) of each component used.
    pub components: Vec<(SystemId, f64, f64)>,
}

/// One system's prediction for one player-date.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub system: SystemId,
    pub points: f64,
    /// 0–1 for every system.
    pub confidence: f64,
    pub recommendation: Recommendation,
    pub adjustments: Adjustments,
    pub similar: Option<SimilarGames>,
    pub agreement: Option<Agreement>,
}

/// What a system is given for one player-date: the stored features, the
/// real pre-game line if there is one, and the league's mean opponent
/// defensive rating over that date's players (the pivot for "weak" and
/// "elite" defences; the store's ratings are on the league's own scale, so
/// the reference's fixed 110 would call nearly every defence weak).
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub features: &'a Features,
    /// The features that hold the store's default, not data.
    pub defaults: Defaults,
    pub line: Option<f64>,
    pub league_def_rating: f64,
    /// Days since the player's previous game, as the store counts them
    /// (1 = back-to-back); None for a first game.
    pub days_rest: Option<i32>,
    /// The store's feature quality score, 0–100.
    pub feature_quality: f64,
}

pub(crate) fn clamp_points(p: f64) -> f64 {
    p.clamp(0.0, MAX_POINTS)
}

/// Rounds to `dp` decimals, so that sums of constants like 0.5 − 0.15 + 0.1
/// land on the value a reader computes (0.45, not 0.45000000000000007).
pub(crate) fn round_to(x: f64, dp: i32) -> f64 {
    let m = 10f64.powi(dp);
    (x * m).round() / m
}

/// The points `pace_score` adds to a player who scores `base`, for the moving
/// average and zone matchup. `pace_score` is half the opponent's last-10 pace
/// minus the team's, clamped to ±3 (player_composite_factors): the change of
/// the game's possessions against the player's usual games. Points scale with
/// possessions (÷ 100), and a 10-game pace is about half noise, so half that.
/// The reference added a flat 0.4 (zone) or 0.3 (moving average) points per
/// unit whatever the player scored; with the differential computed rather
/// than NULL, that cost MAE on the demo league: zone matchup 4.516 against
/// 4.465 this way (the season average alone: 4.466), moving average 4.682
/// against 4.661, over all 99,646 graded player-games.
pub fn pace_points(base: f64, pace_score: f64) -> f64 {
    base * pace_score / 200.0
}

/// The confidence rule the moving average and zone matchup share (reference
/// §2.1), with the stored `games_in_last_7_days`: 0.5, −0.15 when the last-10
/// std is above 6 (−0.08 above 4), +0.10 with ≥ 3 games in the last 7 days
/// (+0.05 with 2, −0.10 otherwise), clamped to [0.2, 0.8].
pub fn volatility_confidence(f: &Features) -> f64 {
    let mut c: f64 = 0.5;
    if f.points_std_last_10 > 6.0 {
        c -= 0.15;
    } else if f.points_std_last_10 > 4.0 {
        c -= 0.08;
    }
    if f.games_in_last_7_days >= 3.0 {
        c += 0.10;
    } else if f.games_in_last_7_days >= 2.0 {
        c += 0.05;
    } else {
        c -= 0.10;
    }
    round_to(c.clamp(0.2, 0.8), 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_needs_a_line_an_edge_and_confidence() {
        let g = Gate {
            min_edge: 2.0,
            min_confidence: 0.6,
        };
        assert_eq!(g.recommend(25.0, 0.9, None), Recommendation::NoLine);
        assert_eq!(g.recommend(25.0, 0.9, Some(22.5)), Recommendation::Over);
        assert_eq!(g.recommend(20.0, 0.9, Some(22.5)), Recommendation::Under);
        assert_eq!(g.recommend(24.0, 0.9, Some(22.5)), Recommendation::Pass);
        assert_eq!(g.recommend(24.5, 0.9, Some(22.5)), Recommendation::Over);
        assert_eq!(g.recommend(30.0, 0.59, Some(22.5)), Recommendation::Pass);
    }
}

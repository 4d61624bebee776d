//! `similarity_balanced_v1` (reference §2.3): the player's own recent games
//! that looked like this one (opponent tier, rest, venue, form), their
//! points averaged by similarity, plus context adjustments.
//!
//! Fixed here: every historical game carries its real context, read from the
//! feature-store row of that game (the reference gave every past game
//! "average opponent, at home" and every current game "average opponent, one
//! day of rest, away", so the score could only take four values), and the
//! current context is read from the stored names, not defaults.
//!
//! Changed (issue 17): the history reaches a year back ([`HISTORY_DAYS`],
//! [`HISTORY_GAMES`]), so a season's first weeks see last season's games, and
//! there is no venue or fatigue term (the matched games were picked largely
//! for the same venue and rest; the reference's +0.8 / −0.5 and
//! (fatigue − 70) × 0.015, with the store's fresh 100, gave +0.48 points of
//! bias). Still strictly before the date: the kernel hands it earlier rows only.
//!
//! **Retired from the ensemble** ([`super::ensemble::RETIRED`]), measured on
//! the generated league over four seasons (`backcourt demo`, then the MAE of
//! this system and of the stored `points_avg_last_10` on the same graded
//! player-games): with the 90-day window it predicted 71,368 of 93,968
//! player-games (76 %) at MAE 4.796 against 4.648 for the last-10 mean on the
//! same rows; with the year's window 85,654 (91 %) at 4.701 against 4.630,
//! and the season average does 4.502 there. Left in the ensemble it got
//! learned weights of 0–0.15 and the ensemble's MAE was 4.4418, retired
//! 4.4412. Matching four coarse context buckets picks games that say less
//! about tonight than his last ten do. It still predicts and is graded, so
//! the decision can be revisited on real data.

use super::{clamp_points, round_to, Adjustments, Prediction, SimilarGames, Subject, SystemId};

/// Past games scoring below this are not similar.
pub const MIN_SCORE: f64 = 70.0;
/// At most this many of the most similar games are used.
pub const MAX_MATCHES: usize = 20;
/// With fewer matches than this there is no prediction.
pub const MIN_MATCHES: usize = 5;
/// History: the player's games in the last this many days, newest first …
/// A year, so that it reaches across the off-season: the reference's 90 days
/// leave each season's first weeks without a single earlier game (the
/// off-season is about four months), and the system predicted 76 % of the
/// generated league's player-games.
pub const HISTORY_DAYS: i64 = 365;
/// … at most this many of them.
pub const HISTORY_GAMES: usize = 60;

/// The opponent's defence relative to the league that date: elite more than
/// 2 rating points better (lower) than the league mean, weak 3 or more
/// worse (the reference's 110/115 around a league near 112).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Elite,
    Average,
    Weak,
}

/// Rest before the game: back-to-back, one, two, or more days off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    BackToBack,
    OneDay,
    TwoDays,
    WellRested,
}

/// Scoring form: last-5 average ≥ 3 above the season average is hot, ≤ −3 cold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Hot,
    Normal,
    Cold,
}

/// What a game looked like before tip-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub tier: Tier,
    pub rest: Rest,
    pub home: bool,
    pub form: Form,
}

impl Context {
    /// The context of a player-date, from its features (the same reading for
    /// the game to predict and for each past game).
    pub fn of(s: &Subject) -> Context {
        let f = s.features;
        let above_league = f.opponent_def_rating - s.league_def_rating;
        let tier = if above_league < -2.0 {
            Tier::Elite
        } else if above_league < 3.0 {
            Tier::Average
        } else {
            Tier::Weak
        };
        let rest = match s.days_rest {
            Some(d) if d <= 1 => Rest::BackToBack,
            Some(2) => Rest::OneDay,
            Some(3) => Rest::TwoDays,
            _ => Rest::WellRested,
        };
        let trend = f.points_avg_last_5 - f.points_avg_season;
        let form = if trend >= 3.0 {
            Form::Hot
        } else if trend <= -3.0 {
            Form::Cold
        } else {
            Form::Normal
        };
        Context {
            tier,
            rest,
            home: f.is_home(),
            form,
        }
    }

    /// Similarity 0–100: opponent tier 40 (adjacent 20), rest 30 (adjacent
    /// bucket 15), venue 15, form 15 (else 5).
    pub fn score(&self, past: &Context) -> f64 {
        let tier = |t: Tier| match t {
            Tier::Elite => 0i32,
            Tier::Average => 1,
            Tier::Weak => 2,
        };
        let rest = |r: Rest| match r {
            Rest::BackToBack => 0i32,
            Rest::OneDay => 1,
            Rest::TwoDays => 2,
            Rest::WellRested => 3,
        };
        let graded = |a: i32, b: i32, same: f64, adjacent: f64| match (a - b).abs() {
            0 => same,
            1 => adjacent,
            _ => 0.0,
        };
        graded(tier(self.tier), tier(past.tier), 40.0, 20.0)
            + graded(rest(self.rest), rest(past.rest), 30.0, 15.0)
            + if self.home == past.home { 15.0 } else { 0.0 }
            + if self.form == past.form { 15.0 } else { 5.0 }
    }
}

/// One of the player's earlier games: its pre-game context and its points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PastGame {
    pub context: Context,
    pub points: f64,
}

/// Fewer similar games than [`MIN_MATCHES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{found} similar games (score ≥ 70) among {history} recent games; {MIN_MATCHES} needed")]
pub struct TooFewSimilar {
    pub found: usize,
    pub history: usize,
}

/// Predicts from `history`: the player's games before this one, newest
/// first (the caller keeps at most [`HISTORY_GAMES`] within [`HISTORY_DAYS`]).
pub fn predict(s: &Subject, history: &[PastGame]) -> Result<Prediction, TooFewSimilar> {
    let now = Context::of(s);
    let mut matches: Vec<(f64, f64)> = history
        .iter()
        .map(|g| (now.score(&g.context), g.points))
        .filter(|&(score, _)| score >= MIN_SCORE)
        .collect();
    // Stable: among equal scores the newer game stays first.
    matches.sort_by(|a, b| b.0.total_cmp(&a.0));
    matches.truncate(MAX_MATCHES);
    if matches.len() < MIN_MATCHES {
        return Err(TooFewSimilar {
            found: matches.len(),
            history: history.len(),
        });
    }
    let weight: f64 = matches.iter().map(|m| m.0 / 100.0).sum();
    let baseline = matches.iter().map(|m| m.1 * m.0 / 100.0).sum::<f64>() / weight;
    let f = s.features;
    // No venue or fatigue term (the module doc says why).
    let adjustments = Adjustments {
        shot_zone: round_to(0.4 * f.shot_zone_mismatch_score, 2),
        pace: round_to(0.8 * f.pace_score, 2),
        usage_spike: round_to(0.8 * f.usage_spike_score, 2),
        ..Adjustments::default()
    };
    let points = round_to(clamp_points(baseline + adjustments.total()), 2);
    let n = matches.len() as f64;
    let avg_score = matches.iter().map(|m| m.0).sum::<f64>() / n;
    let min_score = matches.iter().map(|m| m.0).fold(f64::INFINITY, f64::min);
    let mean_points = matches.iter().map(|m| m.1).sum::<f64>() / n;
    let std_points = (matches
        .iter()
        .map(|m| (m.1 - mean_points).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let confidence = confidence(matches.len(), avg_score, std_points);
    Ok(Prediction {
        system: SystemId::Similarity,
        points,
        confidence,
        recommendation: SystemId::Similarity
            .gate()
            .recommend(points, confidence, s.line),
        adjustments,
        similar: Some(SimilarGames {
            count: matches.len(),
            baseline: round_to(baseline, 2),
            avg_score: round_to(avg_score, 2),
            min_score,
        }),
        agreement: None,
    })
}

/// Reference §2.3 on the 0–1 scale: 0.50; +0.20 / 0.15 / 0.10 for ≥ 15 / 10
/// / 7 matches (−0.15 for fewer); +0.20 / 0.15 / 0.10 / 0.05 for a mean
/// similarity ≥ 85 / 75 / 70 / below; +0.15 / 0.08 / 0.03 / −0.05 for a
/// matched-points std < 4 / 6 / 8 / above; clamped to [0, 1].
pub fn confidence(matches: usize, avg_score: f64, std_points: f64) -> f64 {
    let mut c: f64 = 50.0;
    c += match matches {
        n if n >= 15 => 20.0,
        n if n >= 10 => 15.0,
        n if n >= 7 => 10.0,
        _ => -15.0,
    };
    c += if avg_score >= 85.0 {
        20.0
    } else if avg_score >= 75.0 {
        15.0
    } else if avg_score >= 70.0 {
        10.0
    } else {
        5.0
    };
    c += if std_points < 4.0 {
        15.0
    } else if std_points < 6.0 {
        8.0
    } else if std_points < 8.0 {
        3.0
    } else {
        -5.0
    };
    round_to(c.clamp(0.0, 100.0) / 100.0, 4)
}

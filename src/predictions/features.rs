//! The feature store's vector, read by name.
//!
//! The reference's predictors looked features up under names the store never
//! wrote (`games_played_last_7_days`, `is_home`, `*_last_15`, …) and silently
//! ran on defaults (spec/reference-phase5.md §1.1, §10.2). Here a row's
//! `feature_names` are matched against [`FEATURE_NAMES`] once: a missing name
//! is an error naming it, never a default.

use std::collections::HashMap;

/// The stored names of feature version `v1_baseline_25`, in store order
/// (sql/nba_predictions/ml_feature_store_v2.sql writes them).
pub const FEATURE_NAMES: [&str; 25] = [
    "points_avg_last_5",
    "points_avg_last_10",
    "points_avg_season",
    "points_std_last_10",
    "games_in_last_7_days",
    "fatigue_score",
    "shot_zone_mismatch_score",
    "pace_score",
    "usage_spike_score",
    "rest_advantage",
    "injury_risk",
    "recent_trend",
    "minutes_change",
    "opponent_def_rating",
    "opponent_pace",
    "home_away",
    "back_to_back",
    "playoff_game",
    "pct_paint",
    "pct_mid_range",
    "pct_three",
    "pct_free_throw",
    "team_pace",
    "team_off_rating",
    "team_win_pct",
];

/// The feature version every system reads.
pub const FEATURE_VERSION: &str = "v1_baseline_25";

/// One player-date's features, by meaning. Scales are the store's: fatigue
/// 0–100 with 100 = fresh; zone shares and the free-throw share are
/// fractions; `home_away`, `back_to_back` and `playoff_game` are 0/1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Features {
    pub points_avg_last_5: f64,
    pub points_avg_last_10: f64,
    pub points_avg_season: f64,
    pub points_std_last_10: f64,
    pub games_in_last_7_days: f64,
    pub fatigue_score: f64,
    pub shot_zone_mismatch_score: f64,
    pub pace_score: f64,
    pub usage_spike_score: f64,
    pub rest_advantage: f64,
    pub injury_risk: f64,
    pub recent_trend: f64,
    pub minutes_change: f64,
    pub opponent_def_rating: f64,
    pub opponent_pace: f64,
    pub home_away: f64,
    pub back_to_back: f64,
    pub playoff_game: f64,
    pub pct_paint: f64,
    pub pct_mid_range: f64,
    pub pct_three: f64,
    pub pct_free_throw: f64,
    pub team_pace: f64,
    pub team_off_rating: f64,
    pub team_win_pct: f64,
}

/// A stored vector that cannot be read as [`Features`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureError {
    #[error("feature `{0}` is not among the stored feature_names")]
    Missing(&'static str),
    #[error("feature_names has {names} entries but features has {values}")]
    Length { names: usize, values: usize },
    #[error("feature `{name}` is {value}, not a finite number")]
    NotFinite { name: &'static str, value: f64 },
}

impl Features {
    /// The vector in [`FEATURE_NAMES`] order (the trained model's input).
    pub fn to_array(&self) -> [f64; 25] {
        [
            self.points_avg_last_5,
            self.points_avg_last_10,
            self.points_avg_season,
            self.points_std_last_10,
            self.games_in_last_7_days,
            self.fatigue_score,
            self.shot_zone_mismatch_score,
            self.pace_score,
            self.usage_spike_score,
            self.rest_advantage,
            self.injury_risk,
            self.recent_trend,
            self.minutes_change,
            self.opponent_def_rating,
            self.opponent_pace,
            self.home_away,
            self.back_to_back,
            self.playoff_game,
            self.pct_paint,
            self.pct_mid_range,
            self.pct_three,
            self.pct_free_throw,
            self.team_pace,
            self.team_off_rating,
            self.team_win_pct,
        ]
    }

    /// Features from an array in [`FEATURE_NAMES`] order.
    pub fn from_array(v: [f64; 25]) -> Features {
        let [points_avg_last_5, points_avg_last_10, points_avg_season, points_std_last_10, games_in_last_7_days, fatigue_score, shot_zone_mismatch_score, pace_score, usage_spike_score, rest_advantage, injury_risk, recent_trend, minutes_change, opponent_def_rating, opponent_pace, home_away, back_to_back, playoff_game, pct_paint, pct_mid_range, pct_three, pct_free_throw, team_pace, team_off_rating, team_win_pct] =
            v;
        Features {
            points_avg_last_5,
            points_avg_last_10,
            points_avg_season,
            points_std_last_10,
            games_in_last_7_days,
            fatigue_score,
            shot_zone_mismatch_score,
            pace_score,
            usage_spike_score,
            rest_advantage,
            injury_risk,
            recent_trend,
            minutes_change,
            opponent_def_rating,
            opponent_pace,
            home_away,
            back_to_back,
            playoff_game,
            pct_paint,
            pct_mid_range,
            pct_three,
            pct_free_throw,
            team_pace,
            team_off_rating,
            team_win_pct,
        }
    }

    pub fn is_home(&self) -> bool {
        self.home_away >= 0.5
    }
}

/// Which of [`FEATURE_NAMES`] hold the store's default rather than a value
/// computed from data: `feature_sources` tags each value `phase4`, `phase3`,
/// `calculated` or `default` (sql/nba_predictions/ml_feature_store_v2.sql). A
/// default (0.30 of shots in the paint, 112 for a defence, …) is a stand-in,
/// not information, and a system must not read it as a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Defaults(u32);

impl Defaults {
    /// No feature is a default (also what a row without `feature_sources` reads as).
    pub const NONE: Defaults = Defaults(0);

    /// The features named in `names` (each one of [`FEATURE_NAMES`]) are defaults.
    pub fn of(names: &[&str]) -> Defaults {
        Defaults(names.iter().fold(0, |bits, name| {
            let i = FEATURE_NAMES
                .iter()
                .position(|n| n == name)
                .unwrap_or_else(|| panic!("`{name}` is not a feature of v1_baseline_25"));
            bits | 1 << i
        }))
    }

    /// Whether the feature `name` (one of [`FEATURE_NAMES`]) is a default.
    pub fn has(self, name: &str) -> bool {
        FEATURE_NAMES
            .iter()
            .position(|n| *n == name)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// Where each of [`FEATURE_NAMES`] sits in a stored `feature_names` list;
/// built once per distinct list.
#[derive(Debug, Clone)]
pub struct FeatureLayout {
    positions: [usize; 25],
    len: usize,
}

impl FeatureLayout {
    /// Matches the stored names; any name of [`FEATURE_NAMES`] missing is an error.
    pub fn new<S: AsRef<str>>(stored: &[S]) -> Result<FeatureLayout, FeatureError> {
        let index: HashMap<&str, usize> = stored
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_ref(), i))
            .collect();
        let mut positions = [0usize; 25];
        for (slot, name) in positions.iter_mut().zip(FEATURE_NAMES) {
            *slot = *index.get(name).ok_or(FeatureError::Missing(name))?;
        }
        Ok(FeatureLayout {
            positions,
            len: stored.len(),
        })
    }

    /// Reads one stored vector.
    pub fn read(&self, values: &[f64]) -> Result<Features, FeatureError> {
        if values.len() != self.len {
            return Err(FeatureError::Length {
                names: self.len,
                values: values.len(),
            });
        }
        let mut out = [0.0; 25];
        for ((slot, &pos), name) in out.iter_mut().zip(&self.positions).zip(FEATURE_NAMES) {
            let value = values[pos];
            if !value.is_finite() {
                return Err(FeatureError::NotFinite { name, value });
            }
            *slot = value;
        }
        Ok(Features::from_array(out))
    }

    /// Which features a stored `feature_sources` list (in the stored names'
    /// order) marks `default`. A list of another length is an error, as for
    /// the values.
    pub fn defaults<S: AsRef<str>>(&self, sources: &[S]) -> Result<Defaults, FeatureError> {
        if sources.len() != self.len {
            return Err(FeatureError::Length {
                names: self.len,
                values: sources.len(),
            });
        }
        let bits = self
            .positions
            .iter()
            .enumerate()
            .filter(|&(_, &pos)| sources[pos].as_ref() == "default")
            .fold(0, |bits, (i, _)| bits | 1 << i);
        Ok(Defaults(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_reversed() -> Vec<&'static str> {
        FEATURE_NAMES.iter().rev().copied().collect()
    }

    #[test]
    fn names_are_matched_wherever_they_sit_and_a_missing_one_is_named() {
        let mut names: Vec<&str> = FEATURE_NAMES.iter().rev().copied().collect();
        let values: Vec<f64> = (0..25).rev().map(f64::from).collect();
        let layout = FeatureLayout::new(&names).unwrap();
        let f = layout.read(&values).unwrap();
        assert_eq!(f.points_avg_last_5, 0.0);
        assert_eq!(f.team_win_pct, 24.0);
        assert_eq!(f.to_array(), std::array::from_fn(|i| i as f64));

        names[0] = "team_win_percentage";
        assert_eq!(
            FeatureLayout::new(&names).unwrap_err(),
            FeatureError::Missing("team_win_pct")
        );
        let layout = FeatureLayout::new(&FEATURE_NAMES).unwrap();
        assert!(matches!(
            layout.read(&values[..24]),
            Err(FeatureError::Length { .. })
        ));
        // Sources are matched through the same layout: reversed names, so the
        // stored list's last entry is the first feature's.
        let reversed = FeatureLayout::new(&names_reversed()).unwrap();
        let mut sources = vec!["phase4"; 25];
        sources[24] = "default"; // points_avg_last_5
        sources[4] = "default"; // FEATURE_NAMES[20], pct_three
        let d = reversed.defaults(&sources).unwrap();
        assert_eq!(d, Defaults::of(&["points_avg_last_5", "pct_three"]));
        assert!(d.has("pct_three") && !d.has("pct_paint"));
        assert!(matches!(
            reversed.defaults(&sources[..24]),
            Err(FeatureError::Length { .. })
        ));
        assert_eq!(
            reversed.defaults(&["calculated"; 25]).unwrap(),
            Defaults::NONE
        );
        let mut nan = values.clone();
        nan[3] = f64::NAN;
        assert!(matches!(
            layout.read(&nan),
            Err(FeatureError::NotFinite {
                name: "points_std_last_10",
                ..
            })
        ));
    }
}

//! The heuristic systems over every player-date of a range at once (rayon):
//! each row gets the moving average, the zone matchup and, from the player's
//! earlier rows, the similarity prediction.
//!
//! A row's history is the block of rows just before it (rows are sorted by
//! player and date), cut at [`similarity::HISTORY_DAYS`] days and
//! [`similarity::HISTORY_GAMES`] games, and only rows with a date strictly
//! before it; its own points are never read.

use chrono::NaiveDate;
use rayon::prelude::*;

use super::inputs::Inputs;
use super::systems::similarity::{self, Context, PastGame, TooFewSimilar};
use super::systems::{moving_average, zone_matchup, Prediction};

/// The heuristic predictions of one row.
#[derive(Debug, Clone)]
pub struct Heuristics {
    pub moving_average: Prediction,
    pub zone_matchup: Prediction,
    pub similarity: Result<Prediction, TooFewSimilar>,
}

impl Heuristics {
    /// The predictions made (similarity only when it had enough matches).
    pub fn predictions(&self) -> impl Iterator<Item = &Prediction> {
        [&self.moving_average, &self.zone_matchup]
            .into_iter()
            .chain(self.similarity.as_ref().ok())
    }
}

/// Runs the heuristics on every row whose date `wanted` accepts; `None` for
/// the others.
pub fn heuristics(
    inputs: &Inputs,
    wanted: impl Fn(NaiveDate) -> bool + Sync,
) -> Vec<Option<Heuristics>> {
    let rows = &inputs.rows;
    let contexts: Vec<Context> = (0..rows.len())
        .into_par_iter()
        .map(|i| Context::of(&inputs.subject(i)))
        .collect();
    (0..rows.len())
        .into_par_iter()
        .map(|i| {
            let row = &rows[i];
            if !wanted(row.game_date) {
                return None;
            }
            let subject = inputs.subject(i);
            let history = history(inputs, &contexts, i);
            Some(Heuristics {
                moving_average: moving_average::predict(&subject),
                zone_matchup: zone_matchup::predict(&subject),
                similarity: similarity::predict(&subject, &history),
            })
        })
        .collect()
}

/// Row `i`'s player's games strictly before it, newest first, within
/// [`similarity::HISTORY_DAYS`], at most [`similarity::HISTORY_GAMES`] with points.
fn history(inputs: &Inputs, contexts: &[Context], i: usize) -> Vec<PastGame> {
    let rows = &inputs.rows;
    let row = &rows[i];
    let mut out = Vec::with_capacity(similarity::HISTORY_GAMES);
    for k in (0..i).rev() {
        let past = &rows[k];
        if past.player_lookup != row.player_lookup
            || past.game_date >= row.game_date
            || (row.game_date - past.game_date).num_days() > similarity::HISTORY_DAYS
            || out.len() == similarity::HISTORY_GAMES
        {
            break;
        }
        if let Some(points) = past.actual_points {
            out.push(PastGame {
                context: contexts[k],
                points,
            });
        }
    }
    out
}

//! nba_precompute.player_daily_cache (`sql/nba_precompute/player_daily_cache.sql`,
//! reference-phase4 §5) on the hand-built Phase 3 inputs of [`crate::scenarios::feature_inputs`]:
//! the deviation is the sample's, the windows and team form are the player's, and a player with
//! no season games before the date is a failure, not a row.

use backcourt::registry::TableId;

use crate::scenarios::feature_inputs::{build, phase3_inputs};
use crate::util::{lake_with, rows};

const PDC: TableId = TableId::PlayerDailyCache;

#[test]
fn daily_cache_deviation_is_the_sample_standard_deviation() {
    let (_dir, lake) = lake_with(&phase3_inputs());
    build(&lake, TableId::PlayerShotZoneAnalysis);
    build(&lake, PDC);
    let points = [10.0, 12.0, 14.0, 16.0, 24.0, 30.0_f64];
    let mean = points.iter().sum::<f64>() / 6.0;
    let squares: f64 = points.iter().map(|p| (p - mean).powi(2)).sum();
    let sample = (squares / 5.0).sqrt();
    let population = (squares / 6.0).sqrt();
    assert!((sample * 100.0).round() != (population * 100.0).round());
    let got = rows(
        &lake,
        &format!("SELECT points_std_last_10, points_avg_last_5, points_avg_last_10, games_played_season, early_season_flag, team_pace_last_10, assisted_rate_last_10 FROM {PDC} WHERE player_lookup = 'bob'"),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let std: f64 = got[0][0].parse().expect("std");
    assert!(
        (std - (sample * 100.0).round() / 100.0).abs() < 1e-9,
        "{std} vs n−1 {sample}"
    );
    // 19.2, 17.7, six games (fewer than 10: early season), NYK pace 103.5,
    // 5 of 10 field goals assisted? no: no assisted makes recorded → NULL.
    assert_eq!(got[0][1..6], ["19.2", "17.7", "6", "true", "103.5"]);
    // carl's first game: no season games before the day, a failure, not a row.
    let carl = rows(
        &lake,
        "SELECT failure_category FROM nba_processing.processing_failures \
         WHERE table_name = 'player_daily_cache' AND entity_id = 'carl'",
    );
    assert_eq!(carl, [["INSUFFICIENT_DATA"]]);
    assert!(rows(
        &lake,
        &format!("SELECT 1 FROM {PDC} WHERE player_lookup = 'carl'")
    )
    .is_empty());
}

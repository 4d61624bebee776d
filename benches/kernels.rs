//! criterion benches of the hot kernels that exist so far: the synthetic
//! league generator, the `player_lookup` name normaliser, the Phase 5
//! heuristic systems (similarity matching included) and the trained model's
//! inference. (Composite factors are a SQL model, timed per table by
//! `backcourt bench`.) (The pipeline as
//! a whole is measured by `backcourt bench`; tests never assert times.)
//!
//! `scripts/bench` runs them; `scripts/bench names` only those whose id
//! contains "names".

use std::hint::black_box;

use arrow::array::{Array, AsArray};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use backcourt::calendar::Season;
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::names::{player_lookup, player_lookup_into};
use backcourt::predictions::features::Features;
use backcourt::predictions::inputs::{InputRow, Inputs};
use backcourt::predictions::{kernel, model};
use backcourt::registry::TableId;

fn one_season() -> GenerateConfig {
    GenerateConfig::new(vec!["2024-25".parse::<Season>().expect("season")], 7)
}

fn generator(c: &mut Criterion) {
    let config = one_season();
    let mut group = c.benchmark_group("generator");
    group.sample_size(10);
    let rows: usize = fixtures::generate(&config)
        .tables
        .iter()
        .flat_map(|(_, b)| b)
        .map(|b| b.num_rows())
        .sum();
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("one season", |b| {
        b.iter(|| fixtures::generate(black_box(&config)))
    });
    group.finish();
}

/// Every spelling of every name the feeds carry in one season: accents,
/// suffixes, id prefixes, as the normaliser meets them in real imports.
fn feed_names() -> Vec<String> {
    let league = fixtures::generate(&one_season());
    let sources = [
        (TableId::NbacGamebookPlayerStats, "player_name"),
        (TableId::BdlPlayerBoxscores, "player_full_name"),
        (TableId::BettingprosPlayerPointsProps, "player_name"),
        (TableId::NbacInjuryReport, "player_name"),
    ];
    let mut names = Vec::new();
    for (table, column) in sources {
        for (_, batches) in league.tables.iter().filter(|(t, _)| *t == table) {
            for b in batches {
                let col = b.column_by_name(column).expect("column").as_string::<i32>();
                names.extend(
                    (0..col.len())
                        .filter(|&i| col.is_valid(i))
                        .map(|i| col.value(i).to_owned()),
                );
            }
        }
    }
    names
}

fn names(c: &mut Criterion) {
    let names = feed_names();
    let mut group = c.benchmark_group("names");
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("player_lookup", names.len()),
        &names,
        |b, names| b.iter(|| names.iter().map(|n| player_lookup(n).len()).sum::<usize>()),
    );
    group.bench_with_input(
        BenchmarkId::new("player_lookup_into", names.len()),
        &names,
        |b, names| {
            let mut buf = String::new();
            b.iter(|| {
                names
                    .iter()
                    .map(|n| {
                        buf.clear();
                        player_lookup_into(n, &mut buf);
                        buf.len()
                    })
                    .sum::<usize>()
            })
        },
    );
    group.finish();
}

/// A season-sized feature store: 450 players × 170 game dates, features in
/// the store's ranges, points around each player's level. Deterministic.
fn synthetic_inputs() -> Inputs {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 11, 1).expect("date");
    let mut rows = Vec::new();
    for p in 0..450 {
        let player: std::sync::Arc<str> = format!("player{p:03}").into();
        let level = rng.random_range(4.0..30.0);
        for d in 0..170u64 {
            if rng.random::<f64>() < 0.45 {
                continue; // about 95 games each
            }
            let f = Features {
                points_avg_last_5: level + rng.random_range(-4.0..4.0),
                points_avg_last_10: level + rng.random_range(-3.0..3.0),
                points_avg_season: level,
                points_std_last_10: rng.random_range(2.0..9.0),
                games_in_last_7_days: rng.random_range(1..5) as f64,
                fatigue_score: rng.random_range(40.0..100.0),
                shot_zone_mismatch_score: rng.random_range(-10.0..10.0),
                pace_score: rng.random_range(-3.0..3.0),
                usage_spike_score: rng.random_range(-3.0..3.0),
                opponent_def_rating: rng.random_range(108.0..124.0),
                home_away: rng.random_range(0..2) as f64,
                back_to_back: (rng.random::<f64>() < 0.15) as u8 as f64,
                pct_paint: rng.random_range(0.1..0.6),
                pct_mid_range: rng.random_range(0.05..0.3),
                pct_three: rng.random_range(0.1..0.5),
                pct_free_throw: rng.random_range(0.05..0.3),
                ..Features::default()
            };
            rows.push(InputRow {
                player_lookup: player.clone(),
                game_date: start + chrono::Days::new(d),
                game_id: "g".into(),
                features: f,
                defaults: Default::default(),
                feature_quality: 90.0,
                days_rest: Some(rng.random_range(1..5)),
                line: Some(level.round() + 0.5),
                actual_points: Some((level + rng.random_range(-8.0..8.0)).max(0.0).round()),
            });
        }
    }
    Inputs::new(rows)
}

/// The three heuristic systems over every player-date (the Phase 5 kernel);
/// throughput is in player-system predictions.
fn heuristics(c: &mut Criterion) {
    let inputs = synthetic_inputs();
    let mut group = c.benchmark_group("predictions");
    group.sample_size(20);
    group.throughput(Throughput::Elements(3 * inputs.rows.len() as u64));
    group.bench_function(
        BenchmarkId::new("heuristics", format!("{} player-dates", inputs.rows.len())),
        |b| b.iter(|| kernel::heuristics(black_box(&inputs), |_| true).len()),
    );
    group.finish();
}

/// The trained model's inference over a season of player-dates (the model
/// trained once, outside the timing, on the synthetic rows before a cutoff).
fn model_inference(c: &mut Criterion) {
    let inputs = synthetic_inputs();
    let cutoff = chrono::NaiveDate::from_ymd_opt(2025, 1, 15).expect("date");
    let split = model::split(&inputs, cutoff, &model::HYPER);
    let trained = model::train(&inputs, cutoff, &split, &model::HYPER, |_, _| None).expect("train");
    let rows: Vec<usize> = (0..inputs.rows.len()).collect();
    let mut group = c.benchmark_group("predictions");
    group.sample_size(20);
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function(
        BenchmarkId::new("model inference", format!("{} player-dates", rows.len())),
        |b| b.iter(|| trained.predict(black_box(&inputs), &rows).len()),
    );
    group.finish();
}

criterion_group!(benches, generator, names, heuristics, model_inference);
criterion_main!(benches);

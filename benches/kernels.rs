//! criterion benches of the hot kernels that exist so far: the synthetic
//! league generator and the `player_lookup` name normaliser. (The pipeline as
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
use backcourt::registry::TableId;

fn one_season() -> GenerateConfig {
    GenerateConfig {
        seasons: vec!["2024-25".parse::<Season>().expect("season")],
        seed: 7,
        scheduled_last_day: false,
    }
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

criterion_group!(benches, generator, names);
criterion_main!(benches);

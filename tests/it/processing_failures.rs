//! `nba_processing.processing_failures`, the runner's table of the entities a model dropped for
//! a data reason (`backcourt::failures` is its vocabulary): every category stored by the
//! generated league's Phase 4 is a `FailureCategory`, and a model emitting an unknown one writes
//! nothing, neither its rows nor its failures.
//!
//! Which failures each model writes is tested in its table's module; that SQL, Rust and the
//! stored rows share one vocabulary, and how the runner reads failures back and classifies
//! INCOMPLETE_DATA, in `backfill_coverage.rs`.

use backcourt::dates::DateRange;
use backcourt::engine::{Engine, ModelParams};
use backcourt::registry::TableId;

use crate::util::{precompute_league, rows};

#[test]
fn every_failure_category_written_is_one_of_the_enum() {
    let lake = precompute_league();
    let categories = rows(
        lake,
        "SELECT DISTINCT failure_category FROM nba_processing.processing_failures ORDER BY 1",
    );
    assert!(!categories.is_empty(), "the league has failure rows");
    for c in categories {
        c[0].parse::<backcourt::failures::FailureCategory>()
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_model_emitting_an_unknown_category_writes_nothing() {
    let (_dir, lake) = crate::util::lake_with(&[]);
    let engine = Engine::open(&lake).expect("engine");
    let sql = "SELECT 'BOS' AS team_abbr, DATE '2024-01-10' AS analysis_date, \
               'NOT_A_CATEGORY' AS failure_category, 'typo' AS failure_reason, true AS can_retry";
    let range: DateRange = "2024-01-10..2024-01-10".parse().expect("range");
    let err = engine
        .write_model(
            TableId::TeamDefenseZoneAnalysis,
            sql,
            &ModelParams::historical(range),
        )
        .expect_err("an unknown category is an error");
    assert!(err.to_string().contains("NOT_A_CATEGORY"), "{err}");
    for table in [
        TableId::TeamDefenseZoneAnalysis,
        TableId::ProcessingFailures,
    ] {
        assert!(
            lake.partitions(table).expect("list").is_empty(),
            "{table} written"
        );
    }
}

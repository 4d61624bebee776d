//! `nba_predictions.system_daily_performance` (`sql/nba_predictions/system_daily_performance.sql`,
//! spec/reference-phase5.md §7) on the graded lake of [`crate::scenarios::graded_predictions`],
//! with every expected value worked out by hand: win rates over decided calls only (NULL without
//! one, 0 for a day of losses), errors, confidence buckets, one row per date and system.
//! Regrading a range is tested with the rows it reads, in `prediction_accuracy.rs`.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Float64Type};
use backcourt::lake::Lake;

use crate::scenarios::graded_predictions::{graded_lake, D1, D2, DAILY, EN, MA};
use crate::util::{query, rows};

/// The system_daily_performance row of (`date`, `system`), [`DAILY`] as f64 (NULL → None).
fn daily(lake: &Lake, date: &str, system: &str) -> Vec<Option<f64>> {
    let batches = query(
        lake,
        &format!(
            "SELECT {DAILY} FROM nba_predictions.system_daily_performance
             WHERE game_date = DATE '{date}' AND system_id = '{system}'"
        ),
    );
    let b = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .unwrap_or_else(|| panic!("no daily row for {system} on {date}"));
    assert_eq!(b.num_rows(), 1, "one daily row for {system} on {date}");
    (0..b.num_columns())
        .map(|c| {
            let col = arrow::compute::cast(b.column(c), &DataType::Float64).expect("numeric");
            let col = col.as_primitive::<Float64Type>();
            col.is_valid(0).then(|| col.value(0))
        })
        .collect()
}

/// Asserts the daily row of (`date`, `system`) equals `expected`, column by column (to 1e-9:
/// the rates and averages are rounded in SQL, so the expectations are the rounded values).
fn assert_daily(lake: &Lake, date: &str, system: &str, expected: [Option<f64>; 22]) {
    let got = daily(lake, date, system);
    let names: Vec<&str> = DAILY.split(',').map(str::trim).collect();
    for ((name, g), e) in names.iter().zip(&got).zip(expected) {
        let ok = match (g, e) {
            (Some(g), Some(e)) => (g - e).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        assert!(
            ok,
            "{system} on {date}, {name}: got {g:?}, expected {e:?}\nall: {got:?}"
        );
    }
}

#[test]
fn daily_win_rates_count_only_decided_calls() {
    let (_dir, lake) = graded_lake();
    // MA on D1, the 8 graded predictions (the 4 failures are not counted):
    //   calls: OVER overwin (won), push (push), overloss (lost); UNDER underloss (lost),
    //   underwin (won), underwin2 (won); PASS pass; NO_LINE noline.
    //   recommendations 3 + 3 = 6; correct 3, incorrect 2, one push; pass 1.
    //   win_rate 3 / (3 + 2) = 0.6 (a push counted as a loss would give 3/6 = 0.5).
    //   mae (1.0 + 5.1 + 3.0 + 3.1 + 5.0 + 3.0 + 9.0 + 4.0) / 8 = 33.2 / 8 = 4.15.
    //   bias (1.0 - 5.1 + 3.0 + 3.1 - 5.0 - 3.0 + 9.0 - 4.0) / 8 = -1.0 / 8 = -0.125.
    //   OVER: 3 calls, 1 won, decided 2 → 0.5 (1/3 with the push as a loss).
    //   UNDER: 3 calls, 2 won, decided 3 → 2/3 = 0.6667.
    //   within 3: overwin 1.0, push 3.0, underwin 3.0 → 3, 3/8 = 37.5%.
    //   within 5: those and pass 3.1, noline 5.0, underwin2 4.0 → 6, 6/8 = 75.0%.
    //   avg confidence (0.75 + 0.65 + 0.80 + 0.40 + 1.00 + 0.00 + 0.90 + 0.70) / 8 = 5.2/8 = 0.65.
    //   high confidence (≥ 0.70): overwin 0.75 (won), push 0.80 (push), noline 1.00 (no call),
    //   overloss 0.90 (lost), underwin2 0.70 (won) → 5, 2 correct, decided 3 → 0.6667.
    assert_daily(
        &lake,
        D1,
        MA,
        [
            Some(8.0),
            Some(6.0),
            Some(3.0),
            Some(2.0),
            Some(1.0),
            Some(0.6),
            Some(4.15),
            Some(-0.125),
            Some(3.0),
            Some(1.0),
            Some(0.5),
            Some(3.0),
            Some(2.0),
            Some(0.6667),
            Some(3.0),
            Some(37.5),
            Some(6.0),
            Some(75.0),
            Some(0.65),
            Some(5.0),
            Some(2.0),
            Some(0.6667),
        ],
    );
}

#[test]
fn daily_win_rates_are_null_without_decided_calls() {
    let (_dir, lake) = graded_lake();
    // EN on D1: PASS overwin (error 2.0, signed -2.0), NO_LINE noline (0.0, 0.0), UNDER push
    // (3.0, -3.0); dnp failed. 3 predictions, 1 recommendation, none decided → every win rate
    // NULL (a push counted as a loss would give 0).
    //   mae (2 + 0 + 3) / 3 = 1.6667 → 1.667; bias (-2 + 0 - 3) / 3 → -1.667.
    //   within 3 and 5: all three → 100%. avg confidence (0.50 + 0.30 + 0.85) / 3 = 0.55.
    //   high confidence: push 0.85 → 1, 0 correct, rate NULL.
    assert_daily(
        &lake,
        D1,
        EN,
        [
            Some(3.0),
            Some(1.0),
            Some(0.0),
            Some(0.0),
            Some(1.0),
            None,
            Some(1.667),
            Some(-1.667),
            Some(0.0),
            Some(0.0),
            None,
            Some(1.0),
            Some(0.0),
            None,
            Some(3.0),
            Some(100.0),
            Some(3.0),
            Some(100.0),
            Some(0.55),
            Some(1.0),
            Some(0.0),
            None,
        ],
    );
}

#[test]
fn a_day_of_only_lost_calls_has_win_rate_zero_not_null() {
    let (_dir, lake) = graded_lake();
    // MA on D2: overwin OVER 20.5, pred 25.0, actual 18 → lost; error 7.0, signed +7.0;
    // underloss failed. 1 prediction, 1 call, 0 won, 1 lost → win rate 0/1 = 0.0; OVER 0/1 = 0.0;
    // no UNDER → NULL; within 3/5: 0 → 0%; confidence 0.60 < 0.70 → no high-confidence calls.
    assert_daily(
        &lake,
        D2,
        MA,
        [
            Some(1.0),
            Some(1.0),
            Some(0.0),
            Some(1.0),
            Some(0.0),
            Some(0.0),
            Some(7.0),
            Some(7.0),
            Some(1.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            None,
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(0.6),
            Some(0.0),
            Some(0.0),
            None,
        ],
    );
}

#[test]
fn daily_performance_has_one_row_per_date_and_system() {
    let (_dir, lake) = graded_lake();
    // (D1, MA), (D1, EN), (D2, MA): EN predicted nothing on D2. computed_at is the latest
    // graded_at of the group (overloss's D2 08:00 for MA on D1).
    assert_eq!(
        rows(
            &lake,
            "SELECT CAST(game_date AS VARCHAR), system_id, CAST(predictions_count AS VARCHAR),
                    strftime(computed_at, '%Y-%m-%d %H:%M')
             FROM nba_predictions.system_daily_performance ORDER BY 1, 2"
        ),
        [
            [D1, EN, "3", "2024-01-11 05:00"],
            [D1, MA, "8", "2024-01-11 08:00"],
            [D2, MA, "1", "2024-01-12 05:00"],
        ]
    );
}

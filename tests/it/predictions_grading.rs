//! Phase 5 grading on a hand-built lake, with every expected value worked out by hand:
//! `nba_predictions.prediction_accuracy` (`sql/nba_predictions/prediction_accuracy.sql`) and
//! `nba_predictions.system_daily_performance` (`sql/nba_predictions/system_daily_performance.sql`),
//! spec/reference-phase5.md §7.
//!
//! The lake holds predictions of two systems on two dates, D1 = 2024-01-10 (game G1, LAL at BOS)
//! and D2 = 2024-01-11 (game G20), and the box scores they are graded against. Each player name
//! says what their D1 prediction pins:
//!
//! | player    | system | pred | conf | call    | line | actual           | verdict           |
//! |-----------|--------|------|------|---------|------|------------------|-------------------|
//! | overwin   | MA     | 25.0 | 0.75 | OVER    | 20.5 | 24               | won               |
//! | underloss | MA     | 16.9 | 0.65 | UNDER   | 18.5 | 22               | lost, error 5.1   |
//! | push      | MA     | 23.0 | 0.80 | OVER    | 20.0 | 20 (is_active ∅) | push, error 3.0   |
//! | pass      | MA     | 23.1 | 0.40 | PASS    | 22.5 | 20               | none, error 3.1   |
//! | noline    | MA     | 12.0 | 1.00 | NO_LINE | ∅    | 17               | none, error 5.0   |
//! | underwin  | MA     |  8.0 | 0.00 | UNDER   | 12.5 | 11               | won, error 3.0    |
//! | overloss  | MA     | 30.0 | 0.90 | OVER    | 27.5 | 21               | lost              |
//! | underwin2 | MA     | 10.0 | 0.70 | UNDER   | 14.5 | 14               | won               |
//! | overwin   | EN     | 22.0 | 0.50 | PASS    | 20.5 | 24               | none              |
//! | noline    | EN     | 17.0 | 0.30 | NO_LINE | ∅    | 17               | none              |
//! | push      | EN     | 17.0 | 0.85 | UNDER   | 20.0 | 20               | push              |
//!
//! Not graded (INCOMPLETE_DATA failures): dnp (MA and EN; no box score), inactive (a box score
//! with points but is_active false), zero (active, 0 minutes, 0 shots, 0 points), othergame (a
//! box score on D1 under game G9, not the predicted G1). On D2, MA predicts overwin (OVER 20.5,
//! pred 25.0, actual 18: lost) and underloss, who has a D1 box score but none on D2 (a failure).

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Float64Type};
use backcourt::engine::{Engine, ModelOutput, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{int, lake_with, query, rows};

const PA: TableId = TableId::PredictionAccuracy;
const SDP: TableId = TableId::SystemDailyPerformance;

const D1: &str = "2024-01-10";
const D2: &str = "2024-01-11";
const MA: &str = "moving_average_baseline_v1";
const EN: &str = "ensemble_v1";

/// `nba_predictions.player_prop_predictions`: created at 15:00 UTC on D1 (T1) except overloss's,
/// created at 08:00 on D2 (after its box score was processed, so its graded_at is its own).
const PREDICTIONS: &str = "
SELECT prediction_id, system_id, player_lookup, CAST(game_date AS DATE) AS game_date, game_id,
    CAST(predicted_points AS DOUBLE) AS predicted_points,
    CAST(confidence_score AS DOUBLE) AS confidence_score, recommendation,
    CAST(current_points_line AS DOUBLE) AS current_points_line, model_version,
    CAST(created_at AS TIMESTAMPTZ) AS created_at, CAST(pace_adjustment AS DOUBLE) AS pace_adjustment,
    CAST(similar_games_count AS INTEGER) AS similar_games_count
FROM (VALUES
    ('ma-overwin',   'moving_average_baseline_v1', 'overwin',   '2024-01-10', '0022300501', 25.0, 0.75, 'OVER',    20.5, 'ma-1', '2024-01-10 15:00:00+00', 0.4, 12),
    ('ma-underloss', 'moving_average_baseline_v1', 'underloss', '2024-01-10', '0022300501', 16.9, 0.65, 'UNDER',   18.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-push',      'moving_average_baseline_v1', 'push',      '2024-01-10', '0022300501', 23.0, 0.80, 'OVER',    20.0, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-pass',      'moving_average_baseline_v1', 'pass',      '2024-01-10', '0022300501', 23.1, 0.40, 'PASS',    22.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-noline',    'moving_average_baseline_v1', 'noline',    '2024-01-10', '0022300501', 12.0, 1.00, 'NO_LINE', NULL, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-underwin',  'moving_average_baseline_v1', 'underwin',  '2024-01-10', '0022300501',  8.0, 0.00, 'UNDER',   12.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-overloss',  'moving_average_baseline_v1', 'overloss',  '2024-01-10', '0022300501', 30.0, 0.90, 'OVER',    27.5, 'ma-1', '2024-01-11 08:00:00+00', NULL, NULL),
    ('ma-underwin2', 'moving_average_baseline_v1', 'underwin2', '2024-01-10', '0022300501', 10.0, 0.70, 'UNDER',   14.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-dnp',       'moving_average_baseline_v1', 'dnp',       '2024-01-10', '0022300501', 18.0, 0.90, 'OVER',    15.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-inactive',  'moving_average_baseline_v1', 'inactive',  '2024-01-10', '0022300501',  9.0, 0.90, 'UNDER',   12.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-zero',      'moving_average_baseline_v1', 'zero',      '2024-01-10', '0022300501',  4.0, 0.90, 'UNDER',    6.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-othergame', 'moving_average_baseline_v1', 'othergame', '2024-01-10', '0022300501', 14.0, 0.90, 'OVER',    10.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-overwin',   'ensemble_v1',                'overwin',   '2024-01-10', '0022300501', 22.0, 0.50, 'PASS',    20.5, 'en-1', '2024-01-10 15:00:00+00', -1.5, 7),
    ('en-noline',    'ensemble_v1',                'noline',    '2024-01-10', '0022300501', 17.0, 0.30, 'NO_LINE', NULL, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-push',      'ensemble_v1',                'push',      '2024-01-10', '0022300501', 17.0, 0.85, 'UNDER',   20.0, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-dnp',       'ensemble_v1',                'dnp',       '2024-01-10', '0022300501', 18.0, 0.50, 'PASS',    15.5, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-overwin-2', 'moving_average_baseline_v1', 'overwin',   '2024-01-11', '0022300520', 25.0, 0.60, 'OVER',    20.5, 'ma-1', '2024-01-11 15:00:00+00', NULL, NULL),
    ('ma-underloss-2','moving_average_baseline_v1','underloss', '2024-01-11', '0022300520', 15.0, 0.60, 'UNDER',   18.5, 'ma-1', '2024-01-11 15:00:00+00', NULL, NULL)
) t(prediction_id, system_id, player_lookup, game_date, game_id, predicted_points,
    confidence_score, recommendation, current_points_line, model_version, created_at,
    pace_adjustment, similar_games_count)";

/// `nba_analytics.player_game_summary`: D1's box scores processed at 05:00 on D2, D2's at 05:00
/// the day after.
const BOX_SCORES: &str = "
SELECT player_lookup, game_id, CAST(game_date AS DATE) AS game_date, team_abbr,
    opponent_team_abbr, CAST(points AS INTEGER) AS points,
    CAST(minutes_played AS DOUBLE) AS minutes_played, CAST(fg_attempts AS INTEGER) AS fg_attempts,
    CAST(is_active AS BOOLEAN) AS is_active, CAST(processed_at AS TIMESTAMPTZ) AS processed_at
FROM (VALUES
    ('overwin',   '0022300501', '2024-01-10', 'LAL', 'BOS', 24, 33.5, 18, true,  '2024-01-11 05:00:00+00'),
    ('underloss', '0022300501', '2024-01-10', 'LAL', 'BOS', 22, 30.0, 15, true,  '2024-01-11 05:00:00+00'),
    ('push',      '0022300501', '2024-01-10', 'BOS', 'LAL', 20, 28.0, 14, NULL,  '2024-01-11 05:00:00+00'),
    ('pass',      '0022300501', '2024-01-10', 'BOS', 'LAL', 20, 25.0, 16, true,  '2024-01-11 05:00:00+00'),
    ('noline',    '0022300501', '2024-01-10', 'LAL', 'BOS', 17, 20.0, 12, true,  '2024-01-11 05:00:00+00'),
    ('underwin',  '0022300501', '2024-01-10', 'BOS', 'LAL', 11, 18.0,  9, true,  '2024-01-11 05:00:00+00'),
    ('overloss',  '0022300501', '2024-01-10', 'LAL', 'BOS', 21, 36.0, 20, true,  '2024-01-11 05:00:00+00'),
    ('underwin2', '0022300501', '2024-01-10', 'BOS', 'LAL', 14, 22.0, 11, true,  '2024-01-11 05:00:00+00'),
    ('inactive',  '0022300501', '2024-01-10', 'LAL', 'BOS',  6, 12.0,  5, false, '2024-01-11 05:00:00+00'),
    ('zero',      '0022300501', '2024-01-10', 'BOS', 'LAL',  0,  0.0,  0, true,  '2024-01-11 05:00:00+00'),
    ('othergame', '0022300509', '2024-01-10', 'MIA', 'NYK', 15, 25.0, 12, true,  '2024-01-11 05:00:00+00'),
    ('overwin',   '0022300520', '2024-01-11', 'LAL', 'PHX', 18, 31.0, 16, true,  '2024-01-12 05:00:00+00')
) t(player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points, minutes_played,
    fg_attempts, is_active, processed_at)";

/// The whole span, D1..D2.
fn span() -> ModelParams {
    ModelParams::historical(format!("{D1}..{D2}").parse().expect("date range"))
}

/// A lake with the predictions and box scores, nothing graded yet.
fn inputs_lake() -> (tempfile::TempDir, Lake) {
    lake_with(&[
        (TableId::PlayerPropPredictions, PREDICTIONS),
        (TableId::PlayerGameSummary, BOX_SCORES),
    ])
}

/// Writes `table`'s model over `params.range`.
fn write(lake: &Lake, table: TableId, params: &ModelParams) {
    let engine = Engine::open(lake).expect("engine");
    engine
        .write_model(table, table.sql().expect("a SQL model"), params)
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// Grades the span: prediction_accuracy, then system_daily_performance (which reads it).
fn grade(lake: &Lake, params: &ModelParams) {
    write(lake, PA, params);
    write(lake, SDP, params);
}

/// A lake with the inputs graded over D1..D2.
fn graded_lake() -> (tempfile::TempDir, Lake) {
    let (dir, lake) = inputs_lake();
    grade(&lake, &span());
    (dir, lake)
}

/// The verdict columns of prediction_accuracy compared by [`verdict`], as text (NULL → "NULL").
const VERDICT: &str = "recommendation, line_value, actual_points, absolute_error, signed_error, \
    predicted_margin, actual_margin, prediction_correct, within_3_points, within_5_points";

/// The prediction_accuracy row of (`player`, `system`) on `date`, `cols` as text (NULL → "NULL");
/// None when the prediction was not graded. `cols` is split on commas, so no expression in it
/// may hold one.
fn graded_row(
    lake: &Lake,
    date: &str,
    player: &str,
    system: &str,
    cols: &str,
) -> Option<Vec<String>> {
    let text = cols
        .split(',')
        .map(|c| format!("coalesce(CAST({} AS VARCHAR), 'NULL')", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut found = rows(
        lake,
        &format!(
            "SELECT {text} FROM nba_predictions.prediction_accuracy
             WHERE game_date = DATE '{date}' AND player_lookup = '{player}' AND system_id = '{system}'"
        ),
    );
    assert!(
        found.len() <= 1,
        "{player}/{system} on {date} graded twice: {found:?}"
    );
    found.pop()
}

/// [`VERDICT`] of (`player`, `system`) on D1, which must be graded.
fn verdict(lake: &Lake, player: &str, system: &str) -> Vec<String> {
    graded_row(lake, D1, player, system, VERDICT)
        .unwrap_or_else(|| panic!("{player}/{system} was not graded on {D1}"))
}

fn assert_verdict(lake: &Lake, player: &str, system: &str, expected: [&str; 10]) {
    assert_eq!(
        verdict(lake, player, system),
        expected,
        "{player}/{system}: {VERDICT}"
    );
}

/// The columns of system_daily_performance compared by [`assert_daily`].
const DAILY: &str = "predictions_count, recommendations_count, correct_count, incorrect_count, \
    pass_count, win_rate, mae, avg_bias, over_count, over_correct, over_win_rate, under_count, \
    under_correct, under_win_rate, within_3_count, within_3_pct, within_5_count, within_5_pct, \
    avg_confidence, high_confidence_count, high_confidence_correct, high_confidence_win_rate";

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

/// The prediction_accuracy failures written on `date`: (entity_id, category, entity_type,
/// can_retry), sorted.
fn failures(lake: &Lake, date: &str) -> Vec<Vec<String>> {
    rows(
        lake,
        &format!(
            "SELECT entity_id, failure_category, entity_type, CAST(can_retry AS VARCHAR)
             FROM nba_processing.processing_failures
             WHERE table_name = 'prediction_accuracy' AND analysis_date = DATE '{date}'
             ORDER BY entity_id"
        ),
    )
}

/// The failure of a prediction: INCOMPLETE_DATA on a player, retryable.
fn failure(entity: &str) -> Vec<String> {
    [entity, "INCOMPLETE_DATA", "PLAYER", "true"]
        .map(String::from)
        .to_vec()
}

/// The string column `name` of `batches`, all rows, sorted.
fn column_strings(batches: &[RecordBatch], name: &str) -> Vec<String> {
    let mut out: Vec<String> = batches
        .iter()
        .flat_map(|b| {
            let col = arrow::compute::cast(
                b.column_by_name(name)
                    .unwrap_or_else(|| panic!("no column {name}")),
                &DataType::Utf8,
            )
            .expect("castable to text");
            let col = col.as_string::<i32>();
            (0..col.len())
                .map(|i| {
                    if col.is_valid(i) {
                        col.value(i).to_string()
                    } else {
                        "NULL".into()
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.sort();
    out
}

/// Runs prediction_accuracy's model over the span without writing.
fn run_accuracy(lake: &Lake) -> ModelOutput {
    Engine::open(lake)
        .expect("engine")
        .run_model(PA, PA.sql().expect("a SQL model"), &span())
        .expect("prediction_accuracy")
}

// ── prediction_accuracy ──────────────────────────────────────────────────────────────────────

#[test]
fn over_and_under_calls_on_real_lines_win_or_lose_on_the_actual() {
    let (_dir, lake) = graded_lake();
    // overwin, OVER 20.5, pred 25.0, actual 24: 24 > 20.5 → won. |25 - 24| = 1.0, signed
    // 25 - 24 = +1.0 (over-predicted), predicted margin 25 - 20.5 = 4.5, actual margin
    // 24 - 20.5 = 3.5; 1.0 ≤ 3 and ≤ 5.
    assert_verdict(
        &lake,
        "overwin",
        MA,
        [
            "OVER", "20.5", "24", "1.0", "1.0", "4.5", "3.5", "true", "true", "true",
        ],
    );
    // underloss, UNDER 18.5, pred 16.9, actual 22: 22 > 18.5 → lost. |16.9 - 22| = 5.1, signed
    // -5.1 (under-predicted), predicted margin 16.9 - 18.5 = -1.6, actual margin 22 - 18.5 = 3.5.
    assert_verdict(
        &lake,
        "underloss",
        MA,
        [
            "UNDER", "18.5", "22", "5.1", "-5.1", "-1.6", "3.5", "false", "false", "false",
        ],
    );
    // underwin, UNDER 12.5, pred 8.0, actual 11: 11 < 12.5 → won. |8 - 11| = 3.0, signed -3.0,
    // margins 8 - 12.5 = -4.5 and 11 - 12.5 = -1.5.
    assert_verdict(
        &lake,
        "underwin",
        MA,
        [
            "UNDER", "12.5", "11", "3.0", "-3.0", "-4.5", "-1.5", "true", "true", "true",
        ],
    );
    // overloss, OVER 27.5, pred 30.0, actual 21: 21 < 27.5 → lost. Error 9.0, signed +9.0,
    // margins 30 - 27.5 = 2.5 and 21 - 27.5 = -6.5.
    assert_verdict(
        &lake,
        "overloss",
        MA,
        [
            "OVER", "27.5", "21", "9.0", "9.0", "2.5", "-6.5", "false", "false", "false",
        ],
    );
    // underwin2, UNDER 14.5, pred 10.0, actual 14: 14 < 14.5 → won by half a point. Error 4.0,
    // signed -4.0, margins -4.5 and -0.5.
    assert_verdict(
        &lake,
        "underwin2",
        MA,
        [
            "UNDER", "14.5", "14", "4.0", "-4.0", "-4.5", "-0.5", "true", "false", "true",
        ],
    );
}

#[test]
fn error_thresholds_are_inclusive_at_exactly_3_and_5_points() {
    let (_dir, lake) = graded_lake();
    let within = |player: &str| {
        graded_row(
            &lake,
            D1,
            player,
            MA,
            "absolute_error, within_3_points, within_5_points",
        )
        .expect("graded")
    };
    // push: |23.0 - 20| = 3.0 exactly → within 3 (and 5).
    assert_eq!(within("push"), ["3.0", "true", "true"]);
    // underwin: |8.0 - 11| = 3.0 exactly, from below → within 3.
    assert_eq!(within("underwin"), ["3.0", "true", "true"]);
    // pass: |23.1 - 20| = 3.1 → not within 3, within 5.
    assert_eq!(within("pass"), ["3.1", "false", "true"]);
    // noline: |12.0 - 17| = 5.0 exactly → within 5, not within 3.
    assert_eq!(within("noline"), ["5.0", "false", "true"]);
    // underloss: |16.9 - 22| = 5.1 → within neither.
    assert_eq!(within("underloss"), ["5.1", "false", "false"]);
}

#[test]
fn confidence_decile_is_floor_of_ten_confidence_plus_one_capped_at_10() {
    let (_dir, lake) = graded_lake();
    // min(10, floor(10·conf) + 1):
    for (player, system, decile) in [
        ("noline", MA, "10"),   // 1.00 → floor(10) + 1 = 11, capped at 10
        ("overloss", MA, "10"), // 0.90 → 9 + 1
        ("push", EN, "9"),      // 0.85 → floor(8.5) + 1
        ("push", MA, "9"),      // 0.80 → 8 + 1
        ("overwin", MA, "8"),   // 0.75 → floor(7.5) + 1
        ("underwin2", MA, "8"), // 0.70 → 7 + 1
        ("underloss", MA, "7"), // 0.65 → floor(6.5) + 1
        ("overwin", EN, "6"),   // 0.50 → 5 + 1
        ("pass", MA, "5"),      // 0.40 → 4 + 1
        ("noline", EN, "4"),    // 0.30 → 3 + 1
        ("underwin", MA, "1"),  // 0.00 → 0 + 1
    ] {
        assert_eq!(
            graded_row(
                &lake,
                D1,
                player,
                system,
                "confidence_score, confidence_decile"
            )
            .expect("graded")[1],
            decile,
            "{player}/{system}"
        );
    }
}

#[test]
fn a_push_is_neither_won_nor_lost_but_is_graded_for_error() {
    let (_dir, lake) = graded_lake();
    // push (MA), OVER 20.0 (a whole line), pred 23.0, actual 20 = the line → no verdict. Error
    // 3.0, signed +3.0, margins 23 - 20 = 3.0 and 20 - 20 = 0.0. The box score's is_active is
    // NULL, which counts as active.
    assert_verdict(
        &lake,
        "push",
        MA,
        [
            "OVER", "20.0", "20", "3.0", "3.0", "3.0", "0.0", "NULL", "true", "true",
        ],
    );
    // push (EN), UNDER 20.0, pred 17.0: a push on the other side too. Error 3.0, signed -3.0,
    // margins 17 - 20 = -3.0 and 0.0.
    assert_verdict(
        &lake,
        "push",
        EN,
        [
            "UNDER", "20.0", "20", "3.0", "-3.0", "-3.0", "0.0", "NULL", "true", "true",
        ],
    );
}

#[test]
fn pass_and_no_line_have_no_verdict_and_no_line_has_no_margins() {
    let (_dir, lake) = graded_lake();
    // pass (MA), PASS on 22.5, pred 23.1, actual 20: no call → no verdict (the actual is under
    // the line, so a PASS read as OVER would lose and one read as UNDER would win). Error 3.1,
    // signed +3.1, margins 23.1 - 22.5 = 0.6 and 20 - 22.5 = -2.5.
    assert_verdict(
        &lake,
        "pass",
        MA,
        [
            "PASS", "22.5", "20", "3.1", "3.1", "0.6", "-2.5", "NULL", "false", "true",
        ],
    );
    // overwin (EN), PASS on 20.5, pred 22.0, actual 24: error 2.0, signed -2.0, margins 1.5, 3.5.
    assert_verdict(
        &lake,
        "overwin",
        EN,
        [
            "PASS", "20.5", "24", "2.0", "-2.0", "1.5", "3.5", "NULL", "true", "true",
        ],
    );
    // noline (MA), NO_LINE, pred 12.0, actual 17: no line → no verdict and no margins; error 5.0,
    // signed 12 - 17 = -5.0.
    assert_verdict(
        &lake,
        "noline",
        MA,
        [
            "NO_LINE", "NULL", "17", "5.0", "-5.0", "NULL", "NULL", "NULL", "false", "true",
        ],
    );
    // noline (EN), NO_LINE, pred 17.0 = actual 17: error 0.0, signed 0.0.
    assert_verdict(
        &lake,
        "noline",
        EN,
        [
            "NO_LINE", "NULL", "17", "0.0", "0.0", "NULL", "NULL", "NULL", "true", "true",
        ],
    );
}

#[test]
fn graded_rows_carry_the_box_score_and_the_prediction_context() {
    let (_dir, lake) = graded_lake();
    let cols = "team_abbr, opponent_team_abbr, minutes_played, similarity_sample_size, \
        pace_adjustment, referee_adjustment, model_version, game_id, graded_at";
    // overwin (MA) on D1: LAL vs BOS, 33.5 minutes; similar_games_count 12 and pace 0.4 carried
    // over, referee_adjustment not in the predictions (NULL); graded when the box score was
    // processed (D2 05:00), after the prediction (D1 15:00).
    assert_eq!(
        graded_row(&lake, D1, "overwin", MA, cols).expect("graded"),
        [
            "LAL",
            "BOS",
            "33.5",
            "12",
            "0.4",
            "NULL",
            "ma-1",
            "0022300501",
            "2024-01-11 05:00:00+00"
        ]
    );
    // overwin (EN) on D1: the same box score, the ensemble's own context.
    assert_eq!(
        graded_row(&lake, D1, "overwin", EN, cols).expect("graded"),
        [
            "LAL",
            "BOS",
            "33.5",
            "7",
            "-1.5",
            "NULL",
            "en-1",
            "0022300501",
            "2024-01-11 05:00:00+00"
        ]
    );
    // overloss: the prediction (D2 08:00) is later than its box score (D2 05:00) → graded_at is
    // the prediction's timestamp.
    assert_eq!(
        graded_row(&lake, D1, "overloss", MA, cols).expect("graded"),
        [
            "LAL",
            "BOS",
            "36.0",
            "NULL",
            "NULL",
            "NULL",
            "ma-1",
            "0022300501",
            "2024-01-11 08:00:00+00"
        ]
    );
    // overwin on D2 is graded against its D2 box score (18 points in G20 against PHX), not D1's:
    // OVER 20.5, pred 25.0, actual 18 → lost, error 7.0.
    assert_eq!(
        graded_row(
            &lake,
            D2,
            "overwin",
            MA,
            &format!("{VERDICT}, opponent_team_abbr, game_id")
        )
        .expect("graded on D2"),
        [
            "OVER",
            "20.5",
            "18",
            "7.0",
            "7.0",
            "4.5",
            "-2.5",
            "false",
            "false",
            "false",
            "PHX",
            "0022300520"
        ]
    );
}

#[test]
fn a_prediction_without_an_active_box_score_is_an_incomplete_data_failure_not_a_row() {
    let (_dir, lake) = graded_lake();
    // Graded: 8 MA + 3 EN on D1, 1 MA on D2 = 12 of the 18 predictions.
    assert_eq!(
        int(
            &lake,
            "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.prediction_accuracy"
        ),
        12
    );
    for (date, player, system) in [
        (D1, "dnp", MA),       // no box score at all
        (D1, "dnp", EN),       // … for either system
        (D1, "inactive", MA),  // a box score with 12 minutes and 6 points, but is_active false
        (D1, "zero", MA),      // active, but 0 minutes, 0 shots, 0 points: did not play
        (D1, "othergame", MA), // a box score on D1, but of game G9, not the predicted G1
        (D2, "underloss", MA), // a box score on D1 but none on D2
    ] {
        assert_eq!(
            graded_row(&lake, date, player, system, "actual_points"),
            None,
            "{player}/{system} on {date} has no actual and must not be graded"
        );
    }
    // One failure per ungraded prediction, on its game date, entity '<player>/<system>'.
    assert_eq!(
        failures(&lake, D1),
        [
            failure("dnp/ensemble_v1"),
            failure("dnp/moving_average_baseline_v1"),
            failure("inactive/moving_average_baseline_v1"),
            failure("othergame/moving_average_baseline_v1"),
            failure("zero/moving_average_baseline_v1"),
        ]
    );
    assert_eq!(
        failures(&lake, D2),
        [failure("underloss/moving_average_baseline_v1")]
    );
    // The reason names the system, the player and the game.
    assert_eq!(
        rows(
            &lake,
            "SELECT failure_reason FROM nba_processing.processing_failures
             WHERE table_name = 'prediction_accuracy' AND entity_id = 'othergame/moving_average_baseline_v1'"
        ),
        [["moving_average_baseline_v1: no box-score line for othergame in 0022300501"]]
    );
}

#[test]
fn run_model_returns_failures_apart_from_the_graded_rows() {
    let (_dir, lake) = inputs_lake();
    let out = run_accuracy(&lake);
    // 12 graded rows (see above), 6 failures; the rows have the table's columns only.
    assert_eq!(out.row_count(), 12);
    assert_eq!(out.failure_count(), 6);
    assert!(out
        .rows
        .iter()
        .all(|b| b.schema().column_with_name("failure_category").is_none()));
    let failures = out.failures.as_deref().expect("grading declares failures");
    assert_eq!(
        column_strings(failures, "entity_id"),
        [
            "dnp/ensemble_v1",
            "dnp/moving_average_baseline_v1",
            "inactive/moving_average_baseline_v1",
            "othergame/moving_average_baseline_v1",
            "underloss/moving_average_baseline_v1",
            "zero/moving_average_baseline_v1",
        ]
    );
    assert_eq!(
        column_strings(failures, "analysis_date"),
        [D1, D1, D1, D1, D1, D2]
    );
    assert_eq!(
        column_strings(failures, "table_name"),
        ["prediction_accuracy"; 6]
    );
    assert_eq!(
        column_strings(failures, "failure_category"),
        ["INCOMPLETE_DATA"; 6]
    );
    // Nothing was written.
    assert_eq!(
        int(
            &lake,
            "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.prediction_accuracy"
        ),
        0
    );
}

#[test]
fn the_actual_is_matched_on_player_date_and_game_id() {
    let (_dir, lake) = graded_lake();
    // othergame did play on D1 (an active box score with 15 points, in backcourt.player_games),
    // but in G9; the prediction was for G1, so that box score does not grade it.
    assert_eq!(
        rows(
            &lake,
            &format!(
                "SELECT game_id, CAST(points AS VARCHAR) FROM backcourt.player_games
                 WHERE player_lookup = 'othergame' AND game_date = DATE '{D1}'"
            )
        ),
        [["0022300509", "15"]]
    );
    assert_eq!(
        graded_row(&lake, D1, "othergame", MA, "actual_points"),
        None
    );
    assert_eq!(
        failures(&lake, D1)
            .iter()
            .filter(|f| f[0] == "othergame/moving_average_baseline_v1")
            .count(),
        1
    );
    // underloss played on D1 (22 points) but not on D2: the D2 prediction is not graded with the
    // D1 points, while the D1 prediction is.
    assert_eq!(
        graded_row(&lake, D1, "underloss", MA, "actual_points"),
        Some(vec!["22".to_string()])
    );
    assert_eq!(
        graded_row(&lake, D2, "underloss", MA, "actual_points"),
        None
    );
}

// ── system_daily_performance ─────────────────────────────────────────────────────────────────

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

#[test]
fn regrading_a_range_replaces_its_rows_and_failures() {
    let (_dir, lake) = graded_lake();
    let snapshot = |lake: &Lake| {
        (
            rows(
                lake,
                "SELECT * EXCLUDE (graded_at), strftime(graded_at, '%Y-%m-%d %H:%M')
                 FROM nba_predictions.prediction_accuracy ORDER BY game_date, player_lookup, system_id",
            ),
            rows(
                lake,
                &format!(
                    "SELECT game_date, system_id, {DAILY}
                     FROM nba_predictions.system_daily_performance ORDER BY 1, 2"
                ),
            ),
            rows(
                lake,
                "SELECT analysis_date, entity_id, failure_category, failure_reason
                 FROM nba_processing.processing_failures
                 WHERE table_name = 'prediction_accuracy' ORDER BY 1, 2",
            ),
        )
    };
    let first = snapshot(&lake);
    assert_eq!((first.0.len(), first.1.len(), first.2.len()), (12, 3, 6));
    // The same range again: the same rows, not twice as many.
    grade(&lake, &span());
    assert_eq!(snapshot(&lake), first);
    // D2 alone: D1's rows and failures stay, D2's are replaced by the same.
    grade(
        &lake,
        &ModelParams::historical(format!("{D2}..{D2}").parse().expect("date range")),
    );
    assert_eq!(snapshot(&lake), first);
}

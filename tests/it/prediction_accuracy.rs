//! `nba_predictions.prediction_accuracy` (`sql/nba_predictions/prediction_accuracy.sql`,
//! spec/reference-phase5.md §7) on the hand-built predictions and box scores of
//! [`crate::scenarios::graded_predictions`], with every expected value worked out by hand:
//! verdicts, errors and thresholds, confidence deciles, pushes, PASS and NO_LINE, the context a
//! graded row carries, and the predictions without an actual, which are INCOMPLETE_DATA failures.
//! Also: regrading a range replaces its rows, its failures and the daily rows built from them.

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::DataType;
use backcourt::engine::{Engine, ModelOutput, ModelParams};
use backcourt::lake::Lake;

use crate::scenarios::graded_predictions::{
    grade, graded_lake, inputs_lake, span, D1, D2, DAILY, EN, MA, PA,
};
use crate::util::{int, rows};

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

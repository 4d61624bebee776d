//! Phase 5 over the generated league: every system covers every date it
//! owes, models train only on the past, a rerun writes the same bytes, and no
//! prediction for a date D changes when the games on or after D change.

use chrono::NaiveDate;

use backcourt::calendar::Calendar;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::{Lake, WriteScope};
use backcourt::predictions::{self, model};
use backcourt::registry::{ColumnType, Producer, TableId};

use crate::util::{copy_lake, files, int, int_on, predictions_league, rows, rows_on};

const SYSTEMS: [&str; 5] = [
    "moving_average_baseline_v1",
    "zone_matchup_v1",
    "similarity_balanced_v1",
    "gbm_points_v1",
    "ensemble_v1",
];

#[test]
fn every_system_predicts_or_fails_every_feature_row() {
    let engine = Engine::open(predictions_league()).expect("engine");
    let features = int_on(
        &engine,
        "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.ml_feature_store_v2",
    );
    assert!(features > 50_000, "{features} feature rows");
    for system in SYSTEMS {
        let predicted = int_on(
            &engine,
            &format!(
                "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.player_prop_predictions \
                 WHERE system_id = '{system}'"
            ),
        );
        let failed = int_on(
            &engine,
            &format!(
                "SELECT CAST(count(*) AS BIGINT) FROM nba_processing.processing_failures \
                 WHERE table_name = 'player_prop_predictions' AND entity_id LIKE '%/{system}'"
            ),
        );
        assert_eq!(predicted + failed, features, "{system}");
        match system {
            // Only the similarity system (too few similar games) and the
            // model (nothing before the league's first date) may fail.
            "similarity_balanced_v1" => assert!(failed > 0 && failed < features / 2),
            "gbm_points_v1" => {
                let first = rows_on(
                    &engine,
                    "SELECT DISTINCT analysis_date FROM nba_processing.processing_failures \
                     WHERE table_name = 'player_prop_predictions' AND entity_id LIKE '%/gbm_points_v1'",
                );
                let earliest = rows_on(
                    &engine,
                    "SELECT min(game_date) FROM nba_predictions.ml_feature_store_v2",
                );
                assert_eq!(first, earliest, "the model lacks only the first date");
            }
            _ => assert_eq!(failed, 0, "{system}"),
        }
    }
    // No placeholder line: a row has a line exactly when Phase 3 had one,
    // and NO_LINE exactly when it had none.
    let inconsistent = int_on(
        &engine,
        "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.player_prop_predictions p \
         LEFT JOIN nba_analytics.upcoming_player_game_context u USING (player_lookup, game_id) \
         WHERE p.current_points_line IS DISTINCT FROM u.current_points_line \
            OR (p.recommendation = 'NO_LINE') <> (u.current_points_line IS NULL)",
    );
    assert_eq!(inconsistent, 0);
    // The margin is the stored prediction's, so a reader can recompute it.
    let margins_off = int_on(
        &engine,
        "SELECT CAST(count(*) AS BIGINT) FROM nba_predictions.player_prop_predictions \
         WHERE line_margin IS DISTINCT FROM round(predicted_points - current_points_line, 2)",
    );
    assert_eq!(margins_off, 0);
}

#[test]
fn each_model_trained_only_on_dates_before_the_dates_it_predicts() {
    let lake = predictions_league();
    let cards = model::stored_cards(lake).expect("cards");
    assert!(cards.len() >= 8, "{} models", cards.len());
    for c in &cards {
        assert!(c.last_training_date < c.cutoff, "{}", c.model_id);
        assert!(c.train_rows > 0, "{}", c.model_id);
    }
    // Each prediction names the model whose cutoff is the latest on or
    // before its date.
    let used = rows(
        lake,
        "SELECT DISTINCT game_date, ml_model_id FROM nba_predictions.player_prop_predictions \
         WHERE system_id = 'gbm_points_v1' ORDER BY 1",
    );
    assert!(used.len() > 500);
    for r in used {
        let date: NaiveDate = r[0].parse().expect("date");
        let expected = cards
            .iter()
            .filter(|c| c.cutoff <= date)
            .max_by_key(|c| c.cutoff)
            .expect("a model before the date");
        assert_eq!(r[1], expected.model_id, "{date}");
    }
    // A later season is predicted by a model of the seasons before it.
    let calendar = Calendar::load(&Engine::open(lake).expect("engine")).expect("calendar");
    for opening in predictions::season_openings(&calendar).into_iter().skip(1) {
        assert!(
            cards.iter().any(|c| c.cutoff == opening),
            "no model for the season opening {opening}"
        );
    }
}

#[test]
fn the_trained_model_beats_the_moving_average_and_the_ensemble_tracks_the_oracle() {
    let lake = predictions_league();
    let mae = |system: &str| {
        crate::util::float(
            lake,
            &format!(
                "SELECT avg(a.absolute_error) FROM nba_predictions.prediction_accuracy a \
                 JOIN nba_synthetic.player_game_truth t USING (game_id, player_lookup) \
                 WHERE a.system_id = '{system}' \
                   AND t.season_year = (SELECT max(season_year) FROM nba_synthetic.player_game_truth)"
            ),
        )
    };
    let oracle = crate::util::float(
        lake,
        "SELECT avg(abs(t.actual_points - t.expected_points)) FROM nba_predictions.prediction_accuracy a \
         JOIN nba_synthetic.player_game_truth t USING (game_id, player_lookup) \
         WHERE a.system_id = 'ensemble_v1' \
           AND t.season_year = (SELECT max(season_year) FROM nba_synthetic.player_game_truth)",
    );
    let (gbm, ma, ensemble) = (
        mae("gbm_points_v1"),
        mae("moving_average_baseline_v1"),
        mae("ensemble_v1"),
    );
    assert!(gbm < ma, "gbm {gbm:.3} vs moving average {ma:.3}");
    assert!(
        ensemble <= oracle * 1.10,
        "ensemble {ensemble:.3} vs oracle {oracle:.3}"
    );
}

/// Every partition file and model artefact of the Phase 5 tables.
fn phase5_files(lake: &Lake) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let root = lake.local_root();
    let mut out = files(&root.join("nba_predictions"));
    out.retain(|(p, _)| !p.starts_with("ml_feature_store_v2"));
    out.extend(files(&root.join("models")));
    out.extend(files(&root.join("nba_processing")));
    out
}

#[test]
fn a_rerun_reuses_every_model_and_writes_the_same_bytes() {
    let (_dir, lake) = copy_lake(
        predictions_league(),
        &[
            "nba_raw",
            "nba_analytics",
            "nba_precompute",
            "nba_predictions",
            "nba_processing",
            "models",
        ],
    );
    let before = phase5_files(&lake);
    let engine = Engine::open(&lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let span = calendar.span().expect("games");
    let build = predictions::build(&engine, &calendar, &ModelParams::historical(span))
        .expect("rerun Phase 5");
    assert!(build.models.iter().all(|m| m.reused), "every model reused");
    let after = phase5_files(&lake);
    assert_eq!(before.len(), after.len());
    for ((p, a), (q, b)) in before.iter().zip(&after) {
        assert_eq!(p, q);
        assert!(a == b, "{} changed on rerun", p.display());
    }

    // A model trained afresh from the same rows is the same model.
    let artefact = model::artefact_path(&build.models.last().expect("models").card.model_id);
    let stored = lake.get(&artefact).expect("artefact");
    std::fs::remove_file(lake.local_root().join(&artefact)).expect("rm");
    let again =
        predictions::build(&engine, &calendar, &ModelParams::historical(span)).expect("retrain");
    assert_eq!(again.models.iter().filter(|m| !m.reused).count(), 1);
    assert!(
        lake.get(&artefact).expect("artefact") == stored,
        "retrained model differs"
    );
}

/// The predictions of one date, every column, as text.
fn predictions_on(lake: &Lake, date: NaiveDate) -> Vec<Vec<String>> {
    rows(
        lake,
        &format!(
            "SELECT * FROM nba_predictions.player_prop_predictions \
             WHERE game_date = DATE '{date}' ORDER BY player_lookup, system_id"
        ),
    )
}

/// `SELECT * REPLACE` items of `table` that change what is known only after the games of `d`:
/// numeric columns shifted, minutes lengthened, injury statuses turned round. Feeds published
/// before the games (props, lines, reports, rosters) change from `d + 1`, and on `d` only in
/// snapshots taken at or after tip-off (`commence_time`); the others change from `d`.
fn scrambled_columns(table: TableId, d: NaiveDate) -> Vec<String> {
    let def = table.def();
    let date_column = def.date_column.expect("dated");
    let has = |c: &str| def.column(c).is_some();
    let pre_game = matches!(
        table,
        TableId::OddsApiPlayerPointsProps
            | TableId::BettingprosPlayerPointsProps
            | TableId::OddsApiGameLines
            | TableId::NbacInjuryReport
            | TableId::EspnTeamRosters
    );
    let when = if !pre_game {
        format!("{date_column} >= DATE '{d}'")
    } else if has("snapshot_timestamp") && has("commence_time") {
        format!(
            "({date_column} > DATE '{d}' OR ({date_column} = DATE '{d}' \
             AND snapshot_timestamp >= commence_time))"
        )
    } else {
        // The injury report is partitioned on the game it is about: a report about a later game
        // is news after D's games, whenever it was published.
        format!("{date_column} > DATE '{d}'")
    };
    // Keys and labels that say what a row is, not what happened.
    const KEEP: [&str; 4] = ["season_year", "game_status", "report_hour", "playoff_round"];
    let mut items = Vec::new();
    for c in def.columns {
        let name = c.name;
        if KEEP.contains(&name) {
            continue;
        }
        let changed = match (c.ty, name) {
            (ColumnType::Integer | ColumnType::Bigint, _) => format!("{name} + 3"),
            (ColumnType::Double, _) => format!("{name} * 1.25 + 3"),
            (ColumnType::Varchar, "minutes") => format!(
                // Only for players who played: who played D is the population of a historical
                // run, not a prediction.
                "CASE WHEN try_cast(split_part({name}, ':', 1) AS INTEGER) > 0 THEN \
                 CAST(try_cast(split_part({name}, ':', 1) AS INTEGER) + 4 AS VARCHAR) \
                 || ':' || split_part({name}, ':', 2) ELSE {name} END"
            ),
            (ColumnType::Varchar, "injury_status") => {
                format!("CASE {name} WHEN 'out' THEN 'available' ELSE 'out' END")
            }
            _ => continue,
        };
        items.push(format!(
            "CASE WHEN {when} THEN {changed} ELSE {name} END AS {name}"
        ));
    }
    items
}

#[test]
fn changing_the_games_on_or_after_a_date_changes_no_prediction_for_it() {
    let league = predictions_league();
    let engine = Engine::open(league).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    // Mid-way through the last season: its model, similarity history and
    // features all come from earlier games.
    let last_season = *calendar.seasons().last().expect("seasons");
    let dates: Vec<NaiveDate> = calendar
        .game_dates()
        .filter(|&d| backcourt::calendar::Season::of(d) == last_season && !calendar.is_bootstrap(d))
        .collect();
    let d = dates[dates.len() / 3];
    let span = calendar.span().expect("games");
    let expected = predictions_on(league, d);
    assert!(
        expected.len() > 500,
        "{} predictions on {d}",
        expected.len()
    );

    // The raw league with everything known only after D's games changed: every numeric column,
    // the minutes and the injury statuses of every raw table from D on; for what is published
    // before the games (props, game lines, injury reports, rosters), from D + 1 on, and on D the
    // snapshots taken after tip-off.
    let (_dir, lake) = copy_lake(
        league,
        &["nba_raw", "nba_reference", "nba_static", "nba_synthetic"],
    );
    {
        let engine = Engine::open(&lake).expect("engine");
        let later = backcourt::dates::DateRange::new(d, span.end).expect("range");
        let mut scrambled = Vec::new();
        for &table in TableId::ALL {
            let def = table.def();
            let (Producer::Raw, Some(date_column)) = (def.producer, def.date_column) else {
                continue;
            };
            let items = scrambled_columns(table, d);
            if items.is_empty() {
                // Nothing in it is a measurement (the rosters say who is on a team).
                continue;
            }
            let changed = engine
                .query(&format!(
                    "SELECT * REPLACE ({}) FROM {table} \
                     WHERE {date_column} BETWEEN DATE '{}' AND DATE '{}'",
                    items.join(", "),
                    later.start,
                    later.end
                ))
                .expect("changed rows");
            lake.write(table, &changed, WriteScope::Range(later))
                .expect("write changed rows");
            scrambled.push(table);
        }
        for table in [
            TableId::NbacGamebookPlayerStats,
            TableId::BdlPlayerBoxscores,
            TableId::NbacTeamBoxscore,
            TableId::BigdataballPlayByPlay,
            TableId::NbacPlayByPlay,
            TableId::OddsApiPlayerPointsProps,
            TableId::BettingprosPlayerPointsProps,
            TableId::OddsApiGameLines,
            TableId::NbacInjuryReport,
        ] {
            assert!(scrambled.contains(&table), "{table} was not changed");
        }
    }
    let engine = Engine::open(&lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    // Phases 3 and 4 up to D, in a lake that holds the changed later dates: a window that
    // read past its date would carry the change into D's features.
    let through_d =
        ModelParams::historical(backcourt::dates::DateRange::new(span.start, d).expect("range"));
    backcourt::analytics::build(&engine, &through_d).expect("Phase 3");
    backcourt::precompute::build(&engine, &calendar, &through_d).expect("Phase 4");
    let changed_points = int(
        &lake,
        &format!(
            "SELECT CAST(sum(points) AS BIGINT) FROM nba_analytics.player_game_summary \
             WHERE game_date = DATE '{d}'"
        ),
    ) - int(
        league,
        &format!(
            "SELECT CAST(sum(points) AS BIGINT) FROM nba_analytics.player_game_summary \
             WHERE game_date = DATE '{d}'"
        ),
    );
    assert!(changed_points > 0, "the change reached Phase 3 on {d}");
    predictions::build(
        &engine,
        &calendar,
        &ModelParams::historical(backcourt::dates::DateRange::day(d)),
    )
    .expect("Phase 5 for D alone");
    assert_eq!(predictions_on(&lake, d), expected);
}

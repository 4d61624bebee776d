//! `backcourt run --live` through the binary, on the generated season with its
//! last day left scheduled: the slate is predicted from what was published by
//! `--as-of`, nothing is graded; once the day's results arrive, a plain run
//! grades the predictions the live run made (it keeps them) and `--force`
//! recomputes them as of tip-off. Dates without a slate are usage errors.

use std::path::Path;

use backcourt::backfill::ledger::Ledger;
use backcourt::lake::Lake;
use backcourt::registry::TableId;
use chrono::NaiveDate;

use crate::util::{files, int, root, rows, run, season_league, show, tempdir, SEASON_GENERATE};

/// `table`'s ledger entry for `day`: its `live_as_of`, if it has an entry.
fn live_as_of(lake: &Lake, table: TableId, day: NaiveDate) -> Option<Option<String>> {
    Ledger::load(lake, table)
        .expect("ledger")
        .get(day)
        .map(|e| e.live_as_of.clone())
}

/// The day's partition files of every raw table in `from`, copied over
/// `to`'s: the day's feeds arriving after its games.
fn copy_day(from: &Path, to: &Path, day: NaiveDate) {
    let part = format!("game_date={day}");
    for (rel, bytes) in files(&from.join("nba_raw")) {
        if rel.components().any(|c| c.as_os_str() == part.as_str()) {
            let dest = to.join("nba_raw").join(&rel);
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::write(dest, bytes).expect("write partition");
        }
    }
}

#[test]
fn a_live_run_predicts_the_scheduled_slate_and_the_run_after_the_games_grades_it() {
    let dir = tempdir();
    let out = run(
        dir.path(),
        &[&SEASON_GENERATE[..], &["--leave-last-day-scheduled"]].concat(),
    );
    assert!(out.status.success(), "generate: {}", show(&out));
    let lake = Lake::open(dir.path().to_str().expect("utf-8")).expect("lake");
    let date_of = |sql: &str| -> NaiveDate { rows(&lake, sql)[0][0].parse().expect("a date") };
    let day = date_of("SELECT CAST(max(game_date) AS VARCHAR) FROM nba_raw.nbac_schedule");
    let opening = date_of("SELECT CAST(min(game_date) AS VARCHAR) FROM nba_raw.nbac_schedule");
    let on_day = |sql: &str| int(&lake, &sql.replace("DAY", &format!("DATE '{day}'")));
    assert_eq!(
        on_day(
            "SELECT count(*) FROM nba_raw.nbac_schedule WHERE game_date = DAY AND game_status <> 1"
        ),
        0,
        "the league leaves its last day scheduled"
    );
    // Noon Eastern (EDT) on the day, before its tip-offs and its later snapshots.
    let as_of = format!("{day}T16:00:00Z");

    // Usage errors first: they run nothing.
    let out = run(dir.path(), &["run", "--live", "--date", "2030-01-01"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        show(&out).contains("no games are scheduled on 2030-01-01"),
        "{}",
        show(&out)
    );
    let out = run(
        dir.path(),
        &["run", "--live", "--date", &opening.to_string()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        show(&out).contains(&format!("every game on {opening} is final")),
        "{}",
        show(&out)
    );
    let out = run(dir.path(), &["run", "--live", "--all"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--live names one date: {}",
        show(&out)
    );
    assert!(
        !dir.path().join("nba_analytics").exists(),
        "a refused live run computed something"
    );

    let out = run(
        dir.path(),
        &[
            "--json",
            "run",
            "--live",
            "--date",
            &day.to_string(),
            "--as-of",
            &as_of,
        ],
    );
    assert!(out.status.success(), "live run: {}", show(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        doc["catch_up"]["tables"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "{doc}"
    );
    let slate = doc["slate"].as_array().expect("the slate per system");
    assert!(
        slate.len() >= 4,
        "every system predicts the slate: {slate:?}"
    );

    // The slate: every rostered player of the day's games, live, as of as_of.
    let games = on_day("SELECT count(*) FROM nba_raw.nbac_schedule WHERE game_date = DAY");
    assert_eq!(
        on_day("SELECT count(DISTINCT game_id) FROM nba_predictions.player_prop_predictions WHERE game_date = DAY"),
        games
    );
    assert!(on_day("SELECT count(DISTINCT player_lookup) FROM nba_predictions.player_prop_predictions WHERE game_date = DAY") >= 16 * games);
    assert_eq!(
        on_day(&format!(
            "SELECT count(*) FROM nba_analytics.upcoming_player_game_context WHERE game_date = DAY
               AND NOT (json_extract_string(quality_metadata, '$.mode') = 'live'
                        AND CAST(json_extract_string(quality_metadata, '$.cutoff') AS TIMESTAMPTZ) <= TIMESTAMPTZ '{as_of}')"
        )),
        0,
        "every context row is live, its cutoff at or before as_of"
    );
    assert!(
        on_day("SELECT count(*) FROM nba_predictions.player_prop_predictions WHERE game_date = DAY AND has_prop_line") > 0,
        "the pre-game lines published by as_of are read"
    );
    assert_eq!(
        on_day("SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = DAY"),
        0,
        "nothing is graded before the games"
    );
    for t in [
        TableId::UpcomingPlayerGameContext,
        TableId::PlayerPropPredictions,
    ] {
        assert!(
            live_as_of(&lake, t, day)
                .flatten()
                .is_some_and(|s| s.starts_with(&day.to_string())),
            "{t}: the ledger says the date was computed live"
        );
    }
    assert_eq!(
        live_as_of(&lake, TableId::PlayerGameSummary, day),
        Some(None),
        "Phase 3 summaries compute the day as usual (no rows yet)"
    );
    let out = run(dir.path(), &["--json", "status", "player_prop_predictions"]);
    assert!(out.status.success(), "status: {}", show(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        status[0]["live"], 1,
        "status counts the live date: {status}"
    );
    let predictions = |lake: &Lake| {
        files(&root(lake).join(format!(
            "nba_predictions/player_prop_predictions/game_date={day}"
        )))
    };
    let predicted = predictions(&lake);
    assert!(!predicted.is_empty());

    // The games are played: the day's feeds arrive (the same league, played).
    let played = season_league();
    copy_day(root(played), dir.path(), day);
    let out = run(dir.path(), &["run", "--all"]);
    assert!(out.status.success(), "run after the games: {}", show(&out));
    assert_eq!(
        predictions(&lake),
        predicted,
        "the live predictions are kept, byte for byte"
    );
    let graded =
        on_day("SELECT count(*) FROM nba_predictions.prediction_accuracy WHERE game_date = DAY");
    assert!(graded > 0, "the run after the games grades the slate");
    assert_eq!(
        on_day(
            "SELECT count(*) FROM nba_predictions.prediction_accuracy a
             JOIN nba_predictions.player_prop_predictions p USING (game_date, player_lookup, system_id)
             WHERE game_date = DAY AND a.predicted_points = p.predicted_points"
        ),
        graded,
        "what is graded is what the live run predicted"
    );
    assert!(
        on_day("SELECT count(*) FROM nba_analytics.player_game_summary WHERE game_date = DAY") > 0
    );

    // --force recomputes the day as of each tip-off.
    let out = run(dir.path(), &["run", "--dates", &day.to_string(), "--force"]);
    assert!(out.status.success(), "forced rerun: {}", show(&out));
    assert_eq!(
        live_as_of(&lake, TableId::PlayerPropPredictions, day),
        Some(None)
    );
    assert_eq!(
        on_day("SELECT count(*) FROM nba_analytics.upcoming_player_game_context WHERE game_date = DAY AND json_extract_string(quality_metadata, '$.mode') <> 'historical'"),
        0
    );
}

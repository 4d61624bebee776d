//! `backcourt run --live`: today's slate predicted before tip-off
//! ([`backcourt::backfill::live`]), with a summary of what it predicted.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use backcourt::backfill::live::{self, LiveError};
use backcourt::calendar::Calendar;
use backcourt::engine::Engine;

use super::config::LakeRoot;
use super::output::{batches_to_json, print_batches, UsageError};
use super::run::{check_run, print_run, run_json};

pub fn cmd_live(
    root: &LakeRoot,
    date: Option<NaiveDate>,
    as_of: Option<DateTime<Utc>>,
    json: bool,
) -> Result<()> {
    let lake = root.open()?;
    let (date, calendar) = {
        let engine = Engine::open(&lake)?;
        let calendar = Calendar::load(&engine)?;
        let date = match date {
            Some(d) => d,
            None => live::today(&engine)?,
        };
        match live::check_slate(&engine, &calendar, date) {
            Ok(()) => {}
            Err(e @ (LiveError::NoGames { .. } | LiveError::AllFinal { .. })) => {
                return Err(UsageError(e.to_string()).into())
            }
            Err(e) => return Err(e.into()),
        }
        (date, calendar)
    };
    let as_of = as_of.unwrap_or_else(Utc::now);
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let report = live::run(&lake, &calendar, date, as_of, &command)?;

    let slate = match &report.live {
        Some(_) => Some(slate_table(&lake, date)?),
        None => None,
    };
    if json {
        let doc = serde_json::json!({
            "date": date,
            "as_of": as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            "catch_up": report.catch_up.as_ref().map(|(o, r)| run_json(root, o, r)).transpose()?,
            "live": report.live.as_ref().map(|(o, r)| run_json(root, o, r)).transpose()?,
            "slate": slate.as_ref().map(|b| batches_to_json(std::slice::from_ref(b))).transpose()?,
        });
        writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        if let Some((_, r)) = &report.catch_up {
            println!("Catching up the dates before {date}:");
            print_run(root, r)?;
        }
        match &report.live {
            Some((_, r)) => {
                println!(
                    "Live {date} as of {}:",
                    as_of.to_rfc3339_opts(SecondsFormat::Secs, true)
                );
                print_run(root, r)?;
            }
            None => println!(
                "{date} was not run live: the catch-up left earlier dates undone, and {date} reads them."
            ),
        }
        if let Some(slate) = &slate {
            println!("The slate of {date}, per system (graded by the first run after its games):");
            print_batches(std::slice::from_ref(slate), false)?;
        }
    }
    if let Some((o, r)) = &report.catch_up {
        check_run(root, o, r)?;
    }
    if let Some((o, r)) = &report.live {
        check_run(root, o, r)?;
    }
    Ok(())
}

/// Per system, what the live run predicted for `date`: games, players,
/// predictions with a line and the calls made.
fn slate_table(lake: &backcourt::lake::Lake, date: NaiveDate) -> Result<arrow::array::RecordBatch> {
    let engine = Engine::open(lake)?;
    let batches = engine.query(&format!(
        "SELECT system_id, count(DISTINCT game_id) AS games, count(DISTINCT player_lookup) AS players,
                count(*) FILTER (WHERE has_prop_line) AS with_line,
                count(*) FILTER (WHERE recommendation IN ('OVER', 'UNDER')) AS calls
         FROM nba_predictions.player_prop_predictions
         WHERE game_date = DATE '{date}'
         GROUP BY system_id ORDER BY system_id"
    ))?;
    Ok(arrow::compute::concat_batches(
        &batches
            .first()
            .map(|b| b.schema())
            .unwrap_or_else(|| std::sync::Arc::new(arrow::datatypes::Schema::empty())),
        &batches,
    )?)
}

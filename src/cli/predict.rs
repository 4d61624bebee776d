//! The Phase 5 commands: `predict` (the systems and grading over a range)
//! and `model train | show` (the trained points model's artefacts).

use anyhow::{Context as _, Result};
use arrow::array::RecordBatch;
use chrono::{Days, NaiveDate};
use clap::{Args as ClapArgs, Subcommand};

use backcourt::backfill::{self, DateSpec, RunOptions, Selection};
use backcourt::calendar::Calendar;
use backcourt::dates::DateRange;
use backcourt::engine::Engine;
use backcourt::predictions::systems::SystemId;
use backcourt::predictions::{self, inputs::Inputs, kernel, model};
use backcourt::registry::TableId;

use super::config::LakeRoot;
use super::output::{print_batches, record_batch, UsageError};

#[derive(Debug, ClapArgs)]
pub struct PredictArgs {
    /// Dates to predict and grade, e.g. 2024-01-15 or 2024-01-01..2024-01-31
    /// [default: every date of the lake's schedule].
    #[arg(long, value_name = "RANGE")]
    pub dates: Option<DateRange>,
}

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Train the points model on every feature-store row with points dated
    /// before the cutoff and store it in the lake (models/gbm_points_v1/).
    ///
    /// The last 15% of the training dates are held out for early stopping
    /// and the validation MAE; the card records rows, MAEs, feature
    /// importance and the ensemble weights learned on that window. A stored
    /// model with the same training rows is reused, not retrained.
    Train {
        /// Train on rows dated strictly before this [default: the day after
        /// the last row with points].
        #[arg(long, value_name = "DATE")]
        cutoff: Option<NaiveDate>,
    },
    /// List the stored models, or show one model's card in full.
    Show {
        /// A model id from the list, e.g. gbm_points_v1_20231107.
        model_id: Option<String>,
    },
}

/// `predict` is `run --from player_prop_predictions --force` over the range:
/// the runner's ledger, lock, failure rows and run history, then the
/// systems' table for the range.
pub fn cmd_predict(root: &LakeRoot, args: &PredictArgs, json: bool) -> Result<()> {
    let lake = root.open()?;
    let options = RunOptions {
        tables: Selection::downstream_of(TableId::PlayerPropPredictions),
        dates: args
            .dates
            .map_or(DateSpec::All, |r| DateSpec::Ranges(vec![r])),
        force: true,
        dry_run: false,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        live: None,
    };
    let report = backfill::run(&lake, &options)?;
    let engine = Engine::open(&lake)?;
    let range = match args.dates {
        Some(r) => r,
        None => Calendar::load(&engine)?.span().ok_or_else(|| {
            UsageError(format!(
                "the lake {root} has no schedule: nothing to predict"
            ))
        })?,
    };
    print_batches(&systems_table(&engine, range)?, json)?;
    super::run::check_run(root, &options, &report)
}

/// Per system over `range`, as the lake has it: predictions, failures (no
/// prediction: a failure row), the dates with predictions, and the dates
/// the feature store has rows on.
pub fn systems_table(engine: &Engine, range: DateRange) -> Result<Vec<RecordBatch>> {
    let systems = SystemId::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| format!("({i}, '{}')", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let (start, end) = (range.start, range.end);
    Ok(engine.query(&format!(
        "WITH p AS (
             SELECT system_id, count(*) AS n, count(DISTINCT game_date) AS dates
             FROM nba_predictions.player_prop_predictions
             WHERE game_date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY 1),
         f AS (
             SELECT split_part(entity_id, '/', 2) AS system_id, count(*) AS n
             FROM nba_processing.processing_failures
             WHERE table_name = 'player_prop_predictions'
               AND analysis_date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY 1),
         fs AS (
             SELECT count(DISTINCT game_date) AS dates FROM nba_predictions.ml_feature_store_v2
             WHERE game_date BETWEEN DATE '{start}' AND DATE '{end}')
         SELECT s.system_id, CAST(coalesce(p.n, 0) AS BIGINT) AS predictions,
                CAST(coalesce(f.n, 0) AS BIGINT) AS failures,
                CAST(coalesce(p.dates, 0) AS BIGINT) AS dates,
                CAST(fs.dates AS BIGINT) AS feature_store_dates
         FROM (VALUES {systems}) AS s(k, system_id)
         LEFT JOIN p USING (system_id) LEFT JOIN f USING (system_id) CROSS JOIN fs
         ORDER BY s.k"
    ))?)
}

/// One row per model: cutoff, rows, MAEs, trees and, for a run
/// (`run = true`), whether it was trained or reused.
pub fn models_table(models: &[predictions::ModelUse], run: bool) -> Result<RecordBatch> {
    let names = [
        "model_id",
        "train_rows",
        "validation_rows",
        "train_mae",
        "validation_mae",
        "trees",
        "this_run",
    ];
    record_batch(
        &names[..if run { 7 } else { 6 }],
        models
            .iter()
            .map(|m| {
                let c = &m.card;
                vec![
                    c.model_id.clone().into(),
                    (c.train_rows as u64).into(),
                    (c.validation_rows as u64).into(),
                    format!("{:.3}", c.train_mae).into(),
                    c.validation_mae
                        .map_or("-".into(), |v| format!("{v:.3}"))
                        .into(),
                    (c.trees as u64).into(),
                    if m.reused {
                        "reused".into()
                    } else {
                        format!("trained in {:.1} s", m.seconds).into()
                    },
                ]
                .into_iter()
                .take(if run { 7 } else { 6 })
                .collect()
            })
            .collect(),
    )
}

pub fn cmd_model(root: &LakeRoot, command: &ModelCommand, json: bool) -> Result<()> {
    let lake = root.open()?;
    match command {
        ModelCommand::Train { cutoff } => {
            let engine = Engine::open(&lake)?;
            let calendar = Calendar::load(&engine)?;
            let end = calendar
                .span()
                .ok_or_else(|| UsageError(format!("the lake {root} has no schedule")))?
                .end;
            let inputs = Inputs::load(&engine, cutoff.map_or(end, |c| c.min(end)))?;
            let last = predictions::training_dates(&inputs)
                .last()
                .copied()
                .ok_or_else(|| {
                    UsageError(format!(
                        "the lake {root} has no feature-store rows with points: build Phase 4 first"
                    ))
                })?;
            let cutoff = cutoff.unwrap_or(last + Days::new(1));
            let heuristics = kernel::heuristics(&inputs, |_| true);
            let (used, _) = predictions::fit(&engine, &inputs, &heuristics, cutoff)
                .with_context(|| format!("training {}", model::model_id(cutoff)))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&used.card)?);
                return Ok(());
            }
            print_batches(&[models_table(std::slice::from_ref(&used), true)?], false)?;
            println!(
                "stored at {}/{}",
                lake.root(),
                model::artefact_path(&used.card.model_id)
            );
            Ok(())
        }
        ModelCommand::Show { model_id: None } => {
            let cards = model::stored_cards(&lake)?;
            if cards.is_empty() {
                eprintln!(
                    "no models in {}: `backcourt model train` or `backcourt predict` stores them",
                    lake.root()
                );
            }
            let uses: Vec<predictions::ModelUse> = cards
                .into_iter()
                .map(|card| predictions::ModelUse {
                    card,
                    reused: true,
                    seconds: 0.0,
                })
                .collect();
            print_batches(&[models_table(&uses, false)?], json)
        }
        ModelCommand::Show { model_id: Some(id) } => {
            let card = model::stored_cards(&lake)?
                .into_iter()
                .find(|c| &c.model_id == id)
                .ok_or_else(|| {
                    UsageError(format!(
                        "no model {id} in {}; `backcourt model show` lists them",
                        lake.root()
                    ))
                })?;
            println!("{}", serde_json::to_string_pretty(&card)?);
            Ok(())
        }
    }
}

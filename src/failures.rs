//! The one vocabulary of per-entity failures (`nba_processing.processing_failures`,
//! reference-ops §6.2), shared by the models that write failure rows and the
//! tools that read them (DESIGN principle 10). Reading the stored rows back
//! is the backfill runner's (`backfill::failures`): this module is only the
//! words, so the engine can check them without a circle.
//!
//! A model emits a failure by giving a candidate row a `failure_category`
//! (with `failure_reason` and `can_retry`); the engine checks the category is
//! one of these before anything is written, so a typo in SQL is an error,
//! never an unclassified row.

use std::fmt;
use std::str::FromStr;

/// Why an entity has no row for a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureCategory {
    /// The entity is below the minimum history (games played) the table needs.
    InsufficientData,
    /// The calendar itself has too little history yet (season warm-up): nothing is missing.
    ExpectedIncomplete,
    /// Upstream rows the calendar expects are missing.
    IncompleteUpstream,
    /// A completeness window is below 90 % outside the bootstrap.
    IncompleteData,
    /// A critical upstream table has no rows for the date (date-level).
    MissingDependency,
    /// The computation itself failed: a bug.
    ProcessingError,
}

/// How an operator should read a category (reference-ops §6.2, "treated as").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// A fact about the data, not a fault.
    Expected,
    /// Data may be missing: look, then backfill.
    Investigate,
    /// A defect: stop and fix.
    Bug,
}

impl FailureCategory {
    pub const ALL: &'static [FailureCategory] = &[
        FailureCategory::InsufficientData,
        FailureCategory::ExpectedIncomplete,
        FailureCategory::IncompleteUpstream,
        FailureCategory::IncompleteData,
        FailureCategory::MissingDependency,
        FailureCategory::ProcessingError,
    ];

    /// The spelling stored in `failure_category`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureCategory::InsufficientData => "INSUFFICIENT_DATA",
            FailureCategory::ExpectedIncomplete => "EXPECTED_INCOMPLETE",
            FailureCategory::IncompleteUpstream => "INCOMPLETE_UPSTREAM",
            FailureCategory::IncompleteData => "INCOMPLETE_DATA",
            FailureCategory::MissingDependency => "MISSING_DEPENDENCY",
            FailureCategory::ProcessingError => "PROCESSING_ERROR",
        }
    }

    pub const fn treatment(self) -> Treatment {
        match self {
            FailureCategory::InsufficientData
            | FailureCategory::ExpectedIncomplete
            | FailureCategory::IncompleteData => Treatment::Expected,
            FailureCategory::IncompleteUpstream | FailureCategory::MissingDependency => {
                Treatment::Investigate
            }
            FailureCategory::ProcessingError => Treatment::Bug,
        }
    }
}

impl fmt::Display for FailureCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `failure_category` value outside the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown failure category `{0}` (known: INSUFFICIENT_DATA, EXPECTED_INCOMPLETE, INCOMPLETE_UPSTREAM, INCOMPLETE_DATA, MISSING_DEPENDENCY, PROCESSING_ERROR)")]
pub struct UnknownCategory(pub String);

impl FromStr for FailureCategory {
    type Err = UnknownCategory;

    /// Accepts the stored spelling and the reference's legacy aliases
    /// (`MISSING_DEPENDENCIES`, `calculation_error`), so that imported
    /// failure rows classify too.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "MISSING_DEPENDENCIES" => return Ok(FailureCategory::MissingDependency),
            "calculation_error" => return Ok(FailureCategory::ProcessingError),
            _ => {}
        }
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCategory(s.to_string()))
    }
}

/// What an INCOMPLETE_DATA failure (a player-date without its box-score
/// line) turns out to be once the raw box scores are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Classification {
    /// No raw feed has the player playing that date: a DNP, not a fault.
    PlayerDnp,
    /// A raw feed has the player playing, Phase 3 has no row: data was lost.
    DataGap,
    /// Phase 3 has the row now; rerunning the failing table clears it.
    FilledSince,
}

impl Classification {
    pub const ALL: &'static [Classification] = &[
        Classification::PlayerDnp,
        Classification::DataGap,
        Classification::FilledSince,
    ];

    /// The spelling `sql/ops/failure_report.sql` gives it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Classification::PlayerDnp => "player_dnp",
            Classification::DataGap => "data_gap",
            Classification::FilledSince => "filled_since",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_and_aliases_normalise() {
        for &c in FailureCategory::ALL {
            assert_eq!(c.as_str().parse::<FailureCategory>(), Ok(c));
        }
        assert_eq!(
            "MISSING_DEPENDENCIES".parse(),
            Ok(FailureCategory::MissingDependency)
        );
        assert!("insufficient_data".parse::<FailureCategory>().is_err());
        assert!("NO_SHOT_ZONE".parse::<FailureCategory>().is_err());
    }
}

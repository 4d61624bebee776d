//! Dates and inclusive date ranges, the unit every processor works in.

use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};

/// Days from 0001-01-01 (chrono's day 1) to the Unix epoch, for Arrow's Date32.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Converts Arrow's Date32 (days since 1970-01-01) to a date.
pub fn date32_to_date(days: i32) -> NaiveDate {
    checked_date32_to_date(days).expect("Date32 value in chrono's range")
}

/// [`date32_to_date`] for any Date32, `None` beyond chrono's dates (about
/// 262,000 years either side of year 0; Date32 reaches 5.8 million).
pub fn checked_date32_to_date(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?)
}

/// Converts a date to Arrow's Date32.
pub fn date_to_date32(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

/// An inclusive range of dates, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    /// A range; `None` when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<DateRange> {
        (start <= end).then_some(DateRange { start, end })
    }

    /// The one-day range of `date`.
    pub fn day(date: NaiveDate) -> DateRange {
        DateRange {
            start: date,
            end: date,
        }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Number of days in the range.
    pub fn len(&self) -> u64 {
        (self.end - self.start).num_days() as u64 + 1
    }

    /// Always false: a range holds at least one day.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Every day of the range, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let end = self.end;
        std::iter::successors(Some(self.start), move |d| {
            d.checked_add_days(Days::new(1)).filter(|n| *n <= end)
        })
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}..{}", self.start, self.end)
        }
    }
}

/// A date range that did not parse.
#[derive(Debug, thiserror::Error)]
#[error(
    "`{0}` is not a date range: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD with start <= end"
)]
pub struct BadRange(String);

impl FromStr for DateRange {
    type Err = BadRange;

    /// `2024-01-15` or `2024-01-01..2024-01-31`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parse = |d: &str| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| BadRange(s.into()))
        };
        match s.split_once("..") {
            Some((a, b)) => DateRange::new(parse(a)?, parse(b)?).ok_or_else(|| BadRange(s.into())),
            None => Ok(DateRange::day(parse(s)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date32_round_trips_at_the_epoch_and_beyond() {
        assert_eq!(
            date32_to_date(0),
            NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
        );
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(date32_to_date(date_to_date32(d)), d);
        assert_eq!(date_to_date32(d), 19_782);
        assert_eq!(checked_date32_to_date(19_782), Some(d));
        assert_eq!(checked_date32_to_date(i32::MAX), None);
        assert_eq!(checked_date32_to_date(i32::MIN), None);
    }

    #[test]
    fn ranges_parse_iterate_and_reject_reversed() {
        let r: DateRange = "2024-02-27..2024-03-01".parse().unwrap();
        assert_eq!(r.len(), 4);
        assert_eq!(r.days().count(), 4);
        assert_eq!(r.to_string(), "2024-02-27..2024-03-01");
        assert!("2024-03-01..2024-02-27".parse::<DateRange>().is_err());
        assert_eq!("2024-01-15".parse::<DateRange>().unwrap().len(), 1);
    }
}

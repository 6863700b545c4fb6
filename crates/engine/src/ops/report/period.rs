//! The period a pack covers: `--period 2026-Q4`, `2026-11`, `2026-10-01..2026-12-31` or `90d`
//! (the last 90 days up to the day the pack is made, the default).

use crate::EngineError;
use time::{Date, Month};

/// First and last day, both included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
    /// As given (`2026-Q4`) or as made (`last 90 days`).
    pub name: String,
}

/// How long the default period is.
pub const DEFAULT_DAYS: i64 = 90;

const HELP: &str =
    "use a quarter (2026-Q4), a month (2026-11), two dates (2026-10-01..2026-12-31) or days (90d)";

impl Period {
    /// The period `text` names, as of `today`; `None`: the last [`DEFAULT_DAYS`] days.
    pub fn parse(text: Option<&str>, today: Date) -> Result<Period, EngineError> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(Period::last_days(DEFAULT_DAYS, today));
        };
        let bad = |why: &str| EngineError::invalid(format!("--period '{text}' {why}; {HELP}"));
        let period = if let Some(days) = text.strip_suffix(['d', 'D']) {
            let days: i64 = days.parse().map_err(|_| bad("is not a number of days"))?;
            if !(1..=3660).contains(&days) {
                return Err(bad("is not 1 to 3660 days"));
            }
            Period::last_days(days, today)
        } else if let Some((from, to)) = text.split_once("..") {
            let from = parse_date(from).ok_or_else(|| bad("does not start with a date"))?;
            let to = parse_date(to).ok_or_else(|| bad("does not end with a date"))?;
            if to < from {
                return Err(bad("ends before it starts"));
            }
            Period {
                from,
                to,
                name: text.to_string(),
            }
        } else if let Some((year, quarter)) = text
            .split_once(['-'])
            .filter(|(_, q)| q.starts_with(['Q', 'q']))
        {
            let year: i32 = year.parse().map_err(|_| bad("has no year"))?;
            let quarter: u8 = quarter[1..]
                .parse()
                .map_err(|_| bad("has no quarter 1–4"))?;
            if !(1..=4).contains(&quarter) {
                return Err(bad("has no quarter 1–4"));
            }
            let first = Month::try_from(quarter * 3 - 2).map_err(|_| bad("has no quarter 1–4"))?;
            let last = Month::try_from(quarter * 3).map_err(|_| bad("has no quarter 1–4"))?;
            Period {
                from: Date::from_calendar_date(year, first, 1)
                    .map_err(|_| bad("is out of range"))?,
                to: month_end(year, last).ok_or_else(|| bad("is out of range"))?,
                name: format!("{year}-Q{quarter}"),
            }
        } else if let Some((year, month)) = text.split_once('-') {
            let year: i32 = year.parse().map_err(|_| bad("has no year"))?;
            let month: u8 = month.parse().map_err(|_| bad("has no month"))?;
            let month = Month::try_from(month).map_err(|_| bad("has no month 1–12"))?;
            Period {
                from: Date::from_calendar_date(year, month, 1)
                    .map_err(|_| bad("is out of range"))?,
                to: month_end(year, month).ok_or_else(|| bad("is out of range"))?,
                name: text.to_string(),
            }
        } else {
            return Err(bad("is not a period"));
        };
        if period.from > today {
            return Err(EngineError::invalid(format!(
                "--period '{text}' starts after today ({today}); a pack covers what has happened"
            )));
        }
        Ok(period)
    }

    /// The `days` days up to and including `today`.
    pub fn last_days(days: i64, today: Date) -> Period {
        Period {
            from: today - time::Duration::days(days - 1),
            to: today,
            name: format!("last {days} days"),
        }
    }

    /// "1 October 2026 – 31 December 2026".
    pub fn words(&self) -> String {
        format!("{} – {}", day_words(self.from), day_words(self.to))
    }

    /// Whether a stored time (`2026-11-03T10:00:00.000Z`) falls in the period.
    pub fn contains(&self, at: &str) -> bool {
        let day = at.get(..10).and_then(parse_date);
        day.is_some_and(|d| d >= self.from && d <= self.to)
    }

    /// The period's first instant as stored times read (`2026-10-01T00:00:00.000Z`): times
    /// compare as text.
    pub fn start_text(&self) -> String {
        format!("{}T00:00:00.000Z", self.from)
    }

    /// The instant after the period, as stored times read.
    pub fn end_text(&self) -> String {
        format!("{}T00:00:00.000Z", self.to.next_day().unwrap_or(self.to))
    }
}

/// "3 November 2026".
pub fn day_words(day: Date) -> String {
    format!("{} {} {}", day.day(), day.month(), day.year())
}

fn parse_date(text: &str) -> Option<Date> {
    crate::ops::findings::parse_date(text.trim())
}

fn month_end(year: i32, month: Month) -> Option<Date> {
    Date::from_calendar_date(year, month, month.length(year)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_read_as_people_write_them() {
        let today = date!(2026 - 12 - 05);
        let p = Period::parse(Some("2026-Q4"), today).unwrap();
        assert_eq!(
            (p.from, p.to),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(p.words(), "1 October 2026 – 31 December 2026");
        let p = Period::parse(Some("2026-02"), today).unwrap();
        assert_eq!(
            (p.from, p.to),
            (date!(2026 - 02 - 01), date!(2026 - 02 - 28))
        );
        let p = Period::parse(Some("2026-10-15..2026-11-14"), today).unwrap();
        assert_eq!(
            (p.from, p.to),
            (date!(2026 - 10 - 15), date!(2026 - 11 - 14))
        );
        let p = Period::parse(None, today).unwrap();
        assert_eq!((p.from, p.to), (date!(2026 - 09 - 07), today));
        assert_eq!(
            Period::parse(Some("30d"), today).unwrap().from,
            date!(2026 - 11 - 06)
        );
        assert!(p.contains("2026-12-05T23:59:59.999Z") && !p.contains("2026-12-06T00:00:00.000Z"));
        assert_eq!(p.end_text(), "2026-12-06T00:00:00.000Z");
    }

    #[test]
    fn bad_periods_say_what_works() {
        let today = date!(2026 - 12 - 05);
        for bad in [
            "2026-Q5",
            "2026-13",
            "soon",
            "0d",
            "2026-12-01..2026-11-01",
            "2027-Q1",
            "x..y",
        ] {
            let e = Period::parse(Some(bad), today).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{e}");
            assert!(e.contains(bad), "{e}");
        }
    }
}

//! Calendar periods (year, quarter, month) as small `Copy` values, plus strict ISO date text.
//!
//! Every period lies in the years 1..=9999: constructors, `add` and `parse` return `None`
//! outside that range. `Year` has a public field, so a `Year` outside the range can be
//! built by hand; its methods then clamp it into 1..=9999 (so a `Month` or `Quarter` is
//! always in range). `of_date` likewise clamps dates outside the range to the first or last
//! period.

use chrono::{Datelike, NaiveDate};
use std::fmt;

pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;

/// A calendar year, 1..=9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(pub i32);

/// A calendar month; ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

/// A calendar quarter (Q1 = January..March); ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    quarter: u8,
}

fn year_ok(year: i32) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&year)
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (`month` 1..=12; anything else counts as 31).
fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A date known to be valid; falls back to chrono's default only if it is not.
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// Parses exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<u32> {
    if s.len() != n || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a 4-digit year in range.
fn year_text(s: &str) -> Option<i32> {
    let y = i32::try_from(digits(s, 4)?).ok()?;
    year_ok(y).then_some(y)
}

/// Splits `s` at byte `at`, requiring `sep` there.
fn split_at_sep<'a>(s: &'a str, at: usize, sep: &str) -> Option<(&'a str, &'a str)> {
    let head = s.get(..at)?;
    let tail = s.get(at..)?.strip_prefix(sep)?;
    Some((head, tail))
}

impl Year {
    /// `None` outside 1..=9999.
    pub fn new(year: i32) -> Option<Year> {
        year_ok(year).then_some(Year(year))
    }

    fn clamped(self) -> i32 {
        self.0.clamp(MIN_YEAR, MAX_YEAR)
    }

    pub fn months(self) -> [Month; 12] {
        let year = self.clamped();
        std::array::from_fn(|i| Month {
            year,
            month: i as u8 + 1,
        })
    }

    pub fn quarters(self) -> [Quarter; 4] {
        let year = self.clamped();
        std::array::from_fn(|i| Quarter {
            year,
            quarter: i as u8 + 1,
        })
    }

    pub fn first_day(self) -> NaiveDate {
        date(self.clamped(), 1, 1)
    }

    pub fn last_day(self) -> NaiveDate {
        date(self.clamped(), 12, 31)
    }

    // Not `std::ops::Add`: it can fail, so it returns an Option.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, years: i64) -> Option<Year> {
        let y = i64::from(self.0).checked_add(years)?;
        Year::new(i32::try_from(y).ok()?)
    }

    /// Exactly four digits, e.g. "2022".
    pub fn parse(s: &str) -> Option<Year> {
        year_text(s).map(Year)
    }

    pub fn of_date(d: NaiveDate) -> Year {
        Year(d.year().clamp(MIN_YEAR, MAX_YEAR))
    }
}

impl Month {
    /// `None` unless the year is 1..=9999 and the month 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !year_ok(year) || !(1..=12).contains(&month) {
            return None;
        }
        Some(Month {
            year,
            month: month as u8,
        })
    }

    pub fn year(self) -> Year {
        Year(self.year)
    }

    /// 1..=12.
    pub fn number(self) -> u32 {
        u32::from(self.month)
    }

    pub fn quarter(self) -> Quarter {
        Quarter {
            year: self.year,
            quarter: (self.month - 1) / 3 + 1,
        }
    }

    /// Months since 0001-01 (0-based), the inverse of `from_index`.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Option<Month> {
        let year = i32::try_from(i.div_euclid(12)).ok()?;
        Month::new(year, u32::try_from(i.rem_euclid(12)).ok()? + 1)
    }

    /// The month `months` later (earlier if negative); `None` outside the year range.
    // Not `std::ops::Add`: it can fail, so it returns an Option.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, months: i64) -> Option<Month> {
        Month::from_index(self.index().checked_add(months)?)
    }

    pub fn first_day(self) -> NaiveDate {
        date(self.year, self.number(), 1)
    }

    /// Day `d` of this month; `None` if the month has no such day.
    pub fn day(self, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.number(), d)
    }

    /// Number of days in the month (28..=31).
    pub fn days(self) -> u32 {
        days_in(self.year, self.number())
    }

    pub fn last_day(self) -> NaiveDate {
        date(self.year, self.number(), self.days())
    }

    /// The month containing `d` (clamped to 0001-01..=9999-12).
    pub fn of_date(d: NaiveDate) -> Month {
        if d.year() < MIN_YEAR {
            Month { year: 1, month: 1 }
        } else if d.year() > MAX_YEAR {
            Month {
                year: MAX_YEAR,
                month: 12,
            }
        } else {
            Month {
                year: d.year(),
                month: d.month() as u8,
            }
        }
    }

    /// Exactly "YYYY-MM", e.g. "2022-01".
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = split_at_sep(s, 4, "-")?;
        Month::new(year_text(y)?, digits(m, 2)?)
    }
}

impl Quarter {
    /// `None` unless the year is 1..=9999 and the quarter 1..=4.
    pub fn new(year: i32, quarter: u32) -> Option<Quarter> {
        if !year_ok(year) || !(1..=4).contains(&quarter) {
            return None;
        }
        Some(Quarter {
            year,
            quarter: quarter as u8,
        })
    }

    pub fn year(self) -> Year {
        Year(self.year)
    }

    /// 1..=4.
    pub fn number(self) -> u32 {
        u32::from(self.quarter)
    }

    pub fn months(self) -> [Month; 3] {
        let first = (self.quarter - 1) * 3 + 1;
        std::array::from_fn(|i| Month {
            year: self.year,
            month: first + i as u8,
        })
    }

    fn first_month(self) -> Month {
        Month {
            year: self.year,
            month: (self.quarter - 1) * 3 + 1,
        }
    }

    /// The quarter `quarters` later (earlier if negative); `None` outside the year range.
    // Not `std::ops::Add`: it can fail, so it returns an Option.
    #[allow(clippy::should_implement_trait)]
    pub fn add(self, quarters: i64) -> Option<Quarter> {
        let i = (i64::from(self.year) * 4 + i64::from(self.quarter) - 1).checked_add(quarters)?;
        let year = i32::try_from(i.div_euclid(4)).ok()?;
        Quarter::new(year, u32::try_from(i.rem_euclid(4)).ok()? + 1)
    }

    pub fn first_day(self) -> NaiveDate {
        self.first_month().first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        Month {
            year: self.year,
            month: self.quarter * 3,
        }
        .last_day()
    }

    /// The quarter containing `d` (clamped like [`Month::of_date`]).
    pub fn of_date(d: NaiveDate) -> Quarter {
        Month::of_date(d).quarter()
    }

    pub fn of_month(m: Month) -> Quarter {
        m.quarter()
    }

    /// Exactly "YYYY-Qn" with n in 1..=4 and an upper-case Q, e.g. "2022-Q1".
    pub fn parse(s: &str) -> Option<Quarter> {
        let (y, q) = split_at_sep(s, 4, "-Q")?;
        Quarter::new(year_text(y)?, digits(q, 1)?)
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.quarter)
    }
}

/// Exactly "YYYY-MM-DD", zero padded, a real calendar date in years 1..=9999.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (y, rest) = split_at_sep(s, 4, "-")?;
    let (m, d) = split_at_sep(rest, 2, "-")?;
    NaiveDate::from_ymd_opt(year_text(y)?, digits(m, 2)?, digits(d, 2)?)
}

/// "YYYY-MM-DD" (a year outside 0..=9999 prints with its sign or extra digits).
pub fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn m(y: i32, n: u32) -> Month {
        Month::new(y, n).unwrap()
    }

    #[test]
    fn month_basics() {
        let jan = m(2022, 1);
        assert_eq!(jan.year(), Year(2022));
        assert_eq!(jan.number(), 1);
        assert_eq!(jan.to_string(), "2022-01");
        assert_eq!(m(2022, 12).to_string(), "2022-12");
        assert_eq!(m(5, 3).to_string(), "0005-03");
        assert_eq!(Month::new(2022, 0), None);
        assert_eq!(Month::new(2022, 13), None);
        assert_eq!(Month::new(0, 1), None);
        assert_eq!(Month::new(10000, 1), None);
        assert!(Month::new(1, 1).is_some() && Month::new(9999, 12).is_some());
        assert!(m(2021, 12) < m(2022, 1));
        assert!(m(2022, 2) < m(2022, 10));
        assert_eq!(std::mem::size_of::<Month>(), 8);
    }

    #[test]
    fn month_days() {
        let feb = m(2024, 2);
        assert_eq!(feb.first_day(), d("2024-02-01"));
        assert_eq!(feb.last_day(), d("2024-02-29"));
        assert_eq!(feb.days(), 29);
        assert_eq!(m(2023, 2).last_day(), d("2023-02-28"));
        assert_eq!(m(1900, 2).days(), 28);
        assert_eq!(m(2000, 2).days(), 29);
        assert_eq!(m(2022, 4).last_day(), d("2022-04-30"));
        assert_eq!(m(2022, 12).last_day(), d("2022-12-31"));
        assert_eq!(m(9999, 12).last_day(), d("9999-12-31"));
        assert_eq!(feb.day(29), Some(d("2024-02-29")));
        assert_eq!(m(2023, 2).day(29), None);
        assert_eq!(feb.day(0), None);
        assert_eq!(m(2022, 1).day(31), Some(d("2022-01-31")));
        assert_eq!(m(2022, 1).day(32), None);
        for y in [1, 1999, 2024, 9999] {
            for n in 1..=12 {
                let month = m(y, n);
                assert_eq!(month.last_day().day(), month.days());
                assert_eq!(month.last_day().succ_opt().map(|x| x.day()).unwrap_or(1), 1);
                assert_eq!(Month::of_date(month.first_day()), month);
                assert_eq!(Month::of_date(month.last_day()), month);
            }
        }
    }

    #[test]
    fn month_add() {
        let jan = m(2022, 1);
        assert_eq!(jan.add(0), Some(jan));
        assert_eq!(jan.add(1), Some(m(2022, 2)));
        assert_eq!(jan.add(11), Some(m(2022, 12)));
        assert_eq!(jan.add(12), Some(m(2023, 1)));
        assert_eq!(jan.add(-1), Some(m(2021, 12)));
        assert_eq!(jan.add(-13), Some(m(2020, 12)));
        assert_eq!(jan.add(-24), Some(m(2020, 1)));
        assert_eq!(m(1, 1).add(-1), None);
        assert_eq!(m(9999, 12).add(1), None);
        assert_eq!(jan.add(i64::MAX), None);
        assert_eq!(jan.add(i64::MIN), None);
        assert_eq!(m(1, 1).add(9999 * 12 - 1), Some(m(9999, 12)));
    }

    #[test]
    fn month_parse() {
        assert_eq!(Month::parse("2022-01"), Some(m(2022, 1)));
        assert_eq!(Month::parse("0001-12"), Some(m(1, 12)));
        for bad in [
            "2022-1",
            "2022-13",
            "2022-00",
            "22-01",
            "2022/01",
            "2022-01-01",
            " 2022-01",
            "2022-01 ",
            "0000-01",
            "+202-01",
            "2022-+1",
            "２０２２-01",
            "",
            "2022-",
            "-2022-01",
            "2022-1a",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad:?}");
        }
        for y in [1, 999, 2022, 9999] {
            for n in 1..=12 {
                assert_eq!(Month::parse(&m(y, n).to_string()), Some(m(y, n)));
            }
        }
    }

    #[test]
    fn quarters() {
        let q = Quarter::new(2022, 1).unwrap();
        assert_eq!(q.to_string(), "2022-Q1");
        assert_eq!((q.year(), q.number()), (Year(2022), 1));
        assert_eq!(q.months(), [m(2022, 1), m(2022, 2), m(2022, 3)]);
        let q4 = Quarter::new(2022, 4).unwrap();
        assert_eq!(q4.months(), [m(2022, 10), m(2022, 11), m(2022, 12)]);
        assert_eq!(q4.first_day(), d("2022-10-01"));
        assert_eq!(q4.last_day(), d("2022-12-31"));
        assert_eq!(q.last_day(), d("2022-03-31"));
        assert_eq!(Quarter::new(2022, 2).unwrap().last_day(), d("2022-06-30"));
        assert_eq!(Quarter::new(2022, 3).unwrap().last_day(), d("2022-09-30"));
        assert_eq!(Quarter::new(2022, 0), None);
        assert_eq!(Quarter::new(2022, 5), None);
        assert_eq!(Quarter::new(0, 1), None);
        assert_eq!(q.add(1), Quarter::new(2022, 2));
        assert_eq!(q.add(4), Quarter::new(2023, 1));
        assert_eq!(q.add(-1), Quarter::new(2021, 4));
        assert_eq!(q.add(-5), Quarter::new(2020, 4));
        assert_eq!(Quarter::new(1, 1).unwrap().add(-1), None);
        assert_eq!(Quarter::new(9999, 4).unwrap().add(1), None);
        assert_eq!(q.add(i64::MIN), None);
        for n in 1..=12 {
            let month = m(2022, n);
            let expected = Quarter::new(2022, (n - 1) / 3 + 1).unwrap();
            assert_eq!(month.quarter(), expected);
            assert_eq!(Quarter::of_month(month), expected);
            assert_eq!(Quarter::of_date(month.day(15).unwrap()), expected);
            assert!(expected.months().contains(&month));
        }
        assert!(q < q4 && q4 < Quarter::new(2023, 1).unwrap());
        assert_eq!(Quarter::parse("2022-Q1"), Some(q));
        assert_eq!(Quarter::parse("2022-Q4"), Some(q4));
        for bad in [
            "2022-Q0", "2022-Q5", "2022-q1", "2022Q1", "2022-Q01", "22-Q1", "2022-Q", "0000-Q1",
        ] {
            assert_eq!(Quarter::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn years() {
        let y = Year(2024);
        assert_eq!(y.to_string(), "2024");
        assert_eq!(Year(7).to_string(), "0007");
        assert_eq!(y.months()[0], m(2024, 1));
        assert_eq!(y.months()[11], m(2024, 12));
        assert!(y.months().windows(2).all(|w| w[0].add(1) == Some(w[1])));
        assert_eq!(y.quarters().map(|q| q.number()), [1, 2, 3, 4]);
        assert_eq!(y.first_day(), d("2024-01-01"));
        assert_eq!(y.last_day(), d("2024-12-31"));
        assert_eq!(y.add(1), Some(Year(2025)));
        assert_eq!(y.add(-2023), Some(Year(1)));
        assert_eq!(y.add(-2024), None);
        assert_eq!(Year(9999).add(1), None);
        assert_eq!(y.add(i64::MAX), None);
        assert_eq!(Year::new(0), None);
        assert_eq!(Year::new(9999), Some(Year(9999)));
        assert_eq!(Year::parse("2022"), Some(Year(2022)));
        assert_eq!(Year::parse("0001"), Some(Year(1)));
        for bad in ["0000", "22", "20222", "+202", " 2022", "２０２２", ""] {
            assert_eq!(Year::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Year::of_date(d("2022-05-06")), Year(2022));
        // Out-of-range years built by hand are clamped, never producing an invalid month.
        assert_eq!(Year(0).months()[0], m(1, 1));
        assert_eq!(Year(123_456).last_day(), d("9999-12-31"));
        assert_eq!(Year(-5).quarters()[3], Quarter::new(1, 4).unwrap());
    }

    #[test]
    fn of_date_clamps_out_of_range() {
        let early = NaiveDate::from_ymd_opt(0, 6, 1).unwrap();
        let late = NaiveDate::from_ymd_opt(10_000, 6, 1).unwrap();
        assert_eq!(Month::of_date(early), m(1, 1));
        assert_eq!(Month::of_date(late), m(9999, 12));
        assert_eq!(Quarter::of_date(late), Quarter::new(9999, 4).unwrap());
        assert_eq!(Year::of_date(early), Year(1));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(parse_date("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        assert_eq!(
            parse_date("9999-12-31"),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
        for bad in [
            "2023-02-29",
            "2022-04-31",
            "2022-13-01",
            "2022-00-10",
            "2022-01-00",
            "2022-1-01",
            "2022-01-1",
            "2022/01/01",
            "20220101",
            "2022-01-01T00:00",
            " 2022-01-01",
            "0000-01-01",
            "2022-01-+1",
            "2022-٠١-01",
            "",
            "2022-01-01\n",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
        assert_eq!(format_date(d("2022-03-04")), "2022-03-04");
        assert_eq!(format_date(d("0009-10-11")), "0009-10-11");
        let mut day = d("2023-12-25");
        for _ in 0..400 {
            assert_eq!(parse_date(&format_date(day)), Some(day));
            day = day.succ_opt().unwrap();
        }
    }
}

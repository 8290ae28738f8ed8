//! Typed front-matter values that check themselves while being parsed, so a
//! bad value is reported at its own line and column.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days).then_some(Date { year, month, day })
    }

    /// The last day of a year: the date of an annual report's snapshot.
    pub fn year_end(year: i32) -> Date {
        Date {
            year,
            month: 12,
            day: 31,
        }
    }

    /// The UTC calendar date of a Unix time (Howard Hinnant's civil-from-days).
    pub fn from_unix(secs: i64) -> Date {
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = &text[r];
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        Date::new(
            digits(0..4)? as i32,
            digits(5..7)? as u8,
            digits(8..10)? as u8,
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(text.trim()).ok_or_else(|| {
            de::Error::custom(format!(
                "`{text}` is not a date: write a real calendar date as YYYY-MM-DD, e.g. 2017-03-31"
            ))
        })
    }
}

/// An amount of money in the plan's currency, kept in cents so sums are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(pub i64);

impl Money {
    pub fn cents(self) -> i64 {
        self.0
    }
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
    /// Cents from a number with at most two decimals; None otherwise.
    pub fn from_f64(x: f64) -> Option<Money> {
        if !x.is_finite() || !(0.0..1e13).contains(&x) {
            return None;
        }
        let cents = (x * 100.0).round();
        ((x * 100.0 - cents).abs() < 1e-6).then_some(Money(cents as i64))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const EXPECTED: &str = "a non-negative amount with at most 2 decimals, such as 1250.50";
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                Money::from_f64(v).ok_or_else(|| E::custom(format!("`{v}` is not {EXPECTED}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A whole percentage of completion, 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Progress(pub u8);

impl<'de> Deserialize<'de> for Progress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, 0, 100, "a whole number from 0 to 100").map(|v| Progress(v as u8))
    }
}

/// One of the 17 UN Sustainable Development Goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Sdg(pub u8);

impl<'de> Deserialize<'de> for Sdg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(
            d,
            1,
            17,
            "a Sustainable Development Goal number from 1 to 17",
        )
        .map(|v| Sdg(v as u8))
    }
}

/// A year of the plan's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Year(pub i32);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bounded(d, 1000, 9999, "a year with four digits, such as 2017").map(|v| Year(v as i32))
    }
}

fn bounded<'de, D: Deserializer<'de>>(
    d: D,
    min: i64,
    max: i64,
    what: &'static str,
) -> Result<i64, D::Error> {
    struct V(i64, i64, &'static str);
    impl Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.2)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            if (self.0..=self.1).contains(&v) {
                Ok(v)
            } else {
                Err(E::custom(format!(
                    "`{v}` is out of range: expected {}",
                    self.2
                )))
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            Err(E::custom(format!(
                "`{v}` is not a whole number: expected {}",
                self.2
            )))
        }
    }
    d.deserialize_any(V(min, max, what))
}

/// The state of an action.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    InProgress,
    Delayed,
    Completed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::NotStarted,
        Status::InProgress,
        Status::Delayed,
        Status::Completed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Delayed => "delayed",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// A link target written in front matter: `http(s)://…` or an internal `@/…` path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LinkTarget(pub String);

impl<'de> Deserialize<'de> for LinkTarget {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let url = String::deserialize(d)?;
        let ok = url.starts_with("https://") || url.starts_with("http://") || url.starts_with("@/");
        if ok && !url.chars().any(char::is_whitespace) {
            Ok(LinkTarget(url))
        } else {
            Err(de::Error::custom(format!(
                "`{url}` is not an allowed link: write an http(s):// address or an internal link such as @/actions/1.1.7.md"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert_eq!(Date::parse("2016-02-29").unwrap().to_string(), "2016-02-29");
        assert!(Date::parse("2017-02-29").is_none());
        assert!(Date::parse("2017-13-01").is_none());
        assert!(Date::parse("2017-1-01").is_none());
        assert!(Date::parse("+017-01-01").is_none());
    }

    #[test]
    fn unix_times_become_dates() {
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix(951_782_400).to_string(), "2000-02-29");
        assert_eq!(Date::from_unix(1_798_761_599).to_string(), "2026-12-31");
    }

    #[test]
    fn money_is_exact_cents() {
        assert_eq!(Money::from_f64(23150.5), Some(Money(2315050)));
        assert_eq!(Money::from_f64(0.1), Some(Money(10)));
        assert_eq!(Money::from_f64(1.005), None);
        assert_eq!(Money::from_f64(-1.0), None);
        let m: Money = serde_yaml::from_str("12.34").unwrap();
        assert_eq!(m, Money(1234));
        assert!(serde_yaml::from_str::<Money>("\"12\"").is_err());
    }

    #[test]
    fn progress_bounds() {
        assert!(serde_yaml::from_str::<Progress>("101").is_err());
        assert!(serde_yaml::from_str::<Progress>("50.5").is_err());
        assert_eq!(
            serde_yaml::from_str::<Progress>("100").unwrap(),
            Progress(100)
        );
        assert!(serde_yaml::from_str::<Sdg>("0").is_err());
    }

    #[test]
    fn links_are_http_or_internal() {
        assert!(serde_yaml::from_str::<LinkTarget>("javascript:alert(1)").is_err());
        assert!(serde_yaml::from_str::<LinkTarget>("\"@/actions/1.md\"").is_ok());
    }
}

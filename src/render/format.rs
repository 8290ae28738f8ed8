//! Locale formatting for templates (`num`, `money`, `pct`, `date`,
//! `filesize` filters), with ICU4X and the CLDR data compiled into the
//! binary: separators, currency placement and month names are the locale's,
//! never hand-written.

use fixed_decimal::Decimal;
use icu_datetime::{fieldsets::YMD, input::Date as IcuDate, DateTimeFormatter};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale::Locale;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Kwargs, State, TeraResult, Value};

/// The formatters of one language, built once and shared by every page.
struct Formatters {
    decimal: DecimalFormatter,
    percent: PercentFormatter<DecimalFormatter>,
    date: DateTimeFormatter<YMD>,
}

fn locale(lang: &str) -> Locale {
    lang.parse()
        .unwrap_or_else(|_| "en".parse().expect("`en` is a locale"))
}

/// `make`'s value for the entry `is` finds in this thread's `cache`, made
/// (and kept under `key`) the first time: every number on every page asks,
/// so the question takes no lock and allocates nothing.
fn kept<K, V: Clone>(
    cache: &'static std::thread::LocalKey<RefCell<Vec<(K, V)>>>,
    is: impl Fn(&K) -> bool,
    key: impl FnOnce() -> K,
    make: impl FnOnce() -> Option<V>,
) -> Option<V> {
    cache.with(|c| {
        let found = c
            .borrow()
            .iter()
            .find(|(k, _)| is(k))
            .map(|(_, v)| v.clone());
        if found.is_some() {
            return found;
        }
        let v = make()?;
        c.borrow_mut().push((key(), v.clone()));
        Some(v)
    })
}

/// The formatters of `lang`, kept by each thread.
fn formatters(lang: &str) -> Option<Arc<Formatters>> {
    thread_local! {
        static CACHE: RefCell<Vec<(String, Arc<Formatters>)>> = const { RefCell::new(Vec::new()) };
    }
    kept(
        &CACHE,
        |l| l == lang,
        || lang.to_string(),
        || {
            let loc = locale(lang);
            Some(Arc::new(Formatters {
                decimal: DecimalFormatter::try_new(loc.clone().into(), Default::default()).ok()?,
                percent: PercentFormatter::try_new(loc.clone().into(), Default::default()).ok()?,
                date: DateTimeFormatter::try_new(loc.into(), YMD::long()).ok()?,
            }))
        },
    )
}

/// The formatter of amounts in `currency` for `lang`, kept by each thread.
fn currency_formatter(
    lang: &str,
    currency: &str,
) -> Option<Arc<CurrencyFormatter<DecimalFormatter>>> {
    type Entry = ((String, String), Arc<CurrencyFormatter<DecimalFormatter>>);
    thread_local! {
        static CACHE: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
    }
    let is = |(l, c): &(String, String)| l == lang && c == currency;
    let key = || (lang.to_string(), currency.to_string());
    kept(&CACHE, is, key, || {
        let code = CurrencyType::try_from_str(&currency.to_ascii_lowercase()).ok()?;
        let loc = locale(lang).into();
        let f = CurrencyFormatter::try_new_symbol(loc, code, Default::default()).ok()?;
        Some(Arc::new(f))
    })
}

/// `x` with exactly `decimals` decimals, rounded half away from zero as people do.
fn decimal(x: f64, decimals: usize) -> Decimal {
    let scale = 10f64.powi(decimals as i32);
    let units = (x * scale).round();
    // Below 10^15 units of the last decimal, `units / scale` printed with
    // `decimals` decimals gives the digits of `units` back (the double is
    // off by less than half a unit): made from the integer, without
    // printing a float and parsing it, which cost more than formatting.
    if units.is_finite() && units.abs() < 1e15 {
        let mut d = Decimal::from(units as i64);
        d.multiply_pow10(-(decimals as i16));
        d.pad_end(-(decimals as i16));
        return d;
    }
    let rounded = units / scale;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded }; // no "-0"
    let mut d = Decimal::try_from_str(&format!("{rounded:.decimals$}")).unwrap_or_default();
    d.pad_end(-(decimals as i16));
    d
}

/// A number with `decimals` decimals and the locale's separators: `1.234,5` (ca), `1,234.5` (en).
pub fn number(x: f64, decimals: usize, lang: &str) -> String {
    match formatters(lang) {
        Some(f) => f.decimal.format(&decimal(x, decimals)).to_string(),
        None => format!("{x:.decimals$}"),
    }
}

/// An amount in `currency`: `1.234.567,89 €` (ca, es), `€1,234,567.89` (en).
pub fn money(x: f64, currency: &str, lang: &str) -> String {
    match currency_formatter(lang, currency) {
        Some(f) => f.format_fixed_decimal(&decimal(x, 2)).to_string(),
        None => format!("{} {currency}", number(x, 2, lang)),
    }
}

/// A value already in percent: `41,3 %` (ca, es), `41.3%` (en).
pub fn percent(x: f64, decimals: usize, lang: &str) -> String {
    match formatters(lang) {
        Some(f) => f.percent.format(&decimal(x, decimals)).to_string(),
        None => format!("{x:.decimals$}%"),
    }
}

/// `2016-12-31` in words: `31 de desembre del 2016`, `December 31, 2016`.
pub fn date(iso: &str, lang: &str) -> Option<String> {
    thread_local! {
        /// Dates formatted by this thread, by language: a plan's dates are
        /// few (its updates share days) and are printed on many pages.
        static DATES: RefCell<HashMap<String, HashMap<String, Option<String>>>> =
            RefCell::new(HashMap::new());
    }
    /// A thread keeps at most this many dates per language (a preview runs
    /// for hours while files change): past it, it starts again.
    const KEPT: usize = 10_000;
    DATES.with(|dates| {
        if let Some(found) = dates.borrow().get(lang).and_then(|d| d.get(iso)) {
            return found.clone();
        }
        let made = format_date(iso, lang);
        let mut dates = dates.borrow_mut();
        let of_lang = dates.entry(lang.to_string()).or_default();
        if of_lang.len() >= KEPT {
            of_lang.clear();
        }
        of_lang.insert(iso.to_string(), made.clone());
        made
    })
}

fn format_date(iso: &str, lang: &str) -> Option<String> {
    let d = crate::load::values::Date::parse(iso)?;
    let icu = IcuDate::try_new_iso(d.year, d.month, d.day).ok()?;
    Some(match formatters(lang) {
        Some(f) => f.date.format(&icu).to_string(),
        None => iso.to_string(),
    })
}

/// A file size for people: `850 B`, `12,3 kB`, `1,2 MB` (decimal units).
pub fn filesize(bytes: f64, lang: &str) -> String {
    if bytes < 1000.0 {
        format!("{}\u{a0}B", number(bytes, 0, lang))
    } else if bytes < 1_000_000.0 {
        format!("{}\u{a0}kB", number(bytes / 1000.0, 1, lang))
    } else {
        format!("{}\u{a0}MB", number(bytes / 1_000_000.0, 1, lang))
    }
}

/// The page's `lang` as a template value (a short string: copied without
/// allocating), read with `lang_str`.
fn lang_of(state: &State) -> Option<Value> {
    state.get::<Value>("lang").ok().flatten()
}

/// The language `lang_of` read, `en` when there is none.
fn lang_str(lang: &Option<Value>) -> &str {
    lang.as_ref().and_then(|l| l.as_str()).unwrap_or("en")
}

fn as_number(v: &Value, filter: &str) -> TeraResult<Option<f64>> {
    if v.is_none() || v.is_undefined() {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| {
        tera::Error::message(format!(
            "the `{filter}` filter needs a number, got {}",
            v.name()
        ))
    })
}

/// Register the formatting filters on a Tera instance. None and undefined print as nothing.
pub fn register(tera: &mut tera::Tera, currency: String) {
    tera.register_filter(
        "num",
        |v: Value, kw: Kwargs, st: &State| -> TeraResult<String> {
            let decimals = kw.get::<i64>("decimals")?.unwrap_or(0).clamp(0, 6) as usize;
            Ok(as_number(&v, "num")?
                .map(|x| number(x, decimals, lang_str(&lang_of(st))))
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "pct",
        |v: Value, kw: Kwargs, st: &State| -> TeraResult<String> {
            let decimals = kw.get::<i64>("decimals")?.unwrap_or(1).clamp(0, 6) as usize;
            Ok(as_number(&v, "pct")?
                .map(|x| percent(x, decimals, lang_str(&lang_of(st))))
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "money",
        move |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
            Ok(as_number(&v, "money")?
                .map(|x| money(x, &currency, lang_str(&lang_of(st))))
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "filesize",
        |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
            Ok(as_number(&v, "filesize")?
                .map(|x| filesize(x, lang_str(&lang_of(st))))
                .unwrap_or_default())
        },
    );
    tera.register_filter(
        "date",
        |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
            match v.as_str() {
                Some(s) => date(s, lang_str(&lang_of(st))).ok_or_else(|| {
                    tera::Error::message(format!("the `date` filter needs YYYY-MM-DD, got `{s}`"))
                }),
                None if v.is_none() || v.is_undefined() => Ok(String::new()),
                None => Err(tera::Error::message(format!(
                    "the `date` filter needs a YYYY-MM-DD string, got {}",
                    v.name()
                ))),
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made from the integer as the float printed and parsed gives it.
    #[test]
    fn decimals_are_those_of_the_printed_number() {
        let printed = |x: f64, decimals: usize| {
            let scale = 10f64.powi(decimals as i32);
            let rounded = (x * scale).round() / scale;
            let rounded = if rounded == 0.0 { 0.0 } else { rounded };
            let mut d = Decimal::try_from_str(&format!("{rounded:.decimals$}")).unwrap();
            d.pad_end(-(decimals as i16));
            d
        };
        let mut x = 0.000_123_f64;
        while x < 1e14 {
            for v in [x, -x, x * 1.000_5, x + 0.005, x - 0.005, x * 3.7] {
                for decimals in 0..=6 {
                    let (made, want) = (decimal(v, decimals), printed(v, decimals));
                    assert_eq!(made.to_string(), want.to_string(), "{v} {decimals}");
                }
            }
            x *= 1.37;
        }
        for v in [0.0, -0.0, 0.4, -0.4, 0.5, -0.5, 2.675, 1.005, 41.25, 99.995] {
            for decimals in 0..=3 {
                assert_eq!(
                    decimal(v, decimals).to_string(),
                    printed(v, decimals).to_string()
                );
            }
        }
    }

    /// CLDR uses no-break spaces; compare with plain ones for readability.
    fn plain(s: String) -> String {
        s.replace(['\u{a0}', '\u{202f}'], " ")
    }

    #[test]
    fn numbers_follow_locale() {
        assert_eq!(plain(money(1234567.891, "EUR", "ca")), "1.234.567,89 €");
        assert_eq!(plain(money(1234567.891, "EUR", "es")), "1.234.567,89 €");
        assert_eq!(money(1234567.891, "EUR", "en"), "€1,234,567.89");
        assert_eq!(money(1000.0, "EUR", "en"), "€1,000.00");
        assert_eq!(number(41.25, 1, "es"), "41,3");
        assert_eq!(number(70.0, 1, "ca"), "70,0");
        assert_eq!(number(-0.04, 1, "en"), "0.0");
        assert_eq!(plain(percent(0.7, 2, "ca")), "0,70 %");
        assert_eq!(percent(41.3, 1, "en"), "41.3%");
    }

    #[test]
    fn file_sizes() {
        assert_eq!(plain(filesize(850.0, "ca")), "850 B");
        assert_eq!(plain(filesize(12_345.0, "ca")), "12,3 kB");
        assert_eq!(plain(filesize(1_234_567.0, "en")), "1.2 MB");
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(date("2016-12-31", "ca").unwrap(), "31 de desembre del 2016");
        assert_eq!(date("2016-04-01", "ca").unwrap(), "1 d’abril del 2016");
        assert_eq!(date("2016-12-31", "es").unwrap(), "31 de diciembre de 2016");
        assert_eq!(date("2016-12-31", "en").unwrap(), "December 31, 2016");
        // Asked again (now from this thread's cache): the same answers.
        for _ in 0..2 {
            for (lang, iso) in [
                ("ca", "2016-12-31"),
                ("en", "2016-12-31"),
                ("ca", "2016-13-01"),
            ] {
                assert_eq!(date(iso, lang), format_date(iso, lang));
            }
        }
        assert_eq!(date("2016-13-01", "ca"), None);
    }
}

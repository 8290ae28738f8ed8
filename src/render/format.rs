//! Locale formatting of numbers, money, percentages and dates for templates
//! (`num`, `money`, `pct`, `date` filters), following each language's rules.

use tera::{Kwargs, State, TeraResult, Value};

/// Separators and patterns of one locale.
struct Locale {
    group: &'static str,
    decimal: &'static str,
    /// Currency before the amount without space (`€1.00`) or after it with a space (`1,00 €`).
    currency_first: bool,
    percent_space: bool,
    months: [&'static str; 12],
    /// How a date reads: day, month name, year.
    date: fn(u8, &str, i32) -> String,
}

const CA_MONTHS: [&str; 12] =
    ["gener", "febrer", "març", "abril", "maig", "juny", "juliol", "agost", "setembre", "octubre", "novembre", "desembre"];
const ES_MONTHS: [&str; 12] =
    ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];
const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn ca_date(d: u8, m: &str, y: i32) -> String {
    // "d'abril", "d'agost", "d'octubre": Catalan elides "de" before a vowel.
    let de = if m.starts_with(['a', 'o']) { "d'" } else { "de " };
    format!("{d} {de}{m} de {y}")
}
fn es_date(d: u8, m: &str, y: i32) -> String {
    format!("{d} de {m} de {y}")
}
fn en_date(d: u8, m: &str, y: i32) -> String {
    format!("{d} {m} {y}")
}

fn locale(lang: &str) -> Locale {
    match lang.split('-').next().unwrap_or(lang) {
        "ca" => Locale { group: ".", decimal: ",", currency_first: false, percent_space: true, months: CA_MONTHS, date: ca_date },
        "es" => Locale { group: ".", decimal: ",", currency_first: false, percent_space: true, months: ES_MONTHS, date: es_date },
        _ => Locale { group: ",", decimal: ".", currency_first: true, percent_space: false, months: EN_MONTHS, date: en_date },
    }
}

/// A number with `decimals` decimals and the locale's separators.
pub fn number(x: f64, decimals: usize, lang: &str) -> String {
    let l = locale(lang);
    // Round half away from zero, as people do, before printing.
    let scale = 10f64.powi(decimals as i32);
    let fixed = format!("{:.*}", decimals, (x.abs() * scale).round() / scale);
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push_str(l.group);
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{}{frac}", l.decimal)
    }
}

pub fn money(x: f64, currency: &str, lang: &str) -> String {
    let l = locale(lang);
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    let n = number(x, 2, lang);
    if l.currency_first {
        format!("{symbol}{n}")
    } else {
        format!("{n}\u{a0}{symbol}")
    }
}

pub fn percent(x: f64, decimals: usize, lang: &str) -> String {
    let l = locale(lang);
    let n = number(x, decimals, lang);
    if l.percent_space {
        format!("{n}\u{a0}%")
    } else {
        format!("{n}%")
    }
}

/// `2016-12-31` → "31 de desembre de 2016" / "31 December 2016".
pub fn date(iso: &str, lang: &str) -> Option<String> {
    let d = crate::load::values::Date::parse(iso)?;
    let l = locale(lang);
    Some((l.date)(d.day, l.months[usize::from(d.month) - 1], d.year))
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

fn lang_of(state: &State) -> String {
    state.get::<String>("lang").ok().flatten().unwrap_or_else(|| "en".into())
}

fn as_number(v: &Value, filter: &str) -> TeraResult<Option<f64>> {
    if v.is_none() || v.is_undefined() {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| tera::Error::message(format!("the `{filter}` filter needs a number, got {}", v.name())))
}

/// Register the formatting filters on a Tera instance.
pub fn register(tera: &mut tera::Tera, currency: String) {
    tera.register_filter("num", |v: Value, kw: Kwargs, st: &State| -> TeraResult<String> {
        let decimals = kw.get::<i64>("decimals")?.unwrap_or(0).clamp(0, 6) as usize;
        Ok(as_number(&v, "num")?.map(|x| number(x, decimals, &lang_of(st))).unwrap_or_default())
    });
    tera.register_filter("pct", |v: Value, kw: Kwargs, st: &State| -> TeraResult<String> {
        let decimals = kw.get::<i64>("decimals")?.unwrap_or(1).clamp(0, 6) as usize;
        Ok(as_number(&v, "pct")?.map(|x| percent(x, decimals, &lang_of(st))).unwrap_or_default())
    });
    tera.register_filter("money", move |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
        Ok(as_number(&v, "money")?.map(|x| money(x, &currency, &lang_of(st))).unwrap_or_default())
    });
    tera.register_filter("filesize", |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
        Ok(as_number(&v, "filesize")?.map(|x| filesize(x, &lang_of(st))).unwrap_or_default())
    });
    tera.register_filter("date", |v: Value, _: Kwargs, st: &State| -> TeraResult<String> {
        match v.as_str() {
            Some(s) => date(s, &lang_of(st)).ok_or_else(|| tera::Error::message(format!("the `date` filter needs YYYY-MM-DD, got `{s}`"))),
            None if v.is_none() || v.is_undefined() => Ok(String::new()),
            None => Err(tera::Error::message(format!("the `date` filter needs a YYYY-MM-DD string, got {}", v.name()))),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_locale() {
        assert_eq!(money(1234567.891, "EUR", "ca"), "1.234.567,89\u{a0}€");
        assert_eq!(money(1234567.891, "EUR", "en"), "€1,234,567.89");
        assert_eq!(number(41.25, 1, "es"), "41,3");
        assert_eq!(number(-0.04, 1, "en"), "0.0");
        assert_eq!(number(999.0, 0, "en"), "999");
        assert_eq!(percent(0.7, 2, "ca"), "0,70\u{a0}%");
        assert_eq!(percent(41.3, 1, "en"), "41.3%");
    }

    #[test]
    fn file_sizes() {
        assert_eq!(filesize(850.0, "ca"), "850\u{a0}B");
        assert_eq!(filesize(12_345.0, "ca"), "12,3\u{a0}kB");
        assert_eq!(filesize(1_234_567.0, "en"), "1.2\u{a0}MB");
    }

    #[test]
    fn dates_in_words() {
        assert_eq!(date("2016-12-31", "ca").unwrap(), "31 de desembre de 2016");
        assert_eq!(date("2016-04-01", "ca").unwrap(), "1 d'abril de 2016");
        assert_eq!(date("2016-12-31", "es").unwrap(), "31 de diciembre de 2016");
        assert_eq!(date("2016-12-31", "en").unwrap(), "31 December 2016");
    }
}

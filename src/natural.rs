//! Natural ordering of ids: `1.1.2` < `1.1.10`, compared run by run.

use std::cmp::Ordering;

/// Compare two ids so that digit runs compare as numbers and the rest as text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let la = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let lb = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..la]), trim_zeros(&b[..lb]));
                // Longer digit run (without leading zeros) is the bigger number.
                let ord = na
                    .len()
                    .cmp(&nb.len())
                    .then_with(|| na.cmp(nb))
                    .then_with(|| la.cmp(&lb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[la..];
                b = &b[lb..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|c| **c == b'0').count();
    &digits[zeros..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_numbers_by_value() {
        let mut ids = vec!["1.1.10", "1.1.2", "2.1", "1.10.1", "1.2", "a10", "a9"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            vec!["1.1.2", "1.1.10", "1.2", "1.10.1", "2.1", "a9", "a10"]
        );
    }

    #[test]
    fn equal_and_prefix() {
        assert_eq!(natural_cmp("1.1", "1.1"), Ordering::Equal);
        assert_eq!(natural_cmp("1", "1.1"), Ordering::Less);
        assert_eq!(natural_cmp("01", "1"), Ordering::Greater);
    }
}

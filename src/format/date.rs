//! Full calendar dates as datelines write them: `June 3, 2018`, `Jun. 3, 2018`, `3 June 2018`,
//! `2018-06-03`, lowercase and punctuation-free forms (`june 3 2018`) included.

use crate::model::Date;
use regex::Regex;
use std::sync::LazyLock;

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static MDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(\d{{4}})\b"
    ))
    .expect("valid regex")
});
static DMY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\.?(?:\s*,\s*|\s+)(\d{{4}})\b"
    ))
    .expect("valid regex")
});
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})").expect("valid regex"));

/// Month number of an English month name or abbreviation (any case).
pub fn month_number(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    let m = match n.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A full date (day, month and year) at the very start of `text`, and its length in bytes.
pub fn parse_prefix(text: &str) -> Option<(Date, usize)> {
    if let Some(c) = MDY.captures(text) {
        let d = Date::from_ymd_opt(c[3].parse().ok()?, month_number(&c[1])?, c[2].parse().ok()?)?;
        return Some((d, c[0].len()));
    }
    if let Some(c) = DMY.captures(text) {
        let d = Date::from_ymd_opt(c[3].parse().ok()?, month_number(&c[2])?, c[1].parse().ok()?)?;
        return Some((d, c[0].len()));
    }
    let c = ISO.captures(text)?;
    // `2018-06-03T10:00` is a day with a time; `2018-06-034` is not a date.
    if text[c[0].len()..].starts_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    let d = Date::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    Some((d, c[0].len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn forms() {
        for (s, want, len) in [
            ("June 3, 2018", ymd(2018, 6, 3), 12),
            ("Jun. 3, 2018 —", ymd(2018, 6, 3), 12),
            ("june 3 2018 beijing", ymd(2018, 6, 3), 11),
            ("3 June 2018", ymd(2018, 6, 3), 11),
            ("3rd of June, 2018", ymd(2018, 6, 3), 17),
            ("2018-06-03T10:00Z", ymd(2018, 6, 3), 10),
            ("Sept. 30, 2019", ymd(2019, 9, 30), 14),
        ] {
            assert_eq!(parse_prefix(s), Some((want, len)), "{s}");
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "June 31, 2018",
            "2018-13-01",
            "Mayor 3 2018",
            "June 3",
            "",
            "x June 3, 2018",
        ] {
            assert_eq!(parse_prefix(s), None, "{s}");
        }
    }
}

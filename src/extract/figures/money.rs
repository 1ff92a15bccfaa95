//! Currencies: signs and codes before a number (`$`, `US$`, `£`, `USD`), names after it
//! (`dollars`, `yuan`, `renminbi`, `euros`), and the money cue words that let a bare
//! `150 billion` stand for money in a dump that lost its `$`.

use super::lexer::Lexed;

/// A currency found around a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Currency {
    /// ISO 4217 code (or a stable code for old and crypto currencies).
    pub iso: &'static str,
    /// Token just after the currency (prefix) or after its last word (suffix).
    pub end: usize,
    /// Multiplier to the main unit (`cents` -> 0.01, `MUSD` -> 1e6).
    pub factor: f64,
}

fn sign(c: char) -> Option<&'static str> {
    Some(match c {
        '$' => "USD",
        '€' => "EUR",
        '£' => "GBP",
        '¥' | '￥' => "JPY",
        '₹' => "INR",
        '₩' => "KRW",
        '₽' => "RUB",
        '₿' => "BTC",
        '₺' => "TRY",
        '₪' => "ILS",
        '₱' => "PHP",
        '฿' => "THB",
        '₫' => "VND",
        '₦' => "NGN",
        '₡' => "CRC",
        '₾' => "GEL",
        '₭' => "LAK",
        '元' => "CNY",
        _ => return None,
    })
}

/// ISO codes we read. `safe` codes are also read in lowercase text (`usd 200`); the rest only in
/// capitals, because `try`, `all` or `cup` are words.
fn iso_code(w: &str) -> Option<(&'static str, bool)> {
    Some(match w {
        "usd" => ("USD", true),
        "eur" => ("EUR", true),
        "gbp" => ("GBP", true),
        "cny" => ("CNY", true),
        "rmb" => ("CNY", true),
        "jpy" => ("JPY", true),
        "chf" => ("CHF", true),
        "cad" => ("CAD", true),
        "aud" => ("AUD", true),
        "hkd" => ("HKD", true),
        "inr" => ("INR", true),
        "nzd" => ("NZD", true),
        "sgd" => ("SGD", true),
        "krw" => ("KRW", true),
        "mxn" => ("MXN", true),
        "brl" => ("BRL", true),
        "zar" => ("ZAR", true),
        "sek" => ("SEK", true),
        "nok" => ("NOK", true),
        "dkk" => ("DKK", true),
        "rub" => ("RUB", false),
        "try" => ("TRY", false),
        "pln" => ("PLN", true),
        "twd" => ("TWD", true),
        "btc" => ("BTC", true),
        _ => return None,
    })
}

/// Letters glued before `$` that name a dollar (`US$`, `C$`, `HK$`); `spaced` ones may also
/// stand apart in tokenised dumps (`us $ 150`, `c $ 16.4`).
fn dollar_prefix(w: &str) -> Option<(&'static str, bool)> {
    Some(match w {
        "us" | "usd" => ("USD", true),
        "c" | "ca" | "can" | "cad" => ("CAD", true),
        "a" | "au" | "aud" => ("AUD", false),
        "hk" | "hkd" => ("HKD", true),
        "nz" | "nzd" => ("NZD", true),
        "s" | "sg" | "sgd" => ("SGD", false),
        "r" => ("BRL", false),
        "mex" | "mxn" => ("MXN", true),
        "nt" => ("TWD", false),
        _ => return None,
    })
}

/// True for words a currency prefix may start with (`US$`, `USD`, `MUSD`, `u.s. $`, `Rs`).
pub fn may_start(w: &str) -> bool {
    dollar_prefix(w).is_some()
        || iso_code(w).is_some()
        || (w.len() == 4 && w.starts_with('m') && iso_code(&w[1..]).is_some())
        || matches!(w, "u" | "rs")
}

/// A currency written before a number, starting at token `i`.
pub fn prefix(lx: &Lexed, i: usize, lowercase: bool) -> Option<Currency> {
    let mut k = i;
    if lx.sym(k, '\\') && lx.sym(k + 1, '$') && lx.glued(k + 1) {
        k += 1; // a Markdown escape that survived the view
    }
    if let Some(c) = lx.sym_at(k) {
        let iso = sign(c)?;
        return Some(Currency {
            iso,
            end: k + 1,
            factor: 1.0,
        });
    }
    let w = lx.word(k);
    if w.is_empty() {
        return None;
    }
    // `u.s. $` and `u.s $`
    if w == "u" && lx.sym(k + 1, '.') && lx.is(k + 2, "s") {
        let mut j = k + 3;
        if lx.sym(j, '.') {
            j += 1;
        }
        if lx.sym(j, '$') {
            return Some(Currency {
                iso: "USD",
                end: j + 1,
                factor: 1.0,
            });
        }
        return None;
    }
    if lx.sym(k + 1, '$') {
        if let Some((iso, spaced)) = dollar_prefix(w) {
            if lx.glued(k + 1) || spaced {
                return Some(Currency {
                    iso,
                    end: k + 2,
                    factor: 1.0,
                });
            }
        }
    }
    if let Some((iso, safe)) = iso_code(w) {
        let caps = lx.text[lx.start(k)..lx.end(k)]
            .chars()
            .all(|c| c.is_ascii_uppercase());
        if caps || (safe && (lowercase || lx.num(k + 1).is_some())) {
            return Some(Currency {
                iso,
                end: k + 1,
                factor: 1.0,
            });
        }
    }
    // `MUSD 30`, `MAUD 60`: millions of a code (capitals only)
    let caps = lx.text[lx.start(k)..lx.end(k)]
        .chars()
        .all(|c| c.is_ascii_uppercase());
    if caps && w.len() == 4 && w.starts_with('m') && lx.num(k + 1).is_some() {
        if let Some((iso, _)) = iso_code(&w[1..]) {
            return Some(Currency {
                iso,
                end: k + 1,
                factor: 1e6,
            });
        }
    }
    match w {
        "rs" => Some(Currency {
            iso: "INR",
            end: if lx.sym(k + 1, '.') { k + 2 } else { k + 1 },
            factor: 1.0,
        }),
        _ => None,
    }
}

/// Currency names after a number, longest first: words, then code and factor.
const NAMES: &[(&[&str], &str, f64)] = &[
    (&["hong", "kong", "dollars"], "HKD", 1.0),
    (&["hong", "kong", "dollar"], "HKD", 1.0),
    (&["new", "zealand", "dollars"], "NZD", 1.0),
    (&["us", "dollars"], "USD", 1.0),
    (&["us", "dollar"], "USD", 1.0),
    (&["american", "dollars"], "USD", 1.0),
    (&["australian", "dollars"], "AUD", 1.0),
    (&["australian", "dollar"], "AUD", 1.0),
    (&["canadian", "dollars"], "CAD", 1.0),
    (&["canadian", "dollar"], "CAD", 1.0),
    (&["singapore", "dollars"], "SGD", 1.0),
    (&["taiwan", "dollars"], "TWD", 1.0),
    (&["swiss", "francs"], "CHF", 1.0),
    (&["swiss", "franc"], "CHF", 1.0),
    (&["chinese", "yuan"], "CNY", 1.0),
    (&["japanese", "yen"], "JPY", 1.0),
    (&["british", "pounds"], "GBP", 1.0),
    (&["pounds", "sterling"], "GBP", 1.0),
    (&["indian", "rupees"], "INR", 1.0),
    (&["turkish", "lira"], "TRY", 1.0),
    (&["finnish", "markka"], "FIM", 1.0),
    (&["dutch", "guilders"], "NLG", 1.0),
    (&["dollars"], "USD", 1.0),
    (&["dollar"], "USD", 1.0),
    (&["yuan"], "CNY", 1.0),
    (&["renminbi"], "CNY", 1.0),
    (&["euros"], "EUR", 1.0),
    (&["euro"], "EUR", 1.0),
    (&["yen"], "JPY", 1.0),
    (&["pounds"], "GBP", 1.0),
    (&["pound"], "GBP", 1.0),
    (&["sterling"], "GBP", 1.0),
    (&["cents"], "USD", 0.01),
    (&["cent"], "USD", 0.01),
    (&["pence"], "GBP", 0.01),
    (&["penny"], "GBP", 0.01),
    (&["francs"], "FRF", 1.0),
    (&["franc"], "FRF", 1.0),
    (&["rupees"], "INR", 1.0),
    (&["rupee"], "INR", 1.0),
    (&["pesos"], "MXN", 1.0),
    (&["rubles"], "RUB", 1.0),
    (&["roubles"], "RUB", 1.0),
    (&["rand"], "ZAR", 1.0),
    (&["lira"], "TRY", 1.0),
    (&["ringgit"], "MYR", 1.0),
    (&["baht"], "THB", 1.0),
    (&["rupiah"], "IDR", 1.0),
    (&["dirhams"], "AED", 1.0),
    (&["riyals"], "SAR", 1.0),
    (&["shekels"], "ILS", 1.0),
    (&["kronor"], "SEK", 1.0),
    (&["kroner"], "NOK", 1.0),
    (&["zlotys"], "PLN", 1.0),
    (&["zloty"], "PLN", 1.0),
    (&["forints"], "HUF", 1.0),
    (&["guilders"], "NLG", 1.0),
    (&["markka"], "FIM", 1.0),
    (&["marks"], "DEM", 1.0),
    (&["pesetas"], "ESP", 1.0),
    (&["bitcoins"], "BTC", 1.0),
    (&["bitcoin"], "BTC", 1.0),
    (&["satoshis"], "BTC", 1e-8),
];

/// A currency written after a number phrase that ends before token `i`.
pub fn suffix(lx: &Lexed, i: usize, value: f64, lowercase: bool) -> Option<Currency> {
    // `12-cent`, `one-yen`: a hyphen compound.
    let mut k = i;
    if lx.sym(k, '-') && lx.glued(k) && lx.glued(k + 1) {
        k += 1;
    }
    if let Some(c) = lx.sym_at(k) {
        let iso = sign(c).filter(|_| c != '$' || !lx.glued(k) || c == '元')?;
        // `10 $` and `100 €` (the sign after the number), `100元`.
        if c == '$' && lx.num(k + 1).is_some() {
            return None; // `$` starts the next figure
        }
        return Some(Currency {
            iso,
            end: k + 1,
            factor: 1.0,
        });
    }
    let w = lx.word(k);
    if w.is_empty() {
        return None;
    }
    for (words, iso, factor) in NAMES {
        if words.iter().enumerate().all(|(d, x)| lx.word(k + d) == *x) {
            // `pounds of beef` weighs, it does not cost.
            if words[words.len() - 1].starts_with("pound") && lx.is(k + words.len(), "of") {
                return None;
            }
            return Some(Currency {
                iso,
                end: k + words.len(),
                factor: *factor,
            });
        }
    }
    if w == "won" && value >= 1000.0 {
        return Some(Currency {
            iso: "KRW",
            end: k + 1,
            factor: 1.0,
        });
    }
    if w == "元" {
        return Some(Currency {
            iso: "CNY",
            end: k + 1,
            factor: 1.0,
        });
    }
    let caps = lx.text[lx.start(k)..lx.end(k)]
        .chars()
        .all(|c| c.is_ascii_uppercase());
    // `USD50` is the prefix of the next figure, not the unit of this one
    if lx.num(k + 1).is_some() && lx.glued(k + 1) {
        return None;
    }
    let _ = lowercase;
    if let Some((iso, safe)) = iso_code(w) {
        if caps || safe {
            return Some(Currency {
                iso,
                end: k + 1,
                factor: 1.0,
            });
        }
    }
    // `30 MUSD`, `120 MEUR`: million of a code.
    if caps && w.len() == 4 && w.starts_with('m') {
        if let Some((iso, _)) = iso_code(&w[1..]) {
            return Some(Currency {
                iso,
                end: k + 1,
                factor: 1e6,
            });
        }
    }
    None
}

/// The currency a dump that lost its signs most likely counts in, from place cues (British
/// papers write `£`, American ones `$`): pounds when British cues outnumber American ones.
pub fn home_currency(lx: &Lexed) -> &'static str {
    let (mut uk, mut us) = (0, 0);
    for i in 0..lx.len() {
        match lx.word(i) {
            "uk" | "britain" | "british" | "london" | "england" | "scotland" | "wales"
            | "pence" | "sterling" | "pounds" | "ftse" | "bbc" | "nhs" | "whitehall" | "labour"
            | "tory" | "tories" | "commons" | "mps" => uk += 1,
            // Not `us`: in a dump the pronoun and the country look alike.
            "america" | "american" | "americans" | "washington" | "york" | "wall" => us += 1,
            _ => {}
        }
    }
    if uk > us {
        "GBP"
    } else {
        "USD"
    }
}

/// The currency of a conversion that follows an amount in `prev` (itself after one in
/// `before`, if a conversion too): papers give dollars first, then pounds.
pub fn conversion_currency(prev: &str, before: Option<&str>) -> &'static str {
    let used = |c: &str| prev == c || before == Some(c);
    if !used("USD") {
        "USD"
    } else if !used("GBP") {
        "GBP"
    } else {
        "EUR"
    }
}

/// Words that make a bare scaled number (`150 billion`) money.
pub fn is_money_cue(w: &str) -> bool {
    matches!(
        w,
        "dollar"
            | "dollars"
            | "tariff"
            | "tariffs"
            | "import"
            | "imports"
            | "export"
            | "exports"
            | "deficit"
            | "surplus"
            | "trade"
            | "goods"
            | "sales"
            | "revenue"
            | "revenues"
            | "profit"
            | "profits"
            | "budget"
            | "debt"
            | "spending"
            | "investment"
            | "investments"
            | "cost"
            | "costs"
            | "price"
            | "worth"
            | "fund"
            | "funds"
            | "funding"
            | "loan"
            | "loans"
            | "bonds"
            | "paid"
            | "pay"
            | "spend"
            | "spent"
            | "valued"
            | "contract"
            | "contracts"
            | "purchases"
            | "assets"
            | "earnings"
            | "income"
            | "subsidies"
            | "aid"
            | "fine"
            | "fined"
            | "bailout"
            | "stimulus"
            | "deal"
            | "losses"
            | "market"
            | "capital"
            | "cash"
            | "money"
            | "economy"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_suffixes() {
        let pre: &[(&str, Option<&str>)] = &[
            ("$5", Some("USD")),
            ("\\$5", Some("USD")),
            ("US$4", Some("USD")),
            ("us $ 4", Some("USD")),
            ("u.s $ 4", Some("USD")),
            ("hk $ 4", Some("HKD")),
            ("a $ 4", None),
            ("£6", Some("GBP")),
            ("USD 5", Some("USD")),
            ("try 5", None),
            ("TRY 5", Some("TRY")),
        ];
        for (s, want) in pre {
            let lx = Lexed::new(s);
            assert_eq!(prefix(&lx, 0, true).map(|c| c.iso), *want, "{s}");
        }
        let suf: &[(&str, Option<(&str, f64)>)] = &[
            ("5 dollars", Some(("USD", 1.0))),
            ("5 us dollars", Some(("USD", 1.0))),
            ("5 hong kong dollars", Some(("HKD", 1.0))),
            ("12-cent", Some(("USD", 0.01))),
            ("5 yuan", Some(("CNY", 1.0))),
            ("5 pounds of beef", None),
            ("5 won", None),
            ("5000 won", Some(("KRW", 1.0))),
            ("30 MUSD", Some(("USD", 1e6))),
            ("100 €", Some(("EUR", 1.0))),
            ("10 $ 30", None),
        ];
        for (s, want) in suf {
            let lx = Lexed::new(s);
            let v = lx.num(0).map_or(0.0, |n| n.value);
            let got = suffix(&lx, 1, v, false).map(|c| (c.iso, c.factor));
            assert_eq!(got, *want, "{s}");
        }
    }
}

//! What a figure measures: the measure words of its clause (`deficit`, `tariffs`, `employees`).
//!
//! The clause is found here, not from the shared sentence splitter: it runs from the figure
//! outwards to sentence punctuation (`.` ending a sentence, `;`, `!`, `?`, `:`), a paragraph break,
//! or a window of tokens (12 on each side in lowercase dumps, which have no punctuation; 30 in
//! cased text). Words are reported in a canonical form (`tariff` and `tariffs` -> `tariffs`),
//! sorted by distance in tokens from the figure (0 inside it), ties in text order, without
//! duplicates.

use super::lexer::{Kind, Lexed};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Canonical measure words and the surface forms that map to them.
const MEASURES: &[(&str, &[&str])] = &[
    ("deficit", &["deficit", "deficits"]),
    ("surplus", &["surplus", "surpluses"]),
    (
        "tariffs",
        &["tariff", "tariffs", "duties", "duty", "levies", "levy"],
    ),
    ("imports", &["import", "imports"]),
    ("exports", &["export", "exports"]),
    ("trade", &["trade"]),
    ("goods", &["goods"]),
    ("purchases", &["purchase", "purchases"]),
    ("employees", &["employee", "employees", "staff", "staffers"]),
    ("workers", &["worker", "workers"]),
    ("jobs", &["job", "jobs"]),
    ("ban", &["ban", "bans", "banned"]),
    ("summit", &["summit", "summits"]),
    (
        "sanctions",
        &["sanction", "sanctions", "penalties", "penalty"],
    ),
    ("profit", &["profit", "profits"]),
    ("sales", &["sale", "sales"]),
    ("revenue", &["revenue", "revenues", "turnover"]),
    ("earnings", &["earnings"]),
    ("income", &["income"]),
    ("losses", &["loss", "losses"]),
    ("budget", &["budget", "budgets"]),
    ("debt", &["debt", "debts"]),
    ("spending", &["spending", "expenditure"]),
    ("investment", &["investment", "investments"]),
    ("cost", &["cost", "costs"]),
    ("price", &["price", "prices"]),
    ("fine", &["fine", "fines", "fined"]),
    ("subsidies", &["subsidy", "subsidies"]),
    ("contracts", &["contract", "contracts"]),
    ("deal", &["deal", "deals", "accord", "agreement"]),
    ("loan", &["loan", "loans"]),
    ("bonds", &["bond", "bonds", "notes"]),
    ("assets", &["asset", "assets"]),
    ("shares", &["share", "shares", "stock", "stocks"]),
    ("stake", &["stake", "stakes"]),
    ("dividend", &["dividend", "dividends"]),
    ("market", &["market", "markets"]),
    ("growth", &["growth"]),
    ("inflation", &["inflation"]),
    ("unemployment", &["unemployment", "jobless"]),
    ("gdp", &["gdp", "output"]),
    ("economy", &["economy", "economies"]),
    ("rate", &["rate", "rates"]),
    ("interest", &["interest"]),
    ("population", &["population", "residents", "inhabitants"]),
    ("people", &["people", "persons"]),
    ("customers", &["customer", "customers", "clients"]),
    ("subscribers", &["subscriber", "subscribers"]),
    ("users", &["user", "users"]),
    ("votes", &["vote", "votes", "voters", "ballots"]),
    ("seats", &["seat", "seats"]),
    (
        "deaths",
        &["death", "deaths", "dead", "killed", "casualties"],
    ),
    ("cases", &["case", "cases", "infections"]),
    ("troops", &["troop", "troops", "soldiers"]),
    ("refugees", &["refugee", "refugees", "migrants"]),
    ("students", &["student", "students"]),
    ("visitors", &["visitor", "visitors", "tourists"]),
    ("companies", &["company", "companies", "firms", "firm"]),
    ("factories", &["factory", "factories", "plants"]),
    ("reduction", &["reduction", "reductions", "cut", "cuts"]),
    (
        "increase",
        &["increase", "increases", "rise", "rises", "hike", "hikes"],
    ),
    ("decline", &["decline", "declines", "fall", "drop"]),
    ("talks", &["talks", "negotiations"]),
    ("meeting", &["meeting", "meetings"]),
    ("election", &["election", "elections"]),
    ("chips", &["chip", "chips", "microchips"]),
    ("steel", &["steel"]),
    ("aluminum", &["aluminum", "aluminium"]),
    ("soybeans", &["soybean", "soybeans"]),
    ("oil", &["oil", "crude"]),
    ("barrels", &["barrel", "barrels"]),
    ("tonnes", &["tonne", "tonnes", "tons", "ton"]),
    ("salary", &["salary", "salaries", "wages", "wage", "pay"]),
    ("fee", &["fee", "fees"]),
    ("aid", &["aid"]),
    ("term", &["term", "sentence", "prison"]),
];

static CANON: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (canon, forms) in MEASURES {
        for f in *forms {
            m.insert(*f, *canon);
        }
    }
    m
});

/// The canonical measure word for `w`, if it is one.
pub fn canonical(w: &str) -> Option<&'static str> {
    CANON.get(w).copied()
}

fn abbreviation(w: &str) -> bool {
    matches!(
        w,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "st"
            | "jr"
            | "sr"
            | "u"
            | "s"
            | "inc"
            | "corp"
            | "co"
            | "ltd"
            | "vs"
            | "no"
            | "gov"
            | "sen"
            | "rep"
            | "gen"
            | "lt"
            | "col"
            | "prof"
            | "jan"
            | "feb"
            | "aug"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
            | "e"
            | "a"
            | "b"
            | "c"
            | "d"
            | "j"
    )
}

/// True when token `k` ends a clause.
fn boundary(lx: &Lexed, k: usize) -> bool {
    match lx.toks[k].kind {
        Kind::Sym(';' | '!' | '?' | ':') => true,
        Kind::Sym('.') => {
            let prev_abbr = k > 0 && abbreviation(lx.word(k - 1));
            let next_lower = k + 1 < lx.len()
                && lx.toks[k + 1].kind == Kind::Word
                && !lx.capitalized(k + 1)
                && !lx.toks[k + 1].para;
            !prev_abbr && !next_lower
        }
        _ => false,
    }
}

/// The clause around tokens `start..end`: first and one-past-last token.
pub fn clause(lx: &Lexed, start: usize, end: usize, lowercase: bool) -> (usize, usize) {
    let window = if lowercase { 12 } else { 30 };
    let n = lx.len();
    let mut lo = start;
    while lo > 0 && start - lo < window {
        if lx.toks[lo].para || boundary(lx, lo - 1) {
            break;
        }
        lo -= 1;
    }
    let mut hi = end;
    while hi < n && hi - end < window {
        if lx.toks[hi].para || boundary(lx, hi) {
            break;
        }
        hi += 1;
    }
    (lo, hi)
}

/// The subject of the figure over tokens `start..end`, plus its counted noun if any.
pub fn subject(
    lx: &Lexed,
    start: usize,
    end: usize,
    counted: Option<&str>,
    lowercase: bool,
) -> Vec<String> {
    let (lo, hi) = clause(lx, start, end, lowercase);
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    if let Some(c) = counted {
        found.push((0, start, canonical(c).unwrap_or(c)));
    }
    for k in lo..hi {
        let w = lx.word(k);
        if w.is_empty() {
            continue;
        }
        if let Some(c) = canonical(w) {
            let dist = if k < start {
                start - k
            } else if k >= end {
                k + 1 - end
            } else {
                0
            };
            found.push((dist, k, c));
        }
    }
    found.sort_by_key(|(d, k, _)| (*d, *k));
    let mut out: Vec<String> = Vec::new();
    for (_, _, w) in found {
        if !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::type_complexity)]
    fn clause_words_by_proximity() {
        // (text, figure token range, lowercase, expected subject)
        let cases: &[(&str, (usize, usize), bool, &[&str])] = &[
            (
                "The deficit grew. Tariffs on 5 imports rose; exports fell.",
                (6, 8),
                false,
                &["imports", "tariffs"],
            ),
            (
                "a 70,000-employee company",
                (1, 4),
                false,
                &["employees", "companies"],
            ),
        ];
        for (text, (s, e), lc, want) in cases {
            let lx = Lexed::new(text);
            let got = subject(&lx, *s, *e, None, *lc);
            assert_eq!(got, *want, "{text}");
        }
    }
}

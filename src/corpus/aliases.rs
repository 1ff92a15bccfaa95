//! Name keys: how two surface forms of a name are compared (case, dots, honorifics, titles).
//!
//! `Vice Premier Liu He`, `Liu He` and `liu he` share the key `liu he`; `Mr. Liu` and `mr liu`
//! share `liu`. Keys are what the registry joins on; surfaces are what users see.

use crate::extract::entities::lexicon::{self, Category};
use crate::model::EntityType;

/// Title heads: a title ends on one of these (`Vice Premier`, `Commerce Secretary`).
const TITLE_HEADS: &[&str] = &[
    // Titles of rank describe their bearer (`Sir John Gieve`, `Lord Rennard`).
    "sir",
    "dame",
    "lord",
    "lady",
    "baroness",
    "baron",
    // A professor's chair describes them too (`Prof Etzioni`).
    "prof",
    "professor",
    "president",
    "premier",
    "secretary",
    "minister",
    "senator",
    "sen",
    "rep",
    "representative",
    "governor",
    "gov",
    "chairman",
    "chairwoman",
    "chancellor",
    "ambassador",
    "mayor",
    "negotiator",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "adviser",
    "advisor",
    "director",
    "judge",
    "justice",
    "general",
    "gen",
    "king",
    "queen",
    "prince",
    "princess",
    "emperor",
    "pope",
    "sheikh",
    "envoy",
    "diplomat",
    "officer",
    "official",
    "executive",
    "ceo",
];

/// Words that may stand before a title head inside the title (`Vice`, `Treasury`, `trade`).
const TITLE_MODIFIERS: &[&str] = &[
    "vice",
    "deputy",
    "prime",
    "chief",
    "former",
    "acting",
    "senior",
    "top",
    "trade",
    "commerce",
    "treasury",
    "state",
    "foreign",
    "defense",
    "defence",
    "finance",
    "economic",
    "agriculture",
    "interior",
    "energy",
    "labor",
    "health",
    "education",
    "homeland",
    "security",
    "attorney",
    "press",
    "us",
    "chinese",
    "american",
    "british",
    "white",
    "house",
    "general",
];

/// Words that end company names and may be dropped in a short form (`ZTE Corporation` -> `ZTE`).
const ORG_SUFFIXES: &[&str] = &[
    "corporation",
    "corp",
    "company",
    "co",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "plc",
    "group",
    "holdings",
    "technologies",
    "technology",
    "ag",
    "sa",
    "gmbh",
];

/// True for an honorific token (`mr`, `ms`), lowercase and without its dot: a cue that says
/// "a person" but describes nothing. The honorifics are the lexicon's (`data/lexicon/
/// honorifics.txt`, which the recogniser reads too); titles of rank written in that position
/// (`Sir`, `Lord`) are title heads here, since they describe their bearer.
pub fn is_honorific(token: &str) -> bool {
    lexicon::contains(Category::Honorific, token) && !TITLE_HEADS.contains(&token)
}

/// A person's sex as an honorific or title of rank states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    /// `Mr`, `Sir`, `Lord`.
    Male,
    /// `Mrs`, `Ms`, `Miss`, `Dame`, `Lady`.
    Female,
}

/// The sex a cue's first word states (`mrs` of `Mrs Howard`), if any: namesakes such as a
/// politician and his wife are told apart by it.
pub fn sex_of_cue(cue: &str) -> Option<Sex> {
    let mut buf = String::new();
    let mut first = None;
    each_token(cue, &mut buf, |t| {
        if first.is_none() {
            first = Some(t.to_string());
        }
    });
    match first?.as_str() {
        "mr" | "messrs" | "sir" | "lord" | "baron" => Some(Sex::Male),
        "mrs" | "ms" | "miss" | "mme" | "madame" | "dame" | "lady" | "baroness" => {
            Some(Sex::Female)
        }
        _ => None,
    }
}

/// True when a cue (`vice premier`) describes its bearer, as opposed to an honorific (`mr`).
pub fn is_title_cue(cue: &str) -> bool {
    let toks = tokens(cue);
    !toks.is_empty() && !toks.iter().all(|t| is_honorific(t))
}

/// The tokens of a name, lowercased, dots and possessive `'s` removed, hyphens splitting words
/// (`Jong-un` and `jong un` agree), other punctuation dropped.
pub fn tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    each_token(name, &mut buf, |t| out.push(t.to_string()));
    // Lowercase dumps write the possessive as a separate `s` (`trump s`): never part of a name.
    if out.len() > 1 && out.last().is_some_and(|t| t == "s") {
        out.pop();
    }
    out
}

/// Calls `f` with each non-empty token of `name` (see [`tokens`]), `buf` as scratch space.
fn each_token(name: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for raw in name.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '—' | '-' | '–'))
    {
        buf.clear();
        for c in raw.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() || c == '\'' {
                    buf.push(c.to_ascii_lowercase());
                }
            } else if c.is_alphanumeric() || c == '’' {
                for l in c.to_lowercase() {
                    buf.push(if l == '’' { '\'' } else { l });
                }
            }
        }
        let t = buf.strip_suffix("'s").unwrap_or(buf).trim_matches('\'');
        if !t.is_empty() {
            f(t);
        }
    }
}

/// The name's tokens joined by one space, no title stripping (`Mr. Liu` -> `mr liu`).
pub fn plain_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut buf = String::new();
    let (mut n, mut last) = (0, 0);
    each_token(name, &mut buf, |t| {
        if n > 0 {
            out.push(' ');
        }
        last = out.len();
        out.push_str(t);
        n += 1;
    });
    if n > 1 && &out[last..] == "s" {
        out.truncate(last - 1);
    }
    out
}

/// How many leading tokens form an honorific or title (`vice premier` in `vice premier liu he`);
/// never all of them.
pub fn title_prefix_len(toks: &[String]) -> usize {
    let mut strip = 0;
    for (i, t) in toks.iter().enumerate() {
        let t = t.as_str();
        if is_honorific(t) || TITLE_HEADS.contains(&t) {
            strip = i + 1;
        } else if !TITLE_MODIFIERS.contains(&t) {
            break;
        }
    }
    strip.min(toks.len().saturating_sub(1))
}

/// A person's name as written without its leading honorific or title (`Vice Premier Liu He` -> `Liu He`).
pub fn strip_title_prefix(name: &str) -> &str {
    let words: Vec<&str> = name.split_whitespace().collect();
    let toks: Vec<String> = words.iter().map(|w| plain_key(w)).collect();
    let n = title_prefix_len(&toks);
    if n == 0 {
        return name.trim();
    }
    let w = words[n];
    // `w` is a subslice of `name`: cut at its offset.
    let at = w.as_ptr() as usize - name.as_ptr() as usize;
    name[at..].trim_end()
}

/// The key of a person's name: plain key without leading honorifics and titles.
pub fn person_key(name: &str) -> String {
    let toks = tokens(name);
    let n = title_prefix_len(&toks);
    toks[n..].join(" ")
}

/// The key of a name of type `ty`: titles are stripped from people's names only.
pub fn name_key(name: &str, ty: EntityType) -> String {
    match ty {
        EntityType::Per => person_key(name),
        _ => plain_key(name),
    }
}

/// A person's full-name key with middle initials dropped (`donald j trump` -> `donald trump`).
pub fn full_person_key(key: &str) -> String {
    let toks: Vec<&str> = key.split(' ').collect();
    if toks.len() <= 2 {
        return key.to_string();
    }
    let last = toks.len() - 1;
    toks.iter()
        .enumerate()
        .filter(|(i, t)| *i == 0 || *i == last || t.chars().count() > 1)
        .map(|(_, t)| *t)
        .collect::<Vec<_>>()
        .join(" ")
}

/// When `short` is a company name that `long` extends only by suffix words (`zte` / `zte corporation`).
pub fn is_org_short_form(short: &str, long: &str) -> bool {
    let Some(rest) = long.strip_prefix(short) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    !short.is_empty() && rest.split(' ').all(|t| ORG_SUFFIXES.contains(&t))
}

/// True when a short form that the document of `long` joins to it (`kestrel` after `kestrel
/// shipping company`, `imf` after `international monetary fund (imf)`) stands for `long` in
/// every file: an acronym, or a name whose dropped words end on an organisation word (`company`,
/// `party`, `inc`) or on a longer word ending in one (`microsystems`), so the long name is its full name. A name that a product or a part adds to
/// (`Microsoft Word`, `Newcastle Falcons`) stays the short name's own elsewhere.
pub fn short_form_everywhere(short: &str, long: &str) -> bool {
    match long.strip_prefix(short).and_then(|r| r.strip_prefix(' ')) {
        // The word or its ending (`microsystems` ends on `systems`).
        Some(rest) => rest.rsplit(' ').next().is_some_and(|last| {
            (0..last.len())
                .filter(|&i| last.is_char_boundary(i))
                .any(|i| {
                    let tail = &last[i..];
                    (i == 0 || tail.len() >= 5)
                        && (ORG_SUFFIXES.contains(&tail)
                            || lexicon::contains(Category::OrgCue, tail))
                })
        }),
        None => true,
    }
}

/// Words an acronym skips (`IMF` of `International Monetary Fund`, `WTO` of `the World Trade
/// Organization`).
const ACRONYM_SKIPS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "de", "du", "des", "&",
];

/// The initials of a multi-word key (`international monetary fund` -> `imf`), `None` for one word.
pub fn initials(key: &str) -> Option<String> {
    let words: Vec<&str> = key
        .split(' ')
        .filter(|w| !w.is_empty() && !ACRONYM_SKIPS.contains(w))
        .collect();
    (words.len() >= 2).then(|| words.iter().filter_map(|w| w.chars().next()).collect())
}

/// True when `short` is written like an acronym: one word of 2 to 8 letters or digits with at
/// least two capitals and no lowercase letter after the first (`IMF`, `WTO`, `SEGAS`, `E3`).
pub fn looks_like_acronym(short: &str) -> bool {
    let n = short.chars().count();
    (2..=8).contains(&n)
        && short.chars().all(char::is_alphanumeric)
        && short.chars().filter(|c| c.is_uppercase()).count() >= 2
        && !short.chars().skip(1).any(char::is_lowercase)
}

/// The Schwartz-Hearst test: `short` abbreviates `long` when its letters appear in `long` in
/// order, right to left, and its first letter starts a word of `long`
/// (`SEGAS` / `Greek Athletics Federation` is false, `WTO` / `World Trade Organization` true).
pub fn abbreviates(short: &str, long: &str) -> bool {
    let s: Vec<char> = short.to_lowercase().chars().collect();
    let l: Vec<char> = long.to_lowercase().chars().collect();
    if s.len() < 2 || s.len() >= l.len() {
        return false;
    }
    let mut li = l.len();
    for (si, &c) in s.iter().enumerate().rev() {
        if !c.is_alphanumeric() {
            continue;
        }
        loop {
            if li == 0 {
                return false;
            }
            li -= 1;
            let at_word_start = li == 0 || !l[li - 1].is_alphanumeric();
            if l[li] == c && (si > 0 || at_word_start) {
                break;
            }
        }
    }
    true
}

/// The first and last token of a multi-token key, for surname matching.
pub fn first_last(key: &str) -> Option<(&str, &str)> {
    let (first, _) = key.split_once(' ')?;
    let (_, last) = key.rsplit_once(' ')?;
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_match_their_expansions() {
        assert_eq!(
            initials("international monetary fund").as_deref(),
            Some("imf")
        );
        assert_eq!(
            initials("the world trade organization").as_deref(),
            Some("wto")
        );
        assert_eq!(initials("fiat"), None);
        assert!(looks_like_acronym("IMF") && looks_like_acronym("SEGAS"));
        assert!(
            !looks_like_acronym("Fiat")
                && !looks_like_acronym("I")
                && !looks_like_acronym("US-led")
        );
        assert!(abbreviates("IMF", "International Monetary Fund"));
        assert!(abbreviates("SAG", "Screen Actors Guild"));
        assert!(abbreviates("GDC", "Game Developers Conference"));
        assert!(!abbreviates("SEGAS", "Greek Athletics Federation"));
        assert!(!abbreviates("EA", "Sony"));
        // The first letter must start a word: `ba` inside `Alba` is not `BA`.
        assert!(!abbreviates("BA", "Alba"));
    }

    #[test]
    fn keys_fold_case_dots_and_titles() {
        assert_eq!(person_key("Vice Premier Liu He"), "liu he");
        assert_eq!(person_key("trade negotiator Liu He"), "liu he");
        assert_eq!(person_key("Mr. Liu"), "liu");
        assert_eq!(person_key("mr liu"), "liu");
        assert_eq!(person_key("President Trump's"), "trump");
        assert_eq!(
            person_key("Treasury Secretary Steven Mnuchin"),
            "steven mnuchin"
        );
        assert_eq!(
            plain_key("U.S. Trade Representative"),
            "us trade representative"
        );
        // A title alone stays a name rather than vanishing.
        assert_eq!(person_key("President"), "president");
        assert_eq!(
            name_key("Commerce Department", EntityType::Org),
            "commerce department"
        );
        assert_eq!(plain_key("  "), "");
        assert_eq!(plain_key("Kim Jong-un"), "kim jong un");
        assert_eq!(person_key("trump s"), "trump");
        assert_eq!(plain_key("s"), "s");
        assert_eq!(strip_title_prefix(" Mr. Liu "), "Liu");
        assert_eq!(strip_title_prefix("Liu He"), "Liu He");
    }

    #[test]
    fn cues_and_short_forms() {
        assert!(is_title_cue("vice premier"));
        assert!(!is_title_cue("mr"));
        assert!(!is_title_cue("Mr."));
        assert!(is_org_short_form("zte", "zte corporation"));
        assert!(!is_org_short_form("zte", "zte mobile"));
        assert!(!is_org_short_form("zt", "zte corporation"));
        assert!(short_form_everywhere("kestrel", "kestrel shipping company"));
        assert!(short_form_everywhere("labour", "labour party"));
        assert!(short_form_everywhere("kestrel", "kestrel microsystems"));
        assert!(!short_form_everywhere("orbis", "orbis ltdx"));
        assert!(short_form_everywhere("imf", "international monetary fund"));
        assert!(!short_form_everywhere("orbis", "orbis writer"));
        assert!(!short_form_everywhere("bank", "bank of england"));
        assert_eq!(full_person_key("donald j trump"), "donald trump");
        assert_eq!(full_person_key("liu he"), "liu he");
        assert_eq!(first_last("xi jinping"), Some(("xi", "jinping")));
        assert_eq!(first_last("xi"), None);
    }

    /// The first, allocation-heavy form of [`tokens`]: the fast one must agree with it.
    fn tokens_reference(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for raw in
            name.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '—' | '-' | '–'))
        {
            let mut t: String = raw
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '’')
                .flat_map(char::to_lowercase)
                .map(|c| if c == '’' { '\'' } else { c })
                .collect();
            if let Some(stripped) = t.strip_suffix("'s") {
                t = stripped.to_string();
            }
            let t = t.trim_matches('\'').to_string();
            if !t.is_empty() {
                out.push(t);
            }
        }
        if out.len() > 1 && out.last().is_some_and(|t| t == "s") {
            out.pop();
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_keys_match_the_reference(name in "[A-Za-z0-9 .,;'’\\-–—sSİÉéß\u{1F600}]{0,24}") {
            let reference = tokens_reference(&name);
            proptest::prop_assert_eq!(tokens(&name), reference.clone());
            proptest::prop_assert_eq!(plain_key(&name), reference.join(" "));
        }
    }

    #[test]
    fn fast_keys_on_odd_names() {
        for name in [
            "",
            "s",
            "Trump s",
            "a s s",
            "O'Neil's",
            "'s",
            "''",
            "İstanbul",
            "Jong-un’s",
            " x , s ",
        ] {
            assert_eq!(tokens(name), tokens_reference(name), "{name:?}");
            assert_eq!(
                plain_key(name),
                tokens_reference(name).join(" "),
                "{name:?}"
            );
        }
    }
}

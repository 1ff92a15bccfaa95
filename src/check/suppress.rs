//! Inline suppression directives.
//!
//! Markdown: `<!-- corpus-ls: ignore figure-conflict -->` on the line before a finding, or
//! `<!-- corpus-ls: ignore-file -->` (at the top) for the whole file. Plain text: the same words
//! after `#` on a line of their own. `ignore` without codes ignores every code.

/// The directives of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directives {
    /// Codes ignored in the whole file (`None` = all codes).
    file: Vec<Option<Vec<String>>>,
    /// (line the directive covers, codes or all).
    lines: Vec<(usize, Option<Vec<String>>)>,
}

/// One parsed directive line.
#[derive(Debug, PartialEq)]
struct Directive {
    whole_file: bool,
    codes: Option<Vec<String>>,
}

/// Reads a directive from one line, if the line is one.
fn parse_line(line: &str) -> Option<Directive> {
    let t = line.trim();
    let body = if let Some(rest) = t.strip_prefix("<!--") {
        rest.strip_suffix("-->")?.trim()
    } else if let Some(rest) = t.strip_prefix('#') {
        rest.trim()
    } else {
        return None;
    };
    let rest = body.strip_prefix("corpus-ls")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim();
    let (word, codes) = match rest.split_once(|c: char| c.is_whitespace()) {
        Some((w, c)) => (w, c),
        None => (rest, ""),
    };
    let whole_file = match word {
        "ignore" => false,
        "ignore-file" => true,
        _ => return None,
    };
    let list: Vec<String> = codes
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    Some(Directive {
        whole_file,
        codes: (!list.is_empty()).then_some(list),
    })
}

impl Directives {
    /// Finds the directives of a text.
    pub fn parse(text: &str) -> Directives {
        let mut d = Directives::default();
        let lines: Vec<&str> = text.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(dir) = parse_line(line) else {
                continue;
            };
            if dir.whole_file {
                d.file.push(dir.codes);
                continue;
            }
            // The directive covers the next line that is neither blank nor another directive.
            let target = (i + 1..lines.len())
                .find(|&j| !lines[j].trim().is_empty() && parse_line(lines[j]).is_none());
            if let Some(j) = target {
                d.lines.push((j, dir.codes));
            }
        }
        d
    }

    /// True when a finding of `code` starting at byte `offset` of `text` is suppressed.
    pub fn suppresses(&self, text: &str, offset: usize, code: &str) -> bool {
        let hit = |codes: &Option<Vec<String>>| match codes {
            None => true,
            Some(c) => c.iter().any(|x| x == code),
        };
        if self.file.iter().any(hit) {
            return true;
        }
        if self.lines.is_empty() {
            return false;
        }
        let line = text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.lines.iter().any(|(l, c)| *l == line && hit(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_plain_directives() {
        let t = "a\n<!-- corpus-ls: ignore figure-conflict -->\n\nZTE has 90,000\n# corpus-ls: ignore\nx 5\n";
        let d = Directives::parse(t);
        let zte = t.find("ZTE").unwrap();
        assert!(d.suppresses(t, zte, "figure-conflict"));
        assert!(!d.suppresses(t, zte, "figure-unsupported"));
        assert!(d.suppresses(t, t.find("x 5").unwrap(), "weekday-mismatch"));
        assert!(!d.suppresses(t, 0, "figure-conflict"));
    }

    #[test]
    fn ignore_file_with_and_without_codes() {
        let t = "<!-- corpus-ls: ignore-file -->\nx";
        assert!(Directives::parse(t).suppresses(t, 30, "anything"));
        let t = "<!-- corpus-ls: ignore-file weekday-mismatch, figure-unsupported -->\nx";
        let d = Directives::parse(t);
        assert!(d.suppresses(t, 60, "figure-unsupported"));
        assert!(!d.suppresses(t, 60, "figure-conflict"));
    }

    #[test]
    fn other_comments_are_not_directives() {
        assert_eq!(parse_line("# Heading"), None);
        assert_eq!(parse_line("<!-- corpus-ls: shout -->"), None);
        assert_eq!(parse_line("<!-- todo -->"), None);
    }
}

//! HTML text: the one escaping function every name, path and quote of the page goes through,
//! and the page's frame (inline CSS, no script, nothing fetched at view time).

/// `s` safe as HTML text and as a quoted attribute value: file names, entity names and quotes
/// come from the corpus and may hold markup.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters would be invisible or break the layout; show their code.
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}.disputed{color:#b00;font-weight:600}
figure{margin:1em 0 2em}figcaption{font-weight:600;margin-bottom:.3em}
pre.line{background:#f7f7f7;padding:.4em .6em;overflow-x:auto;white-space:pre-wrap;margin:.3em 0}
mark{background:#ffe08a}.sev-warning{color:#a60}.sev-error{color:#b00}.sev-information,.sev-hint{color:#357}
nav a{margin-right:1em}svg{max-width:100%;height:auto}
";

/// The whole page around `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{1b}b"), "a\\u{1b}b");
        let p = page("<b>", "<p>x</p>");
        assert!(p.contains("<title>&lt;b&gt;</title>"));
        assert!(!p.contains("<script"), "the page needs no script");
    }
}

//! A panic in one piece of work kept to that piece: the corpus goes on without it.
//!
//! Panics in the analysis are bugs and are fixed where found; this is what keeps one such bug
//! in one file from taking a whole corpus (every CLI command, the server's index) down with it.

/// Runs `f`; a panic becomes `Err` with its message (the panic hook has already printed it).
pub fn caught<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|e| {
        e.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// The reason given for a file whose analysis panicked.
pub fn reason(msg: &str) -> String {
    format!(
        "skipped: internal error while analysing it ({}); please report it",
        super::path_text::printable(msg)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(super::caught(|| 7), Ok(7));
        let e = super::caught(|| -> u8 { panic!("bad {}", 1) }).unwrap_err();
        assert_eq!(e, "bad 1");
        assert!(super::reason("x\ny").contains("x\\x0ay"));
    }
}

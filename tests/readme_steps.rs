//! The READMEs, followed literally: the Rust version they ask for is the one Cargo.toml
//! declares, `check examples/corpus` exits as the README says, the CLI contract they point at
//! is in the repository, and the editor READMEs run the binary the README's steps build.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn the_rust_version_asked_for_is_the_declared_one() {
    let cargo = read("Cargo.toml");
    let declared = cargo
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .expect("Cargo.toml declares rust-version")
        .trim_matches('"');
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("Needs a Rust toolchain, {declared} or later")),
        "README.md does not ask for Rust {declared}"
    );
}

#[test]
fn check_on_the_example_exits_as_the_readme_says() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
            .args(args)
            .current_dir(repo())
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        run(&["check", "examples/corpus"]),
        Some(1),
        "warnings found"
    );
    assert_eq!(
        run(&["check", "examples/corpus", "--fail-on", "never"]),
        Some(0)
    );
    assert_eq!(run(&["check", "examples/no-such-corpus"]), Some(2));
}

#[test]
fn the_cli_contract_is_in_the_repository() {
    assert!(read("README.md").contains("(docs/CLI.md)"));
    let contract = read("docs/CLI.md");
    for needle in ["start_byte", "--fail-on", "Exit status"] {
        assert!(contract.contains(needle), "docs/CLI.md lacks {needle}");
    }
}

#[test]
fn editor_readmes_use_the_binary_the_readme_builds() {
    for rel in [
        "editors/neovim/README.md",
        "editors/emacs/README.md",
        "editors/helix/README.md",
        "editors/vscode/README.md",
    ] {
        let text = read(rel);
        assert!(
            !text.contains("target/debug/corpus-ls"),
            "{rel} runs a debug build the README never makes"
        );
        assert!(
            text.contains("cargo install --path .") || text.contains("target/release/corpus-ls"),
            "{rel} does not say how the binary it runs is built"
        );
    }
}

//! `corpus-ls.toml`: include/exclude and notes globs, severities, user entities, ignored forms.

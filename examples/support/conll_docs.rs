//! Shared by the CoNLL examples: reading the derived text + gold standoff files.

use corpus_ls::extract::entities::training::GoldDoc;
use corpus_ls::model::{EntityType, Span};
use std::path::Path;

/// Reads `dir/NNNN.txt` with `dir/NNNN.gold.jsonl`, in name order.
pub fn read_split(dir: &Path) -> std::io::Result<Vec<GoldDoc>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let mut docs = Vec::with_capacity(names.len());
    for p in names {
        let text = std::fs::read_to_string(&p)?;
        let gold_path = p.with_extension("gold.jsonl");
        let mut gold = Vec::new();
        for line in std::fs::read_to_string(&gold_path)?.lines() {
            let v: serde_json::Value = serde_json::from_str(line).map_err(std::io::Error::other)?;
            let (Some(s), Some(e), Some(t)) =
                (v["start"].as_u64(), v["end"].as_u64(), v["type"].as_str())
            else {
                continue;
            };
            if let Some(ty) = EntityType::parse(t) {
                gold.push((Span::new(s as usize, e as usize), ty));
            }
        }
        docs.push(GoldDoc { text, gold });
    }
    Ok(docs)
}

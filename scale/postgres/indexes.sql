-- Made after the COPY of a load (a bulk load into indexed tables is several times slower).
ALTER TABLE corpus_ls.entities ADD PRIMARY KEY (id);
CREATE INDEX aliases_key ON corpus_ls.aliases (key);
-- Mentions of an entity, paged in (rel, start_byte) order.
CREATE INDEX mentions_entity ON corpus_ls.mentions (entity, rel, start_byte);
-- Mentions in one file (hover and references over an archive file).
CREATE INDEX mentions_rel ON corpus_ls.mentions (rel, start_byte);
-- Facts by quantity key, then by any shared context word.
CREATE INDEX facts_key ON corpus_ls.facts (dim, unit);
CREATE INDEX facts_context ON corpus_ls.facts USING gin (context);
CREATE INDEX documents_rel ON corpus_ls.documents (rel);
ANALYZE corpus_ls.entities;
ANALYZE corpus_ls.aliases;
ANALYZE corpus_ls.mentions;
ANALYZE corpus_ls.facts;
ANALYZE corpus_ls.documents;

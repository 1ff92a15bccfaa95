-- corpus-ls archive index: the tables `corpus-ls archive load` fills from a snapshot.
-- A load replaces the whole schema in one transaction: readers see the old snapshot or the new
-- one, never half of one. Indexes are made after the COPY (indexes.sql).
CREATE SCHEMA corpus_ls;

CREATE TABLE corpus_ls.snapshot (
    version    text PRIMARY KEY,
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    manifest   text NOT NULL
);

-- One row an analysed file of the archive.
CREATE TABLE corpus_ls.documents (
    rel    text NOT NULL,   -- path from the archive root, '/'-separated
    kind   text NOT NULL,   -- article | note
    bytes  bigint NOT NULL,
    text   text NOT NULL    -- the file's text (check reads the articles a note's figures meet)
);

-- One row a canonical entity (the registry join's result).
CREATE TABLE corpus_ls.entities (
    id           bigint NOT NULL,
    name         text NOT NULL,
    type         text NOT NULL,   -- PER | ORG | LOC | MISC
    aliases      text[] NOT NULL, -- surface forms as written, in corpus order
    mentions     bigint NOT NULL,
    files        bigint NOT NULL,
    description  text
);

-- Every name an entity goes by, under its plain key (lowercase, punctuation folded).
CREATE TABLE corpus_ls.aliases (
    key     text NOT NULL,
    alias   text NOT NULL,
    entity  bigint NOT NULL
);

-- Every mention of every entity; positions are LSP's (0-based lines, UTF-16 characters).
CREATE TABLE corpus_ls.mentions (
    entity         bigint NOT NULL,
    rel            text NOT NULL,
    start_byte     bigint NOT NULL,
    end_byte       bigint NOT NULL,
    line           bigint NOT NULL,
    character      bigint NOT NULL,
    end_line       bigint NOT NULL,
    end_character  bigint NOT NULL,
    text           text NOT NULL
);

-- The articles' figure facts the checks compare, with their quantity key and context words.
CREATE TABLE corpus_ls.facts (
    rel         text NOT NULL,
    start_byte  bigint NOT NULL,
    end_byte    bigint NOT NULL,
    written     text NOT NULL,
    dim         text NOT NULL,   -- money | ratio | pp | count | date | duration | number
    unit        text NOT NULL,   -- currency or counted noun, or ''
    low         double precision,  -- null: unbounded
    high        double precision,
    line        bigint NOT NULL,
    context     text[] NOT NULL
);

-- Knowledge articles: one typed row each (see Core/Records/KnowledgeArticles/KnowledgeArticleKind for the fields and states).
CREATE TABLE knowledge_articles (
    id            TEXT NOT NULL PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    state         TEXT NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    body          TEXT NULL,
    category      TEXT NULL,
    service       TEXT NULL,
    source_record TEXT NULL,
    audience      TEXT NULL
);
CREATE INDEX ix_knowledge_articles_created ON knowledge_articles (created_at, id);
CREATE INDEX ix_knowledge_articles_state ON knowledge_articles (state, category, created_at);
CREATE INDEX ix_knowledge_articles_service ON knowledge_articles (service, state);
CREATE INDEX ix_knowledge_articles_source ON knowledge_articles (source_record);

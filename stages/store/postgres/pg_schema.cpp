// PostgreSQL backend: the schema as versioned migrations, applied on open under an
// advisory lock, and opening the connection.
#include <memory>

#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store.h"
#include "stages/store/postgres/pg_store_impl.h"

namespace pressarchive {
namespace {

// Migrations, applied in order on open; entry i brings the schema to version i + 1 and
// is recorded in schema_migrations. Never edit an entry that has shipped: add one.
// Version 1 is the logical schema of SQLite version 4 (stages/store/sqlite/sqlite_schema.cpp); raw
// path bytes are BYTEA, and the full-text index is a generated tsvector (German and
// English stemming of title and text) under a GIN index.
const char* kMigrations[] = {
    R"SQL(
CREATE TABLE runs (
  id BIGSERIAL PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  command TEXT,
  config TEXT,
  provenance TEXT,
  summary TEXT,
  exit_code INTEGER
);
CREATE TABLE records (
  id BIGSERIAL PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size BIGINT,
  format TEXT,
  kind TEXT,
  page_count INTEGER,
  title TEXT, subtitle TEXT, release_date TEXT, place TEXT, issuer TEXT,
  language TEXT, document_type TEXT,
  text TEXT, body TEXT,
  ocr_confidence DOUBLE PRECISION,
  duplicate_of BIGINT REFERENCES records(id),
  duplicate_score DOUBLE PRECISION,
  revision_of BIGINT REFERENCES records(id),
  revision_score DOUBLE PRECISION,
  status TEXT NOT NULL,
  provenance TEXT,
  run_id BIGINT REFERENCES runs(id),
  created_at TEXT NOT NULL,
  updated_at TEXT,
  needs_review INTEGER NOT NULL DEFAULT 0,
  review_reasons TEXT,
  manual_fields TEXT,
  metadata_details TEXT,
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('german', coalesce(text, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(text, '')), 'B')) STORED
);
CREATE INDEX records_search ON records USING GIN (search_vector);
CREATE INDEX records_by_duplicate ON records(duplicate_of);
CREATE INDEX records_by_revision ON records(revision_of);
CREATE INDEX records_to_review ON records(id) WHERE needs_review = 1;
CREATE TABLE sources (
  id BIGSERIAL PRIMARY KEY,
  path BYTEA NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT,
  format TEXT,
  record_id BIGINT NOT NULL REFERENCES records(id),
  run_id BIGINT REFERENCES runs(id),
  added_at TEXT NOT NULL,
  UNIQUE (path, sha256)
);
CREATE INDEX sources_by_hash ON sources(sha256);
CREATE INDEX sources_by_record ON sources(record_id);
CREATE TABLE pages (
  record_id BIGINT NOT NULL REFERENCES records(id),
  number INTEGER NOT NULL,
  method TEXT NOT NULL,
  text TEXT,
  confidence DOUBLE PRECISION,
  rotation INTEGER,
  skew DOUBLE PRECISION,
  alto TEXT,
  error_reason TEXT,
  error TEXT,
  seconds DOUBLE PRECISION,
  lines TEXT,
  PRIMARY KEY (record_id, number)
);
CREATE TABLE failures (
  id BIGSERIAL PRIMARY KEY,
  path BYTEA NOT NULL,
  sha256 TEXT,
  stage TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  run_id BIGINT REFERENCES runs(id),
  attempt INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolution TEXT
);
CREATE INDEX failures_by_hash ON failures(sha256);
CREATE INDEX failures_by_path ON failures(path);
CREATE INDEX failures_open ON failures(resolved_at, created_at);
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  record_id BIGINT REFERENCES records(id),
  source_path BYTEA,
  run_id BIGINT REFERENCES runs(id),
  agent TEXT,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX events_by_record ON events(record_id);
CREATE INDEX events_by_path ON events(source_path) WHERE record_id IS NULL;
-- scheme 1: character 6-grams, 128 permutations with fixed seeds, 32 bands x 4 rows.
CREATE TABLE near_dup_signatures (
  record_id BIGINT PRIMARY KEY REFERENCES records(id),
  scheme INTEGER NOT NULL,
  signature BYTEA NOT NULL
);
CREATE TABLE near_dup_bands (
  band_key BIGINT NOT NULL,
  record_id BIGINT NOT NULL REFERENCES records(id),
  PRIMARY KEY (band_key, record_id)
);
CREATE INDEX near_dup_bands_by_record ON near_dup_bands(record_id);
)SQL",
    R"SQL(
-- The work queue of `enqueue` and `worker`: one job per source (path bytes, content hash).
-- Workers claim queued jobs with SELECT ... FOR UPDATE SKIP LOCKED, hold a lease they
-- renew, and complete the job in the transaction that stores its result.
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  path BYTEA NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'queued',   -- queued | running | done | quarantined
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT, lease_expires TIMESTAMPTZ,
  enqueued_at TIMESTAMPTZ NOT NULL DEFAULT now(), started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
  outcome TEXT,                           -- archived | duplicate | failed | known
  last_error TEXT,
  UNIQUE (path, sha256));
CREATE INDEX jobs_claimable ON jobs (state, id);
)SQL",
    R"SQL(
-- Learned boilerplate (SQLite version 5, sqlite_learned_boilerplate.cpp): lines counted
-- per issuer as the records name it, and how many records of each issuer were counted.
CREATE TABLE boilerplate_issuers (
  issuer TEXT PRIMARY KEY,
  records BIGINT NOT NULL
);
CREATE TABLE boilerplate_lines (
  id BIGSERIAL PRIMARY KEY,
  issuer TEXT NOT NULL,
  line_key TEXT NOT NULL,
  line TEXT NOT NULL,
  records BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'counted',
  updated_at TEXT,
  UNIQUE (issuer, line_key)
);
CREATE INDEX boilerplate_lines_by_records ON boilerplate_lines(records);
CREATE INDEX boilerplate_lines_by_state ON boilerplate_lines(state) WHERE state != 'counted';
CREATE INDEX records_by_issuer ON records(issuer);
)SQL",
    R"SQL(
-- The web page's search (pg_store_browse.cpp): newest first without reading every row.
CREATE INDEX records_by_release_date ON records(release_date);
)SQL",
    R"SQL(
-- scheme 2: the whole text (stages/near_dup/signature_v2.h); band keys with the top bit set. Re-signing
-- (pipeline/resign.cpp) finds the records of an older scheme through this index, so an
-- archive that has none left pays one index lookup, not a scan of its signatures.
CREATE INDEX near_dup_signatures_by_scheme ON near_dup_signatures(scheme, record_id);
)SQL",
    R"SQL(
-- The web page's search (pg_store_browse.cpp): facet counts without words read this index
-- instead of the rows (which carry the whole text), and newest first is this order.
CREATE INDEX records_facets ON records(issuer, place, release_date, kind, needs_review);
CREATE INDEX records_newest ON records(release_date DESC NULLS LAST, id DESC);
)SQL",
    R"SQL(
-- The web page's search (pg_store_browse.cpp) filters, counts facets and orders in this
-- narrow copy of what it needs of each record, not in the records (whose rows carry the
-- text and body). The words' tsvector is kept out of line (EXTERNAL, and a row target of
-- 128 bytes), so a scan of the rows a frequent word matches reads about 120 bytes each.
-- Triggers keep it in the transaction that writes the record, on every write path.
CREATE TABLE record_search (
  record_id BIGINT PRIMARY KEY REFERENCES records(id) ON DELETE CASCADE,
  issuer TEXT,
  place TEXT,
  year TEXT,
  release_date TEXT,
  kind TEXT,
  needs_review INTEGER NOT NULL,
  search_vector tsvector NOT NULL
) WITH (toast_tuple_target = 128);
ALTER TABLE record_search ALTER COLUMN search_vector SET STORAGE EXTERNAL;
CREATE FUNCTION record_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_search AS s
  VALUES (NEW.id, NEW.issuer, NEW.place, substr(NEW.release_date, 1, 4), NEW.release_date,
          NEW.kind, NEW.needs_review, NEW.search_vector)
  ON CONFLICT (record_id) DO UPDATE
    SET issuer = EXCLUDED.issuer, place = EXCLUDED.place, year = EXCLUDED.year,
        release_date = EXCLUDED.release_date, kind = EXCLUDED.kind,
        needs_review = EXCLUDED.needs_review, search_vector = EXCLUDED.search_vector;
  RETURN NULL;
END
$$;
CREATE TRIGGER records_search_insert AFTER INSERT ON records
  FOR EACH ROW EXECUTE FUNCTION record_search_keep();
CREATE TRIGGER records_search_update AFTER UPDATE ON records
  FOR EACH ROW WHEN ((OLD.issuer, OLD.place, OLD.release_date, OLD.kind, OLD.needs_review,
                      OLD.title, OLD.text) IS DISTINCT FROM
                     (NEW.issuer, NEW.place, NEW.release_date, NEW.kind, NEW.needs_review,
                      NEW.title, NEW.text))
  EXECUTE FUNCTION record_search_keep();
INSERT INTO record_search
  SELECT id, issuer, place, substr(release_date, 1, 4), release_date, kind, needs_review,
         search_vector
  FROM records;
-- A search without words or filters reads the facets' counts here instead of counting
-- every record: how many records have each value of each facet ('' for none). Kept at
-- commit (a deferred trigger), so that concurrent writers wait for each other's count rows
-- only for the commit itself, each locking them in the same order.
CREATE TABLE facet_counts (
  facet TEXT NOT NULL,
  value TEXT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (facet, value)
);
CREATE FUNCTION record_facet_values(r records) RETURNS TABLE (facet TEXT, value TEXT)
LANGUAGE sql IMMUTABLE AS $$
  VALUES ('issuer', coalesce(r.issuer, '')), ('place', coalesce(r.place, '')),
         ('year', coalesce(substr(r.release_date, 1, 4), '')), ('kind', coalesce(r.kind, '')),
         ('needs_review', CASE WHEN r.needs_review <> 0 THEN 'yes' ELSE 'no' END)
$$;
CREATE FUNCTION facet_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO facet_counts AS c (facet, value, count)
  SELECT d.facet, d.value, sum(d.change) FROM (
    SELECT f.facet, f.value, 1 AS change FROM record_facet_values(NEW) f
    UNION ALL
    SELECT f.facet, f.value, -1 FROM record_facet_values(OLD) f WHERE TG_OP = 'UPDATE') d
  GROUP BY d.facet, d.value HAVING sum(d.change) <> 0 ORDER BY d.facet, d.value
  ON CONFLICT (facet, value) DO UPDATE SET count = c.count + EXCLUDED.count;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER records_facets_insert AFTER INSERT ON records
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION facet_counts_keep();
CREATE CONSTRAINT TRIGGER records_facets_update AFTER UPDATE ON records
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN ((OLD.issuer, OLD.place, OLD.release_date, OLD.kind, OLD.needs_review)
                     IS DISTINCT FROM (NEW.issuer, NEW.place, NEW.release_date, NEW.kind,
                                       NEW.needs_review))
  EXECUTE FUNCTION facet_counts_keep();
INSERT INTO facet_counts
  SELECT f.facet, f.value, count(*) FROM records r, record_facet_values(r) f GROUP BY 1, 2;
CREATE INDEX record_search_words ON record_search USING GIN (search_vector);
CREATE INDEX record_search_newest ON record_search(release_date DESC NULLS LAST, record_id DESC);
DROP INDEX records_facets;
DROP INDEX records_newest;
ANALYZE record_search;
)SQL",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

}  // namespace

std::string pg_text(const std::string& s) {
  std::string out = valid_utf8(s);
  std::erase(out, '\0');
  return out;
}

pqxx::binarystring pg_bytes(const std::string& s) { return pqxx::binarystring(s.data(), s.size()); }

std::string bytes_of(const pqxx::field& f) {
  return f.is_null() ? std::string() : pqxx::binarystring(f).str();
}

Status PgStore::init() {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    // Workers started together wait here; the first applies the migrations, the others
    // then find the schema current. DDL is transactional, so a failed migration leaves
    // the previous version intact.
    tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", " +
            std::to_string(kMigrationLock) + ")");
    tx.exec("SET LOCAL client_min_messages = warning");
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const int version =
        tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
    if (version > kSchemaVersion)
      return make_error(Reason::kUnsupported,
                        name_ + ": archive was written by a newer pressarchive (schema " +
                            std::to_string(version) + ")");
    for (int v = version; v < kSchemaVersion; ++v) {
      tx.exec(kMigrations[v]);
      tx.exec_params("INSERT INTO schema_migrations(version) VALUES ($1)", v + 1);
    }
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot apply the schema", e);
  }
}

Error PgStore::db_error(const std::string& what, const std::exception& e) const {
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return make_error(Reason::kIo, name_ + ": " + what + ": " + message);
}

Result<std::unique_ptr<ArchiveStore>> open_postgresql_store(const std::string& uri) {
  const std::string name = redact_uri(uri);
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(uri);
  } catch (const std::exception& e) {
    std::string message = e.what();
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return make_error(Reason::kIo, name + ": cannot open the archive: " + message);
  }
  auto store = std::make_unique<PgStore>(std::move(conn), name);
  if (Status s = store->init(); !s.ok())
    return make_error(s.error().reason, "cannot initialise the archive: " + s.error().message);
  return std::unique_ptr<ArchiveStore>(std::move(store));
}

}  // namespace pressarchive

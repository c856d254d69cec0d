#include <memory>

#include "stages/store/sqlite/sqlite_learned_boilerplate.h"
#include "stages/store/sqlite/sqlite_store.h"
#include "stages/store/sqlite/sqlite_store_impl.h"

namespace pressarchive {
namespace {

// Migrations, applied in order on open; entry i brings the schema to version i + 1.
// Never edit an entry that has shipped: add one.
const char* kMigrations[] = {
    R"SQL(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  command TEXT,
  config TEXT,
  provenance TEXT,
  summary TEXT,
  exit_code INTEGER
);
CREATE TABLE IF NOT EXISTS records (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  size INTEGER,
  format TEXT,
  kind TEXT,
  page_count INTEGER,
  title TEXT, subtitle TEXT, release_date TEXT, place TEXT, issuer TEXT,
  language TEXT, document_type TEXT,
  text TEXT, body TEXT,
  ocr_confidence REAL,
  duplicate_of INTEGER REFERENCES records(id),
  status TEXT NOT NULL,
  provenance TEXT,
  run_id INTEGER REFERENCES runs(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
  id INTEGER PRIMARY KEY,
  path BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER,
  format TEXT,
  record_id INTEGER NOT NULL REFERENCES records(id),
  run_id INTEGER REFERENCES runs(id),
  added_at TEXT NOT NULL,
  UNIQUE (path, sha256)
);
CREATE INDEX IF NOT EXISTS sources_by_hash ON sources(sha256);
CREATE TABLE IF NOT EXISTS pages (
  record_id INTEGER NOT NULL REFERENCES records(id),
  number INTEGER NOT NULL,
  method TEXT NOT NULL,
  text TEXT,
  confidence REAL,
  rotation INTEGER,
  skew REAL,
  alto TEXT,
  error_reason TEXT,
  error TEXT,
  seconds REAL,
  PRIMARY KEY (record_id, number)
);
CREATE TABLE IF NOT EXISTS failures (
  id INTEGER PRIMARY KEY,
  path BLOB NOT NULL,
  sha256 TEXT,
  stage TEXT NOT NULL,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  created_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE INDEX IF NOT EXISTS failures_by_hash ON failures(sha256);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
  title, text, content='records', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
)SQL",
    R"SQL(
ALTER TABLE failures ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE failures ADD COLUMN resolution TEXT;
ALTER TABLE records ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN review_reasons TEXT;
ALTER TABLE records ADD COLUMN manual_fields TEXT;
ALTER TABLE records ADD COLUMN updated_at TEXT;
ALTER TABLE pages ADD COLUMN lines TEXT;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  record_id INTEGER REFERENCES records(id),
  source_path BLOB,
  run_id INTEGER REFERENCES runs(id),
  agent TEXT,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX events_by_record ON events(record_id);
CREATE INDEX failures_open ON failures(resolved_at, created_at);
)SQL",
    R"SQL(
ALTER TABLE records ADD COLUMN duplicate_score REAL;
ALTER TABLE records ADD COLUMN revision_of INTEGER REFERENCES records(id);
ALTER TABLE records ADD COLUMN revision_score REAL;
CREATE INDEX records_by_duplicate ON records(duplicate_of);
CREATE INDEX records_by_revision ON records(revision_of);
-- scheme 1: character 6-grams, 128 permutations with fixed seeds, 32 bands x 4 rows.
CREATE TABLE near_dup_signatures (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  scheme INTEGER NOT NULL,
  signature BLOB NOT NULL
);
CREATE TABLE near_dup_bands (
  band_key INTEGER NOT NULL,
  record_id INTEGER NOT NULL REFERENCES records(id),
  PRIMARY KEY (band_key, record_id)
) WITHOUT ROWID;
CREATE INDEX near_dup_bands_by_record ON near_dup_bands(record_id);
)SQL",
    R"SQL(
-- persons, per-field confidence and conflicts found by metadata extraction (JSON).
ALTER TABLE records ADD COLUMN metadata_details TEXT;
)SQL",
    sqlite_learned_boilerplate::kMigration,  // version 5: learned boilerplate
    R"SQL(
-- The web page's search (sqlite_store_browse.cpp): facet counts and the choice of a page of
-- hits read this index, by id, instead of rows that carry the whole text (needs_review
-- lies behind it); the newest-first order reads the second.
CREATE INDEX records_facets ON records(id, issuer, place, release_date, kind, needs_review);
CREATE INDEX records_by_release_date ON records(release_date);
)SQL",
    R"SQL(
-- scheme 2: the whole text (stages/near_dup/signature_v2.h); band keys with the top bit set. Re-signing
-- (pipeline/resign.cpp) finds the records of an older scheme through this index, so an
-- archive that has none left pays one index lookup, not a scan of its signatures.
CREATE INDEX near_dup_signatures_by_scheme ON near_dup_signatures(scheme, record_id);
)SQL",
    R"SQL(
-- status() counts the sources linked to each record (duplicate copies): without this index
-- that count read every source for every record (minutes at 100,000 records).
CREATE INDEX IF NOT EXISTS sources_by_record ON sources(record_id);
)SQL",
    R"SQL(
-- The web page's search without words or filters (sqlite_store_browse.cpp) reads the
-- facets' counts here instead of tallying every record: how many records have each value
-- of each facet (issuer, place, year, kind, needs_review; '' for none), kept by triggers
-- in the transaction that writes the record (records are never deleted).
CREATE TABLE facet_counts (
  facet TEXT NOT NULL,
  value TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (facet, value)
) WITHOUT ROWID;
-- A record's value of each facet, as the search counts it.
CREATE VIEW record_facets(record_id, facet, value) AS
  SELECT id, 'issuer', coalesce(issuer, '') FROM records UNION ALL
  SELECT id, 'place', coalesce(place, '') FROM records UNION ALL
  SELECT id, 'year', substr(coalesce(release_date, ''), 1, 4) FROM records UNION ALL
  SELECT id, 'kind', coalesce(kind, '') FROM records UNION ALL
  SELECT id, 'needs_review', CASE WHEN needs_review THEN 'yes' ELSE 'no' END FROM records;
CREATE TRIGGER records_facets_insert AFTER INSERT ON records BEGIN
  INSERT INTO facet_counts SELECT facet, value, 1 FROM record_facets WHERE record_id = NEW.id
  ON CONFLICT DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER records_facets_unset
BEFORE UPDATE OF issuer, place, release_date, kind, needs_review ON records BEGIN
  UPDATE facet_counts SET count = count - 1
  WHERE (facet, value) IN (SELECT facet, value FROM record_facets WHERE record_id = OLD.id);
END;
CREATE TRIGGER records_facets_set
AFTER UPDATE OF issuer, place, release_date, kind, needs_review ON records BEGIN
  INSERT INTO facet_counts SELECT facet, value, 1 FROM record_facets WHERE record_id = NEW.id
  ON CONFLICT DO UPDATE SET count = count + 1;
END;
INSERT INTO facet_counts SELECT facet, value, count(*) FROM record_facets GROUP BY facet, value;
)SQL",
};
constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

}  // namespace

void SqliteStore::read_each_record_once() {
  // SQLite's default 2 MB: init's 64 MB would fill with rows read once.
  static_cast<void>(exec("PRAGMA cache_size=-2000;"));
}

Status SqliteStore::init() {
  // 64 MB of page cache (SQLite's default is 2 MB): the band index and the rows that
  // near-duplicate placement reads stay in the process instead of being read again.
  if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                      "PRAGMA cache_size=-65536;");
      !s.ok())
    return s;
  sqlite3_busy_timeout(db_, 10000);
  // BEGIN IMMEDIATE: two processes opening a new archive at once migrate it once.
  if (Status s = exec(
          "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);");
      !s.ok())
    return s;
  int version = 0;
  {
    Statement q(db_, "SELECT version FROM schema_version");
    if (q.step() == SQLITE_ROW) version = static_cast<int>(q.integer(0));
  }
  if (version > kSchemaVersion) {
    rollback();
    return make_error(Reason::kUnsupported,
                      path_ + ": archive was written by a newer pressarchive (schema " +
                          std::to_string(version) + ")");
  }
  for (int v = version; v < kSchemaVersion; ++v) {
    if (Status s = exec(kMigrations[v]); !s.ok()) {
      rollback();
      return s;
    }
  }
  if (version != kSchemaVersion) {
    Status s = exec("DELETE FROM schema_version");
    if (s.ok())
      s = exec("INSERT INTO schema_version(version) VALUES (" + std::to_string(kSchemaVersion) +
               ")");
    if (!s.ok()) {
      rollback();
      return s;
    }
  }
  return exec("COMMIT");
}

Status SqliteStore::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return make_error(Reason::kIo, path_ + ": " + text);
  }
  return Status::Ok();
}

Error SqliteStore::db_error(const std::string& what) {
  return make_error(Reason::kIo, path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

Result<std::unique_ptr<ArchiveStore>> open_sqlite_store(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(Reason::kIo, path + ": cannot open the archive: " + message);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  if (Status s = store->init(); !s.ok())
    return make_error(s.error().reason, "cannot initialise the archive: " + s.error().message);
  return std::unique_ptr<ArchiveStore>(std::move(store));
}

}  // namespace pressarchive

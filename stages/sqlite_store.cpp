#include "stages/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <map>
#include <csignal>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "stages/sqlite_learned_boilerplate.h"
#include "stages/text_util.h"

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
};
constexpr int kSchemaVersion = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

const char* kNow = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

std::string metadata_details_json(const Metadata& m) {
  nlohmann::json persons = nlohmann::json::array();
  for (const Person& p : m.persons) persons.push_back({{"name", valid_utf8(p.name)}, {"role", valid_utf8(p.role)}});
  nlohmann::json conflicts = nlohmann::json::array();
  for (const std::string& c : m.conflicts) conflicts.push_back(valid_utf8(c));
  return nlohmann::json{{"persons", persons}, {"confidence", m.confidence}, {"conflicts", conflicts}}.dump();
}

void read_metadata_details(const std::string& text, Metadata& m) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  if (j.contains("persons") && j["persons"].is_array())
    for (const auto& p : j["persons"]) m.persons.push_back({p.value("name", ""), p.value("role", "")});
  if (j.contains("confidence") && j["confidence"].is_object())
    for (const auto& [field, value] : j["confidence"].items())
      if (value.is_number()) m.confidence[field] = value.get<double>();
  if (j.contains("conflicts") && j["conflicts"].is_array())
    for (const auto& c : j["conflicts"]) m.conflicts.push_back(c.get<std::string>());
}

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool valid() const { return stmt_ != nullptr; }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_blob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, const std::optional<double>& v) {
    if (v) sqlite3_bind_double(stmt_, i, *v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string text(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Failure injection for the crash-safety tests: PRESSARCHIVE_CRASH_BEFORE_COMMIT=N kills
// the process with SIGKILL inside the N-th record transaction, after everything is
// written and before COMMIT: the harshest moment for a power cut.
void crash_point_before_commit() {
  static const char* setting = std::getenv("PRESSARCHIVE_CRASH_BEFORE_COMMIT");
  static std::atomic<int> commits{0};
  if (setting != nullptr && ++commits == std::atoi(setting)) std::raise(SIGKILL);
}

class SqliteStore : public ArchiveStore {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close(db_); }

  Status init() {
    if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !s.ok())
      return s;
    sqlite3_busy_timeout(db_, 10000);
    // BEGIN IMMEDIATE: two processes opening a new archive at once migrate it once.
    if (Status s = exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"); !s.ok())
      return s;
    int version = 0;
    {
      Statement q(db_, "SELECT version FROM schema_version");
      if (q.step() == SQLITE_ROW) version = static_cast<int>(q.integer(0));
    }
    if (version > kSchemaVersion) {
      exec("ROLLBACK");
      return make_error(Reason::kUnsupported, path_ + ": archive was written by a newer pressarchive (schema " +
                                                  std::to_string(version) + ")");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
      if (Status s = exec(kMigrations[v]); !s.ok()) {
        exec("ROLLBACK");
        return s;
      }
    }
    if (version != kSchemaVersion) {
      exec("DELETE FROM schema_version");
      exec("INSERT INTO schema_version(version) VALUES (" + std::to_string(kSchemaVersion) + ")");
    }
    return exec("COMMIT");
  }

  KnownContent lookup(const std::string& sha256, const std::string& path) override {
    KnownContent known;
    Statement record(db_, "SELECT id FROM records WHERE sha256 = ?");
    record.bind(1, sha256);
    if (record.step() == SQLITE_ROW) known.record_id = record.integer(0);
    Statement source(db_, "SELECT 1 FROM sources WHERE sha256 = ? AND path = ?");
    source.bind(1, sha256).bind_blob(2, path);
    known.path_known = source.step() == SQLITE_ROW;
    Statement failure(db_, "SELECT 1 FROM failures WHERE sha256 = ? AND resolved_at IS NULL");
    failure.bind(1, sha256);
    known.failed_before = failure.step() == SQLITE_ROW;
    return known;
  }

  Result<std::int64_t> begin_run(const RunInfo& run) override {
    Statement insert(db_, std::string("INSERT INTO runs(started_at, command, config, provenance) VALUES (") +
                              kNow + ", ?, ?, ?)");
    insert.bind(1, run.command).bind(2, run.config).bind(3, run.provenance);
    if (insert.step() != SQLITE_DONE) return db_error("cannot record the run");
    agent_ = run.agent;
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status finish_run(std::int64_t run_id, const RunSummary& s) override {
    nlohmann::json summary = {
        {"inputs", s.inputs}, {"archived", s.archived}, {"duplicates", s.duplicates},
        {"failed", s.failed}, {"reprocessed", s.reprocessed}, {"near_duplicates", s.near_duplicates},
        {"revisions", s.revisions}, {"skipped_known", s.skipped_known},
        {"skipped_failed", s.skipped_failed}, {"pages_ocr", s.pages_ocr},
        {"pages_text_layer", s.pages_text_layer}, {"pages_failed", s.pages_failed},
        {"seconds", s.seconds}};
    Statement update(db_, std::string("UPDATE runs SET finished_at = ") + kNow +
                              ", summary = ?, exit_code = ? WHERE id = ?");
    update.bind(1, summary.dump()).bind(2, static_cast<std::int64_t>(s.exit_code)).bind(3, run_id);
    if (update.step() != SQLITE_DONE) return db_error("cannot finish the run");
    return Status::Ok();
  }

  Result<std::int64_t> archive_record(const Record& r, std::int64_t run_id) override {
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s.error();
    Result<std::int64_t> id = insert_record(r, run_id);
    if (!id.ok()) {
      exec("ROLLBACK");
      return id;
    }
    crash_point_before_commit();
    if (Status s = exec("COMMIT"); !s.ok()) {
      exec("ROLLBACK");
      return s.error();
    }
    return id;
  }

  Status link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) override {
    if (!insert_source(record_id, source.path.string(), source.sha256, source.size,
                       format_name(source.format), run_id) ||
        !resolve_failures(source.sha256, {source.path.string()}) ||
        !add_event("link", record_id, source.path.string(), run_id, "success",
                   "same bytes (sha256 " + source.sha256 + ") as the record's source"))
      return db_error("cannot link " + source.path.string());
    return Status::Ok();
  }

  Status replace_record(std::int64_t id, const Record& r, std::int64_t run_id) override {
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Status s = replace_in_transaction(id, r, run_id);
    if (s.ok()) s = exec("COMMIT");
    if (!s.ok()) exec("ROLLBACK");
    return s;
  }

  // Learned boilerplate: sqlite_learned_boilerplate.cpp.
  Status count_boilerplate_lines(const std::string& issuer,
                                 const std::vector<std::pair<std::string, std::string>>& lines) override {
    return sqlite_learned_boilerplate::count_lines(db_, path_, issuer, lines);
  }
  Result<std::vector<BoilerplateLine>> boilerplate_lines(std::int64_t min_records) override {
    return sqlite_learned_boilerplate::lines(db_, path_, min_records);
  }
  Result<bool> set_boilerplate_state(std::int64_t id, BoilerplateState state, const std::string& agent) override {
    return sqlite_learned_boilerplate::set_state(db_, path_, id, state, agent);
  }
  Result<std::int64_t> add_boilerplate_line(const std::string& issuer, const std::string& line_key,
                                            const std::string& line, const std::string& agent) override {
    return sqlite_learned_boilerplate::add_line(db_, path_, issuer, line_key, line, agent);
  }
  Result<std::vector<std::string>> issuers(std::int64_t min_records) override {
    return sqlite_learned_boilerplate::issuers(db_, path_, min_records);
  }

  Result<std::vector<Event>> events(std::int64_t record_id) override {
    Statement q(db_, "SELECT id, at, type, record_id, coalesce(source_path, ''), coalesce(run_id, 0), "
                     "coalesce(agent, ''), outcome, coalesce(detail, '') FROM events WHERE record_id = ? "
                     "OR (record_id IS NULL AND source_path IN (SELECT path FROM sources WHERE record_id = ?)) "
                     "ORDER BY id");
    q.bind(1, record_id).bind(2, record_id);
    std::vector<Event> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      Event e;
      e.id = q.integer(0);
      e.at = q.text(1);
      e.type = q.text(2);
      if (!q.is_null(3)) e.record_id = q.integer(3);
      e.source_path = q.text(4);
      e.run_id = q.integer(5);
      e.agent = q.text(6);
      e.outcome = q.text(7);
      e.detail = q.text(8);
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return db_error("cannot read events");
    return out;
  }

  Status record_failure(const Failure& f, std::int64_t run_id) override {
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    std::int64_t attempt = 1;
    {
      Statement previous(db_, "SELECT max(attempt) FROM failures WHERE path = ? AND coalesce(sha256, '') = ?");
      previous.bind_blob(1, f.source_path).bind(2, f.sha256);
      if (previous.step() == SQLITE_ROW && !previous.is_null(0)) attempt = previous.integer(0) + 1;
    }
    Statement close(db_, std::string("UPDATE failures SET resolved_at = ") + kNow +
                             ", resolution = 'retried' WHERE path = ? AND coalesce(sha256, '') = ? AND resolved_at IS NULL");
    close.bind_blob(1, f.source_path).bind(2, f.sha256);
    Statement insert(db_, std::string("INSERT INTO failures(path, sha256, stage, reason, message, run_id, attempt, created_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ") + kNow + ")");
    insert.bind_blob(1, f.source_path).bind(2, f.sha256).bind(3, f.stage)
        .bind(4, std::string(reason_name(f.reason))).bind(5, f.message).bind(6, run_id).bind(7, attempt);
    const bool ok = close.step() == SQLITE_DONE && insert.step() == SQLITE_DONE &&
                    add_event("failure", std::nullopt, f.source_path, run_id, "failure",
                              std::string(reason_name(f.reason)) + " at " + f.stage + " (attempt " +
                                  std::to_string(attempt) + "): " + f.message);
    if (!ok) {
      Error e = db_error("cannot record the failure of " + f.source_path);
      exec("ROLLBACK");
      return e;
    }
    return exec("COMMIT");
  }

  Result<StoreStatus> status() override {
    StoreStatus st;
    auto count = [&](const char* sql) {
      Statement q(db_, sql);
      return q.step() == SQLITE_ROW ? q.integer(0) : 0;
    };
    st.records = count("SELECT count(*) FROM records");
    st.sources = count("SELECT count(*) FROM sources");
    st.duplicate_sources = count(
        "SELECT count(*) FROM sources s WHERE s.id <> (SELECT min(id) FROM sources WHERE record_id = s.record_id)");
    st.failures = count("SELECT count(*) FROM failures WHERE resolved_at IS NULL");
    st.pages = count("SELECT count(*) FROM pages");
    Statement reasons(db_, "SELECT reason, count(*) FROM failures WHERE resolved_at IS NULL GROUP BY reason ORDER BY 2 DESC");
    while (reasons.step() == SQLITE_ROW) st.failures_by_reason.emplace_back(reasons.text(0), reasons.integer(1));
    Statement runs(db_, "SELECT id, started_at, coalesce(finished_at, ''), coalesce(summary, '{}'), coalesce(exit_code, -1) "
                        "FROM runs ORDER BY id DESC LIMIT 5");
    while (runs.step() == SQLITE_ROW) {
      RunRow row;
      row.id = runs.integer(0);
      row.started_at = runs.text(1);
      row.finished_at = runs.text(2);
      const nlohmann::json s = nlohmann::json::parse(runs.text(3), nullptr, false);
      if (s.is_object()) {
        row.summary.inputs = s.value("inputs", 0);
        row.summary.archived = s.value("archived", 0);
        row.summary.duplicates = s.value("duplicates", 0);
        row.summary.failed = s.value("failed", 0);
        row.summary.skipped_known = s.value("skipped_known", 0);
        row.summary.seconds = s.value("seconds", 0.0);
      }
      row.summary.exit_code = static_cast<int>(runs.integer(4));
      st.last_runs.push_back(row);
    }
    return st;
  }

  Result<std::optional<Record>> load_record(std::int64_t id) override {
    Statement q(db_, std::string(kRecordColumns) + " WHERE id = ?");
    q.bind(1, id);
    if (q.step() != SQLITE_ROW) return std::optional<Record>();
    return std::optional<Record>(read_record(q));
  }

  Result<std::vector<SearchHit>> search(const std::string& query, int limit) override {
    std::string match;
    for (const std::string& w : words(query)) {
      if (!match.empty()) match += " AND ";
      match += "\"" + w + "\"";
    }
    std::vector<SearchHit> hits;
    if (match.empty()) return hits;
    Statement q(db_,
                "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), "
                "snippet(records_fts, 1, '[', ']', '…', 12) FROM records_fts "
                "JOIN records r ON r.id = records_fts.rowid WHERE records_fts MATCH ? "
                "ORDER BY rank LIMIT ?");
    q.bind(1, match).bind(2, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      hits.push_back({q.integer(0), q.text(1), q.text(2), q.text(3)});
    if (rc != SQLITE_DONE) return db_error("search failed");
    return hits;
  }

  Status for_each_record(const std::function<void(const Record&)>& visit) override {
    Statement q(db_, std::string(kRecordColumns) + " ORDER BY id");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) visit(read_record(q));
    if (rc != SQLITE_DONE) return db_error("cannot read records");
    return Status::Ok();
  }

  Status set_manual_field(std::int64_t id, const std::string& field, const std::string& value,
                          const std::string& agent) override {
    Metadata probe;
    if (!set_metadata_field(probe, field, value))
      return make_error(Reason::kUnsupported, "field '" + field + "' cannot be edited");
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Statement q(db_, "SELECT coalesce(" + field + ", ''), coalesce(manual_fields, '{}'), coalesce(title, ''), "
                     "coalesce(text, '') FROM records WHERE id = ?");
    q.bind(1, id);
    if (q.step() != SQLITE_ROW) {
      exec("ROLLBACK");
      return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
    }
    const std::string old_value = q.text(0), old_title = q.text(2), text = q.text(3);
    nlohmann::json manual = nlohmann::json::parse(q.text(1), nullptr, false);
    if (!manual.is_object()) manual = nlohmann::json::object();
    manual[field] = value;
    Statement update(db_, "UPDATE records SET " + field + " = ?, manual_fields = ?, updated_at = " + kNow + " WHERE id = ?");
    update.bind(1, value).bind(2, manual.dump()).bind(3, id);
    bool ok = update.step() == SQLITE_DONE;
    if (ok && field == "title") {
      Statement remove(db_, "INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
      remove.bind(1, id).bind(2, old_title).bind(3, text);
      Statement add(db_, "INSERT INTO records_fts(rowid, title, text) VALUES (?, ?, ?)");
      add.bind(1, id).bind(2, value).bind(3, text);
      ok = remove.step() == SQLITE_DONE && add.step() == SQLITE_DONE;
    }
    const std::string saved_agent = agent_;
    agent_ = agent;
    ok = ok && add_event("edit", id, "", 0, "success", field + ": '" + old_value + "' -> '" + value + "' (manual)");
    agent_ = saved_agent;
    if (!ok) {
      Error e = db_error("cannot edit record " + std::to_string(id));
      exec("ROLLBACK");
      return e;
    }
    return exec("COMMIT");
  }

  Status mark_reviewed(std::int64_t id, const std::string& agent) override {
    if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Statement update(db_, std::string("UPDATE records SET needs_review = 0, updated_at = ") + kNow + " WHERE id = ?");
    update.bind(1, id);
    const std::string saved_agent = agent_;
    agent_ = agent;
    const bool ok = update.step() == SQLITE_DONE && sqlite3_changes(db_) == 1 &&
                    add_event("reviewed", id, "", 0, "success", "checked by a person; review flag cleared");
    agent_ = saved_agent;
    if (!ok) {
      exec("ROLLBACK");
      return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
    }
    return exec("COMMIT");
  }

  Status for_each_review(const std::function<void(const Record&)>& visit) override {
    Statement q(db_, std::string(kRecordColumns) + " WHERE needs_review = 1 ORDER BY id");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) visit(read_record(q));
    if (rc != SQLITE_DONE) return db_error("cannot read the review queue");
    return Status::Ok();
  }

  Result<std::vector<NearDuplicateCandidate>> near_duplicate_candidates(const std::vector<std::uint64_t>& keys,
                                                                        int limit) override {
    std::vector<NearDuplicateCandidate> out;
    if (keys.empty()) return out;
    std::string placeholders;
    for (std::size_t i = 0; i < keys.size(); ++i) placeholders += i ? ",?" : "?";
    Statement q(db_, "SELECT id, coalesce(body, ''), coalesce(release_date, ''), kind, ocr_confidence, duplicate_of "
                     "FROM records WHERE id IN (SELECT DISTINCT record_id FROM near_dup_bands WHERE band_key IN (" +
                         placeholders + ")) ORDER BY id LIMIT ?");
    for (std::size_t i = 0; i < keys.size(); ++i) q.bind(static_cast<int>(i) + 1, static_cast<std::int64_t>(keys[i]));
    q.bind(static_cast<int>(keys.size()) + 1, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      NearDuplicateCandidate c;
      c.id = q.integer(0);
      c.body = q.text(1);
      c.release_date = q.text(2);
      const std::string kind = q.text(3);
      for (RecordKind k : {RecordKind::kBornDigital, RecordKind::kScanned, RecordKind::kImage, RecordKind::kMixed})
        if (kind == record_kind_name(k)) c.kind = k;
      if (!q.is_null(4)) c.ocr_confidence = q.real(4);
      if (!q.is_null(5)) c.duplicate_of = q.integer(5);
      out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) return db_error("cannot look up near-duplicate candidates");
    return out;
  }

  Result<std::vector<ClusterRow>> clusters() override {
    Statement q(db_, "SELECT c.id, coalesce(c.title, ''), coalesce(c.release_date, ''), m.id, coalesce(m.duplicate_score, 0) "
                     "FROM records m JOIN records c ON c.id = m.duplicate_of ORDER BY c.id, m.id");
    std::vector<ClusterRow> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      if (out.empty() || out.back().canonical != q.integer(0)) out.push_back({q.integer(0), q.text(1), q.text(2), {}});
      out.back().members.emplace_back(q.integer(3), q.real(4));
    }
    if (rc != SQLITE_DONE) return db_error("cannot list clusters");
    return out;
  }

  Result<std::vector<std::pair<std::int64_t, double>>> revisions_of(std::int64_t id) override {
    Statement q(db_, "SELECT id, coalesce(revision_score, 0) FROM records WHERE revision_of = ? "
                     "UNION SELECT revision_of, coalesce(revision_score, 0) FROM records WHERE id = ? AND revision_of IS NOT NULL");
    q.bind(1, id).bind(2, id);
    std::vector<std::pair<std::int64_t, double>> out;
    while (q.step() == SQLITE_ROW) out.emplace_back(q.integer(0), q.real(1));
    return out;
  }

  Status for_each_failure(const std::function<void(const Failure&)>& visit) override {
    Statement q(db_, "SELECT id, path, coalesce(sha256, ''), stage, reason, message, created_at, "
                     "coalesce(run_id, 0), attempt FROM failures WHERE resolved_at IS NULL ORDER BY id DESC");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      Failure f;
      f.id = q.integer(0);
      f.source_path = q.text(1);
      f.sha256 = q.text(2);
      f.stage = q.text(3);
      f.reason = reason_from_name(q.text(4)).value_or(Reason::kInternal);
      f.message = q.text(5);
      f.created_at = q.text(6);
      f.run_id = q.integer(7);
      f.attempt = static_cast<int>(q.integer(8));
      visit(f);
    }
    if (rc != SQLITE_DONE) return db_error("cannot read failures");
    return Status::Ok();
  }

 private:
  static constexpr const char* kRecordColumns =
      "SELECT id, sha256, coalesce(size, 0), coalesce(format, ''), coalesce(kind, ''), "
      "coalesce(title, ''), coalesce(subtitle, ''), coalesce(release_date, ''), coalesce(place, ''), "
      "coalesce(issuer, ''), coalesce(language, ''), coalesce(document_type, ''), coalesce(text, ''), "
      "coalesce(body, ''), ocr_confidence, duplicate_of, status, coalesce(provenance, ''), created_at, "
      "needs_review, coalesce(review_reasons, '[]'), duplicate_score, revision_of, revision_score, "
      "coalesce(manual_fields, '{}'), coalesce(metadata_details, '{}') FROM records";

  Record read_record(Statement& q) {
    Record r;
    r.id = q.integer(0);
    r.sha256 = q.text(1);
    r.source_size = static_cast<std::uintmax_t>(q.integer(2));
    const std::string format = q.text(3), kind = q.text(4);
    for (SourceFormat f : {SourceFormat::kPdf, SourceFormat::kPng, SourceFormat::kJpeg, SourceFormat::kTiff,
                           SourceFormat::kGif, SourceFormat::kBmp, SourceFormat::kPnm, SourceFormat::kWebp,
                           SourceFormat::kJp2})
      if (format == format_name(f)) r.format = f;
    for (RecordKind k : {RecordKind::kBornDigital, RecordKind::kScanned, RecordKind::kImage, RecordKind::kMixed})
      if (kind == record_kind_name(k)) r.kind = k;
    r.metadata.title = q.text(5);
    r.metadata.subtitle = q.text(6);
    r.metadata.release_date = q.text(7);
    r.metadata.place = q.text(8);
    r.metadata.issuer = q.text(9);
    r.metadata.language = q.text(10);
    r.metadata.document_type = q.text(11);
    r.text = q.text(12);
    r.metadata.body = q.text(13);
    if (!q.is_null(14)) r.ocr_confidence = q.real(14);
    if (!q.is_null(15)) r.duplicate_of = q.integer(15);
    r.status = q.text(16);
    r.provenance = q.text(17);
    r.created_at = q.text(18);
    r.needs_review = q.integer(19) != 0;
    if (!q.is_null(21)) r.duplicate_score = q.real(21);
    if (!q.is_null(22)) r.revision_of = q.integer(22);
    if (!q.is_null(23)) r.revision_score = q.real(23);
    const nlohmann::json manual = nlohmann::json::parse(q.text(24), nullptr, false);
    if (manual.is_object())
      for (const auto& [field, value] : manual.items()) r.manual_fields.push_back(field);
    read_metadata_details(q.text(25), r.metadata);
    const nlohmann::json reasons = nlohmann::json::parse(q.text(20), nullptr, false);
    if (reasons.is_array())
      for (const auto& reason : reasons) r.review_reasons.push_back(reason.get<std::string>());

    Statement sources(db_, "SELECT path FROM sources WHERE record_id = ? ORDER BY id");
    sources.bind(1, r.id);
    while (sources.step() == SQLITE_ROW) r.source_paths.push_back(sources.text(0));
    Statement pages(db_, "SELECT number, method, coalesce(text, ''), confidence, coalesce(rotation, 0), "
                         "coalesce(skew, 0), coalesce(error_reason, ''), coalesce(error, ''), coalesce(seconds, 0), "
                         "coalesce(lines, '[]'), coalesce(alto, '') FROM pages WHERE record_id = ? ORDER BY number");
    pages.bind(1, r.id);
    while (pages.step() == SQLITE_ROW) {
      PageResult p;
      p.number = static_cast<int>(pages.integer(0));
      const std::string method = pages.text(1);
      p.method = method == "ocr" ? PageMethod::kOcr : method == "text-layer" ? PageMethod::kTextLayer : PageMethod::kFailed;
      p.text = pages.text(2);
      if (!pages.is_null(3)) p.confidence = pages.real(3);
      p.rotation = static_cast<int>(pages.integer(4));
      p.skew = pages.real(5);
      if (p.method == PageMethod::kFailed)
        p.error = Error{reason_from_name(pages.text(6)).value_or(Reason::kInternal), pages.text(7)};
      p.seconds = pages.real(8);
      const nlohmann::json lines = nlohmann::json::parse(pages.text(9), nullptr, false);
      if (lines.is_array())
        for (const auto& l : lines)
          if (l.is_array() && l.size() == 3)
            p.lines.push_back({l[0].get<std::string>(), l[1].get<float>(), l[2].get<bool>()});
      p.alto = pages.text(10);
      r.pages.push_back(std::move(p));
    }
    return r;
  }

  Result<std::int64_t> insert_record(const Record& r, std::int64_t run_id) {
    Statement insert(db_, std::string(
        "INSERT INTO records(sha256, size, format, kind, page_count, title, subtitle, release_date, place, "
        "issuer, language, document_type, text, body, ocr_confidence, status, provenance, run_id, "
        "needs_review, review_reasons, duplicate_of, duplicate_score, revision_of, revision_score, metadata_details, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ") + kNow + ")");
    insert.bind(1, r.sha256).bind(2, static_cast<std::int64_t>(r.source_size))
        .bind(3, std::string(format_name(r.format)));
    bind_derived(insert, 4, r);
    insert.bind(18, run_id);
    insert.bind(19, static_cast<std::int64_t>(r.needs_review)).bind(20, nlohmann::json(r.review_reasons).dump());
    bind_optional(insert, 21, r.duplicate_of);
    insert.bind(22, r.duplicate_score);
    bind_optional(insert, 23, r.revision_of);
    insert.bind(24, r.revision_score);
    insert.bind(25, metadata_details_json(r.metadata));
    if (insert.step() != SQLITE_DONE) return db_error("cannot store the record of " + first_path(r));
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    if (Status s = write_pages_and_index(id, r); !s.ok()) return s.error();
    if (Status s = write_cluster_links(id, r, run_id); !s.ok()) return s.error();
    for (const std::string& path : r.source_paths)
      if (!insert_source(id, path, r.sha256, r.source_size, format_name(r.format), run_id))
        return db_error("cannot store source " + path);
    if (!resolve_failures(r.sha256, r.source_paths)) return db_error("cannot resolve earlier failures");
    if (!add_event("ingest", id, first_path(r), run_id, "success", ingest_detail(r)))
      return db_error("cannot record the ingest event");
    return id;
  }

  // Binds kind .. provenance (14 values) starting at parameter `at`.
  static void bind_derived(Statement& q, int at, const Record& r) {
    const Metadata& m = r.metadata;
    q.bind(at, std::string(record_kind_name(r.kind))).bind(at + 1, static_cast<std::int64_t>(r.pages.size()))
        .bind(at + 2, m.title).bind(at + 3, m.subtitle).bind(at + 4, m.release_date).bind(at + 5, m.place)
        .bind(at + 6, m.issuer).bind(at + 7, m.language).bind(at + 8, m.document_type).bind(at + 9, r.text)
        .bind(at + 10, m.body).bind(at + 11, r.ocr_confidence).bind(at + 12, r.status).bind(at + 13, r.provenance);
  }

  static void bind_optional(Statement& q, int at, const std::optional<std::int64_t>& v) {
    if (v) q.bind(at, *v);
    else q.bind_null(at);
  }

  static std::string ingest_detail(const Record& r) {
    int ocr = 0, text = 0, failed = 0;
    for (const PageResult& p : r.pages)
      (p.method == PageMethod::kOcr ? ocr : p.method == PageMethod::kTextLayer ? text : failed)++;
    std::string detail = std::to_string(r.pages.size()) + " pages: " + std::to_string(ocr) + " OCR, " +
                         std::to_string(text) + " text layer, " + std::to_string(failed) + " failed";
    if (r.ocr_confidence) detail += "; mean OCR confidence " + std::to_string(static_cast<int>(*r.ocr_confidence));
    return detail;
  }

  Status write_signature(std::int64_t id, const Record& r) {
    Statement drop_signature(db_, "DELETE FROM near_dup_signatures WHERE record_id = ?");
    drop_signature.bind(1, id);
    Statement drop_bands(db_, "DELETE FROM near_dup_bands WHERE record_id = ?");
    drop_bands.bind(1, id);
    if (drop_signature.step() != SQLITE_DONE || drop_bands.step() != SQLITE_DONE)
      return db_error("cannot replace the signature of record " + std::to_string(id));
    if (r.signature.empty()) return Status::Ok();
    Statement signature(db_, "INSERT INTO near_dup_signatures(record_id, scheme, signature) VALUES (?, 1, ?)");
    signature.bind(1, id).bind_blob(2, r.signature);
    if (signature.step() != SQLITE_DONE) return db_error("cannot store the signature");
    for (std::uint64_t key : r.band_keys) {
      Statement band(db_, "INSERT OR IGNORE INTO near_dup_bands(band_key, record_id) VALUES (?, ?)");
      band.bind(1, static_cast<std::int64_t>(key)).bind(2, id);
      if (band.step() != SQLITE_DONE) return db_error("cannot store the band keys");
    }
    return Status::Ok();
  }

  // The new record's place in its cluster. When it is a better copy than the cluster's
  // canonical record, it becomes canonical: the old one and its members point here.
  Status write_cluster_links(std::int64_t id, const Record& r, std::int64_t run_id) {
    if (Status s = write_signature(id, r); !s.ok()) return s;
    if (r.takes_over_from) {
      const std::int64_t old = *r.takes_over_from;
      Statement members(db_, "UPDATE records SET duplicate_of = ? WHERE duplicate_of = ?");
      members.bind(1, id).bind(2, old);
      Statement demote(db_, "UPDATE records SET duplicate_of = ?, duplicate_score = ? WHERE id = ?");
      demote.bind(1, id).bind(2, r.duplicate_score.value_or(0)).bind(3, old);
      if (members.step() != SQLITE_DONE || demote.step() != SQLITE_DONE ||
          !add_event("canonical", id, first_path(r), run_id, "success",
                     "better copy than record " + std::to_string(old) + ", which now links here"))
        return db_error("cannot update the cluster of record " + std::to_string(old));
    } else if (r.duplicate_of) {
      if (!add_event("duplicate", id, first_path(r), run_id, "success",
                     "same release as record " + std::to_string(*r.duplicate_of) + " (score " +
                         std::to_string(r.duplicate_score.value_or(0)).substr(0, 4) + ")"))
        return db_error("cannot record the duplicate link");
    }
    if (r.revision_of &&
        !add_event("revision", id, first_path(r), run_id, "success",
                   "revision of record " + std::to_string(*r.revision_of) + " (score " +
                       std::to_string(r.revision_score.value_or(0)).substr(0, 4) + ")"))
      return db_error("cannot record the revision link");
    return Status::Ok();
  }

  Status write_pages_and_index(std::int64_t id, const Record& r) {
    for (const PageResult& p : r.pages) {
      nlohmann::json lines = nlohmann::json::array();
      for (const TextLine& l : p.lines) lines.push_back({valid_utf8(l.text), l.height, l.starts_paragraph});
      Statement page(db_, "INSERT INTO pages(record_id, number, method, text, confidence, rotation, skew, alto, "
                          "error_reason, error, seconds, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      page.bind(1, id).bind(2, static_cast<std::int64_t>(p.number))
          .bind(3, std::string(page_method_name(p.method))).bind(4, p.text).bind(5, p.confidence)
          .bind(6, static_cast<std::int64_t>(p.rotation)).bind(7, p.skew).bind(8, p.alto);
      if (p.error) page.bind(9, std::string(reason_name(p.error->reason))).bind(10, p.error->message);
      else page.bind_null(9).bind_null(10);
      page.bind(11, p.seconds).bind(12, lines.dump());
      if (page.step() != SQLITE_DONE) return db_error("cannot store page " + std::to_string(p.number));
    }
    Statement fts(db_, "INSERT INTO records_fts(rowid, title, text) VALUES (?, ?, ?)");
    fts.bind(1, id).bind(2, r.metadata.title).bind(3, r.text);
    if (fts.step() != SQLITE_DONE) return db_error("cannot index the record");
    return Status::Ok();
  }

  Status replace_in_transaction(std::int64_t id, const Record& incoming, std::int64_t run_id) {
    Record r = incoming;
    std::string old_title, old_text, manual = "{}";
    {
      Statement q(db_, "SELECT coalesce(title, ''), coalesce(text, ''), coalesce(manual_fields, '{}') FROM records WHERE id = ?");
      q.bind(1, id);
      if (q.step() != SQLITE_ROW) return make_error(Reason::kInternal, "no record " + std::to_string(id));
      old_title = q.text(0);
      old_text = q.text(1);
      manual = q.text(2);
    }
    // Fields an archivist corrected win over anything the machine derives again.
    const nlohmann::json fields = nlohmann::json::parse(manual, nullptr, false);
    if (fields.is_object()) {
      std::map<std::string, std::string> corrections;
      for (const auto& [name, value] : fields.items())
        if (value.is_string()) corrections[name] = value.get<std::string>();
      apply_corrections(r.metadata, corrections);
    }
    Statement remove_index(db_, "INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
    remove_index.bind(1, id).bind(2, old_title).bind(3, old_text);
    Statement remove_pages(db_, "DELETE FROM pages WHERE record_id = ?");
    remove_pages.bind(1, id);
    if (remove_index.step() != SQLITE_DONE || remove_pages.step() != SQLITE_DONE)
      return db_error("cannot replace record " + std::to_string(id));
    Statement update(db_, std::string("UPDATE records SET kind = ?, page_count = ?, title = ?, subtitle = ?, "
                                      "release_date = ?, place = ?, issuer = ?, language = ?, document_type = ?, "
                                      "text = ?, body = ?, ocr_confidence = ?, status = ?, provenance = ?, "
                                      "needs_review = ?, review_reasons = ?, metadata_details = ?, updated_at = ") + kNow +
                              " WHERE id = ?");
    bind_derived(update, 1, r);
    update.bind(15, static_cast<std::int64_t>(r.needs_review)).bind(16, nlohmann::json(r.review_reasons).dump())
        .bind(17, metadata_details_json(r.metadata)).bind(18, id);
    if (update.step() != SQLITE_DONE) return db_error("cannot update record " + std::to_string(id));
    if (Status s = write_pages_and_index(id, r); !s.ok()) return s;
    if (Status s = write_signature(id, r); !s.ok()) return s;
    if (!resolve_failures(r.sha256, r.source_paths) ||
        !add_event("reprocess", id, first_path(r), run_id, "success", ingest_detail(r)))
      return db_error("cannot record the reprocessing of record " + std::to_string(id));
    return Status::Ok();
  }

  // Earlier failures end once their content is archived, or once the path that failed
  // holds archived content (the file was replaced by a good copy).
  bool resolve_failures(const std::string& sha256, const std::vector<std::string>& paths) {
    Statement by_hash(db_, std::string("UPDATE failures SET resolved_at = ") + kNow +
                               ", resolution = 'archived' WHERE sha256 = ? AND resolved_at IS NULL");
    by_hash.bind(1, sha256);
    if (by_hash.step() != SQLITE_DONE) return false;
    for (const std::string& path : paths) {
      Statement by_path(db_, std::string("UPDATE failures SET resolved_at = ") + kNow +
                                 ", resolution = 'archived' WHERE path = ? AND resolved_at IS NULL");
      by_path.bind_blob(1, path);
      if (by_path.step() != SQLITE_DONE) return false;
    }
    return true;
  }

  bool add_event(const std::string& type, std::optional<std::int64_t> record_id, const std::string& path,
                 std::int64_t run_id, const std::string& outcome, const std::string& detail) {
    Statement insert(db_, std::string("INSERT INTO events(at, type, record_id, source_path, run_id, agent, outcome, detail) "
                                      "VALUES (") + kNow + ", ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, type);
    if (record_id) insert.bind(2, *record_id);
    else insert.bind_null(2);
    insert.bind_blob(3, path);
    if (run_id > 0) insert.bind(4, run_id);
    else insert.bind_null(4);
    insert.bind(5, agent_).bind(6, outcome).bind(7, detail);
    return insert.step() == SQLITE_DONE;
  }

  bool insert_source(std::int64_t record_id, const std::string& path, const std::string& sha256,
                     std::uintmax_t size, const char* format, std::int64_t run_id) {
    Statement insert(db_, std::string("INSERT OR IGNORE INTO sources(path, sha256, size, format, record_id, run_id, added_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ") + kNow + ")");
    insert.bind_blob(1, path).bind(2, sha256).bind(3, static_cast<std::int64_t>(size))
        .bind(4, std::string(format)).bind(5, record_id).bind(6, run_id);
    return insert.step() == SQLITE_DONE;
  }

  static std::string first_path(const Record& r) {
    return r.source_paths.empty() ? r.sha256 : r.source_paths.front();
  }

  Status exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      return make_error(Reason::kIo, path_ + ": " + text);
    }
    return Status::Ok();
  }

  Error db_error(const std::string& what) {
    return make_error(Reason::kIo, path_ + ": " + what + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  std::string path_;
  std::string agent_;  // of the current run, written into every event
};

}  // namespace

Result<std::unique_ptr<ArchiveStore>> open_sqlite_store(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
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

Result<std::unique_ptr<ArchiveStore>> open_store(const std::string& location) {
  return open_sqlite_store(location);
}

}  // namespace pressarchive

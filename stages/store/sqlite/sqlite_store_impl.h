// The SQLite backend's class, shared by its three files: schema and opening
// (sqlite_schema.cpp), writes (sqlite_store_write.cpp) and queries (sqlite_store_read.cpp).
// Only those files include this header; everyone else uses stages/store/sqlite/sqlite_store.h.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stages/store/archive_store.h"
#include "stages/store/sqlite/sqlite_learned_boilerplate.h"

namespace pressarchive {

// SQLite's datetime('now') in the archive's one time format (UTC, ISO 8601).
inline constexpr const char* kSqliteNow = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

// Prepared statements kept for the life of a connection. The store stage runs the same
// few dozen statements for every record; preparing each anew took a fifth of its time
// over a batch of one-page PDFs. A statement is lent to one Statement at a time: one
// already lent (the same SQL nested) is prepared afresh and finalised after use.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache() { clear(); }
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // nullptr when the SQL does not compile.
  sqlite3_stmt* take(const std::string& sql) {
    if (auto at = idle_.find(sql); at != idle_.end()) {
      sqlite3_stmt* stmt = at->second;
      idle_.erase(at);
      return stmt;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    return stmt;
  }
  void give_back(const std::string& sql, sqlite3_stmt* stmt) {
    if (!stmt) return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    // SQL built with a variable number of terms would otherwise grow the cache without end.
    if (idle_.size() < kMaxIdle && idle_.emplace(sql, stmt).second) return;
    sqlite3_finalize(stmt);
  }
  // Before the connection closes: sqlite3_close refuses while statements are open.
  void clear() {
    for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
    idle_.clear();
  }

 private:
  static constexpr std::size_t kMaxIdle = 128;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> idle_;
};

// One prepared statement, prepared here and finalised by the destructor, or lent by a
// StatementCache and given back. An invalid statement (bad SQL) makes step() return
// SQLITE_ERROR, so callers see one error path.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      sqlite3_finalize(stmt_);
      stmt_ = nullptr;
    }
  }
  Statement(StatementCache& cache, std::string sql) : cache_(&cache), sql_(std::move(sql)) {
    stmt_ = cache.take(sql_);
  }
  ~Statement() {
    if (cache_)
      cache_->give_back(sql_, stmt_);
    else
      sqlite3_finalize(stmt_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

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
    if (v)
      sqlite3_bind_double(stmt_, i, *v);
    else
      sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Statement& bind(int i, const std::optional<std::int64_t>& v) {
    if (v)
      sqlite3_bind_int64(stmt_, i, *v);
    else
      sqlite3_bind_null(stmt_, i);
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
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  // The column's bytes, valid until the next step(): for counting without copying.
  std::string_view view(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  StatementCache* cache_ = nullptr;
  std::string sql_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteStore : public ArchiveStore {
 public:
  void read_each_record_once() override;
  SqliteStore(sqlite3* db, std::string path) : db_(db), statements_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    statements_.clear();
    sqlite3_close(db_);
  }

  // Sets the connection up and applies pending migrations (sqlite_schema.cpp).
  Status init();

  // sqlite_store_write.cpp
  Result<std::int64_t> begin_run(const RunInfo& run) override;
  Status finish_run(std::int64_t run_id, const RunSummary& summary) override;
  Result<std::int64_t> archive_record(const Record& record, std::int64_t run_id) override;
  Status replace_record(std::int64_t id, const Record& record, std::int64_t run_id) override;
  Status link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) override;
  Status record_failure(const Failure& failure, std::int64_t run_id) override;
  Status set_manual_field(std::int64_t id, const std::string& field, const std::string& value,
                          const std::string& agent) override;
  Status mark_reviewed(std::int64_t id, const std::string& agent) override;

  // sqlite_store_read.cpp
  KnownContent lookup(const std::string& sha256, const std::string& path) override;
  Result<StoreStatus> status() override;
  Result<std::optional<Record>> load_record(std::int64_t id) override;
  Result<std::vector<SearchHit>> search(const std::string& query, int limit) override;
  Result<BrowseResult> browse(const BrowseQuery& query) override;
  Result<std::optional<ClusterRow>> cluster_of(
      std::int64_t id) override;  // sqlite_store_browse.cpp
  Status for_each_record(const std::function<void(const Record&)>& visit) override;
  Status for_each_review(const std::function<void(const Record&)>& visit) override;
  Result<std::vector<NearDuplicateCandidate>> near_duplicate_candidates(
      const std::vector<std::uint64_t>& band_keys, int limit,
      const CandidateFilter& worth_reading = {}) override;
  Result<std::optional<NearDuplicateCandidate>> cluster_member(std::int64_t id) override;
  Result<std::vector<std::pair<std::int64_t, std::string>>> records_signed_with(
      int scheme, std::int64_t after_id, int limit) override;
  Status replace_signatures(const std::vector<StoredSignature>& signatures) override;
  Result<std::vector<ClusterRow>> clusters() override;
  Result<std::vector<std::pair<std::int64_t, double>>> revisions_of(std::int64_t id) override;
  Status for_each_failure(const std::function<void(const Failure&)>& visit) override;
  Result<std::vector<std::int64_t>> record_ids(const std::string& changed_since) override;
  Result<std::vector<Event>> events(std::int64_t record_id) override;

  // Learned boilerplate: sqlite_learned_boilerplate.cpp.
  Status count_boilerplate_lines(
      const std::string& issuer,
      const std::vector<std::pair<std::string, std::string>>& lines) override {
    return sqlite_learned_boilerplate::count_lines(db_, path_, issuer, lines);
  }
  Result<std::vector<BoilerplateLine>> boilerplate_lines(std::int64_t min_records) override {
    return sqlite_learned_boilerplate::lines(db_, path_, min_records);
  }
  Result<bool> set_boilerplate_state(std::int64_t id, BoilerplateState state,
                                     const std::string& agent) override {
    return sqlite_learned_boilerplate::set_state(db_, path_, id, state, agent);
  }
  Result<std::int64_t> add_boilerplate_line(const std::string& issuer, const std::string& line_key,
                                            const std::string& line,
                                            const std::string& agent) override {
    return sqlite_learned_boilerplate::add_line(db_, path_, issuer, line_key, line, agent);
  }
  Result<std::vector<std::string>> issuers(std::int64_t min_records) override {
    return sqlite_learned_boilerplate::issuers(db_, path_, min_records);
  }
  Result<std::vector<std::string>> places(std::int64_t min_records) override {
    return sqlite_learned_boilerplate::places(db_, path_, min_records);
  }

 private:
  static constexpr const char* kRecordColumns =
      "SELECT id, sha256, coalesce(size, 0), coalesce(format, ''), coalesce(kind, ''), "
      "coalesce(title, ''), coalesce(subtitle, ''), coalesce(release_date, ''), coalesce(place, "
      "''), "
      "coalesce(issuer, ''), coalesce(language, ''), coalesce(document_type, ''), coalesce(text, "
      "''), "
      "coalesce(body, ''), ocr_confidence, duplicate_of, status, coalesce(provenance, ''), "
      "created_at, "
      "needs_review, coalesce(review_reasons, '[]'), duplicate_score, revision_of, revision_score, "
      "coalesce(manual_fields, '{}'), coalesce(metadata_details, '{}') FROM records";

  Record read_record(Statement& q);
  Result<std::int64_t> insert_record(const Record& r, std::int64_t run_id);
  Result<std::int64_t> link_paths(std::int64_t record_id, const Record& r, std::int64_t run_id);
  Status write_signature(std::int64_t id, const Record& r);
  Status write_cluster_links(std::int64_t id, const Record& r, std::int64_t run_id);
  Status write_pages_and_index(std::int64_t id, const Record& r);
  Status replace_in_transaction(std::int64_t id, const Record& incoming, std::int64_t run_id);
  bool resolve_failures(const std::string& sha256, const std::vector<std::string>& paths);
  bool add_event(const std::string& type, std::optional<std::int64_t> record_id,
                 const std::string& path, std::int64_t run_id, const std::string& outcome,
                 const std::string& detail);
  bool insert_source(std::int64_t record_id, const std::string& path, const std::string& sha256,
                     std::uintmax_t size, const char* format, std::int64_t run_id);
  Status exec(const std::string& sql);
  // Undoes the open transaction on an error path: the error being reported is the one
  // that matters, and SQLite undoes it anyway should the rollback itself fail.
  void rollback() { static_cast<void>(exec("ROLLBACK")); }
  Error db_error(const std::string& what);

  sqlite3* db_;
  StatementCache statements_;
  std::string path_;
  std::string agent_;  // of the current run, written into every event
};

}  // namespace pressarchive

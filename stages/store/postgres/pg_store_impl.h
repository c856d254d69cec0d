// The PostgreSQL backend's class, shared by its three files: schema and opening
// (pg_schema.cpp), writes (pg_store_write.cpp) and queries (pg_store_read.cpp).
// Only those files include this header (and libpqxx); everyone else uses pg_store.h.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>  // std::optional parameters are NULL when empty
#include <string>
#include <vector>

#include "stages/store/archive_store.h"

namespace pressarchive {

// The archive's one time format (UTC, ISO 8601), as SQLite writes it: times compare as
// text (`reprocess --since`) and export the same from both backends.
inline constexpr const char* kPgNow =
    "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

// Advisory lock keys (the two-integer form, which never meets the one-bigint form that
// placement locks use on band keys): migrations, and one lock per content hash.
inline constexpr int kLockSpace = 0x50415243;  // "PARC"
inline constexpr int kMigrationLock = 1;
inline constexpr int kContentLockSpace = 0x50415244;

// Text PostgreSQL accepts: bytes that are not UTF-8 become U+FFFD, NUL bytes go (raw
// bytes that must survive exactly, such as paths, are BYTEA instead).
std::string pg_text(const std::string& s);
// A path or other raw bytes as a BYTEA parameter.
pqxx::binarystring pg_bytes(const std::string& s);
std::string bytes_of(const pqxx::field& f);

// Runs `body` (one whole transaction) again when PostgreSQL aborted it as the loser of a
// deadlock or serialization conflict with another writer (two workers updating the same
// cluster rows in crossing order): a few attempts, then the error stands.
template <typename F>
auto retry_on_conflict(F&& body) {
  for (int attempt = 1;; ++attempt) {
    try {
      return body();
    } catch (const pqxx::deadlock_detected&) {
      if (attempt == 3) throw;
    } catch (const pqxx::serialization_failure&) {
      if (attempt == 3) throw;
    }
  }
}

class PgStore : public ArchiveStore {
 public:
  PgStore(std::unique_ptr<pqxx::connection> conn, std::string name)
      : conn_(std::move(conn)), name_(std::move(name)) {}

  // Applies pending migrations under the migration lock (pg_schema.cpp).
  Status init();

  void act_as_worker(const std::string& worker_id) override;
  std::unique_ptr<PlacementLock> lock_placement(
      const std::vector<std::uint64_t>& band_keys) override;

  // pg_store_write.cpp
  Result<std::int64_t> begin_run(const RunInfo& run) override;
  Status finish_run(std::int64_t run_id, const RunSummary& summary) override;
  Result<std::int64_t> archive_record(const Record& record, std::int64_t run_id) override;
  Status replace_record(std::int64_t id, const Record& record, std::int64_t run_id) override;
  Status link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) override;
  Status record_failure(const Failure& failure, std::int64_t run_id) override;
  Status set_manual_field(std::int64_t id, const std::string& field, const std::string& value,
                          const std::string& agent) override;
  Status mark_reviewed(std::int64_t id, const std::string& agent) override;

  // pg_store_read.cpp
  KnownContent lookup(const std::string& sha256, const std::string& path) override;
  Result<StoreStatus> status() override;
  Result<std::optional<Record>> load_record(std::int64_t id) override;
  Result<std::vector<SearchHit>> search(const std::string& query, int limit) override;
  Result<BrowseResult> browse(const BrowseQuery& query) override;
  Result<std::optional<ClusterRow>> cluster_of(std::int64_t id) override;  // pg_store_browse.cpp
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

  // pg_learned_boilerplate.cpp
  Status count_boilerplate_lines(
      const std::string& issuer,
      const std::vector<std::pair<std::string, std::string>>& lines) override;
  Result<std::vector<BoilerplateLine>> boilerplate_lines(std::int64_t min_records) override;
  Result<bool> set_boilerplate_state(std::int64_t id, BoilerplateState state,
                                     const std::string& agent) override;
  Result<std::int64_t> add_boilerplate_line(const std::string& issuer, const std::string& line_key,
                                            const std::string& line,
                                            const std::string& agent) override;
  Result<std::vector<std::string>> issuers(std::int64_t min_records) override;
  Result<std::vector<std::string>> places(std::int64_t min_records) override;

  // Releases placement locks (PgPlacementLock's destructor).
  void unlock_placement(const std::string& keys_array);

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

  Record read_record(pqxx::transaction_base& tx, const pqxx::row& row);
  Status visit_records(const std::string& where, const std::function<void(const Record&)>& visit);
  std::int64_t insert_record(pqxx::work& tx, const Record& r, std::int64_t run_id);
  void link_paths(pqxx::work& tx, std::int64_t record_id, const Record& r, std::int64_t run_id);
  void write_signature(pqxx::work& tx, std::int64_t id, const Record& r);
  void write_cluster_links(pqxx::work& tx, std::int64_t id, const Record& r, std::int64_t run_id);
  void write_pages(pqxx::work& tx, std::int64_t id, const Record& r);
  void replace_in_transaction(pqxx::work& tx, std::int64_t id, const Record& incoming,
                              std::int64_t run_id);
  void resolve_failures(pqxx::work& tx, const std::string& sha256,
                        const std::vector<std::string>& paths);
  void add_event(pqxx::work& tx, const std::string& type, std::optional<std::int64_t> record_id,
                 const std::string& path, std::int64_t run_id, const std::string& outcome,
                 const std::string& detail);
  // False when the path was linked already.
  bool insert_source(pqxx::work& tx, std::int64_t record_id, const std::string& path,
                     const std::string& sha256, std::uintmax_t size, const char* format,
                     std::int64_t run_id);
  // Completes job `job_id` (Source::job_id; 0: none) in `tx`, when this worker holds it.
  void complete_job(pqxx::work& tx, std::int64_t job_id, const char* outcome,
                    const std::string& error = "");
  Error db_error(const std::string& what, const std::exception& e) const;

  // One connection, used by one thread at a time; visitors may call back into the store.
  std::recursive_mutex mutex_;
  std::unique_ptr<pqxx::connection> conn_;
  std::string name_;    // the URI without password, for messages
  std::string agent_;   // of the current run, written into every event
  std::string worker_;  // the lease owner of the jobs it completes (act_as_worker)
};

}  // namespace pressarchive

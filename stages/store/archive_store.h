// The archive store behind one small interface, so that a PostgreSQL backend with the
// same schema can replace SQLite. Writes are made by one serial pipeline stage; each
// archive_record / record_failure call is one transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stages/core/model.h"
#include "stages/core/result.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/near_dup/clusters.h"
#include "stages/near_dup/dedup.h"

namespace pressarchive {

struct RunInfo {
  std::string agent;  // "pressarchive 0.1.0; tesseract 5.3.0 (deu+eng); poppler 22.12.0"
  std::string command;
  std::string config;      // effective configuration (TOML)
  std::string provenance;  // JSON: program and engine versions
};

struct RunSummary {
  std::int64_t inputs = 0;
  std::int64_t archived = 0;
  std::int64_t duplicates = 0;
  std::int64_t failed = 0;
  std::int64_t reprocessed = 0;      // archived records re-derived in place
  std::int64_t near_duplicates = 0;  // archived records that joined a cluster (same release)
  std::int64_t revisions = 0;        // archived records linked as a revision
  std::int64_t skipped_known = 0;    // already archived under the same path
  std::int64_t skipped_failed = 0;   // failed earlier, not retried
  std::int64_t pages_ocr = 0;
  std::int64_t pages_text_layer = 0;
  std::int64_t pages_failed = 0;
  double seconds = 0;
  double store_seconds =
      0;  // waiting on the archive: reads, lookups, the store stage (not persisted)
  int exit_code = 0;
};

struct RunRow {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  RunSummary summary;
};

struct StoreStatus {
  std::int64_t records = 0;
  std::int64_t sources = 0;
  std::int64_t duplicate_sources = 0;  // sources linked to a record made from another path
  std::int64_t failures = 0;
  std::int64_t pages = 0;
  std::vector<std::pair<std::string, std::int64_t>> failures_by_reason;
  std::vector<RunRow> last_runs;
};

struct SearchHit {
  std::int64_t record_id = 0;
  std::string title;
  std::string release_date;
  std::string snippet;
  std::string issuer;  // filled by browse()
  std::string place;   // filled by browse()
};

// The web page's search: words (none: every record) narrowed by facet values and a
// release-date range, sorted, one page of it. Empty strings mean "any".
struct BrowseQuery {
  std::string text;
  std::string issuer;
  std::string place;
  std::string year;  // YYYY
  std::string kind;  // record_kind_name()
  std::optional<bool> needs_review;
  std::string date_from;  // YYYY-MM-DD, inclusive
  std::string date_to;    // YYYY-MM-DD, inclusive
  bool by_date = false;   // newest first; otherwise by relevance (by date when no words)
  int offset = 0;
  int limit = 20;
};

struct FacetCount {
  std::string value;
  std::int64_t count = 0;
};

// Hits in a browse snippet lie between kHitStart and kHitEnd, control characters that
// press text does not use, so the page can mark them after escaping the snippet (and
// must not trust them to be balanced: a text layer can hold any byte).
inline constexpr char kHitStart = '\x02';
inline constexpr char kHitEnd = '\x03';

struct BrowseResult {
  std::int64_t total = 0;  // records matching, over all pages
  std::vector<SearchHit> hits;
  // Counts over the matching records, most frequent first, at most kMaxFacetValues each:
  // "issuer", "place", "year", "kind", "needs_review" ("yes" / "no"). Empty values are
  // left out.
  std::map<std::string, std::vector<FacetCount>> facets;
};
inline constexpr int kMaxFacetValues = 12;

// One record's near-duplicate signature as the archive keeps it.
struct StoredSignature {
  std::int64_t record_id = 0;
  int scheme = 0;         // signature_v2.h: kSignatureSchemeV1, kSignatureSchemeV2
  std::string signature;  // signature_to_bytes
  std::vector<std::uint64_t> band_keys;
};

// A cluster of copies of one release: the canonical record and its duplicates.
// Asked of a near-duplicate candidate that holds only its id, signature and
// signature_scheme: whether the rest of it is worth reading.
using CandidateFilter = std::function<bool(const NearDuplicateCandidate&)>;

struct ClusterRow {
  std::int64_t canonical = 0;
  std::string title;
  std::string release_date;
  std::vector<std::pair<std::int64_t, double>> members;  // id, score
};

// Held while a new record is placed among its near-duplicates and archived; released
// by the destructor. See ArchiveStore::lock_placement.
class PlacementLock {
 public:
  virtual ~PlacementLock() = default;
};

class ArchiveStore {
 public:
  virtual ~ArchiveStore() = default;

  // A worker of the shared queue (PostgreSQL) calls this once with its lease name: from
  // then on archive_record, replace_record, link_source and record_failure complete, in
  // the same transaction, the queue jobs named by what they write (Record::source_jobs,
  // Source::job_id, Failure::job_id) when this worker still holds them (outcome archived,
  // duplicate or failed). SQLite has no queue and ignores it.
  virtual void act_as_worker(const std::string& /*worker_id*/) {}
  // The caller reads each record once, front to back (an export): no page cache kept
  // beyond the store's small default, so memory does not grow with the archive.
  virtual void read_each_record_once() {}

  // Serialises near-duplicate placement between writers: from reading the candidates
  // sharing `band_keys` until the record is archived, no other writer can place a record
  // sharing any of those keys, so two copies of one release archived at the same moment
  // still meet (the second sees the first and joins its cluster). PostgreSQL takes
  // advisory locks on the keys; SQLite returns nullptr, because one archive is written by
  // the one serial store stage of one process (a second process on the same file could
  // miss a copy archived at the same moment: use PostgreSQL for concurrent writers).
  virtual std::unique_ptr<PlacementLock> lock_placement(
      const std::vector<std::uint64_t>& /*band_keys*/) {
    return nullptr;
  }

  virtual KnownContent lookup(const std::string& sha256, const std::string& path) = 0;

  virtual Result<std::int64_t> begin_run(const RunInfo& run) = 0;
  virtual Status finish_run(std::int64_t run_id, const RunSummary& summary) = 0;

  // Stores the record with its pages and every source path, in one transaction;
  // returns the new record id. Resolves earlier failures of the same content. When the
  // content is archived already (another writer archived the same bytes a moment ago),
  // the record's source paths are linked to that record instead and its id is returned:
  // one content, one record, whoever wins the race.
  virtual Result<std::int64_t> archive_record(const Record& record, std::int64_t run_id) = 0;
  // Replaces the derived data of record `id` (pages, text, metadata, review flags) with
  // `record`'s in one transaction, keeping its id, its source links and every field
  // an archivist corrected by hand.
  virtual Status replace_record(std::int64_t id, const Record& record, std::int64_t run_id) = 0;
  // Links another path with the same content to an existing record.
  virtual Status link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) = 0;
  // Records a failed attempt. An earlier open failure of the same content and path is
  // closed as "retried" and the attempt counter continues from it.
  virtual Status record_failure(const Failure& failure, std::int64_t run_id) = 0;

  virtual Result<StoreStatus> status() = 0;
  virtual Result<std::optional<Record>> load_record(std::int64_t id) = 0;
  virtual Result<std::vector<SearchHit>> search(const std::string& query, int limit) = 0;
  // Search with facet counts and paging (the web page). Read-only; safe to call while
  // another connection writes.
  virtual Result<BrowseResult> browse(const BrowseQuery& query) = 0;
  // Calls `visit` for every record (in id order, pages loaded) / open failure.
  virtual Status for_each_record(const std::function<void(const Record&)>& visit) = 0;

  // An archivist's correction: sets `field` (title, subtitle, release_date, place,
  // issuer, language, document_type) of record `id` to `value`, marks it manual so that
  // reprocessing keeps it, and records an "edit" event with the old value.
  virtual Status set_manual_field(std::int64_t id, const std::string& field,
                                  const std::string& value, const std::string& agent) = 0;
  // Clears the review flag after a person checked the record ("reviewed" event).
  virtual Status mark_reviewed(std::int64_t id, const std::string& agent) = 0;
  // Records flagged for review, oldest first (id, title, reasons).
  virtual Status for_each_review(const std::function<void(const Record&)>& visit) = 0;

  // Records sharing at least one band key with `band_keys`, found through the indexed
  // band table without loading the archive; in id order. When more than `limit` share
  // one, the `limit` sharing the most keys (likely the most similar; then the oldest).
  // `worth_reading`, when given, is asked of each with only its id, signature and
  // signature_scheme set; the candidates it refuses are left out before anything else of
  // them (their text) is read.
  virtual Result<std::vector<NearDuplicateCandidate>> near_duplicate_candidates(
      const std::vector<std::uint64_t>& band_keys, int limit,
      const CandidateFilter& worth_reading = {}) = 0;
  // What choosing a cluster's canonical record reads of archived record `id`: its kind,
  // OCR confidence and duplicate-of, without its text; nullopt when there is no such record.
  virtual Result<std::optional<NearDuplicateCandidate>> cluster_member(std::int64_t id) = 0;
  // Records after `after_id` whose stored signature is of `scheme`, lowest id first, at
  // most `limit`, each with its whole text: what re-signing reads, a batch at a time,
  // through the (scheme, record_id) index.
  virtual Result<std::vector<std::pair<std::int64_t, std::string>>> records_signed_with(
      int scheme, std::int64_t after_id, int limit) = 0;
  // Replaces the signatures and band keys of the records named, nothing else, in one
  // transaction (sqlite_store_signatures.cpp, pg_store_signatures.cpp).
  virtual Status replace_signatures(const std::vector<StoredSignature>& signatures) = 0;
  // Clusters with at least one duplicate, canonical records in id order.
  virtual Result<std::vector<ClusterRow>> clusters() = 0;
  // The cluster record `id` belongs to (as canonical or as a duplicate), found through
  // the duplicate-of index; nullopt when it is in none.
  virtual Result<std::optional<ClusterRow>> cluster_of(std::int64_t id) = 0;
  // Records that revise `id` or that `id` revises, with scores.
  virtual Result<std::vector<std::pair<std::int64_t, double>>> revisions_of(std::int64_t id) = 0;
  // Open failures, newest first.
  virtual Status for_each_failure(const std::function<void(const Failure&)>& visit) = 0;
  // Ids of the records archived or changed (any event of theirs) at or after
  // `changed_since` (an ISO 8601 date or time, compared as text; "" for every record),
  // ascending.
  virtual Result<std::vector<std::int64_t>> record_ids(const std::string& changed_since) = 0;
  // Provenance events of one record, oldest first.
  virtual Result<std::vector<Event>> events(std::int64_t record_id) = 0;

  // Learned boilerplate (learned_boilerplate.h). Counts one newly archived record of
  // `issuer`: the issuer gains a record, and each of `lines` (distinct keys, with the text
  // as printed) gains one record. One transaction; called by the serial store stage.
  virtual Status count_boilerplate_lines(
      const std::string& issuer, const std::vector<std::pair<std::string, std::string>>& lines) = 0;
  // Lines counted in at least `min_records` records of their issuer, and every line an
  // archivist confirmed, rejected or added; by issuer, most frequent first.
  virtual Result<std::vector<BoilerplateLine>> boilerplate_lines(std::int64_t min_records) = 0;
  // An archivist's decision on line `id` (recorded as a "boilerplate" event); false when
  // there is no such line.
  virtual Result<bool> set_boilerplate_state(std::int64_t id, BoilerplateState state,
                                             const std::string& agent) = 0;
  // An archivist names a line of `issuer` as boilerplate (state confirmed; an existing
  // line with that key is confirmed); returns its id.
  virtual Result<std::int64_t> add_boilerplate_line(const std::string& issuer,
                                                    const std::string& line_key,
                                                    const std::string& line,
                                                    const std::string& agent) = 0;
  // Issuers named by at least `min_records` archived records, most frequent first.
  virtual Result<std::vector<std::string>> issuers(std::int64_t min_records) = 0;
  // Places named by at least `min_records` archived records, most frequent first.
  virtual Result<std::vector<std::string>> places(std::int64_t min_records) = 0;
};

// Opens (creating if needed) the store named by `location`: a postgresql:// or
// postgres:// URI for PostgreSQL, anything else is a file path for SQLite.
Result<std::unique_ptr<ArchiveStore>> open_store(const std::string& location);
// The same for the read-only commands, which must not create an empty archive where
// none was: a SQLite file that is not there is a kIo error naming it. (A PostgreSQL
// database must exist already; its tables are created on first open.)
Result<std::unique_ptr<ArchiveStore>> open_existing_store(const std::string& location);

}  // namespace pressarchive

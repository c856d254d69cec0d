// SQLite backend: lookups and queries for the commands (status, show, search, export,
// failed, review, duplicates) and for near-duplicate placement.
#include "stages/core/text_util.h"
#include "stages/store/sqlite/sqlite_store_impl.h"
#include "stages/store/store_common.h"

namespace pressarchive {

KnownContent SqliteStore::lookup(const std::string& sha256, const std::string& path) {
  KnownContent known;
  Statement record(statements_, "SELECT id FROM records WHERE sha256 = ?");
  record.bind(1, sha256);
  if (record.step() == SQLITE_ROW) known.record_id = record.integer(0);
  Statement source(statements_, "SELECT 1 FROM sources WHERE sha256 = ? AND path = ?");
  source.bind(1, sha256).bind_blob(2, path);
  known.path_known = source.step() == SQLITE_ROW;
  Statement failure(statements_, "SELECT 1 FROM failures WHERE sha256 = ? AND resolved_at IS NULL");
  failure.bind(1, sha256);
  known.failed_before = failure.step() == SQLITE_ROW;
  return known;
}

Result<std::vector<std::int64_t>> SqliteStore::record_ids(const std::string& changed_since) {
  Statement q(
      statements_,
      "SELECT id FROM records WHERE ?1 = '' OR created_at >= ?1 OR id IN "
      "(SELECT record_id FROM events WHERE at >= ?1 AND record_id IS NOT NULL) ORDER BY id");
  q.bind(1, changed_since);
  std::vector<std::int64_t> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.integer(0));
  if (rc != SQLITE_DONE) return db_error("cannot read record ids");
  return out;
}

Result<std::vector<Event>> SqliteStore::events(std::int64_t record_id) {
  Statement q(
      statements_,
      "SELECT id, at, type, record_id, coalesce(source_path, ''), coalesce(run_id, 0), "
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

Result<StoreStatus> SqliteStore::status() {
  StoreStatus st;
  auto count = [&](const char* sql) {
    Statement q(statements_, sql);
    return q.step() == SQLITE_ROW ? q.integer(0) : 0;
  };
  st.records = count("SELECT count(*) FROM records");
  st.sources = count("SELECT count(*) FROM sources");
  st.duplicate_sources = count(
      "SELECT count(*) FROM sources s WHERE s.id <> (SELECT min(id) FROM sources WHERE record_id = "
      "s.record_id)");
  st.failures = count("SELECT count(*) FROM failures WHERE resolved_at IS NULL");
  st.pages = count("SELECT count(*) FROM pages");
  Statement reasons(statements_,
                    "SELECT reason, count(*) FROM failures WHERE resolved_at IS NULL GROUP BY "
                    "reason ORDER BY 2 DESC");
  while (reasons.step() == SQLITE_ROW)
    st.failures_by_reason.emplace_back(reasons.text(0), reasons.integer(1));
  Statement runs(statements_,
                 "SELECT id, started_at, coalesce(finished_at, ''), coalesce(summary, '{}'), "
                 "coalesce(exit_code, -1) "
                 "FROM runs ORDER BY id DESC LIMIT 5");
  while (runs.step() == SQLITE_ROW) {
    RunRow row;
    row.id = runs.integer(0);
    row.started_at = runs.text(1);
    row.finished_at = runs.text(2);
    row.summary = store::read_run_summary(runs.text(3));
    row.summary.exit_code = static_cast<int>(runs.integer(4));
    st.last_runs.push_back(row);
  }
  return st;
}

Result<std::optional<Record>> SqliteStore::load_record(std::int64_t id) {
  Statement q(statements_, std::string(kRecordColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (q.step() != SQLITE_ROW) return std::optional<Record>();
  return std::optional<Record>(read_record(q));
}

Result<std::vector<SearchHit>> SqliteStore::search(const std::string& query, int limit) {
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
    hits.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), "", ""});
  if (rc != SQLITE_DONE) return db_error("search failed");
  return hits;
}

Status SqliteStore::for_each_record(const std::function<void(const Record&)>& visit) {
  Statement q(statements_, std::string(kRecordColumns) + " ORDER BY id");
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) visit(read_record(q));
  if (rc != SQLITE_DONE) return db_error("cannot read records");
  return Status::Ok();
}

Status SqliteStore::for_each_review(const std::function<void(const Record&)>& visit) {
  Statement q(statements_, std::string(kRecordColumns) + " WHERE needs_review = 1 ORDER BY id");
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) visit(read_record(q));
  if (rc != SQLITE_DONE) return db_error("cannot read the review queue");
  return Status::Ok();
}

// Two steps: the band query with each candidate's stored signature, then the records the
// filter kept, so the texts of candidates that share a key by chance are never read.
Result<std::vector<NearDuplicateCandidate>> SqliteStore::near_duplicate_candidates(
    const std::vector<std::uint64_t>& keys, int limit, const CandidateFilter& worth_reading) {
  std::vector<NearDuplicateCandidate> out;
  if (keys.empty()) return out;
  std::string placeholders;
  for (std::size_t i = 0; i < keys.size(); ++i) placeholders += i ? ",?" : "?";
  {
    Statement q(statements_,
                "SELECT c.record_id, s.signature, s.scheme FROM (SELECT record_id, count(*) AS "
                "shared FROM near_dup_bands WHERE band_key IN (" +
                    placeholders +
                    ") GROUP BY record_id ORDER BY shared DESC, record_id LIMIT ?) AS c "
                    "LEFT JOIN near_dup_signatures s ON s.record_id = c.record_id "
                    "ORDER BY c.record_id");
    for (std::size_t i = 0; i < keys.size(); ++i)
      q.bind(static_cast<int>(i) + 1, static_cast<std::int64_t>(keys[i]));
    q.bind(static_cast<int>(keys.size()) + 1, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      NearDuplicateCandidate c;
      c.id = q.integer(0);
      if (!q.is_null(1)) c.signature = q.text(1);
      if (!q.is_null(2)) c.signature_scheme = static_cast<int>(q.integer(2));
      if (!worth_reading || worth_reading(c)) out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) return db_error("cannot look up near-duplicate candidates");
  }
  if (out.empty()) return out;
  placeholders.clear();
  for (std::size_t i = 0; i < out.size(); ++i) placeholders += i ? ",?" : "?";
  Statement q(statements_,
              "SELECT id, coalesce(body, ''), coalesce(release_date, ''), kind, ocr_confidence, "
              "duplicate_of, coalesce(text, '') FROM records WHERE id IN (" +
                  placeholders + ") ORDER BY id");
  for (std::size_t i = 0; i < out.size(); ++i) q.bind(static_cast<int>(i) + 1, out[i].id);
  // Both in id order: a candidate whose record is gone is dropped.
  std::size_t kept = 0;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    const std::int64_t id = q.integer(0);
    std::size_t at = kept;
    while (at < out.size() && out[at].id != id) ++at;
    if (at == out.size()) continue;
    NearDuplicateCandidate c = std::move(out[at]);
    c.body = q.text(1);
    c.release_date = q.text(2);
    c.kind = store::record_kind_from_name(q.text(3));
    if (!q.is_null(4)) c.ocr_confidence = q.real(4);
    if (!q.is_null(5)) c.duplicate_of = q.integer(5);
    c.text = q.text(6);
    out[kept++] = std::move(c);
  }
  if (rc != SQLITE_DONE) return db_error("cannot look up near-duplicate candidates");
  out.resize(kept);
  return out;
}

Result<std::optional<NearDuplicateCandidate>> SqliteStore::cluster_member(std::int64_t id) {
  Statement q(statements_, "SELECT kind, ocr_confidence, duplicate_of FROM records WHERE id = ?");
  q.bind(1, id);
  const int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<NearDuplicateCandidate>();
  if (rc != SQLITE_ROW) return db_error("cannot read record " + std::to_string(id));
  NearDuplicateCandidate c;
  c.id = id;
  c.kind = store::record_kind_from_name(q.text(0));
  if (!q.is_null(1)) c.ocr_confidence = q.real(1);
  if (!q.is_null(2)) c.duplicate_of = q.integer(2);
  return std::optional<NearDuplicateCandidate>(std::move(c));
}

Result<std::vector<ClusterRow>> SqliteStore::clusters() {
  Statement q(statements_,
              "SELECT c.id, coalesce(c.title, ''), coalesce(c.release_date, ''), m.id, "
              "coalesce(m.duplicate_score, 0) "
              "FROM records m JOIN records c ON c.id = m.duplicate_of ORDER BY c.id, m.id");
  std::vector<ClusterRow> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (out.empty() || out.back().canonical != q.integer(0))
      out.push_back({q.integer(0), q.text(1), q.text(2), {}});
    out.back().members.emplace_back(q.integer(3), q.real(4));
  }
  if (rc != SQLITE_DONE) return db_error("cannot list clusters");
  return out;
}

Result<std::vector<std::pair<std::int64_t, double>>> SqliteStore::revisions_of(std::int64_t id) {
  Statement q(statements_,
              "SELECT id, coalesce(revision_score, 0) FROM records WHERE revision_of = ? "
              "UNION SELECT revision_of, coalesce(revision_score, 0) FROM records WHERE id = ? AND "
              "revision_of IS NOT NULL");
  q.bind(1, id).bind(2, id);
  std::vector<std::pair<std::int64_t, double>> out;
  while (q.step() == SQLITE_ROW) out.emplace_back(q.integer(0), q.real(1));
  return out;
}

Status SqliteStore::for_each_failure(const std::function<void(const Failure&)>& visit) {
  Statement q(
      statements_,
      "SELECT id, path, coalesce(sha256, ''), stage, reason, message, created_at, "
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

Record SqliteStore::read_record(Statement& q) {
  Record r;
  r.id = q.integer(0);
  r.sha256 = q.text(1);
  r.source_size = static_cast<std::uintmax_t>(q.integer(2));
  r.format = store::source_format_from_name(q.text(3));
  r.kind = store::record_kind_from_name(q.text(4));
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
  for (const auto& [field, value] : store::read_manual_fields(q.text(24)))
    r.manual_fields.push_back(field);
  store::read_metadata_details(q.text(25), r.metadata);
  r.review_reasons = store::read_review_reasons(q.text(20));

  Statement sources(statements_, "SELECT path FROM sources WHERE record_id = ? ORDER BY id");
  sources.bind(1, r.id);
  while (sources.step() == SQLITE_ROW) r.source_paths.push_back(sources.text(0));
  Statement pages(
      statements_,
      "SELECT number, method, coalesce(text, ''), confidence, coalesce(rotation, 0), "
      "coalesce(skew, 0), coalesce(error_reason, ''), coalesce(error, ''), coalesce(seconds, 0), "
      "coalesce(lines, '[]'), coalesce(alto, '') FROM pages WHERE record_id = ? ORDER BY number");
  pages.bind(1, r.id);
  while (pages.step() == SQLITE_ROW) {
    PageResult p;
    p.number = static_cast<int>(pages.integer(0));
    p.method = store::page_method_from_name(pages.text(1));
    p.text = pages.text(2);
    if (!pages.is_null(3)) p.confidence = pages.real(3);
    p.rotation = static_cast<int>(pages.integer(4));
    p.skew = pages.real(5);
    if (p.method == PageMethod::kFailed)
      p.error = Error{reason_from_name(pages.text(6)).value_or(Reason::kInternal), pages.text(7)};
    p.seconds = pages.real(8);
    p.lines = store::read_page_lines(pages.text(9));
    p.alto = pages.text(10);
    r.pages.push_back(std::move(p));
  }
  return r;
}

}  // namespace pressarchive

// PostgreSQL backend: everything that writes. Each public method is one transaction; a
// worker's job completes inside the transaction that stores its result.
#include <algorithm>

#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store_impl.h"
#include "stages/store/store_common.h"

namespace pressarchive {
namespace {

using store::first_path;

// Session advisory locks on band keys, taken in ascending order (so two writers never
// wait on each other in a cycle) and released when this object goes.
class PgPlacementLock : public PlacementLock {
 public:
  PgPlacementLock(PgStore& store, std::string keys) : store_(store), keys_(std::move(keys)) {}
  ~PgPlacementLock() override { store_.unlock_placement(keys_); }

 private:
  PgStore& store_;
  std::string keys_;  // a bigint[] literal
};

std::string sorted_keys_array(const std::vector<std::uint64_t>& band_keys) {
  std::vector<std::int64_t> keys;
  for (std::uint64_t k : band_keys) keys.push_back(static_cast<std::int64_t>(k));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::string array = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) array += (i ? "," : "") + std::to_string(keys[i]);
  return array + "}";
}

// The queue job of the record's `i`th source path, 0 for none.
std::int64_t job_of_path(const Record& r, std::size_t i) {
  return i < r.source_jobs.size() ? r.source_jobs[i] : 0;
}

}  // namespace

void PgStore::act_as_worker(const std::string& worker_id) {
  std::lock_guard lock(mutex_);
  worker_ = worker_id;
}

std::unique_ptr<PlacementLock> PgStore::lock_placement(
    const std::vector<std::uint64_t>& band_keys) {
  if (band_keys.empty()) return nullptr;
  std::string keys = sorted_keys_array(band_keys);
  std::lock_guard lock(mutex_);
  try {
    // unnest yields the keys in array order and the aggregate takes each lock in turn.
    pqxx::nontransaction tx(*conn_);
    tx.exec_params("SELECT count(pg_advisory_lock(k)) FROM unnest($1::bigint[]) AS k", keys);
  } catch (const std::exception&) {
    // Without the locks placement is as good as SQLite's: correct for one writer. The
    // archive_record that follows reports a broken connection.
    return nullptr;
  }
  return std::make_unique<PgPlacementLock>(*this, std::move(keys));
}

void PgStore::unlock_placement(const std::string& keys) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    tx.exec_params("SELECT count(pg_advisory_unlock(k)) FROM unnest($1::bigint[]) AS k", keys);
  } catch (const std::exception&) {
    // A lost connection has released its session locks already.
  }
}

Result<std::int64_t> PgStore::begin_run(const RunInfo& run) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const pqxx::row row = tx.exec_params1(
        std::string("INSERT INTO runs(started_at, command, config, provenance) VALUES (") + kPgNow +
            ", $1, $2, $3) RETURNING id",
        pg_text(run.command), pg_text(run.config), pg_text(run.provenance));
    tx.commit();
    agent_ = run.agent;
    return row[0].as<std::int64_t>();
  } catch (const std::exception& e) {
    return db_error("cannot record the run", e);
  }
}

Status PgStore::finish_run(std::int64_t run_id, const RunSummary& s) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    tx.exec_params(std::string("UPDATE runs SET finished_at = ") + kPgNow +
                       ", summary = $1, exit_code = $2 WHERE id = $3",
                   store::run_summary_json(s), s.exit_code, run_id);
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot finish the run", e);
  }
}

Result<std::int64_t> PgStore::archive_record(const Record& r, std::int64_t run_id) {
  std::lock_guard lock(mutex_);
  try {
    return retry_on_conflict([&] {
      pqxx::work tx(*conn_);
      // Writers of the same content queue here: the first inserts the record, the others
      // then find it and link their paths to it (one content, one record).
      tx.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", kContentLockSpace, r.sha256);
      const pqxx::result existing =
          tx.exec_params("SELECT id FROM records WHERE sha256 = $1", r.sha256);
      std::int64_t id;
      if (!existing.empty()) {
        id = existing[0][0].as<std::int64_t>();
        link_paths(tx, id, r, run_id);
      } else {
        id = insert_record(tx, r, run_id);
      }
      store::crash_point_before_commit();
      tx.commit();
      return Result<std::int64_t>(id);
    });
  } catch (const std::exception& e) {
    return db_error("cannot store the record of " + first_path(r), e);
  }
}

Status PgStore::link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) {
  std::lock_guard lock(mutex_);
  const std::string path = source.path.string();
  try {
    pqxx::work tx(*conn_);
    insert_source(tx, record_id, path, source.sha256, source.size, format_name(source.format),
                  run_id);
    resolve_failures(tx, source.sha256, {path});
    add_event(tx, "link", record_id, path, run_id, "success", store::link_detail(source.sha256));
    complete_job(tx, source.job_id, "duplicate");
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot link " + path, e);
  }
}

Status PgStore::replace_record(std::int64_t id, const Record& r, std::int64_t run_id) {
  std::lock_guard lock(mutex_);
  try {
    return retry_on_conflict([&] {
      pqxx::work tx(*conn_);
      replace_in_transaction(tx, id, r, run_id);
      tx.commit();
      return Status::Ok();
    });
  } catch (const std::exception& e) {
    return db_error("cannot replace record " + std::to_string(id), e);
  }
}

Status PgStore::record_failure(const Failure& f, std::int64_t run_id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    // Two workers failing on one path serialise on it, so attempts count up by one each.
    tx.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", kContentLockSpace, f.sha256);
    const pqxx::row previous = tx.exec_params1(
        "SELECT max(attempt) FROM failures WHERE path = $1 AND coalesce(sha256, '') = $2",
        pg_bytes(f.source_path), f.sha256);
    const std::int64_t attempt = previous[0].is_null() ? 1 : previous[0].as<std::int64_t>() + 1;
    tx.exec_params(std::string("UPDATE failures SET resolved_at = ") + kPgNow +
                       ", resolution = 'retried' WHERE path = $1 AND coalesce(sha256, '') = $2 AND "
                       "resolved_at IS NULL",
                   pg_bytes(f.source_path), f.sha256);
    tx.exec_params(std::string("INSERT INTO failures(path, sha256, stage, reason, message, run_id, "
                               "attempt, created_at) "
                               "VALUES ($1, $2, $3, $4, $5, $6, $7, ") +
                       kPgNow + ")",
                   pg_bytes(f.source_path), f.sha256, pg_text(f.stage),
                   std::string(reason_name(f.reason)), pg_text(f.message),
                   run_id > 0 ? std::optional<std::int64_t>(run_id) : std::nullopt, attempt);
    add_event(tx, "failure", std::nullopt, f.source_path, run_id, "failure",
              store::failure_detail(f, attempt));
    complete_job(tx, f.job_id, "failed", f.message);
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot record the failure of " + f.source_path, e);
  }
}

Status PgStore::set_manual_field(std::int64_t id, const std::string& field,
                                 const std::string& typed_value, const std::string& agent) {
  // A correction is typed or posted by a person: bytes that are not UTF-8 become U+FFFD
  // here, as in every other text the archive keeps.
  const std::string value = valid_utf8(typed_value);
  Metadata probe;
  // Checked before `field` goes into the SQL text.
  if (!set_metadata_field(probe, field, value))
    return make_error(Reason::kUnsupported, "field '" + field + "' cannot be edited");
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const pqxx::result q = tx.exec_params("SELECT coalesce(" + field +
                                              ", ''), coalesce(manual_fields, '{}') "
                                              "FROM records WHERE id = $1 FOR UPDATE",
                                          id);
    if (q.empty()) return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
    const std::string old_value = q[0][0].c_str();
    const std::string clean = pg_text(value);
    // The search vector is generated from the title: it follows by itself.
    tx.exec_params("UPDATE records SET " + field +
                       " = $1, manual_fields = $2, updated_at = " + kPgNow + " WHERE id = $3",
                   clean, store::with_manual_field(q[0][1].c_str(), field, clean), id);
    {
      const store::AgentOverride on_behalf(agent_, agent);
      add_event(tx, "edit", id, "", 0, "success", store::edit_detail(field, old_value, clean));
    }
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot edit record " + std::to_string(id), e);
  }
}

Status PgStore::mark_reviewed(std::int64_t id, const std::string& agent) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const pqxx::result updated =
        tx.exec_params(std::string("UPDATE records SET needs_review = 0, updated_at = ") + kPgNow +
                           " WHERE id = $1",
                       id);
    if (updated.affected_rows() != 1)
      return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
    {
      const store::AgentOverride on_behalf(agent_, agent);
      add_event(tx, "reviewed", id, "", 0, "success", store::kReviewedDetail);
    }
    tx.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot mark record " + std::to_string(id) + " reviewed", e);
  }
}

std::int64_t PgStore::insert_record(pqxx::work& tx, const Record& r, std::int64_t run_id) {
  const Metadata& m = r.metadata;
  const pqxx::row row = tx.exec_params1(
      std::string("INSERT INTO records(sha256, size, format, kind, page_count, title, subtitle, "
                  "release_date, place, "
                  "issuer, language, document_type, text, body, ocr_confidence, status, "
                  "provenance, run_id, "
                  "needs_review, review_reasons, duplicate_of, duplicate_score, revision_of, "
                  "revision_score, "
                  "metadata_details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                  "$11, $12, $13, "
                  "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, ") +
          kPgNow + ") RETURNING id",
      r.sha256, static_cast<std::int64_t>(r.source_size), std::string(format_name(r.format)),
      std::string(record_kind_name(r.kind)), static_cast<std::int64_t>(r.pages.size()),
      pg_text(m.title), pg_text(m.subtitle), pg_text(m.release_date), pg_text(m.place),
      pg_text(m.issuer), pg_text(m.language), pg_text(m.document_type), pg_text(r.text),
      pg_text(m.body), r.ocr_confidence, pg_text(r.status), pg_text(r.provenance),
      run_id > 0 ? std::optional<std::int64_t>(run_id) : std::nullopt, r.needs_review ? 1 : 0,
      store::review_reasons_json(r.review_reasons), r.duplicate_of, r.duplicate_score,
      r.revision_of, r.revision_score, store::metadata_details_json(r.metadata));
  const std::int64_t id = row[0].as<std::int64_t>();
  write_pages(tx, id, r);
  write_cluster_links(tx, id, r, run_id);
  for (std::size_t i = 0; i < r.source_paths.size(); ++i) {
    insert_source(tx, id, r.source_paths[i], r.sha256, r.source_size, format_name(r.format),
                  run_id);
    // Copies found in the same batch ride along with the first path.
    complete_job(tx, job_of_path(r, i), i == 0 ? "archived" : "duplicate");
  }
  resolve_failures(tx, r.sha256, r.source_paths);
  add_event(tx, "ingest", id, first_path(r), run_id, "success", store::ingest_detail(r));
  return id;
}

void PgStore::link_paths(pqxx::work& tx, std::int64_t record_id, const Record& r,
                         std::int64_t run_id) {
  for (std::size_t i = 0; i < r.source_paths.size(); ++i) {
    const std::string& path = r.source_paths[i];
    // A path linked already (by a worker whose lease ran out) needs no second event.
    if (insert_source(tx, record_id, path, r.sha256, r.source_size, format_name(r.format), run_id))
      add_event(tx, "link", record_id, path, run_id, "success", store::link_detail(r.sha256));
    complete_job(tx, job_of_path(r, i), "duplicate");
  }
  resolve_failures(tx, r.sha256, r.source_paths);
}

void PgStore::write_signature(pqxx::work& tx, std::int64_t id, const Record& r) {
  tx.exec_params("DELETE FROM near_dup_signatures WHERE record_id = $1", id);
  tx.exec_params("DELETE FROM near_dup_bands WHERE record_id = $1", id);
  if (r.signature.empty()) return;
  tx.exec_params(
      "INSERT INTO near_dup_signatures(record_id, scheme, signature) VALUES ($1, $2, $3)", id,
      r.signature_scheme, pg_bytes(r.signature));
  std::vector<std::uint64_t> keys = r.band_keys;
  tx.exec_params(
      "INSERT INTO near_dup_bands(band_key, record_id) SELECT DISTINCT k, $2::bigint FROM "
      "unnest($1::bigint[]) AS k "
      "ON CONFLICT DO NOTHING",
      sorted_keys_array(keys), id);
}

// The new record's place in its cluster. When it is a better copy than the cluster's
// canonical record, it becomes canonical: the old one and its members point here.
void PgStore::write_cluster_links(pqxx::work& tx, std::int64_t id, const Record& r,
                                  std::int64_t run_id) {
  write_signature(tx, id, r);
  if (r.takes_over_from) {
    const std::int64_t old = *r.takes_over_from;
    tx.exec_params("UPDATE records SET duplicate_of = $1 WHERE duplicate_of = $2", id, old);
    tx.exec_params("UPDATE records SET duplicate_of = $1, duplicate_score = $2 WHERE id = $3", id,
                   r.duplicate_score.value_or(0), old);
    add_event(tx, "canonical", id, first_path(r), run_id, "success", store::canonical_detail(old));
  } else if (r.duplicate_of) {
    add_event(tx, "duplicate", id, first_path(r), run_id, "success",
              store::duplicate_detail(*r.duplicate_of, r.duplicate_score.value_or(0)));
  }
  if (r.revision_of)
    add_event(tx, "revision", id, first_path(r), run_id, "success",
              store::revision_detail(*r.revision_of, r.revision_score.value_or(0)));
}

void PgStore::write_pages(pqxx::work& tx, std::int64_t id, const Record& r) {
  for (const PageResult& p : r.pages) {
    std::optional<std::string> error_reason, error;
    if (p.error) {
      error_reason = reason_name(p.error->reason);
      error = pg_text(p.error->message);
    }
    tx.exec_params(
        "INSERT INTO pages(record_id, number, method, text, confidence, rotation, skew, alto, "
        "error_reason, error, seconds, lines) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12)",
        id, p.number, std::string(page_method_name(p.method)), pg_text(p.text), p.confidence,
        p.rotation, p.skew, pg_text(p.alto), error_reason, error, p.seconds,
        store::page_lines_json(p.lines));
  }
}

void PgStore::replace_in_transaction(pqxx::work& tx, std::int64_t id, const Record& incoming,
                                     std::int64_t run_id) {
  Record r = incoming;
  const pqxx::result q = tx.exec_params(
      "SELECT coalesce(manual_fields, '{}') FROM records WHERE id = $1 FOR UPDATE", id);
  if (q.empty()) throw std::runtime_error("no record " + std::to_string(id));
  // Fields an archivist corrected win over anything the machine derives again.
  apply_corrections(r.metadata, store::read_manual_fields(q[0][0].c_str()));
  const Metadata& m = r.metadata;
  tx.exec_params("DELETE FROM pages WHERE record_id = $1", id);
  tx.exec_params(
      std::string(
          "UPDATE records SET kind = $1, page_count = $2, title = $3, subtitle = $4, "
          "release_date = $5, place = $6, issuer = $7, language = $8, document_type = $9, "
          "text = $10, body = $11, ocr_confidence = $12, status = $13, provenance = $14, "
          "needs_review = $15, review_reasons = $16, metadata_details = $17, updated_at = ") +
          kPgNow + " WHERE id = $18",
      std::string(record_kind_name(r.kind)), static_cast<std::int64_t>(r.pages.size()),
      pg_text(m.title), pg_text(m.subtitle), pg_text(m.release_date), pg_text(m.place),
      pg_text(m.issuer), pg_text(m.language), pg_text(m.document_type), pg_text(r.text),
      pg_text(m.body), r.ocr_confidence, pg_text(r.status), pg_text(r.provenance),
      r.needs_review ? 1 : 0, store::review_reasons_json(r.review_reasons),
      store::metadata_details_json(r.metadata), id);
  write_pages(tx, id, r);
  write_signature(tx, id, r);
  resolve_failures(tx, r.sha256, r.source_paths);
  add_event(tx, "reprocess", id, first_path(r), run_id, "success", store::ingest_detail(r));
  for (std::size_t i = 0; i < r.source_paths.size(); ++i)
    complete_job(tx, job_of_path(r, i), "archived");
}

// Earlier failures end once their content is archived, or once the path that failed
// holds archived content (the file was replaced by a good copy).
void PgStore::resolve_failures(pqxx::work& tx, const std::string& sha256,
                               const std::vector<std::string>& paths) {
  tx.exec_params(std::string("UPDATE failures SET resolved_at = ") + kPgNow +
                     ", resolution = 'archived' WHERE sha256 = $1 AND resolved_at IS NULL",
                 sha256);
  for (const std::string& path : paths)
    tx.exec_params(std::string("UPDATE failures SET resolved_at = ") + kPgNow +
                       ", resolution = 'archived' WHERE path = $1 AND resolved_at IS NULL",
                   pg_bytes(path));
}

void PgStore::add_event(pqxx::work& tx, const std::string& type,
                        std::optional<std::int64_t> record_id, const std::string& path,
                        std::int64_t run_id, const std::string& outcome,
                        const std::string& detail) {
  tx.exec_params(
      std::string(
          "INSERT INTO events(at, type, record_id, source_path, run_id, agent, outcome, detail) "
          "VALUES (") +
          kPgNow + ", $1, $2, $3, $4, $5, $6, $7)",
      type, record_id, pg_bytes(path),
      run_id > 0 ? std::optional<std::int64_t>(run_id) : std::nullopt, pg_text(agent_), outcome,
      pg_text(detail));
}

bool PgStore::insert_source(pqxx::work& tx, std::int64_t record_id, const std::string& path,
                            const std::string& sha256, std::uintmax_t size, const char* format,
                            std::int64_t run_id) {
  return tx.exec_params(
               std::string(
                   "INSERT INTO sources(path, sha256, size, format, record_id, run_id, added_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, ") +
                   kPgNow + ") ON CONFLICT (path, sha256) DO NOTHING",
               pg_bytes(path), sha256, static_cast<std::int64_t>(size), std::string(format),
               record_id, run_id > 0 ? std::optional<std::int64_t>(run_id) : std::nullopt)
             .affected_rows() == 1;
}

// A job whose lease ran out and went to another worker is that worker's to complete.
void PgStore::complete_job(pqxx::work& tx, std::int64_t job_id, const char* outcome,
                           const std::string& error) {
  if (job_id == 0 || worker_.empty()) return;
  tx.exec_params(
      "UPDATE jobs SET state = 'done', outcome = $1, finished_at = now(), lease_owner = NULL, "
      "lease_expires = NULL, last_error = coalesce($2, last_error) "
      "WHERE id = $3 AND state = 'running' AND lease_owner = $4",
      std::string(outcome), error.empty() ? std::optional<std::string>() : pg_text(error), job_id,
      worker_);
}

}  // namespace pressarchive

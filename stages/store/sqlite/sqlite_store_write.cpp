// SQLite backend: everything that writes. Each public method is one transaction
// (BEGIN IMMEDIATE, so a second process waits instead of failing mid-write).
#include <nlohmann/json.hpp>

#include "stages/core/text_util.h"
#include "stages/store/sqlite/sqlite_store_impl.h"
#include "stages/store/store_common.h"

namespace pressarchive {

using store::first_path;

Result<std::int64_t> SqliteStore::begin_run(const RunInfo& run) {
  Statement insert(
      statements_,
      std::string("INSERT INTO runs(started_at, command, config, provenance) VALUES (") +
          kSqliteNow + ", ?, ?, ?)");
  insert.bind(1, run.command).bind(2, run.config).bind(3, run.provenance);
  if (insert.step() != SQLITE_DONE) return db_error("cannot record the run");
  agent_ = run.agent;
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Status SqliteStore::finish_run(std::int64_t run_id, const RunSummary& s) {
  Statement update(statements_, std::string("UPDATE runs SET finished_at = ") + kSqliteNow +
                                    ", summary = ?, exit_code = ? WHERE id = ?");
  update.bind(1, store::run_summary_json(s))
      .bind(2, static_cast<std::int64_t>(s.exit_code))
      .bind(3, run_id);
  if (update.step() != SQLITE_DONE) return db_error("cannot finish the run");
  return Status::Ok();
}

Result<std::int64_t> SqliteStore::archive_record(const Record& r, std::int64_t run_id) {
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s.error();
  // Another process may have archived the same bytes since this one looked them up:
  // BEGIN IMMEDIATE makes this check and the insert one step, so the paths are linked.
  std::optional<std::int64_t> existing;
  {
    Statement q(statements_, "SELECT id FROM records WHERE sha256 = ?");
    q.bind(1, r.sha256);
    if (q.step() == SQLITE_ROW) existing = q.integer(0);
  }
  Result<std::int64_t> id = existing ? link_paths(*existing, r, run_id) : insert_record(r, run_id);
  if (!id.ok()) {
    rollback();
    return id;
  }
  store::crash_point_before_commit();
  if (Status s = exec("COMMIT"); !s.ok()) {
    rollback();
    return s.error();
  }
  return id;
}

Status SqliteStore::link_source(std::int64_t record_id, const Source& source, std::int64_t run_id) {
  if (!insert_source(record_id, source.path.string(), source.sha256, source.size,
                     format_name(source.format), run_id) ||
      !resolve_failures(source.sha256, {source.path.string()}) ||
      !add_event("link", record_id, source.path.string(), run_id, "success",
                 store::link_detail(source.sha256)))
    return db_error("cannot link " + source.path.string());
  return Status::Ok();
}

Status SqliteStore::replace_record(std::int64_t id, const Record& r, std::int64_t run_id) {
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = replace_in_transaction(id, r, run_id);
  if (s.ok()) s = exec("COMMIT");
  if (!s.ok()) rollback();
  return s;
}

Status SqliteStore::record_failure(const Failure& f, std::int64_t run_id) {
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  std::int64_t attempt = 1;
  {
    Statement previous(
        statements_,
        "SELECT max(attempt) FROM failures WHERE path = ? AND coalesce(sha256, '') = ?");
    previous.bind_blob(1, f.source_path).bind(2, f.sha256);
    if (previous.step() == SQLITE_ROW && !previous.is_null(0)) attempt = previous.integer(0) + 1;
  }
  Statement close(statements_, std::string("UPDATE failures SET resolved_at = ") + kSqliteNow +
                                   ", resolution = 'retried' WHERE path = ? AND coalesce(sha256, "
                                   "'') = ? AND resolved_at IS NULL");
  close.bind_blob(1, f.source_path).bind(2, f.sha256);
  Statement insert(
      statements_,
      std::string(
          "INSERT INTO failures(path, sha256, stage, reason, message, run_id, attempt, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ") +
          kSqliteNow + ")");
  insert.bind_blob(1, f.source_path)
      .bind(2, f.sha256)
      .bind(3, f.stage)
      .bind(4, std::string(reason_name(f.reason)))
      .bind(5, f.message)
      .bind(6, run_id)
      .bind(7, attempt);
  const bool ok = close.step() == SQLITE_DONE && insert.step() == SQLITE_DONE &&
                  add_event("failure", std::nullopt, f.source_path, run_id, "failure",
                            store::failure_detail(f, attempt));
  if (!ok) {
    Error e = db_error("cannot record the failure of " + f.source_path);
    rollback();
    return e;
  }
  return exec("COMMIT");
}

Status SqliteStore::set_manual_field(std::int64_t id, const std::string& field,
                                     const std::string& typed_value, const std::string& agent) {
  // A correction is typed or posted by a person: bytes that are not UTF-8 become U+FFFD
  // here, as in every other text the archive keeps.
  const std::string value = valid_utf8(typed_value);
  Metadata probe;
  if (!set_metadata_field(probe, field, value))
    return make_error(Reason::kUnsupported, "field '" + field + "' cannot be edited");
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Statement q(statements_, "SELECT coalesce(" + field +
                               ", ''), coalesce(manual_fields, '{}'), coalesce(title, ''), "
                               "coalesce(text, '') FROM records WHERE id = ?");
  q.bind(1, id);
  if (q.step() != SQLITE_ROW) {
    rollback();
    return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
  }
  const std::string old_value = q.text(0), old_title = q.text(2), text = q.text(3);
  Statement update(statements_, "UPDATE records SET " + field +
                                    " = ?, manual_fields = ?, updated_at = " + kSqliteNow +
                                    " WHERE id = ?");
  update.bind(1, value).bind(2, store::with_manual_field(q.text(1), field, value)).bind(3, id);
  bool ok = update.step() == SQLITE_DONE;
  if (ok && field == "title") {
    Statement remove(
        statements_,
        "INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
    remove.bind(1, id).bind(2, old_title).bind(3, text);
    Statement add(statements_, "INSERT INTO records_fts(rowid, title, text) VALUES (?, ?, ?)");
    add.bind(1, id).bind(2, value).bind(3, text);
    ok = remove.step() == SQLITE_DONE && add.step() == SQLITE_DONE;
  }
  {
    const store::AgentOverride on_behalf(agent_, agent);
    ok = ok && add_event("edit", id, "", 0, "success", store::edit_detail(field, old_value, value));
  }
  if (!ok) {
    Error e = db_error("cannot edit record " + std::to_string(id));
    rollback();
    return e;
  }
  return exec("COMMIT");
}

Status SqliteStore::mark_reviewed(std::int64_t id, const std::string& agent) {
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Statement update(statements_, std::string("UPDATE records SET needs_review = 0, updated_at = ") +
                                    kSqliteNow + " WHERE id = ?");
  update.bind(1, id);
  bool ok = update.step() == SQLITE_DONE && sqlite3_changes(db_) == 1;
  {
    const store::AgentOverride on_behalf(agent_, agent);
    ok = ok && add_event("reviewed", id, "", 0, "success", store::kReviewedDetail);
  }
  if (!ok) {
    rollback();
    return make_error(Reason::kUnsupported, "no record " + std::to_string(id));
  }
  return exec("COMMIT");
}

Result<std::int64_t> SqliteStore::link_paths(std::int64_t record_id, const Record& r,
                                             std::int64_t run_id) {
  for (const std::string& path : r.source_paths) {
    if (!insert_source(record_id, path, r.sha256, r.source_size, format_name(r.format), run_id))
      return db_error("cannot link " + path);
    // A path linked already needs no second event.
    if (sqlite3_changes(db_) == 1 &&
        !add_event("link", record_id, path, run_id, "success", store::link_detail(r.sha256)))
      return db_error("cannot link " + path);
  }
  if (!resolve_failures(r.sha256, r.source_paths))
    return db_error("cannot resolve earlier failures");
  return record_id;
}

Result<std::int64_t> SqliteStore::insert_record(const Record& r, std::int64_t run_id) {
  const Metadata& m = r.metadata;
  Statement insert(statements_,
                   std::string("INSERT INTO records(sha256, size, format, kind, page_count, title, "
                               "subtitle, release_date, place, "
                               "issuer, language, document_type, text, body, ocr_confidence, "
                               "status, provenance, run_id, "
                               "needs_review, review_reasons, duplicate_of, duplicate_score, "
                               "revision_of, revision_score, metadata_details, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ") +
                       kSqliteNow + ")");
  insert.bind(1, r.sha256)
      .bind(2, static_cast<std::int64_t>(r.source_size))
      .bind(3, std::string(format_name(r.format)))
      .bind(4, std::string(record_kind_name(r.kind)))
      .bind(5, static_cast<std::int64_t>(r.pages.size()))
      .bind(6, m.title)
      .bind(7, m.subtitle)
      .bind(8, m.release_date)
      .bind(9, m.place)
      .bind(10, m.issuer)
      .bind(11, m.language)
      .bind(12, m.document_type)
      .bind(13, r.text)
      .bind(14, m.body)
      .bind(15, r.ocr_confidence)
      .bind(16, r.status)
      .bind(17, r.provenance)
      .bind(18, run_id)
      .bind(19, static_cast<std::int64_t>(r.needs_review))
      .bind(20, store::review_reasons_json(r.review_reasons))
      .bind(21, r.duplicate_of)
      .bind(22, r.duplicate_score)
      .bind(23, r.revision_of)
      .bind(24, r.revision_score)
      .bind(25, store::metadata_details_json(r.metadata));
  if (insert.step() != SQLITE_DONE) return db_error("cannot store the record of " + first_path(r));
  const std::int64_t id = sqlite3_last_insert_rowid(db_);
  if (Status s = write_pages_and_index(id, r); !s.ok()) return s.error();
  if (Status s = write_cluster_links(id, r, run_id); !s.ok()) return s.error();
  for (const std::string& path : r.source_paths)
    if (!insert_source(id, path, r.sha256, r.source_size, format_name(r.format), run_id))
      return db_error("cannot store source " + path);
  if (!resolve_failures(r.sha256, r.source_paths))
    return db_error("cannot resolve earlier failures");
  if (!add_event("ingest", id, first_path(r), run_id, "success", store::ingest_detail(r)))
    return db_error("cannot record the ingest event");
  return id;
}

Status SqliteStore::write_signature(std::int64_t id, const Record& r) {
  Statement drop_signature(statements_, "DELETE FROM near_dup_signatures WHERE record_id = ?");
  drop_signature.bind(1, id);
  Statement drop_bands(statements_, "DELETE FROM near_dup_bands WHERE record_id = ?");
  drop_bands.bind(1, id);
  if (drop_signature.step() != SQLITE_DONE || drop_bands.step() != SQLITE_DONE)
    return db_error("cannot replace the signature of record " + std::to_string(id));
  if (r.signature.empty()) return Status::Ok();
  Statement signature(
      statements_,
      "INSERT INTO near_dup_signatures(record_id, scheme, signature) VALUES (?, ?, ?)");
  signature.bind(1, id)
      .bind(2, static_cast<std::int64_t>(r.signature_scheme))
      .bind_blob(3, r.signature);
  if (signature.step() != SQLITE_DONE) return db_error("cannot store the signature");
  for (std::uint64_t key : r.band_keys) {
    Statement band(statements_,
                   "INSERT OR IGNORE INTO near_dup_bands(band_key, record_id) VALUES (?, ?)");
    band.bind(1, static_cast<std::int64_t>(key)).bind(2, id);
    if (band.step() != SQLITE_DONE) return db_error("cannot store the band keys");
  }
  return Status::Ok();
}

// The new record's place in its cluster. When it is a better copy than the cluster's
// canonical record, it becomes canonical: the old one and its members point here.
Status SqliteStore::write_cluster_links(std::int64_t id, const Record& r, std::int64_t run_id) {
  if (Status s = write_signature(id, r); !s.ok()) return s;
  if (r.takes_over_from) {
    const std::int64_t old = *r.takes_over_from;
    Statement members(statements_, "UPDATE records SET duplicate_of = ? WHERE duplicate_of = ?");
    members.bind(1, id).bind(2, old);
    Statement demote(statements_,
                     "UPDATE records SET duplicate_of = ?, duplicate_score = ? WHERE id = ?");
    demote.bind(1, id).bind(2, r.duplicate_score.value_or(0)).bind(3, old);
    if (members.step() != SQLITE_DONE || demote.step() != SQLITE_DONE ||
        !add_event("canonical", id, first_path(r), run_id, "success", store::canonical_detail(old)))
      return db_error("cannot update the cluster of record " + std::to_string(old));
  } else if (r.duplicate_of) {
    if (!add_event("duplicate", id, first_path(r), run_id, "success",
                   store::duplicate_detail(*r.duplicate_of, r.duplicate_score.value_or(0))))
      return db_error("cannot record the duplicate link");
  }
  if (r.revision_of &&
      !add_event("revision", id, first_path(r), run_id, "success",
                 store::revision_detail(*r.revision_of, r.revision_score.value_or(0))))
    return db_error("cannot record the revision link");
  return Status::Ok();
}

Status SqliteStore::write_pages_and_index(std::int64_t id, const Record& r) {
  for (const PageResult& p : r.pages) {
    Statement page(
        statements_,
        "INSERT INTO pages(record_id, number, method, text, confidence, rotation, skew, alto, "
        "error_reason, error, seconds, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    page.bind(1, id)
        .bind(2, static_cast<std::int64_t>(p.number))
        .bind(3, std::string(page_method_name(p.method)))
        .bind(4, p.text)
        .bind(5, p.confidence)
        .bind(6, static_cast<std::int64_t>(p.rotation))
        .bind(7, p.skew)
        .bind(8, p.alto);
    if (p.error)
      page.bind(9, std::string(reason_name(p.error->reason))).bind(10, p.error->message);
    else
      page.bind_null(9).bind_null(10);
    page.bind(11, p.seconds).bind(12, store::page_lines_json(p.lines));
    if (page.step() != SQLITE_DONE)
      return db_error("cannot store page " + std::to_string(p.number));
  }
  Statement fts(statements_, "INSERT INTO records_fts(rowid, title, text) VALUES (?, ?, ?)");
  fts.bind(1, id).bind(2, r.metadata.title).bind(3, r.text);
  if (fts.step() != SQLITE_DONE) return db_error("cannot index the record");
  return Status::Ok();
}

Status SqliteStore::replace_in_transaction(std::int64_t id, const Record& incoming,
                                           std::int64_t run_id) {
  Record r = incoming;
  std::string old_title, old_text, manual = "{}";
  {
    Statement q(statements_,
                "SELECT coalesce(title, ''), coalesce(text, ''), coalesce(manual_fields, '{}') "
                "FROM records WHERE id = ?");
    q.bind(1, id);
    if (q.step() != SQLITE_ROW)
      return make_error(Reason::kInternal, "no record " + std::to_string(id));
    old_title = q.text(0);
    old_text = q.text(1);
    manual = q.text(2);
  }
  // Fields an archivist corrected win over anything the machine derives again.
  apply_corrections(r.metadata, store::read_manual_fields(manual));
  const Metadata& m = r.metadata;
  Statement remove_index(
      statements_,
      "INSERT INTO records_fts(records_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)");
  remove_index.bind(1, id).bind(2, old_title).bind(3, old_text);
  Statement remove_pages(statements_, "DELETE FROM pages WHERE record_id = ?");
  remove_pages.bind(1, id);
  if (remove_index.step() != SQLITE_DONE || remove_pages.step() != SQLITE_DONE)
    return db_error("cannot replace record " + std::to_string(id));
  Statement update(
      statements_,
      std::string("UPDATE records SET kind = ?, page_count = ?, title = ?, subtitle = ?, "
                  "release_date = ?, place = ?, issuer = ?, language = ?, document_type = ?, "
                  "text = ?, body = ?, ocr_confidence = ?, status = ?, provenance = ?, "
                  "needs_review = ?, review_reasons = ?, metadata_details = ?, updated_at = ") +
          kSqliteNow + " WHERE id = ?");
  update.bind(1, std::string(record_kind_name(r.kind)))
      .bind(2, static_cast<std::int64_t>(r.pages.size()))
      .bind(3, m.title)
      .bind(4, m.subtitle)
      .bind(5, m.release_date)
      .bind(6, m.place)
      .bind(7, m.issuer)
      .bind(8, m.language)
      .bind(9, m.document_type)
      .bind(10, r.text)
      .bind(11, m.body)
      .bind(12, r.ocr_confidence)
      .bind(13, r.status)
      .bind(14, r.provenance)
      .bind(15, static_cast<std::int64_t>(r.needs_review))
      .bind(16, store::review_reasons_json(r.review_reasons))
      .bind(17, store::metadata_details_json(r.metadata))
      .bind(18, id);
  if (update.step() != SQLITE_DONE) return db_error("cannot update record " + std::to_string(id));
  if (Status s = write_pages_and_index(id, r); !s.ok()) return s;
  if (Status s = write_signature(id, r); !s.ok()) return s;
  if (!resolve_failures(r.sha256, r.source_paths) ||
      !add_event("reprocess", id, first_path(r), run_id, "success", store::ingest_detail(r)))
    return db_error("cannot record the reprocessing of record " + std::to_string(id));
  return Status::Ok();
}

// Earlier failures end once their content is archived, or once the path that failed
// holds archived content (the file was replaced by a good copy).
bool SqliteStore::resolve_failures(const std::string& sha256,
                                   const std::vector<std::string>& paths) {
  Statement by_hash(statements_,
                    std::string("UPDATE failures SET resolved_at = ") + kSqliteNow +
                        ", resolution = 'archived' WHERE sha256 = ? AND resolved_at IS NULL");
  by_hash.bind(1, sha256);
  if (by_hash.step() != SQLITE_DONE) return false;
  for (const std::string& path : paths) {
    Statement by_path(statements_,
                      std::string("UPDATE failures SET resolved_at = ") + kSqliteNow +
                          ", resolution = 'archived' WHERE path = ? AND resolved_at IS NULL");
    by_path.bind_blob(1, path);
    if (by_path.step() != SQLITE_DONE) return false;
  }
  return true;
}

bool SqliteStore::add_event(const std::string& type, std::optional<std::int64_t> record_id,
                            const std::string& path, std::int64_t run_id,
                            const std::string& outcome, const std::string& detail) {
  Statement insert(
      statements_,
      std::string(
          "INSERT INTO events(at, type, record_id, source_path, run_id, agent, outcome, detail) "
          "VALUES (") +
          kSqliteNow + ", ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, type).bind(2, record_id).bind_blob(3, path);
  if (run_id > 0)
    insert.bind(4, run_id);
  else
    insert.bind_null(4);
  insert.bind(5, agent_).bind(6, outcome).bind(7, detail);
  return insert.step() == SQLITE_DONE;
}

bool SqliteStore::insert_source(std::int64_t record_id, const std::string& path,
                                const std::string& sha256, std::uintmax_t size, const char* format,
                                std::int64_t run_id) {
  Statement insert(
      statements_,
      std::string(
          "INSERT OR IGNORE INTO sources(path, sha256, size, format, record_id, run_id, added_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ") +
          kSqliteNow + ")");
  insert.bind_blob(1, path)
      .bind(2, sha256)
      .bind(3, static_cast<std::int64_t>(size))
      .bind(4, std::string(format))
      .bind(5, record_id)
      .bind(6, run_id);
  return insert.step() == SQLITE_DONE;
}

}  // namespace pressarchive

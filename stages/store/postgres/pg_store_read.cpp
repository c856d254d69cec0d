// PostgreSQL backend: lookups and queries for the commands (status, show, search,
// export, failed, review, duplicates) and for near-duplicate placement.
#include "stages/core/text_util.h"
#include "stages/store/postgres/pg_store_impl.h"
#include "stages/store/store_common.h"

namespace pressarchive {
namespace {

std::string text_of(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

template <typename T>
std::optional<T> optional_of(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

// Records are read in batches of this many, in id order, so exporting a million
// records neither holds them in memory nor keeps one long transaction open.
constexpr int kBatch = 200;

}  // namespace

KnownContent PgStore::lookup(const std::string& sha256, const std::string& path) {
  std::lock_guard lock(mutex_);
  KnownContent known;
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::row row = tx.exec_params1(
        "SELECT (SELECT id FROM records WHERE sha256 = $1), "
        "EXISTS (SELECT 1 FROM sources WHERE sha256 = $1 AND path = $2), "
        "EXISTS (SELECT 1 FROM failures WHERE sha256 = $1 AND resolved_at IS NULL)",
        sha256, pg_bytes(path));
    known.record_id = optional_of<std::int64_t>(row[0]);
    known.path_known = row[1].as<bool>();
    known.failed_before = row[2].as<bool>();
  } catch (const std::exception&) {
    // As with SQLite: an unreadable archive knows nothing; the writes that follow fail
    // loudly.
  }
  return known;
}

Result<std::vector<std::int64_t>> PgStore::record_ids(const std::string& changed_since) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result rows = tx.exec_params(
        "SELECT id FROM records WHERE $1 = '' OR created_at >= $1 OR id IN "
        "(SELECT record_id FROM events WHERE at >= $1 AND record_id IS NOT NULL) ORDER BY id",
        changed_since);
    std::vector<std::int64_t> out;
    for (const pqxx::row& row : rows) out.push_back(row[0].as<std::int64_t>());
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot read record ids", e);
  }
}

Result<std::vector<Event>> PgStore::events(std::int64_t record_id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result rows = tx.exec_params(
        "SELECT id, at, type, record_id, source_path, coalesce(run_id, 0), coalesce(agent, ''), "
        "outcome, "
        "coalesce(detail, '') FROM events WHERE record_id = $1 "
        "OR (record_id IS NULL AND source_path IN (SELECT path FROM sources WHERE record_id = $1)) "
        "ORDER BY id",
        record_id);
    std::vector<Event> out;
    for (const pqxx::row& row : rows) {
      Event e;
      e.id = row[0].as<std::int64_t>();
      e.at = text_of(row[1]);
      e.type = text_of(row[2]);
      e.record_id = optional_of<std::int64_t>(row[3]);
      e.source_path = bytes_of(row[4]);
      e.run_id = row[5].as<std::int64_t>();
      e.agent = text_of(row[6]);
      e.outcome = text_of(row[7]);
      e.detail = text_of(row[8]);
      out.push_back(std::move(e));
    }
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot read events", e);
  }
}

Result<StoreStatus> PgStore::status() {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    StoreStatus st;
    const pqxx::row counts = tx.exec1(
        "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM sources), "
        "(SELECT count(*) FROM sources s WHERE s.id <> (SELECT min(id) FROM sources WHERE "
        "record_id = s.record_id)), "
        "(SELECT count(*) FROM failures WHERE resolved_at IS NULL), (SELECT count(*) FROM pages)");
    st.records = counts[0].as<std::int64_t>();
    st.sources = counts[1].as<std::int64_t>();
    st.duplicate_sources = counts[2].as<std::int64_t>();
    st.failures = counts[3].as<std::int64_t>();
    st.pages = counts[4].as<std::int64_t>();
    for (const pqxx::row& row :
         tx.exec("SELECT reason, count(*) FROM failures WHERE resolved_at IS NULL "
                 "GROUP BY reason ORDER BY 2 DESC, 1"))
      st.failures_by_reason.emplace_back(text_of(row[0]), row[1].as<std::int64_t>());
    for (const pqxx::row& row :
         tx.exec("SELECT id, started_at, coalesce(finished_at, ''), coalesce(summary, '{}'), "
                 "coalesce(exit_code, -1) FROM runs ORDER BY id DESC LIMIT 5")) {
      RunRow run;
      run.id = row[0].as<std::int64_t>();
      run.started_at = text_of(row[1]);
      run.finished_at = text_of(row[2]);
      run.summary = store::read_run_summary(text_of(row[3]));
      run.summary.exit_code = row[4].as<int>();
      st.last_runs.push_back(run);
    }
    return st;
  } catch (const std::exception& e) {
    return db_error("cannot read the status", e);
  }
}

Result<std::optional<Record>> PgStore::load_record(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const pqxx::result rows = tx.exec_params(std::string(kRecordColumns) + " WHERE id = $1", id);
    if (rows.empty()) return std::optional<Record>();
    return std::optional<Record>(read_record(tx, rows[0]));
  } catch (const std::exception& e) {
    return db_error("cannot read record " + std::to_string(id), e);
  }
}

// Every word must occur (as with SQLite's FTS5); a word matches when its German or its
// English stem does, so "Tatigkeit" finds "Tätigkeit" (the German stemmer folds umlauts)
// and "releases" finds "release". The snippet is ts_headline in the record's language.
Result<std::vector<SearchHit>> PgStore::search(const std::string& query, int limit) {
  std::vector<SearchHit> hits;
  std::vector<std::string> terms;
  std::string match;
  for (const std::string& w : words(query)) {
    terms.push_back(pg_text(w));
    const std::string n = std::to_string(terms.size());
    if (!match.empty()) match += " && ";
    match += "(plainto_tsquery('german', $" + n + ") || plainto_tsquery('english', $" + n + "))";
  }
  if (terms.empty()) return hits;
  const std::string limit_param = "$" + std::to_string(terms.size() + 1);
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    tx.exec("SET LOCAL client_min_messages = warning");  // "query contains only stop words"
    const pqxx::result rows = tx.exec_params(
        "WITH q AS (SELECT " + match +
            " AS query) "
            "SELECT r.id, coalesce(r.title, ''), coalesce(r.release_date, ''), "
            "ts_headline(CASE WHEN r.language = 'en' THEN 'english'::regconfig ELSE "
            "'german'::regconfig END, "
            "coalesce(r.text, ''), q.query, 'StartSel=[, StopSel=], MaxWords=14, MinWords=6, "
            "MaxFragments=1, "
            "FragmentDelimiter=…') "
            "FROM records r, q WHERE numnode(q.query) > 0 AND r.search_vector @@ q.query "
            "ORDER BY ts_rank(r.search_vector, q.query) DESC, r.id LIMIT " +
            limit_param,
        pqxx::prepare::make_dynamic_params(terms), limit);
    for (const pqxx::row& row : rows)
      hits.push_back({row[0].as<std::int64_t>(), text_of(row[1]), text_of(row[2]),
                      "…" + text_of(row[3]) + "…", "", ""});
    return hits;
  } catch (const std::exception& e) {
    return db_error("search failed", e);
  }
}

Status PgStore::visit_records(const std::string& where,
                              const std::function<void(const Record&)>& visit) {
  std::lock_guard lock(mutex_);
  std::int64_t after = 0;
  try {
    for (;;) {
      std::vector<Record> batch;
      {
        pqxx::work tx(*conn_);
        const pqxx::result rows =
            tx.exec_params(std::string(kRecordColumns) + " WHERE id > $1" + where +
                               " ORDER BY id LIMIT " + std::to_string(kBatch),
                           after);
        for (const pqxx::row& row : rows) batch.push_back(read_record(tx, row));
      }
      if (batch.empty()) return Status::Ok();
      after = batch.back().id;
      for (const Record& r : batch) visit(r);
    }
  } catch (const std::exception& e) {
    return db_error("cannot read records", e);
  }
}

Status PgStore::for_each_record(const std::function<void(const Record&)>& visit) {
  return visit_records("", visit);
}

Status PgStore::for_each_review(const std::function<void(const Record&)>& visit) {
  return visit_records(" AND needs_review = 1", visit);
}

// Two steps, as SqliteStore's: the band query with the stored signatures, then the records
// the filter kept.
Result<std::vector<NearDuplicateCandidate>> PgStore::near_duplicate_candidates(
    const std::vector<std::uint64_t>& keys, int limit, const CandidateFilter& worth_reading) {
  std::vector<NearDuplicateCandidate> out;
  if (keys.empty()) return out;
  std::string array = "{";
  for (std::size_t i = 0; i < keys.size(); ++i)
    array += (i ? "," : "") + std::to_string(static_cast<std::int64_t>(keys[i]));
  array += "}";
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result matches = tx.exec_params(
        "SELECT c.record_id, s.signature, s.scheme FROM (SELECT record_id, count(*) AS shared "
        "FROM near_dup_bands WHERE band_key = ANY ($1::bigint[]) GROUP BY record_id "
        "ORDER BY shared DESC, record_id LIMIT $2) AS c "
        "LEFT JOIN near_dup_signatures s ON s.record_id = c.record_id ORDER BY c.record_id",
        array, limit);
    for (const pqxx::row& row : matches) {
      NearDuplicateCandidate c;
      c.id = row[0].as<std::int64_t>();
      if (!row[1].is_null()) c.signature = bytes_of(row[1]);
      if (!row[2].is_null()) c.signature_scheme = row[2].as<int>();
      if (!worth_reading || worth_reading(c)) out.push_back(std::move(c));
    }
    if (out.empty()) return out;
    std::string ids = "{";
    for (std::size_t i = 0; i < out.size(); ++i) ids += (i ? "," : "") + std::to_string(out[i].id);
    ids += "}";
    const pqxx::result rows = tx.exec_params(
        "SELECT id, coalesce(body, ''), coalesce(release_date, ''), kind, ocr_confidence, "
        "duplicate_of, coalesce(text, '') FROM records WHERE id = ANY ($1::bigint[]) ORDER BY id",
        ids);
    // Both in id order: a candidate whose record is gone is dropped.
    std::size_t kept = 0;
    for (const pqxx::row& row : rows) {
      const auto id = row[0].as<std::int64_t>();
      std::size_t at = kept;
      while (at < out.size() && out[at].id != id) ++at;
      if (at == out.size()) continue;
      NearDuplicateCandidate c = std::move(out[at]);
      c.body = text_of(row[1]);
      c.release_date = text_of(row[2]);
      c.kind = store::record_kind_from_name(text_of(row[3]));
      c.ocr_confidence = optional_of<double>(row[4]);
      c.duplicate_of = optional_of<std::int64_t>(row[5]);
      c.text = text_of(row[6]);
      out[kept++] = std::move(c);
    }
    out.resize(kept);
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot look up near-duplicate candidates", e);
  }
}

Result<std::optional<NearDuplicateCandidate>> PgStore::cluster_member(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    const pqxx::result rows =
        tx.exec_params("SELECT kind, ocr_confidence, duplicate_of FROM records WHERE id = $1", id);
    if (rows.empty()) return std::optional<NearDuplicateCandidate>();
    NearDuplicateCandidate c;
    c.id = id;
    c.kind = store::record_kind_from_name(text_of(rows[0][0]));
    c.ocr_confidence = optional_of<double>(rows[0][1]);
    c.duplicate_of = optional_of<std::int64_t>(rows[0][2]);
    return std::optional<NearDuplicateCandidate>(std::move(c));
  } catch (const std::exception& e) {
    return db_error("cannot read record " + std::to_string(id), e);
  }
}

Result<std::vector<ClusterRow>> PgStore::clusters() {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<ClusterRow> out;
    for (const pqxx::row& row :
         tx.exec("SELECT c.id, coalesce(c.title, ''), coalesce(c.release_date, ''), m.id, "
                 "coalesce(m.duplicate_score, 0) "
                 "FROM records m JOIN records c ON c.id = m.duplicate_of ORDER BY c.id, m.id")) {
      const std::int64_t canonical = row[0].as<std::int64_t>();
      if (out.empty() || out.back().canonical != canonical)
        out.push_back({canonical, text_of(row[1]), text_of(row[2]), {}});
      out.back().members.emplace_back(row[3].as<std::int64_t>(), row[4].as<double>());
    }
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot list clusters", e);
  }
}

Result<std::vector<std::pair<std::int64_t, double>>> PgStore::revisions_of(std::int64_t id) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<std::pair<std::int64_t, double>> out;
    for (const pqxx::row& row : tx.exec_params(
             "SELECT id, coalesce(revision_score, 0) FROM records WHERE revision_of = $1 "
             "UNION SELECT revision_of, coalesce(revision_score, 0) FROM records WHERE id = $1 AND "
             "revision_of IS NOT NULL",
             id))
      out.emplace_back(row[0].as<std::int64_t>(), row[1].as<double>());
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot read revisions", e);
  }
}

Status PgStore::for_each_failure(const std::function<void(const Failure&)>& visit) {
  std::lock_guard lock(mutex_);
  try {
    std::vector<Failure> failures;
    {
      pqxx::nontransaction tx(*conn_);
      for (const pqxx::row& row :
           tx.exec("SELECT id, path, coalesce(sha256, ''), stage, reason, message, created_at, "
                   "coalesce(run_id, 0), attempt FROM failures WHERE resolved_at IS NULL "
                   "ORDER BY id DESC")) {
        Failure f;
        f.id = row[0].as<std::int64_t>();
        f.source_path = bytes_of(row[1]);
        f.sha256 = text_of(row[2]);
        f.stage = text_of(row[3]);
        f.reason = reason_from_name(text_of(row[4])).value_or(Reason::kInternal);
        f.message = text_of(row[5]);
        f.created_at = text_of(row[6]);
        f.run_id = row[7].as<std::int64_t>();
        f.attempt = row[8].as<int>();
        failures.push_back(std::move(f));
      }
    }
    for (const Failure& f : failures) visit(f);
    return Status::Ok();
  } catch (const std::exception& e) {
    return db_error("cannot read failures", e);
  }
}

Record PgStore::read_record(pqxx::transaction_base& tx, const pqxx::row& q) {
  Record r;
  r.id = q[0].as<std::int64_t>();
  r.sha256 = text_of(q[1]);
  r.source_size = static_cast<std::uintmax_t>(q[2].as<std::int64_t>());
  r.format = store::source_format_from_name(text_of(q[3]));
  r.kind = store::record_kind_from_name(text_of(q[4]));
  r.metadata.title = text_of(q[5]);
  r.metadata.subtitle = text_of(q[6]);
  r.metadata.release_date = text_of(q[7]);
  r.metadata.place = text_of(q[8]);
  r.metadata.issuer = text_of(q[9]);
  r.metadata.language = text_of(q[10]);
  r.metadata.document_type = text_of(q[11]);
  r.text = text_of(q[12]);
  r.metadata.body = text_of(q[13]);
  r.ocr_confidence = optional_of<double>(q[14]);
  r.duplicate_of = optional_of<std::int64_t>(q[15]);
  r.status = text_of(q[16]);
  r.provenance = text_of(q[17]);
  r.created_at = text_of(q[18]);
  r.needs_review = q[19].as<int>() != 0;
  r.review_reasons = store::read_review_reasons(text_of(q[20]));
  r.duplicate_score = optional_of<double>(q[21]);
  r.revision_of = optional_of<std::int64_t>(q[22]);
  r.revision_score = optional_of<double>(q[23]);
  for (const auto& [field, value] : store::read_manual_fields(text_of(q[24])))
    r.manual_fields.push_back(field);
  store::read_metadata_details(text_of(q[25]), r.metadata);

  for (const pqxx::row& row :
       tx.exec_params("SELECT path FROM sources WHERE record_id = $1 ORDER BY id", r.id))
    r.source_paths.push_back(bytes_of(row[0]));
  for (const pqxx::row& row :
       tx.exec_params("SELECT number, method, coalesce(text, ''), confidence, coalesce(rotation, "
                      "0), coalesce(skew, 0), "
                      "coalesce(error_reason, ''), coalesce(error, ''), coalesce(seconds, 0), "
                      "coalesce(lines, '[]'), "
                      "coalesce(alto, '') FROM pages WHERE record_id = $1 ORDER BY number",
                      r.id)) {
    PageResult p;
    p.number = row[0].as<int>();
    p.method = store::page_method_from_name(text_of(row[1]));
    p.text = text_of(row[2]);
    p.confidence = optional_of<double>(row[3]);
    p.rotation = row[4].as<int>();
    p.skew = row[5].as<double>();
    if (p.method == PageMethod::kFailed)
      p.error =
          Error{reason_from_name(text_of(row[6])).value_or(Reason::kInternal), text_of(row[7])};
    p.seconds = row[8].as<double>();
    p.lines = store::read_page_lines(text_of(row[9]));
    p.alto = text_of(row[10]);
    r.pages.push_back(std::move(p));
  }
  return r;
}

}  // namespace pressarchive

// SQLite backend: re-signing stored records (pipeline/resign.cpp), reading their text and
// replacing their signatures and band keys in batches.
#include "stages/store/sqlite/sqlite_store_impl.h"

namespace pressarchive {

Result<std::vector<std::pair<std::int64_t, std::string>>> SqliteStore::records_signed_with(
    int scheme, std::int64_t after_id, int limit) {
  Statement q(statements_,
              "SELECT r.id, coalesce(r.text, '') FROM near_dup_signatures s JOIN records r ON r.id "
              "= s.record_id "
              "WHERE s.scheme = ? AND s.record_id > ? ORDER BY s.record_id LIMIT ?");
  q.bind(1, static_cast<std::int64_t>(scheme))
      .bind(2, after_id)
      .bind(3, static_cast<std::int64_t>(limit));
  std::vector<std::pair<std::int64_t, std::string>> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(q.integer(0), q.text(1));
  if (rc != SQLITE_DONE) return db_error("cannot read the records to re-sign");
  return out;
}

Status SqliteStore::replace_signatures(const std::vector<StoredSignature>& signatures) {
  if (Status s = exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Status s = Status::Ok();
  for (const StoredSignature& stored : signatures) {
    Record signed_record;
    signed_record.signature = stored.signature;
    signed_record.band_keys = stored.band_keys;
    signed_record.signature_scheme = stored.scheme;
    s = write_signature(stored.record_id, signed_record);
    if (!s.ok()) break;
  }
  if (s.ok()) s = exec("COMMIT");
  if (!s.ok()) rollback();
  return s;
}

}  // namespace pressarchive

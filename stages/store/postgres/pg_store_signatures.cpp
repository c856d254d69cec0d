// PostgreSQL backend: re-signing stored records (pipeline/resign.cpp), reading their text
// and replacing their signatures and band keys in batches.
#include "stages/store/postgres/pg_store_impl.h"

namespace pressarchive {

Result<std::vector<std::pair<std::int64_t, std::string>>> PgStore::records_signed_with(
    int scheme, std::int64_t after_id, int limit) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const pqxx::row& row :
         tx.exec_params("SELECT r.id, coalesce(r.text, '') FROM near_dup_signatures s JOIN records "
                        "r ON r.id = s.record_id "
                        "WHERE s.scheme = $1 AND s.record_id > $2 ORDER BY s.record_id LIMIT $3",
                        scheme, after_id, limit))
      out.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::string>());
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot read the records to re-sign", e);
  }
}

Status PgStore::replace_signatures(const std::vector<StoredSignature>& signatures) {
  std::lock_guard lock(mutex_);
  try {
    return retry_on_conflict([&] {
      pqxx::work tx(*conn_);
      // Workers re-sign at the start of each batch, possibly at once: one at a time, and
      // only what is still of an older scheme than the one written.
      tx.exec("SELECT pg_advisory_xact_lock(hashtext('pressarchive re-signing'))");
      for (const StoredSignature& stored : signatures) {
        if (tx.exec_params("SELECT 1 FROM near_dup_signatures WHERE record_id = $1 AND scheme < $2",
                           stored.record_id, stored.scheme)
                .empty())
          continue;
        Record signed_record;
        signed_record.signature = stored.signature;
        signed_record.band_keys = stored.band_keys;
        signed_record.signature_scheme = stored.scheme;
        write_signature(tx, stored.record_id, signed_record);
      }
      tx.commit();
      return Status::Ok();
    });
  } catch (const std::exception& e) {
    return db_error("cannot replace signatures", e);
  }
}

}  // namespace pressarchive

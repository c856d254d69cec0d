// PostgreSQL backend: learned boilerplate (learned_boilerplate.h), the same tables and
// queries as sqlite_learned_boilerplate.cpp. Counting is an upsert, so workers counting
// lines of one issuer at once each add their record.
#include <algorithm>

#include "stages/store/postgres/pg_store_impl.h"

namespace pressarchive {
namespace {

std::string text_of(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

}  // namespace

Status PgStore::count_boilerplate_lines(
    const std::string& issuer, const std::vector<std::pair<std::string, std::string>>& lines) {
  if (issuer.empty()) return Status::Ok();
  std::lock_guard lock(mutex_);
  try {
    return retry_on_conflict([&] {
      pqxx::work tx(*conn_);
      tx.exec_params(
          "INSERT INTO boilerplate_issuers(issuer, records) VALUES ($1, 1) "
          "ON CONFLICT (issuer) DO UPDATE SET records = boilerplate_issuers.records + 1",
          pg_text(issuer));
      // In key order, so two workers counting lines of one issuer never deadlock.
      std::vector<std::pair<std::string, std::string>> sorted = lines;
      std::sort(sorted.begin(), sorted.end());
      for (const auto& [key, line] : sorted)
        tx.exec_params(
            "INSERT INTO boilerplate_lines(issuer, line_key, line, records) VALUES ($1, $2, $3, 1) "
            "ON CONFLICT (issuer, line_key) DO UPDATE SET records = boilerplate_lines.records + 1",
            pg_text(issuer), pg_text(key), pg_text(line));
      tx.commit();
      return Status::Ok();
    });
  } catch (const std::exception& e) {
    return db_error("cannot count boilerplate lines", e);
  }
}

Result<std::vector<BoilerplateLine>> PgStore::boilerplate_lines(std::int64_t min_records) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction tx(*conn_);
    std::vector<BoilerplateLine> out;
    for (
        const pqxx::row& row : tx.exec_params(
            "SELECT l.id, l.issuer, l.line, l.line_key, l.records, coalesce(i.records, 0), l.state "
            "FROM boilerplate_lines l LEFT JOIN boilerplate_issuers i ON i.issuer = l.issuer "
            "WHERE l.records >= $1 OR l.state != 'counted' ORDER BY l.issuer, l.records DESC, l.id",
            min_records)) {
      BoilerplateLine l;
      l.id = row[0].as<std::int64_t>();
      l.issuer = text_of(row[1]);
      l.line = text_of(row[2]);
      l.line_key = text_of(row[3]);
      l.records = row[4].as<std::int64_t>();
      l.issuer_records = row[5].as<std::int64_t>();
      if (!boilerplate_state_from_name(text_of(row[6]), l.state))
        l.state = BoilerplateState::kCounted;
      out.push_back(std::move(l));
    }
    return out;
  } catch (const std::exception& e) {
    return db_error("cannot read learned boilerplate", e);
  }
}

Result<bool> PgStore::set_boilerplate_state(std::int64_t id, BoilerplateState state,
                                            const std::string& agent) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const pqxx::result updated =
        tx.exec_params(std::string("UPDATE boilerplate_lines SET state = $1, updated_at = ") +
                           kPgNow + " WHERE id = $2",
                       std::string(boilerplate_state_name(state)), id);
    if (updated.affected_rows() != 1) return false;
    tx.exec_params(std::string("INSERT INTO events(at, type, agent, outcome, detail) VALUES (") +
                       kPgNow + ", 'boilerplate', $1, 'success', $2)",
                   pg_text(agent),
                   std::string(boilerplate_state_name(state)) + " learned boilerplate line " +
                       std::to_string(id));
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return db_error("cannot change a boilerplate line", e);
  }
}

Result<std::int64_t> PgStore::add_boilerplate_line(const std::string& issuer,
                                                   const std::string& line_key,
                                                   const std::string& line,
                                                   const std::string& agent) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::work tx(*conn_);
    const std::int64_t id =
        tx.exec_params1(
              std::string(
                  "INSERT INTO boilerplate_lines(issuer, line_key, line, state, updated_at) "
                  "VALUES ($1, $2, $3, 'confirmed', ") +
                  kPgNow +
                  ") "
                  "ON CONFLICT (issuer, line_key) DO UPDATE SET state = 'confirmed', "
                  "updated_at = excluded.updated_at RETURNING id",
              pg_text(issuer), pg_text(line_key), pg_text(line))[0]
            .as<std::int64_t>();
    tx.exec_params(
        std::string("INSERT INTO events(at, type, agent, outcome, detail) VALUES (") + kPgNow +
            ", 'boilerplate', $1, 'success', $2)",
        pg_text(agent),
        pg_text("added boilerplate line " + std::to_string(id) + " of '" + issuer + "': " + line));
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return db_error("cannot add a boilerplate line", e);
  }
}

namespace {

// The values of a records column ("issuer" or "place", never from input) named by at
// least `min_records` records, most frequent first.
std::vector<std::string> frequent_values(pqxx::connection& conn, const std::string& column,
                                         std::int64_t min_records) {
  pqxx::nontransaction tx(conn);
  std::vector<std::string> out;
  for (const pqxx::row& row :
       tx.exec_params("SELECT " + column + " FROM records WHERE " + column + " IS NOT NULL AND " +
                          column + " != '' GROUP BY " + column +
                          " HAVING count(*) >= $1 ORDER BY count(*) DESC, " + column,
                      min_records))
    out.push_back(text_of(row[0]));
  return out;
}

}  // namespace

Result<std::vector<std::string>> PgStore::issuers(std::int64_t min_records) {
  std::lock_guard lock(mutex_);
  try {
    return frequent_values(*conn_, "issuer", min_records);
  } catch (const std::exception& e) {
    return db_error("cannot read the issuers", e);
  }
}

Result<std::vector<std::string>> PgStore::places(std::int64_t min_records) {
  std::lock_guard lock(mutex_);
  try {
    return frequent_values(*conn_, "place", min_records);
  } catch (const std::exception& e) {
    return db_error("cannot read the places", e);
  }
}

}  // namespace pressarchive

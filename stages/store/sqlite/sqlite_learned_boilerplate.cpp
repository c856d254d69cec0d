#include "stages/store/sqlite/sqlite_learned_boilerplate.h"

#include <sqlite3.h>

namespace pressarchive::sqlite_learned_boilerplate {

// Lines are counted per issuer as the records name it; boilerplate_issuers holds how
// many records of each issuer were counted (the share's denominator). Records archived
// before this migration are not counted: their lines were never split out.
extern const char kMigration[] = R"SQL(
CREATE TABLE boilerplate_issuers (
  issuer TEXT PRIMARY KEY,
  records INTEGER NOT NULL
);
CREATE TABLE boilerplate_lines (
  id INTEGER PRIMARY KEY,
  issuer TEXT NOT NULL,
  line_key TEXT NOT NULL,
  line TEXT NOT NULL,
  records INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'counted',
  updated_at TEXT,
  UNIQUE (issuer, line_key)
);
CREATE INDEX boilerplate_lines_by_records ON boilerplate_lines(records);
CREATE INDEX boilerplate_lines_by_state ON boilerplate_lines(state) WHERE state != 'counted';
CREATE INDEX records_by_issuer ON records(issuer);
)SQL";

namespace {

const char* kNow = "strftime('%Y-%m-%dT%H:%M:%SZ','now')";

// One prepared statement, finalised on scope exit.
class Query {
 public:
  Query(sqlite3* db, const std::string& sql) {
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr);
  }
  ~Query() { sqlite3_finalize(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Query& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  // Ready to step again with new values: a statement run for many rows is prepared once.
  Query& reset() {
    if (stmt_) sqlite3_reset(stmt_), sqlite3_clear_bindings(stmt_);
    return *this;
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

Error db_error(sqlite3* db, const std::string& path, const std::string& what) {
  return make_error(Reason::kIo, path + ": " + what + ": " + sqlite3_errmsg(db));
}

bool exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool add_event(sqlite3* db, const std::string& agent, const std::string& detail) {
  Query insert(db, std::string("INSERT INTO events(at, type, agent, outcome, detail) VALUES (") +
                       kNow + ", 'boilerplate', ?, 'success', ?)");
  insert.bind(1, agent).bind(2, detail);
  return insert.step() == SQLITE_DONE;
}

}  // namespace

Status count_lines(sqlite3* db, const std::string& path, const std::string& issuer,
                   const std::vector<std::pair<std::string, std::string>>& lines) {
  if (issuer.empty()) return Status::Ok();
  if (!exec(db, "BEGIN IMMEDIATE")) return db_error(db, path, "cannot count boilerplate lines");
  bool ok = true;
  {
    Query issuer_count(db,
                       "INSERT INTO boilerplate_issuers(issuer, records) VALUES (?, 1) "
                       "ON CONFLICT(issuer) DO UPDATE SET records = records + 1");
    issuer_count.bind(1, issuer);
    ok = issuer_count.step() == SQLITE_DONE;
  }
  Query line_count(
      db,
      "INSERT INTO boilerplate_lines(issuer, line_key, line, records) VALUES (?, ?, ?, 1) "
      "ON CONFLICT(issuer, line_key) DO UPDATE SET records = records + 1");
  for (const auto& [key, line] : lines) {
    if (!ok) break;
    line_count.reset().bind(1, issuer).bind(2, key).bind(3, line);
    ok = line_count.step() == SQLITE_DONE;
  }
  if (ok && exec(db, "COMMIT")) return Status::Ok();
  const Error error = db_error(db, path, "cannot count boilerplate lines");
  exec(db, "ROLLBACK");
  return error;
}

Result<std::vector<BoilerplateLine>> lines(sqlite3* db, const std::string& path,
                                           std::int64_t min_records) {
  Query q(db,
          "SELECT l.id, l.issuer, l.line, l.line_key, l.records, coalesce(i.records, 0), l.state "
          "FROM boilerplate_lines l LEFT JOIN boilerplate_issuers i ON i.issuer = l.issuer "
          "WHERE l.records >= ? OR l.state != 'counted' ORDER BY l.issuer, l.records DESC, l.id");
  q.bind(1, min_records);
  std::vector<BoilerplateLine> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    BoilerplateLine l;
    l.id = q.integer(0);
    l.issuer = q.text(1);
    l.line = q.text(2);
    l.line_key = q.text(3);
    l.records = q.integer(4);
    l.issuer_records = q.integer(5);
    if (!boilerplate_state_from_name(q.text(6), l.state)) l.state = BoilerplateState::kCounted;
    out.push_back(std::move(l));
  }
  if (rc != SQLITE_DONE) return db_error(db, path, "cannot read learned boilerplate");
  return out;
}

Result<bool> set_state(sqlite3* db, const std::string& path, std::int64_t id,
                       BoilerplateState state, const std::string& agent) {
  if (!exec(db, "BEGIN IMMEDIATE")) return db_error(db, path, "cannot change a boilerplate line");
  Query update(db, std::string("UPDATE boilerplate_lines SET state = ?, updated_at = ") + kNow +
                       " WHERE id = ?");
  update.bind(1, std::string(boilerplate_state_name(state))).bind(2, id);
  bool ok = update.step() == SQLITE_DONE;
  const bool found = ok && sqlite3_changes(db) == 1;
  if (ok && found)
    ok = add_event(db, agent,
                   std::string(boilerplate_state_name(state)) + " learned boilerplate line " +
                       std::to_string(id));
  if (ok && exec(db, "COMMIT")) return found;
  const Error error = db_error(db, path, "cannot change a boilerplate line");
  exec(db, "ROLLBACK");
  return error;
}

Result<std::int64_t> add_line(sqlite3* db, const std::string& path, const std::string& issuer,
                              const std::string& line_key, const std::string& line,
                              const std::string& agent) {
  if (!exec(db, "BEGIN IMMEDIATE")) return db_error(db, path, "cannot add a boilerplate line");
  std::int64_t id = 0;
  bool ok;
  {
    Query upsert(
        db, std::string("INSERT INTO boilerplate_lines(issuer, line_key, line, state, updated_at) "
                        "VALUES (?, ?, ?, 'confirmed', ") +
                kNow +
                ") "
                "ON CONFLICT(issuer, line_key) DO UPDATE SET state = 'confirmed', updated_at = "
                "excluded.updated_at");
    upsert.bind(1, issuer).bind(2, line_key).bind(3, line);
    ok = upsert.step() == SQLITE_DONE;
  }
  if (ok) {
    Query find(db, "SELECT id FROM boilerplate_lines WHERE issuer = ? AND line_key = ?");
    find.bind(1, issuer).bind(2, line_key);
    ok = find.step() == SQLITE_ROW;
    if (ok) id = find.integer(0);
  }
  if (ok)
    ok =
        add_event(db, agent,
                  "added boilerplate line " + std::to_string(id) + " of '" + issuer + "': " + line);
  if (ok && exec(db, "COMMIT")) return id;
  const Error error = db_error(db, path, "cannot add a boilerplate line");
  exec(db, "ROLLBACK");
  return error;
}

namespace {

// The values of a records column ("issuer" or "place", never from input) named by at
// least `min_records` records, most frequent first.
Result<std::vector<std::string>> frequent_values(sqlite3* db, const std::string& path,
                                                 const std::string& column,
                                                 std::int64_t min_records) {
  Query q(db, "SELECT " + column + " FROM records WHERE " + column + " IS NOT NULL AND " + column +
                  " != '' GROUP BY " + column + " HAVING count(*) >= ? ORDER BY count(*) DESC, " +
                  column);
  q.bind(1, min_records);
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.text(0));
  if (rc != SQLITE_DONE) return db_error(db, path, "cannot read the " + column + "s");
  return out;
}

}  // namespace

Result<std::vector<std::string>> issuers(sqlite3* db, const std::string& path,
                                         std::int64_t min_records) {
  return frequent_values(db, path, "issuer", min_records);
}

Result<std::vector<std::string>> places(sqlite3* db, const std::string& path,
                                        std::int64_t min_records) {
  return frequent_values(db, path, "place", min_records);
}

}  // namespace pressarchive::sqlite_learned_boilerplate

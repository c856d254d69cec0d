// The archive store backends the store-level tests run against: SQLite always, and
// PostgreSQL when PRESSARCHIVE_TEST_PG names a server where the tests may create and drop
// databases (tools/pg-test-cluster.sh starts one; tools/run-tests.sh sets it).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <pqxx/pqxx>
#include <string>

#include "stages/store/postgres/pg_store.h"
#include "test_paths.h"

namespace pressarchive::testing {

enum class Backend { kSqlite, kPostgresql };

inline std::string backend_name(Backend b) {
  return b == Backend::kSqlite ? "sqlite" : "postgresql";
}
inline void PrintTo(Backend b, std::ostream* os) { *os << backend_name(b); }
inline std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info) {
  return backend_name(info.param);
}

inline std::optional<std::string> pg_server() {
  const char* uri = std::getenv("PRESSARCHIVE_TEST_PG");
  if (uri == nullptr || *uri == '\0') return std::nullopt;
  return std::string(uri);
}

inline constexpr const char* kNoPgServer =
    "PostgreSQL case skipped: PRESSARCHIVE_TEST_PG is not set (tools/pg-test-cluster.sh start "
    "prints a URI)";

// Set (PRESSARCHIVE_REQUIRE_PG=1) where the PostgreSQL cases must run: in CI (.ci/run), a
// missing server is a failure, not a skip.
inline bool pg_required() {
  const char* required = std::getenv("PRESSARCHIVE_REQUIRE_PG");
  return required != nullptr && std::string(required) == "1";
}

inline constexpr const char* kPgServerRequired =
    "PostgreSQL case cannot run: PRESSARCHIVE_REQUIRE_PG=1 but PRESSARCHIVE_TEST_PG is not set "
    "(tools/run-tests.sh starts tools/pg-test-cluster.sh and sets it)";

// In a PostgreSQL case (its body or SetUp): without a server, skips saying why on a
// developer's machine, fails where PRESSARCHIVE_REQUIRE_PG=1.
#define PRESSARCHIVE_NEEDS_PG_SERVER()                              \
  do {                                                              \
    if (!::pressarchive::testing::pg_server()) {                    \
      if (::pressarchive::testing::pg_required())                   \
        GTEST_FAIL() << ::pressarchive::testing::kPgServerRequired; \
      else                                                          \
        GTEST_SKIP() << ::pressarchive::testing::kNoPgServer;       \
    }                                                               \
  } while (0)

// A fresh, empty archive location for one test: a file in a temp dir for SQLite, a new
// database with a unique name for PostgreSQL, dropped again by the destructor.
class ScratchArchive {
 public:
  explicit ScratchArchive(Backend backend) : backend_(backend) {
    if (backend == Backend::kSqlite) {
      location_ = (dir_.path() / "archive.db").string();
      return;
    }
    static std::atomic<int> counter{0};
    database_ = "pressarchive_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(*pg_server());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + database_);
    tx.exec("CREATE DATABASE " + database_);
    location_ = with_database(*pg_server(), database_);
  }
  ~ScratchArchive() {
    if (database_.empty()) return;
    try {
      pqxx::connection admin(*pg_server());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop " << database_ << ": " << e.what();
    }
  }
  ScratchArchive(const ScratchArchive&) = delete;
  ScratchArchive& operator=(const ScratchArchive&) = delete;

  Backend backend() const { return backend_; }
  const std::string& location() const { return location_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  Backend backend_;
  TempDir dir_;
  std::string database_;
  std::string location_;
};

// A test run once per backend (INSTANTIATE_TEST_SUITE_P(Backends, Suite, kEachBackend,
// backend_param_name)), each time on a fresh scratch archive. The PostgreSQL run needs a
// server (PRESSARCHIVE_NEEDS_PG_SERVER).
class OnEachBackend : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgresql) PRESSARCHIVE_NEEDS_PG_SERVER();
    scratch_ = std::make_unique<ScratchArchive>(GetParam());
  }
  std::unique_ptr<ScratchArchive> scratch_;
};

inline const auto kEachBackend = ::testing::Values(Backend::kSqlite, Backend::kPostgresql);

}  // namespace pressarchive::testing

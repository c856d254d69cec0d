// A throwaway PostgreSQL database per test, on the server named by PRESSARCHIVE_TEST_PG
// (a libpq URI of a server where the test may create and drop databases; the test
// command starts one, see tools/pg-test-cluster.sh). Without it, PostgreSQL tests skip.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include <pqxx/pqxx>

namespace pressarchive::testing {

class PgTestDb {
 public:
  static constexpr const char* kSkipMessage =
      "PRESSARCHIVE_TEST_PG is not set: no PostgreSQL server to test against (tools/run-tests.sh starts one)";

  static bool available() { return std::getenv("PRESSARCHIVE_TEST_PG") != nullptr; }

  PgTestDb() {
    static std::atomic<int> counter{0};
    name_ = "pa_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(server());
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name_);
    tx.exec("CREATE DATABASE " + name_);
  }
  ~PgTestDb() {
    try {
      pqxx::connection admin(server());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // A database left behind lives in the throwaway cluster only.
    }
  }
  PgTestDb(const PgTestDb&) = delete;
  PgTestDb& operator=(const PgTestDb&) = delete;

  // The test database's URI: the server's, with the database name replaced.
  std::string uri() const {
    const std::string base = server();
    const std::size_t scheme = base.find("://");
    const std::size_t slash = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    const std::size_t query = base.find('?');
    std::string out = (slash == std::string::npos ? base.substr(0, query) : base.substr(0, slash)) + "/" + name_;
    if (query != std::string::npos) out += base.substr(query);
    return out;
  }

 private:
  static std::string server() { return std::getenv("PRESSARCHIVE_TEST_PG"); }
  std::string name_;
};

}  // namespace pressarchive::testing

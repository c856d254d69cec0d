// The nightly batch killed with SIGKILL at several moments (early, mid-OCR, inside a
// commit) and run again: every input ends exactly once, nothing is half-written, and
// SQLite's integrity check passes. And the nightly export killed while it writes its
// packages: only whole packages are in place, and the next export clears up.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "../child_process.h"
#include "../export/package_checks.h"
#include "../test_paths.h"
#include "stages/export/bagit.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

using testing::wait_for;

// The children's stdout and stderr, one file for all runs of a test in its temporary
// folder, printed when the test fails: an abort or a sanitizer's report in a child is
// otherwise lost.
class ChildLog {
 public:
  explicit ChildLog(fs::path path) : path_(std::move(path)) {}
  ~ChildLog() {
    if (::testing::Test::HasFailure())
      std::cerr << "--- the children's output (" << path_.string() << "):\n"
                << text() << "--- end\n";
  }
  ChildLog(const ChildLog&) = delete;
  ChildLog& operator=(const ChildLog&) = delete;
  const fs::path& path() const { return path_; }
  // Marks where the next child's output begins.
  void begin(const std::string& run) const {
    std::ofstream(path_, std::ios::app) << "--- " << run << "\n";
  }
  std::string text() const {
    std::ostringstream out;
    out << std::ifstream(path_).rdbuf();
    return out.str();
  }

 private:
  fs::path path_;
};

pid_t start_ingest(const fs::path& inputs, const fs::path& store, const char* crash_at,
                   const ChildLog& log, const std::string& run) {
  log.begin(run);
  return testing::start_pressarchive(
      {"ingest", inputs.string(), "--store", store.string(), "-q", "--jobs", "2"}, log.path(),
      [crash_at] {
        if (crash_at) setenv("PRESSARCHIVE_CRASH_BEFORE_COMMIT", crash_at, 1);
      });
}

std::vector<std::string> column(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
    out.emplace_back(p ? std::string(p, sqlite3_column_bytes(stmt, 0)) : std::string());
  }
  sqlite3_finalize(stmt);
  return out;
}

void expect_every_input_once(const fs::path& inputs, const fs::path& store) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(column(db, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  const std::vector<std::string> archived = column(db, "SELECT path FROM sources");
  const std::vector<std::string> failed =
      column(db, "SELECT path FROM failures WHERE resolved_at IS NULL");
  std::multiset<std::string> outcomes(archived.begin(), archived.end());
  outcomes.insert(failed.begin(), failed.end());
  std::set<std::string> expected;
  for (const auto& entry : fs::directory_iterator(inputs)) expected.insert(entry.path().string());
  for (const std::string& path : expected) EXPECT_EQ(outcomes.count(path), 1u) << path;
  EXPECT_EQ(outcomes.size(), expected.size());
  EXPECT_EQ(column(db, "SELECT count(*) FROM records"), std::vector<std::string>{"5"});
  EXPECT_EQ(column(db,
                   "SELECT count(*) FROM records r WHERE page_count <> "
                   "(SELECT count(*) FROM pages p WHERE p.record_id = r.id)"),
            std::vector<std::string>{"0"})
      << "no partial records";
  EXPECT_EQ(column(db, "SELECT count(*) FROM records_fts"), std::vector<std::string>{"5"});
  sqlite3_close(db);
}

struct KillPoint {
  const char* name;
  int after_ms;          // send `signal` after this long, or
  const char* crash_at;  // let the store kill itself inside this commit
  int signal = SIGKILL;
};

class ResumeAfterKill : public ::testing::TestWithParam<KillPoint> {};

TEST_P(ResumeAfterKill, RerunEndsWithEveryInputExactlyOnce) {
  testing::TempDir dir;
  const fs::path inputs = dir.path() / "inbox";
  fs::create_directory(inputs);
  for (const auto& entry : fs::directory_iterator(testing::samples_dir()))
    fs::copy_file(entry.path(), inputs / entry.path().filename());
  const fs::path store = dir.path() / "archive.db";

  const ChildLog log(dir.path() / "children.log");  // destroyed before `dir`

  const KillPoint point = GetParam();
  const pid_t pid = start_ingest(inputs, store, point.crash_at, log, "the run that is killed");
  if (point.after_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(point.after_ms));
    kill(pid, point.signal);
  }
  const int killed = wait_for(pid);
  if (point.crash_at)
    EXPECT_EQ(killed, 128 + SIGKILL) << "the failure point fired (its output follows)";
  if (point.signal == SIGTERM)
    EXPECT_TRUE(killed == 128 + SIGTERM || killed == 0 || killed == 3)
        << "SIGTERM: stop taking inputs, commit, exit 143 (or finish normally if all was in "
           "flight): "
        << killed << " (its output follows)";

  const int rerun = wait_for(start_ingest(inputs, store, nullptr, log, "the rerun"));
  EXPECT_TRUE(rerun == 0 || rerun == 3) << rerun << " (its output follows)";
  expect_every_input_once(inputs, store);

  // And a third run finds nothing to do.
  EXPECT_EQ(wait_for(start_ingest(inputs, store, nullptr, log, "the third run")), 0)
      << "(its output follows)";
  expect_every_input_once(inputs, store);
}

INSTANTIATE_TEST_SUITE_P(KillPoints, ResumeAfterKill,
                         ::testing::Values(KillPoint{"early", 150, nullptr},
                                           KillPoint{"mid_ocr", 1500, nullptr},
                                           KillPoint{"first_commit", 0, "1"},
                                           KillPoint{"third_commit", 0, "3"},
                                           KillPoint{"sigterm", 1200, nullptr, SIGTERM}),
                         [](const auto& info) { return std::string(info.param.name); });

using testing::files_under;

TEST(ExportAfterKill, OnlyWholePackagesAndTheNextExportClearsUp) {
  testing::TempDir dir;
  const fs::path inputs = dir.path() / "inbox";
  fs::create_directory(inputs);
  // Born-digital copies (no OCR to wait for), each with its own bytes.
  for (int i = 1; i <= 24; ++i) {
    const fs::path copy = inputs / ("copy" + std::to_string(i) + ".pdf");
    fs::copy_file(testing::sample("seed-born-digital.pdf"), copy);
    std::ofstream(copy, std::ios::app) << "% copy " << i << "\n";
  }
  const fs::path store = dir.path() / "archive.db";
  const ChildLog log(dir.path() / "children.log");  // destroyed before `dir`
  log.begin("ingest");
  ASSERT_EQ(wait_for(testing::start_pressarchive(
                {"ingest", inputs.string(), "--store", store.string(), "-q"}, log.path())),
            0);
  const fs::path out = dir.path() / "packages";
  const auto export_into = [&](const fs::path& folder) {
    return testing::start_pressarchive({"export", "--store", store.string(), "--format", "mets",
                                        "--bag", "--out", folder.string(), "-q"},
                                       log.path());
  };

  // Killed as soon as a package is being written, while others are already in place.
  log.begin("the export that is killed");
  const pid_t pid = export_into(out);
  bool caught_in_the_act = false;
  for (int i = 0; i < 20000 && !caught_in_the_act; ++i) {
    std::error_code ec;
    int whole = 0;
    bool partial = false;
    for (auto it = fs::directory_iterator(out, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      partial = partial || name.find(".partial-") != std::string::npos;
      whole += name[0] != '.';
    }
    caught_in_the_act = partial && whole >= 2;
    if (!caught_in_the_act) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, SIGKILL);
  EXPECT_EQ(wait_for(pid), 128 + SIGKILL) << "killed before it finished (its output follows)";
  EXPECT_TRUE(caught_in_the_act) << "no package was being written when the export was killed";

  std::map<std::int64_t, Record> records;
  {
    auto opened = open_existing_store(store.string());
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->for_each_record([&](const Record& r) { records[r.id] = r; }).ok());
  }
  ASSERT_EQ(records.size(), 24u);
  std::set<std::string> in_place, leftovers;
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    (name[0] == '.' ? leftovers : in_place).insert(name);
  }
  EXPECT_FALSE(leftovers.empty()) << "the package being written stays under its temporary name";
  EXPECT_LT(in_place.size(), records.size());
  for (const std::string& name : in_place) {
    const fs::path bag = out / name;
    const Status verified = verify_bag(bag);
    EXPECT_TRUE(verified.ok()) << name << ": " << (verified.ok() ? "" : verified.error().message);
    testing::check_package(bag / "data", records.at(std::stoll(name)));
  }

  // The next export clears what the killed one left and writes every package, to the
  // same bytes as an export that was never interrupted.
  log.begin("the export after the kill");
  ASSERT_EQ(wait_for(export_into(out)), 0) << "(its output follows)";
  log.begin("an export into a fresh folder");
  ASSERT_EQ(wait_for(export_into(dir.path() / "fresh")), 0) << "(its output follows)";
  const auto after = files_under(out);
  EXPECT_EQ(after, files_under(dir.path() / "fresh"));
  for (const auto& [path, bytes] : after)
    EXPECT_EQ(path.find(".partial-"), std::string::npos) << path << " left over";
  EXPECT_EQ(after.size(), files_under(dir.path() / "fresh").size());
}

}  // namespace
}  // namespace pressarchive

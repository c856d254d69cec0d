// The archive refuses writes: a full disk (simulated with a file-size limit, which makes
// write() fail as a full disk does) and a read-only archive. The run must say so clearly,
// exit 4 (store error), leave nothing half-written, and the same command must complete
// every input exactly once when the store can be written again.
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "../test_paths.h"
#include "pipeline/exit_codes.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;

struct Finished {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `binary` with `args`; `in_child` runs in the forked child just before exec.
Finished run(const fs::path& binary, const std::vector<std::string>& args,
             const std::function<void()>& in_child) {
  int out[2];
  if (pipe(out) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    in_child();
    std::vector<char*> argv{const_cast<char*>(binary.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  Finished done;
  char buffer[4096];
  ssize_t n;
  while ((n = read(out[0], buffer, sizeof buffer)) > 0)
    done.output.append(buffer, static_cast<std::size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  done.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return done;
}

std::vector<std::string> ingest_args(const fs::path& inputs, const fs::path& store) {
  return {"ingest", inputs.string(), "--store", store.string(), "-q", "--jobs", "2"};
}

std::vector<std::string> column(const fs::path& store, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(store.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::vector<std::string> out;
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, 0));
    out.emplace_back(p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)))
                       : std::string());
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string single(const fs::path& store, const std::string& sql) {
  const std::vector<std::string> rows = column(store, sql);
  return rows.size() == 1 ? rows[0] : "(" + std::to_string(rows.size()) + " rows)";
}

// What must hold after any run, finished or not: SQLite's own check, and no record
// without all of its pages or its full-text entry.
void expect_nothing_half_written(const fs::path& store) {
  EXPECT_EQ(single(store, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(single(store,
                   "SELECT count(*) FROM records r WHERE page_count <> "
                   "(SELECT count(*) FROM pages p WHERE p.record_id = r.id)"),
            "0")
      << "a record without all of its pages";
  EXPECT_EQ(single(store, "SELECT count(*) FROM records_fts"),
            single(store, "SELECT count(*) FROM records"));
  EXPECT_EQ(single(store,
                   "SELECT count(*) FROM sources s WHERE NOT EXISTS "
                   "(SELECT 1 FROM records r WHERE r.id = s.record_id)"),
            "0")
      << "a source linked to no record";
}

fs::path copy_samples(const fs::path& dir) {
  const fs::path inbox = dir / "inbox";
  fs::create_directory(inbox);
  for (const auto& entry : fs::directory_iterator(testing::samples_dir()))
    fs::copy_file(entry.path(), inbox / entry.path().filename());
  return inbox;
}

// The size the archive's files may reach in the "full disk" run. The empty archive is
// ~110 KiB; a record adds 30-60 KiB of pages, text and index to the write-ahead log, so
// about two of the five records fit before the "disk" is full.
constexpr rlim_t kDiskFullAt = 256 * 1024;

TEST(StoreFaults, FullDiskStopsCleanlyAndTheSameCommandFinishesTheJob) {
  testing::TempDir dir;
  const fs::path inbox = copy_samples(dir.path());
  const fs::path empty = dir.path() / "empty";
  fs::create_directory(empty);
  const fs::path store = dir.path() / "archive.db";
  const auto nothing = [] {};
  // The archive exists (schema and one run) before the disk fills up.
  ASSERT_EQ(run(PRESSARCHIVE_BINARY, ingest_args(empty, store), nothing).exit_code, exit_code::kOk);

  const Finished full = run(PRESSARCHIVE_BINARY, ingest_args(inbox, store), [] {
    // Ignored, SIGXFSZ no longer kills the process at the limit: write() fails with
    // EFBIG, as it fails with ENOSPC on a full disk.
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{kDiskFullAt, kDiskFullAt};
    setrlimit(RLIMIT_FSIZE, &limit);
  });
  EXPECT_EQ(full.exit_code, exit_code::kStoreError) << full.output;
  EXPECT_NE(full.output.find("cannot write to the archive " + store.string()), std::string::npos)
      << full.output;
  EXPECT_NE(full.output.find("disk is full"), std::string::npos) << full.output;
  EXPECT_NE(full.output.find("run the same command again"), std::string::npos) << full.output;
  EXPECT_EQ(full.output.find("cannot write to the archive",
                             full.output.find("cannot write to the archive") + 1),
            std::string::npos)
      << "said once, not once per input:\n"
      << full.output;
  expect_nothing_half_written(store);
  const std::string archived_before = single(store, "SELECT count(*) FROM records");
  EXPECT_GT(std::stoi(archived_before), 0) << "what was finished before the disk filled up is kept";
  EXPECT_LT(std::stoi(archived_before), 5) << "the limit must stop the run part way";
  EXPECT_EQ(single(store, "SELECT count(*) FROM failures WHERE stage = 'store' OR reason = 'io'"),
            "0")
      << "a full disk is not the inputs' fault: they must not be skipped as failed by the re-run";

  const Finished rerun = run(PRESSARCHIVE_BINARY, ingest_args(inbox, store), nothing);
  // 3: the broken sample fails now; 0: its failure was already recorded before the disk filled up.
  EXPECT_TRUE(rerun.exit_code == exit_code::kCompletedWithFailures ||
              rerun.exit_code == exit_code::kOk)
      << rerun.output;
  expect_nothing_half_written(store);
  // Every input exactly once: archived or linked (sources) or failed (open failures).
  std::multiset<std::string> outcomes;
  for (const std::string& p : column(store, "SELECT path FROM sources")) outcomes.insert(p);
  for (const std::string& p : column(store, "SELECT path FROM failures WHERE resolved_at IS NULL"))
    outcomes.insert(p);
  std::size_t inputs = 0;
  for (const auto& entry : fs::directory_iterator(inbox)) {
    EXPECT_EQ(outcomes.count(entry.path().string()), 1u) << entry.path();
    ++inputs;
  }
  EXPECT_EQ(outcomes.size(), inputs);
  EXPECT_EQ(single(store, "SELECT count(*) FROM records"), "5");
}

// The child runs as `nobody` when the test runs as root (as in CI), for whom file
// permissions do not apply.
void become_unprivileged() {
  if (geteuid() != 0) return;
  if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(126);
}

class ReadOnlyStore : public ::testing::Test {
 protected:
  void SetUp() override {
    // Everything the unprivileged child needs is readable and traversable for it: the
    // test folder and a copy of the binary with its Tesseract module beside it (the
    // checkout may be in a private home).
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
    binary_ = dir_.path() / "pressarchive";
    fs::copy_file(PRESSARCHIVE_BINARY, binary_);
    const fs::path module = PRESSARCHIVE_TESSERACT_MODULE;
    fs::copy_file(module, dir_.path() / module.filename());
    folder_ = dir_.path() / "archive";
    fs::create_directory(folder_);
    store_ = folder_ / "archive.db";
  }
  void TearDown() override {
    fs::permissions(folder_, fs::perms::owner_all);
    if (fs::exists(store_)) fs::permissions(store_, fs::perms::owner_read | fs::perms::owner_write);
  }
  void make_read_only() {
    if (fs::exists(store_))
      fs::permissions(store_,
                      fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(folder_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                 fs::perms::group_exec | fs::perms::others_read |
                                 fs::perms::others_exec);
  }
  void expect_refused_before_any_work(const Finished& run) {
    EXPECT_EQ(run.exit_code, exit_code::kStoreError) << run.output;
    EXPECT_NE(run.output.find(store_.string() + ": cannot write the archive"), std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("read-only"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("Nothing was started"), std::string::npos) << run.output;
    // No input was looked at: no failure line, no run summary.
    EXPECT_EQ(run.output.find("failed:"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("pressarchive run"), std::string::npos) << run.output;
  }

  testing::TempDir dir_;
  fs::path binary_, folder_, store_;
};

TEST_F(ReadOnlyStore, AnExistingArchiveIsRefusedBeforeAnyInputIsRead) {
  ASSERT_EQ(
      run(binary_, ingest_args(testing::sample("seed-born-digital.pdf"), store_), [] {}).exit_code,
      exit_code::kOk);
  make_read_only();
  expect_refused_before_any_work(
      run(binary_, ingest_args(testing::samples_dir(), store_), become_unprivileged));
  EXPECT_EQ(single(store_, "SELECT count(*) FROM runs"), "1") << "the archive is untouched";
  expect_nothing_half_written(store_);
}

TEST_F(ReadOnlyStore, ANewArchiveInAReadOnlyFolderIsRefusedBeforeAnyInputIsRead) {
  make_read_only();
  expect_refused_before_any_work(
      run(binary_, ingest_args(testing::samples_dir(), store_), become_unprivileged));
  EXPECT_FALSE(fs::exists(store_));
}

}  // namespace
}  // namespace pressarchive

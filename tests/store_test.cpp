#include "stages/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test_paths.h"

namespace pressarchive {
namespace {

Record sample_record(const std::string& sha, const std::string& path) {
  Record r;
  r.sha256 = sha;
  r.source_paths = {path};
  r.format = SourceFormat::kPdf;
  r.kind = RecordKind::kScanned;
  PageResult p;
  p.number = 1;
  p.method = PageMethod::kOcr;
  p.text = "Prof. Dieter Rombach beendet seine Tätigkeit";
  p.confidence = 91.5;
  r.pages = {p};
  r.text = p.text;
  r.metadata.title = "CDO und CUO beenden Tätigkeit";
  r.metadata.release_date = "2022-03-31";
  r.ocr_confidence = 91.5;
  return r;
}

TEST(SqliteStore, ArchivesLooksUpLinksAndSearches) {
  testing::TempDir dir;
  const std::string db = (dir.path() / "archive.db").string();
  Result<std::unique_ptr<ArchiveStore>> store = open_sqlite_store(db);
  ASSERT_TRUE(store.ok()) << store.error().message;
  ArchiveStore& s = **store;
  const std::int64_t run = s.begin_run({"test", "", "{}"}).value();

  EXPECT_FALSE(s.lookup("abc", "a.pdf").record_id);
  Result<std::int64_t> id = s.archive_record(sample_record("abc", "a.pdf"), run);
  ASSERT_TRUE(id.ok()) << id.error().message;
  KnownContent known = s.lookup("abc", "a.pdf");
  ASSERT_TRUE(known.record_id);
  EXPECT_EQ(*known.record_id, *id);
  EXPECT_TRUE(known.path_known);
  EXPECT_FALSE(s.lookup("abc", "b.pdf").path_known);

  Source copy;
  copy.path = "b.pdf";
  copy.sha256 = "abc";
  ASSERT_TRUE(s.link_source(*id, copy, run).ok());
  auto loaded = s.load_record(*id);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->source_paths, (std::vector<std::string>{"a.pdf", "b.pdf"}));
  EXPECT_EQ((*loaded)->metadata.title, "CDO und CUO beenden Tätigkeit");
  ASSERT_EQ((*loaded)->pages.size(), 1u);
  EXPECT_DOUBLE_EQ(*(*loaded)->pages[0].confidence, 91.5);

  auto hits = s.search("rombach", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].record_id, *id);
  EXPECT_TRUE(s.search("Tatigkeit", 10)->size() == 1) << "diacritics folded";
  EXPECT_TRUE(s.search("Steinebach", 10)->empty());
  EXPECT_TRUE(s.search("\"unbalanced AND (", 10).ok()) << "user text never breaks FTS syntax";

  // The same content cannot become a second record.
  EXPECT_FALSE(s.archive_record(sample_record("abc", "c.pdf"), run).ok());
}

TEST(SqliteStore, FailuresAreOpenUntilTheContentIsArchived) {
  testing::TempDir dir;
  auto store = open_sqlite_store((dir.path() / "a.db").string());
  ASSERT_TRUE(store.ok());
  ArchiveStore& s = **store;
  const std::int64_t run = s.begin_run({"test", "", "{}"}).value();
  Failure f{0, "broken.pdf", "fff", "load", Reason::kUnreadable, "broken.pdf: truncated", "", run};
  ASSERT_TRUE(s.record_failure(f, run).ok());
  EXPECT_TRUE(s.lookup("fff", "broken.pdf").failed_before);
  int seen = 0;
  ASSERT_TRUE(s.for_each_failure([&](const Failure& got) {
    ++seen;
    EXPECT_EQ(got.reason, Reason::kUnreadable);
    EXPECT_EQ(got.source_path, "broken.pdf");
  }).ok());
  EXPECT_EQ(seen, 1);
  ASSERT_TRUE(s.archive_record(sample_record("fff", "broken.pdf"), run).ok());
  EXPECT_FALSE(s.lookup("fff", "broken.pdf").failed_before);
  StoreStatus st = s.status().value();
  EXPECT_EQ(st.failures, 0);
  EXPECT_EQ(st.records, 1);
}

TEST(SqliteStore, UsesWalAndKeepsNonUtf8PathsExactly) {
  testing::TempDir dir;
  const std::string db = (dir.path() / "a.db").string();
  const std::string odd_path = std::string("M") + '\xfc' + "nster.pdf";
  {
    auto store = open_sqlite_store(db);
    ASSERT_TRUE(store.ok());
    const std::int64_t run = (*store)->begin_run({"test", "", "{}"}).value();
    ASSERT_TRUE((*store)->archive_record(sample_record("abc", odd_path), run).ok());
  }
  auto store = open_sqlite_store(db);
  EXPECT_TRUE((*store)->lookup("abc", odd_path).path_known);
  EXPECT_EQ((*store)->load_record(1).value()->source_paths[0], odd_path);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);
}

TEST(SqliteStore, UnwritableLocationIsAClearError) {
  Result<std::unique_ptr<ArchiveStore>> store = open_sqlite_store("/nonexistent-dir/archive.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().reason, Reason::kIo);
  EXPECT_NE(store.error().message.find("/nonexistent-dir/archive.db"), std::string::npos);
}

}  // namespace
}  // namespace pressarchive

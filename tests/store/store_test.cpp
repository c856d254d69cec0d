// The archive store, one suite over both backends (SQLite, and PostgreSQL when
// PRESSARCHIVE_TEST_PG is set), so that they cannot drift apart.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <random>

#include "../store_backends.h"
#include "../test_paths.h"
#include "stages/core/text_util.h"
#include "stages/store/archive_store.h"
#include "stages/store/postgres/pg_store.h"
#include "stages/store/sqlite/sqlite_store.h"
#include "stages/store/store_common.h"

namespace pressarchive {
namespace {

using testing::Backend;
using testing::ScratchArchive;

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
  p.lines = {{"Prof. Dieter Rombach beendet seine Tätigkeit", 12.5f, true}};
  r.pages = {p};
  r.text = p.text;
  r.metadata.title = "CDO und CUO beenden Tätigkeit";
  r.metadata.release_date = "2022-03-31";
  r.metadata.persons = {{"Prof. Dieter Rombach", "CDO"}};
  r.metadata.confidence = {{"title", 0.8}};
  r.ocr_confidence = 91.5;
  return r;
}

class Store : public testing::OnEachBackend {
 protected:
  void SetUp() override {
    OnEachBackend::SetUp();
    if (IsSkipped()) return;
    Result<std::unique_ptr<ArchiveStore>> opened = open_store(scratch_->location());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    run_ = store_->begin_run({"test", "", "{}"}).value();
  }
  // Opens the same archive again, as another process would.
  std::unique_ptr<ArchiveStore> reopen() {
    Result<std::unique_ptr<ArchiveStore>> opened = open_store(scratch_->location());
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  std::unique_ptr<ArchiveStore> store_;
  std::int64_t run_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, Store, testing::kEachBackend, testing::backend_param_name);

TEST_P(Store, ArchivesLooksUpLinksAndSearches) {
  ArchiveStore& s = *store_;
  EXPECT_FALSE(s.lookup("abc", "a.pdf").record_id);
  Result<std::int64_t> id = s.archive_record(sample_record("abc", "a.pdf"), run_);
  ASSERT_TRUE(id.ok()) << id.error().message;
  KnownContent known = s.lookup("abc", "a.pdf");
  ASSERT_TRUE(known.record_id);
  EXPECT_EQ(*known.record_id, *id);
  EXPECT_TRUE(known.path_known);
  EXPECT_FALSE(s.lookup("abc", "b.pdf").path_known);

  Source copy;
  copy.path = "b.pdf";
  copy.sha256 = "abc";
  ASSERT_TRUE(s.link_source(*id, copy, run_).ok());
  auto loaded = s.load_record(*id);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const Record& r = **loaded;
  EXPECT_EQ(r.source_paths, (std::vector<std::string>{"a.pdf", "b.pdf"}));
  EXPECT_EQ(r.metadata.title, "CDO und CUO beenden Tätigkeit");
  EXPECT_EQ(r.metadata.release_date, "2022-03-31");
  ASSERT_EQ(r.metadata.persons.size(), 1u);
  EXPECT_EQ(r.metadata.persons[0].role, "CDO");
  EXPECT_DOUBLE_EQ(r.metadata.confidence.at("title"), 0.8);
  ASSERT_EQ(r.pages.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.pages[0].confidence, 91.5);
  ASSERT_EQ(r.pages[0].lines.size(), 1u);
  EXPECT_TRUE(r.pages[0].lines[0].starts_paragraph);
  EXPECT_EQ(r.kind, RecordKind::kScanned);
  EXPECT_EQ(r.format, SourceFormat::kPdf);
  EXPECT_EQ(r.created_at.size(), 20u) << r.created_at << ": YYYY-MM-DDTHH:MM:SSZ";
  EXPECT_FALSE(s.load_record(*id + 1).value().has_value());

  auto hits = s.search("rombach", 10);
  ASSERT_TRUE(hits.ok()) << hits.error().message;
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].record_id, *id);
  EXPECT_EQ((*hits)[0].title, "CDO und CUO beenden Tätigkeit");
  EXPECT_NE((*hits)[0].snippet.find("[Rombach]"), std::string::npos) << (*hits)[0].snippet;
  EXPECT_EQ(s.search("Tatigkeit", 10)->size(), 1u) << "diacritics folded";
  EXPECT_EQ(s.search("CUO Rombach", 10)->size(), 1u) << "title and text words together";
  EXPECT_TRUE(s.search("Rombach Steinebach", 10)->empty()) << "every word must occur";
  EXPECT_TRUE(s.search("Steinebach", 10)->empty());
  EXPECT_TRUE(s.search("\"unbalanced AND (", 10).ok()) << "user text never breaks the query syntax";
  EXPECT_TRUE(s.search("", 10)->empty());
}

TEST_P(Store, TheSameContentUnderAnotherPathIsLinkedNotArchivedTwice) {
  ArchiveStore& s = *store_;
  const std::int64_t id = s.archive_record(sample_record("abc", "a.pdf"), run_).value();
  // A second writer that did not see the first record (another process, a moment later).
  Result<std::int64_t> again = s.archive_record(sample_record("abc", "c.pdf"), run_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, id);
  EXPECT_EQ(s.status()->records, 1);
  EXPECT_EQ(s.load_record(id).value()->source_paths, (std::vector<std::string>{"a.pdf", "c.pdf"}));
  EXPECT_TRUE(s.lookup("abc", "c.pdf").path_known);
  // The same path and bytes once more (a worker whose lease ran out): nothing new.
  ASSERT_TRUE(s.archive_record(sample_record("abc", "c.pdf"), run_).ok());
  EXPECT_EQ(s.status()->sources, 2);
  std::vector<std::string> types;
  const std::vector<Event> events =
      s.events(id).value();  // kept: a range-for over .value() of a temporary dangles
  for (const Event& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ingest", "link"}));
}

TEST_P(Store, FailuresAreOpenUntilTheContentIsArchived) {
  ArchiveStore& s = *store_;
  Failure f{0, "broken.pdf", "fff", "load", Reason::kUnreadable, "broken.pdf: truncated", "", run_};
  ASSERT_TRUE(s.record_failure(f, run_).ok());
  ASSERT_TRUE(s.record_failure(f, run_).ok());
  EXPECT_TRUE(s.lookup("fff", "broken.pdf").failed_before);
  int seen = 0;
  ASSERT_TRUE(s.for_each_failure([&](const Failure& got) {
                 ++seen;
                 EXPECT_EQ(got.reason, Reason::kUnreadable);
                 EXPECT_EQ(got.source_path, "broken.pdf");
                 EXPECT_EQ(got.attempt, 2) << "the second attempt closes the first";
                 EXPECT_EQ(got.run_id, run_);
               }).ok());
  EXPECT_EQ(seen, 1);
  StoreStatus st = s.status().value();
  EXPECT_EQ(st.failures, 1);
  ASSERT_EQ(st.failures_by_reason.size(), 1u);
  EXPECT_EQ(st.failures_by_reason[0], (std::pair<std::string, std::int64_t>{"unreadable", 1}));
  ASSERT_TRUE(s.archive_record(sample_record("fff", "broken.pdf"), run_).ok());
  EXPECT_FALSE(s.lookup("fff", "broken.pdf").failed_before);
  st = s.status().value();
  EXPECT_EQ(st.failures, 0);
  EXPECT_EQ(st.records, 1);
}

TEST_P(Store, KeepsNonUtf8PathsExactly) {
  const std::string odd_path = std::string("M") + '\xfc' + "nster.pdf";
  ASSERT_TRUE(store_->archive_record(sample_record("abc", odd_path), run_).ok());
  Failure f{0,
            std::string("Br") + '\xfc' + "ssel.pdf",
            "bad",
            "load",
            Reason::kUnreadable,
            std::string("Br") + '\xfc' + "ssel.pdf: truncated",
            "",
            run_};
  ASSERT_TRUE(store_->record_failure(f, run_).ok());
  std::unique_ptr<ArchiveStore> again = reopen();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->lookup("abc", odd_path).path_known);
  EXPECT_FALSE(again->lookup("abc", std::string("M") + "\xc3\xbc" + "nster.pdf").path_known);
  EXPECT_EQ(again->load_record(1).value()->source_paths[0], odd_path);
  std::vector<std::string> failed;
  ASSERT_TRUE(
      again->for_each_failure([&](const Failure& got) { failed.push_back(got.source_path); }).ok());
  EXPECT_EQ(failed, std::vector<std::string>{f.source_path});
  const std::vector<Event> events = again->events(1).value();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].source_path, odd_path);
}

TEST_P(Store, EditsSurviveReprocessingAndAreEvents) {
  ArchiveStore& s = *store_;
  Record r = sample_record("abc", "a.pdf");
  r.needs_review = true;
  r.review_reasons = {"low OCR confidence"};
  const std::int64_t id = s.archive_record(r, run_).value();
  std::vector<std::int64_t> queue;
  ASSERT_TRUE(s.for_each_review([&](const Record& got) { queue.push_back(got.id); }).ok());
  EXPECT_EQ(queue, std::vector<std::int64_t>{id});

  ASSERT_TRUE(s.set_manual_field(id, "title", "Zwei Ämter enden", "archivist").ok());
  EXPECT_FALSE(s.set_manual_field(id, "sha256", "x", "archivist").ok()) << "only metadata fields";
  EXPECT_FALSE(s.set_manual_field(id + 7, "title", "x", "archivist").ok());
  EXPECT_EQ(s.search("Ämter", 10)->size(), 1u) << "the index follows the edited title";
  EXPECT_TRUE(s.search("beenden CUO", 10)->empty()) << "the old title is gone from the index";

  Record again = sample_record("abc", "a.pdf");
  again.metadata.title = "Machine title";
  again.metadata.issuer = "Stadt Kaiserslautern";
  again.text = "Neuer Text über Steinebach";
  ASSERT_TRUE(s.replace_record(id, again, run_).ok());
  const Record got = s.load_record(id).value().value();
  EXPECT_EQ(got.metadata.title, "Zwei Ämter enden") << "manual wins";
  EXPECT_EQ(got.metadata.issuer, "Stadt Kaiserslautern");
  EXPECT_EQ(got.manual_fields, std::vector<std::string>{"title"});
  EXPECT_EQ(s.search("Steinebach", 10)->size(), 1u);
  EXPECT_TRUE(s.search("Rombach", 10)->empty());
  EXPECT_FALSE(s.replace_record(id + 7, again, run_).ok());

  ASSERT_TRUE(s.mark_reviewed(id, "archivist").ok());
  EXPECT_FALSE(s.mark_reviewed(id + 7, "archivist").ok());
  queue.clear();
  ASSERT_TRUE(s.for_each_review([&](const Record& got) { queue.push_back(got.id); }).ok());
  EXPECT_TRUE(queue.empty());

  std::vector<std::string> types;
  const std::vector<Event> events =
      s.events(id).value();  // kept: a range-for over .value() of a temporary dangles
  for (const Event& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ingest", "edit", "reprocess", "reviewed"}));
  const Event edit = s.events(id).value()[1];
  EXPECT_EQ(edit.agent, "archivist");
  EXPECT_EQ(edit.detail, "title: 'CDO und CUO beenden Tätigkeit' -> 'Zwei Ämter enden' (manual)");
}

TEST_P(Store, ClustersAndCandidatesThroughBandKeys) {
  ArchiveStore& s = *store_;
  Record first = sample_record("aaa", "scan.png");
  first.signature = std::string("\x01\x02\x00\x03", 4);
  first.band_keys = {11, 12, 0xfffffffffffffff0ull};
  Result<std::int64_t> archived = s.archive_record(first, run_);
  ASSERT_TRUE(archived.ok()) << archived.error().message;
  const std::int64_t a = *archived;
  Record better = sample_record("bbb", "born-digital.pdf");
  better.kind = RecordKind::kBornDigital;
  better.band_keys = {0xfffffffffffffff0ull, 13};
  better.signature = "sig";
  better.duplicate_score = 0.9;
  better.takes_over_from = a;
  const std::int64_t b = s.archive_record(better, run_).value();
  Record other = sample_record("ccc", "third.png");
  other.band_keys = {13};
  other.signature = "sig";
  other.duplicate_of = b;
  other.duplicate_score = 0.8;
  other.revision_of = a;
  other.revision_score = 0.7;
  const std::int64_t c = s.archive_record(other, run_).value();

  const std::vector<NearDuplicateCandidate> found =
      s.near_duplicate_candidates({0xfffffffffffffff0ull, 99}, 10).value();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, a);
  EXPECT_EQ(found[0].duplicate_of, b) << "the old canonical record now links to the better copy";
  EXPECT_EQ(found[1].kind, RecordKind::kBornDigital);
  EXPECT_TRUE(s.near_duplicate_candidates({99}, 10)->empty());
  EXPECT_EQ(s.near_duplicate_candidates({11, 12, 13}, 1)->size(), 1u) << "limit";

  const std::optional<NearDuplicateCandidate> member = s.cluster_member(a).value();
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->id, a);
  EXPECT_EQ(member->kind, first.kind);
  EXPECT_EQ(member->ocr_confidence, first.ocr_confidence);
  EXPECT_EQ(member->duplicate_of, b);
  EXPECT_EQ(s.cluster_member(b).value()->kind, RecordKind::kBornDigital);
  EXPECT_FALSE(s.cluster_member(c + 1000).value().has_value()) << "no such record";

  const std::vector<ClusterRow> clusters = s.clusters().value();
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].canonical, b);
  ASSERT_EQ(clusters[0].members.size(), 2u);
  EXPECT_EQ(clusters[0].members[0].first, a);
  EXPECT_DOUBLE_EQ(clusters[0].members[0].second, 0.9);
  EXPECT_EQ(clusters[0].members[1].first, c);
  const auto revisions = s.revisions_of(a).value();
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].first, c);
  EXPECT_EQ(s.revisions_of(c).value().at(0).first, a);
}

TEST_P(Store, StatusRunsAndExportOrder) {
  ArchiveStore& s = *store_;
  for (const char* sha : {"h1", "h2", "h3"})
    ASSERT_TRUE(s.archive_record(sample_record(sha, std::string(sha) + ".pdf"), run_).ok());
  Source copy;
  copy.path = "h1-copy.pdf";
  copy.sha256 = "h1";
  ASSERT_TRUE(s.link_source(1, copy, run_).ok());
  RunSummary summary;
  summary.inputs = 4;
  summary.archived = 3;
  summary.duplicates = 1;
  summary.reprocessed = 2;
  summary.near_duplicates = 1;
  summary.revisions = 1;
  summary.pages_ocr = 5;
  summary.seconds = 1.5;
  summary.exit_code = 0;
  ASSERT_TRUE(s.finish_run(run_, summary).ok());
  const StoreStatus st = s.status().value();
  EXPECT_EQ(st.records, 3);
  EXPECT_EQ(st.sources, 4);
  EXPECT_EQ(st.duplicate_sources, 1);
  EXPECT_EQ(st.pages, 3);
  ASSERT_EQ(st.last_runs.size(), 1u);
  EXPECT_EQ(st.last_runs[0].id, run_);
  EXPECT_EQ(st.last_runs[0].summary.archived, 3);
  EXPECT_EQ(st.last_runs[0].summary.reprocessed, 2) << "a reprocess run is not 'archived 0'";
  EXPECT_EQ(st.last_runs[0].summary.near_duplicates, 1);
  EXPECT_EQ(st.last_runs[0].summary.revisions, 1);
  EXPECT_EQ(st.last_runs[0].summary.pages_ocr, 5);
  EXPECT_EQ(st.last_runs[0].summary.exit_code, 0);
  EXPECT_FALSE(st.last_runs[0].finished_at.empty());
  std::vector<std::string> order;
  ASSERT_TRUE(s.for_each_record([&](const Record& r) { order.push_back(r.sha256); }).ok());
  EXPECT_EQ(order, (std::vector<std::string>{"h1", "h2", "h3"}));
}

TEST_P(Store, IssuersAndPlacesNamedOftenEnoughMostFrequentFirst) {
  ArchiveStore& s = *store_;
  const std::pair<const char*, const char*> named[] = {
      {"Stadt Ulm", "Ulm"},          {"Stadt Ulm", "Ulm"},          {"Stadt Ulm", "Neu-Ulm"},
      {"Pressestelle", "Osnabrück"}, {"Pressestelle", "Osnabrück"}, {"", ""}};
  int n = 0;
  for (const auto& [issuer, place] : named) {
    Record r = sample_record("p" + std::to_string(++n), "p" + std::to_string(n) + ".pdf");
    r.metadata.issuer = issuer;
    r.metadata.place = place;
    ASSERT_TRUE(s.archive_record(r, run_).ok());
  }
  EXPECT_EQ(s.issuers(2).value(), (std::vector<std::string>{"Stadt Ulm", "Pressestelle"}));
  // A place read once (perhaps misread) does not become a known spelling.
  EXPECT_EQ(s.places(2).value(), (std::vector<std::string>{"Osnabrück", "Ulm"}));
  EXPECT_EQ(s.places(1).value(), (std::vector<std::string>{"Osnabrück", "Ulm", "Neu-Ulm"}));
}

TEST(SqliteStore, UsesWal) {
  testing::TempDir dir;
  const std::string db = (dir.path() / "a.db").string();
  ASSERT_TRUE(open_sqlite_store(db).ok());
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
  Result<std::unique_ptr<ArchiveStore>> store = open_store("/nonexistent-dir/archive.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().reason, Reason::kIo);
  EXPECT_NE(store.error().message.find("/nonexistent-dir/archive.db"), std::string::npos);
}

TEST(PostgresqlStore, UnreachableServerIsAClearErrorWithoutThePassword) {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  Result<std::unique_ptr<ArchiveStore>> store =
      open_store("postgresql://archivist:s3cret@127.0.0.1:1/archive");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().reason, Reason::kIo);
  EXPECT_NE(store.error().message.find("postgresql://archivist:***@127.0.0.1:1/archive"),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(store.error().message.find("s3cret"), std::string::npos);
  EXPECT_TRUE(is_postgresql_location("postgres://h/db"));
  EXPECT_FALSE(is_postgresql_location("archive.db"));
  EXPECT_FALSE(is_postgresql_location("postgresql.db"));
}

}  // namespace
}  // namespace pressarchive

namespace pressarchive {
namespace {

// The page lines column is written without building a JSON document: byte for byte what
// nlohmann::json writes for the same lines, and read back as they were.
TEST(PostgresqlStore, WithDatabaseReplacesOnlyTheDatabase) {
  EXPECT_EQ(with_database("postgresql://u:pw@h:5432/a?sslmode=disable", "b"),
            "postgresql://u:pw@h:5432/b?sslmode=disable");
  EXPECT_EQ(with_database("postgresql://h/a", "b"), "postgresql://h/b");
  EXPECT_EQ(with_database("postgresql://h:5432", "b"), "postgresql://h:5432/b");
  EXPECT_EQ(with_database("postgresql://h?host=/tmp/s", "b"), "postgresql://h/b?host=/tmp/s");
}

TEST(PageLinesJson, AsTheJsonLibraryWritesItAndReadBack) {
  std::vector<TextLine> lines = {
      {"Stadt Kaiserslautern \xE2\x80\x93 Pressestelle", 40.0f, true},
      {"\"Zitat\" mit \\Backslash\\ und\ttab", 11.04f, false},
      {"Steuerzeichen \x01\x1f\x7f und \r\n", 11.04f, false},
      {"", 0.0f, true},
      {"kaputt \xff\xc3 Ende", 1e-7f, false},
      {"Gro\xC3\x9F", 123456792.0f, true},
      {"negative", -3.5f, false},
      // Not UTF-8, though each lead byte has its continuation bytes: a surrogate, overlong
      // forms, a value above U+10FFFF. nlohmann::json refuses them; they become U+FFFD.
      {"a\xED\xA0\x80 b\xC0\x80 c\xE0\x80\xAF d\xF4\x90\x80\x80 e\xF0\x8F\xBF\xBF", 5.0f, true},
  };
  for (char c = 0x20; c < 0x7f; ++c) lines.push_back({std::string(3, c), 9.75f, c % 2 == 0});
  std::mt19937 random(20261126);  // and random bytes, valid UTF-8 or not
  for (int i = 0; i < 300; ++i) {
    std::string bytes(random() % 12, '\0');
    for (char& b : bytes)
      b = static_cast<char>(random() % 4 == 0 ? 0xC0 + random() % 0x40 : random() % 0x100);
    lines.push_back({bytes, static_cast<float>(random() % 50) / 4.0f, i % 3 == 0});
  }
  nlohmann::json expected = nlohmann::json::array();
  for (const TextLine& l : lines)
    expected.push_back({valid_utf8(l.text), l.height, l.starts_paragraph});
  const std::string written = store::page_lines_json(lines);
  EXPECT_EQ(written, expected.dump());
  const std::vector<TextLine> back = store::read_page_lines(written);
  ASSERT_EQ(back.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(back[i].text, valid_utf8(lines[i].text));
    EXPECT_EQ(back[i].height, lines[i].height);
    EXPECT_EQ(back[i].starts_paragraph, lines[i].starts_paragraph);
  }
  EXPECT_EQ(store::page_lines_json({}), "[]");
  EXPECT_EQ(valid_utf8("a\xED\xA0\x80"
                       "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(valid_utf8("\xF0\x9F\x98\x80 \xC3\xA4 \xE2\x80\x93"),
            "\xF0\x9F\x98\x80 \xC3\xA4 \xE2\x80\x93");
}

}  // namespace
}  // namespace pressarchive

// The archivist's web page below the browser (stages/web/): escaping, request checks,
// the token and CSRF rules, the handlers' answers to bad requests, and facet counts on
// both store backends.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "../ingest_in_process.h"
#include "../store_backends.h"
#include "../test_paths.h"
#include "pipeline/config.h"
#include "stages/core/text_util.h"
#include "stages/export/package.h"
#include "stages/web/access.h"
#include "stages/web/app.h"
#include "stages/web/html.h"
#include "stages/web/request.h"
#include "stages/web/server.h"

namespace pressarchive {
namespace {

using web::WebRequest;
using web::WebResponse;

TEST(Escape, HostileTextBecomesEntities) {
  EXPECT_EQ(web::escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(web::escape("Tätigkeit"), "Tätigkeit");
  EXPECT_EQ(web::escape(std::string("a\0b\x01"
                                    "c",
                                    5)),
            "abc");                                // control bytes dropped
  EXPECT_EQ(web::escape("\xff"), "\xef\xbf\xbd");  // not UTF-8: U+FFFD
  EXPECT_EQ(web::escape("one\ftwo"), "one\ntwo");
}

TEST(Escape, HitsAreMarkedAfterEscaping) {
  const std::string s = std::string("a ") + kHitStart + "<b>" + kHitEnd + " c";
  EXPECT_EQ(web::mark_hits(s), "a <mark>&lt;b&gt;</mark> c");
  // Unbalanced markers (a text layer can hold any byte) still give balanced HTML.
  EXPECT_EQ(web::mark_hits(std::string("x") + kHitStart + "y" + kHitStart + "z"),
            "x<mark>yz</mark>");
  EXPECT_EQ(web::mark_hits(std::string("x") + kHitEnd + "y"), "xy");
  EXPECT_EQ(web::mark_words("Dieter Rombach, <Rombach>", {"rombach"}),
            "Dieter <mark>Rombach</mark>, &lt;<mark>Rombach</mark>&gt;");
}

TEST(Escape, UrlsEncodeEverythingButUnreserved) {
  EXPECT_EQ(web::url_encode("a b&c=<ä>"), "a%20b%26c%3D%3C%C3%A4%3E");
  EXPECT_EQ(web::query_string({{"q", "x y"}, {"issuer", ""}, {"year", "2022"}}),
            "?q=x%20y&year=2022");
}

TEST(Request, RecordIdsArePositiveDecimalsOnly) {
  EXPECT_EQ(web::parse_id("12"), 12);
  for (const char* bad :
       {"", "0", "-1", "1e3", "12a", " 12", "0x10", "99999999999999999999", "../etc"})
    EXPECT_FALSE(web::parse_id(bad)) << bad;
  EXPECT_EQ(web::parse_bounded("7", 10), 7);
  EXPECT_FALSE(web::parse_bounded("11", 10));
}

WebRequest get(const std::string& path, std::multimap<std::string, std::string> params = {}) {
  WebRequest r;
  r.path = path;
  r.params = std::move(params);
  return r;
}

TEST(Request, SearchParametersAreChecked) {
  const auto refused = [](std::multimap<std::string, std::string> params) {
    return std::holds_alternative<web::Refusal>(web::parse_browse(get("/", std::move(params)), 20));
  };
  EXPECT_FALSE(refused(
      {{"q", "Rombach"}, {"year", "2022"}, {"sort", "date"}, {"page", "2"}, {"review", "yes"}}));
  EXPECT_TRUE(refused({{"q", std::string(1'000'000, 'a')}}));  // a megabyte query
  EXPECT_TRUE(refused({{"year", "22"}}));
  EXPECT_TRUE(refused({{"from", "2022-13-01"}}));
  EXPECT_TRUE(refused({{"sort", "random"}}));
  EXPECT_TRUE(refused({{"page", "0"}}));
  EXPECT_TRUE(refused({{"page", "1000000"}}));
  EXPECT_TRUE(refused({{"kind", "' OR 1=1 --"}}));
  const auto q =
      std::get<BrowseQuery>(web::parse_browse(get("/", {{"page", "3"}, {"review", "no"}}), 20));
  EXPECT_EQ(q.offset, 40);
  EXPECT_EQ(q.needs_review, false);
}

TEST(Request, ListenAddresses) {
  web::ServerOptions o;
  EXPECT_TRUE(web::parse_listen("127.0.0.1:8080", o));
  EXPECT_EQ(o.port, 8080);
  EXPECT_TRUE(web::parse_listen(":0", o));
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_FALSE(web::parse_listen("8080", o));
  EXPECT_FALSE(web::parse_listen("host:99999", o));
}

WebRequest post(const std::string& path, std::multimap<std::string, std::string> params) {
  WebRequest r = get(path, std::move(params));
  r.method = "POST";
  return r;
}

TEST(Access, ChangesNeedPostTokenAndCsrf) {
  const web::AccessControl access("T0k3n", false);
  const std::string csrf = access.csrf();
  EXPECT_EQ(csrf.size(), 64u);
  EXPECT_NE(csrf, web::AccessControl("T0k3n", false).csrf());  // fresh per server
  EXPECT_FALSE(access.check_change(post("/x", {{"token", "T0k3n"}, {"csrf", csrf}})));
  EXPECT_EQ(access.check_change(get("/x", {{"token", "T0k3n"}, {"csrf", csrf}}))->status, 405);
  EXPECT_EQ(access.check_change(post("/x", {{"csrf", csrf}}))->status, 403);
  EXPECT_EQ(access.check_change(post("/x", {{"token", "wrong"}, {"csrf", csrf}}))->status, 403);
  EXPECT_EQ(access.check_change(post("/x", {{"token", "T0k3n"}}))->status, 403);
  EXPECT_EQ(access.check_change(post("/x", {{"token", "T0k3n"}, {"csrf", "x"}}))->status, 403);
  WebRequest with_cookie = post("/x", {{"csrf", csrf}});
  with_cookie.cookies[web::kTokenCookie] = "T0k3n";
  EXPECT_FALSE(access.check_change(with_cookie));
  EXPECT_TRUE(access.signed_in(with_cookie));
  const web::AccessControl read_only("T0k3n", true);
  EXPECT_EQ(
      read_only.check_change(post("/x", {{"token", "T0k3n"}, {"csrf", read_only.csrf()}}))->status,
      403);
  EXPECT_EQ(web::AccessControl("", false).token().size(), 64u);  // made when not given
  EXPECT_FALSE(web::same_secret("", ""));
}

// Records of three issuers over two years, one flagged for review.
Record generated(int i) {
  Record r;
  r.sha256 = std::string(60, '0') + std::to_string(1000 + i);
  r.source_paths = {"/nowhere/" + std::to_string(i) + ".pdf"};
  r.format = SourceFormat::kPdf;
  r.kind = i % 2 ? RecordKind::kScanned : RecordKind::kBornDigital;
  PageResult p;
  p.number = 1;
  p.method = PageMethod::kTextLayer;
  p.text = "Pressemitteilung " + std::to_string(i) + (i % 3 == 0 ? " Rombach" : "") +
           " Stadtrat Haushalt";
  r.pages = {p};
  r.text = p.text;
  r.metadata.title = i == 4 ? "<script>alert(1)</script>" : "Meldung " + std::to_string(i);
  r.metadata.release_date =
      (i < 6 ? "2021-" : "2022-") + std::string("05-1") + std::to_string(i % 10);
  r.metadata.issuer = i % 3 == 0 ? "Stadt A" : (i % 3 == 1 ? "Stadt B" : "Kreis C");
  r.metadata.place = i % 2 ? "Kaiserslautern" : "Mainz";
  if (i == 9) {  // the same release as record 1
    r.duplicate_of = 1;
    r.duplicate_score = 0.93;
  }
  r.needs_review = i == 2 || i == 7;  // records 3 and 8
  if (r.needs_review) r.review_reasons = {"low OCR confidence"};
  return r;
}

class WebOnArchive : public testing::OnEachBackend {
 protected:
  void SetUp() override {
    OnEachBackend::SetUp();
    if (IsSkipped()) return;
    auto store = open_store(scratch_->location());
    ASSERT_TRUE(store.ok()) << store.error().message;
    run_ = (*store)->begin_run({"test", "", "{}"}).value();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*store)->archive_record(generated(i), run_).ok());
    web::AppOptions options;
    options.store = scratch_->location();
    options.token = "T0k3n";
    options.cache_dir = scratch_->dir() / "cache";
    options.program = "/bin/false";
    options.connections = 2;
    auto app = web::App::open(options);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = std::move(*app);
  }
  // A second server on the same archive, started with --read-only.
  std::unique_ptr<web::App> read_only_app() const {
    web::AppOptions options;
    options.store = scratch_->location();
    options.token = "T0k3n";
    options.read_only = true;
    options.program = "/bin/false";
    options.connections = 1;
    auto app = web::App::open(options);
    EXPECT_TRUE(app.ok()) << (app.ok() ? "" : app.error().message);
    return app.ok() ? std::move(*app) : nullptr;
  }
  std::unique_ptr<web::App> app_;
  std::int64_t run_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Backends, WebOnArchive, testing::kEachBackend,
                         testing::backend_param_name);

std::int64_t count_of(const BrowseResult& r, const std::string& facet, const std::string& value) {
  for (const FacetCount& c : r.facets.at(facet))
    if (c.value == value) return c.count;
  return 0;
}

TEST_P(WebOnArchive, FacetsCountTheMatchingRecords) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE(store.ok());
  BrowseQuery all;
  Result<BrowseResult> r = (*store)->browse(all);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 10);
  EXPECT_EQ(r->hits.size(), 10u);
  EXPECT_EQ(r->hits.front().release_date, "2022-05-19");  // newest first without words
  EXPECT_EQ(count_of(*r, "issuer", "Stadt A"), 4);
  EXPECT_EQ(count_of(*r, "issuer", "Stadt B"), 3);
  EXPECT_EQ(count_of(*r, "place", "Mainz"), 5);
  EXPECT_EQ(count_of(*r, "year", "2021"), 6);
  EXPECT_EQ(count_of(*r, "kind", "scanned"), 5);
  EXPECT_EQ(count_of(*r, "needs_review", "yes"), 2);
  EXPECT_EQ(r->facets.at("issuer").front().value, "Stadt A");  // most frequent first

  BrowseQuery words;
  words.text = "rombach";
  words.year = "2021";
  r = (*store)->browse(words);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 2);  // records 0 and 3
  EXPECT_EQ(count_of(*r, "issuer", "Stadt A"), 2);
  EXPECT_EQ(count_of(*r, "issuer", "Stadt B"), 0);
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_NE(r->hits[0].snippet.find(kHitStart), std::string::npos) << r->hits[0].snippet;

  BrowseQuery paged;
  paged.date_from = "2021-05-12";
  paged.date_to = "2022-05-16";
  paged.limit = 3;
  paged.offset = 3;
  r = (*store)->browse(paged);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total, 5);  // 2021-05-12 .. 2021-05-15 and 2022-05-16
  EXPECT_EQ(r->hits.size(), 2u);
}

TEST_P(WebOnArchive, SortByRelevanceOrByDate) {
  auto store = open_existing_store(scratch_->location());
  const std::int64_t run = (*store)->begin_run({"test", "", "{}"}).value();
  Record often = generated(20), once = generated(21);
  often.pages[0].text = often.text = "Zander Zander Zander im Stadtrat";
  often.metadata.release_date = "2019-01-01";
  once.pages[0].text = once.text =
      "Der Haushalt des Kreises, die Schulen, die Straßen und am Rande ein Zander";
  once.metadata.release_date = "2023-01-01";
  const std::int64_t often_id = (*store)->archive_record(often, run).value();
  const std::int64_t once_id = (*store)->archive_record(once, run).value();
  const auto order = [&](const std::string& sort) {
    std::multimap<std::string, std::string> params = {{"q", "zander"}};
    if (!sort.empty()) params.emplace("sort", sort);
    const std::string body = app_->handle(get("/", params)).body;
    const std::size_t a = body.find("href=\"/record/" + std::to_string(often_id) + "?q=zander\"");
    const std::size_t b = body.find("href=\"/record/" + std::to_string(once_id) + "?q=zander\"");
    EXPECT_NE(a, std::string::npos) << body;
    EXPECT_NE(b, std::string::npos) << body;
    return a < b ? "often first" : "once first";
  };
  EXPECT_STREQ(order(""), "often first");  // relevance: the word three times in five
  EXPECT_STREQ(order("relevance"), "often first");
  EXPECT_STREQ(order("date"), "once first");  // newest first
  const std::string body = app_->handle(get("/", {{"q", "zander"}, {"sort", "date"}})).body;
  EXPECT_NE(body.find("<option value=\"date\" selected>"), std::string::npos);
}

TEST_P(WebOnArchive, SearchAndFacetsFollowEditsReviewsAndReprocessing) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE(store.ok());
  // Record 2 (generated(1)): Stadt B, 2021, not flagged; record 3 (generated(2)) flagged.
  ASSERT_TRUE((*store)->set_manual_field(2, "issuer", "Stadt Z", "test").ok());
  ASSERT_TRUE((*store)->set_manual_field(2, "title", "Quokka im Rathaus", "test").ok());
  ASSERT_TRUE((*store)->set_manual_field(2, "release_date", "2020-02-02", "test").ok());
  ASSERT_TRUE((*store)->mark_reviewed(3, "test").ok());
  Record reprocessed = generated(3);  // record 4, which read "Rombach"
  reprocessed.pages[0].text = reprocessed.text = "Pressemitteilung zum Wombat im Zoo";
  ASSERT_TRUE((*store)->replace_record(4, reprocessed, run_).ok());

  Result<BrowseResult> r = (*store)->browse(BrowseQuery{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 10);
  EXPECT_EQ(count_of(*r, "issuer", "Stadt Z"), 1);
  EXPECT_EQ(count_of(*r, "issuer", "Stadt B"), 2);
  EXPECT_EQ(count_of(*r, "year", "2020"), 1);
  EXPECT_EQ(count_of(*r, "year", "2021"), 5);
  EXPECT_EQ(count_of(*r, "needs_review", "yes"), 1);
  EXPECT_EQ(r->hits.back().record_id, 2);  // the oldest now

  BrowseQuery quokka;
  quokka.text = "quokka";
  r = (*store)->browse(quokka);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->total, 1);
  EXPECT_EQ(r->hits[0].record_id, 2);
  EXPECT_EQ(r->hits[0].issuer, "Stadt Z");
  BrowseQuery issuer;
  issuer.issuer = "Stadt Z";
  EXPECT_EQ((*store)->browse(issuer).value().total, 1);

  BrowseQuery wombat;
  wombat.text = "wombat";
  r = (*store)->browse(wombat);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->total, 1);
  EXPECT_EQ(r->hits[0].record_id, 4);
  BrowseQuery rombach;
  rombach.text = "rombach";
  EXPECT_EQ((*store)->browse(rombach).value().total, 3);  // records 1, 7 and 10 still
}

// More matches than a search ranks (1,000, on both stores): every match is counted and
// paged through, the best of the newest comes first, and the rest follow newest first,
// even a better match among them.
TEST_P(WebOnArchive, AFrequentWordIsCountedAndPagedThroughAllItsMatches) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE(store.ok());
  constexpr int kMatches = 1100;
  std::int64_t oldest = 0;
  for (int i = 0; i < kMatches; ++i) {
    Record r = generated(100 + i);
    r.pages[0].text = r.text = "Der Zander im Stadtrat, Nummer " + std::to_string(i);
    r.metadata.release_date = "2000-01-01";
    if (i == 0) {
      r.pages[0].text = r.text = "Zander, Zander, Zander, Zander";
      r.metadata.release_date = "1999-01-01";
    }
    if (i == kMatches - 1) {
      r.pages[0].text = r.text = "Zander, Zander, Zander";
      r.metadata.release_date = "2024-01-01";
    }
    const std::int64_t id = (*store)->archive_record(r, run_).value();
    if (i == 0) oldest = id;
  }
  BrowseQuery zander;
  zander.text = "zander";
  zander.limit = 20;
  Result<BrowseResult> r = (*store)->browse(zander);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, kMatches);
  EXPECT_EQ(count_of(*r, "year", "2000"), kMatches - 2);
  ASSERT_EQ(r->hits.size(), 20u);
  EXPECT_EQ(r->hits[0].release_date, "2024-01-01");
  std::vector<std::int64_t> order;
  std::set<std::int64_t> seen;
  for (zander.offset = 0; zander.offset < kMatches; zander.offset += 20) {
    r = (*store)->browse(zander);
    ASSERT_TRUE(r.ok()) << r.error().message;
    for (const SearchHit& hit : r->hits) {
      EXPECT_TRUE(seen.insert(hit.record_id).second) << hit.record_id;
      order.push_back(hit.record_id);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMatches));
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(order.back(), oldest);  // not among the 1,000 newest: not ranked
}

// Page after page, the hits follow the order rules through ties: by relevance the best
// first and equal ranks by id; newest first with equal dates by id from the highest and the
// records without a date last; with a filter, the same among the records it keeps.
TEST_P(WebOnArchive, PagesKeepTheOrderThroughTies) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE(store.ok());
  std::vector<std::int64_t> twice, once, newer, older, undated;  // each by id
  std::set<std::int64_t> stadt_a;
  for (int i = 0; i < 25; ++i) {
    Record r = generated(40 + i);  // issuer by (40 + i) % 3, as in the fixture
    const bool two = i % 4 == 0;
    r.pages[0].text = r.text = two ? "Quagga Quagga Stadtrat" : "Quagga Stadtrat Haushalt";
    r.metadata.release_date = i % 3 == 0 ? "2020-01-01" : i % 3 == 1 ? "2021-06-01" : "";
    const std::int64_t id = (*store)->archive_record(r, run_).value();
    (two ? twice : once).push_back(id);
    (i % 3 == 0 ? older : i % 3 == 1 ? newer : undated).push_back(id);
    if (r.metadata.issuer == "Stadt A") stadt_a.insert(id);
  }
  const auto concat = [](std::vector<std::vector<std::int64_t>> parts, bool descending) {
    std::vector<std::int64_t> all;
    for (std::vector<std::int64_t>& part : parts) {
      if (descending) std::reverse(part.begin(), part.end());
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  };
  const auto of_stadt_a = [&](std::vector<std::int64_t> ids) {
    ids.erase(
        std::remove_if(ids.begin(), ids.end(), [&](std::int64_t id) { return !stadt_a.count(id); }),
        ids.end());
    return ids;
  };
  // Every page of 7 hits, one after another.
  const auto paged = [&](BrowseQuery q) {
    std::vector<std::int64_t> ids;
    q.limit = 7;
    for (q.offset = 0; q.offset < 42; q.offset += 7) {
      Result<BrowseResult> r = (*store)->browse(q);
      EXPECT_TRUE(r.ok()) << r.error().message;
      if (!r.ok()) break;
      EXPECT_LE(r->hits.size(), 7u);
      for (const SearchHit& hit : r->hits) ids.push_back(hit.record_id);
    }
    return ids;
  };
  BrowseQuery quagga;
  quagga.text = "quagga";
  const std::vector<std::int64_t> by_rank = concat({twice, once}, false);
  EXPECT_EQ(paged(quagga), by_rank);
  quagga.by_date = true;
  const std::vector<std::int64_t> by_date = concat({newer, older, undated}, true);
  EXPECT_EQ(paged(quagga), by_date);
  quagga.issuer = "Stadt A";
  EXPECT_EQ(paged(quagga), of_stadt_a(by_date));
  quagga.by_date = false;
  EXPECT_EQ(paged(quagga), of_stadt_a(by_rank));
  EXPECT_EQ((*store)->browse(quagga).value().total, static_cast<std::int64_t>(stadt_a.size()));

  // Without words, a date range: the fixture's records 1-6 lie between (2021-05-10 to 15).
  BrowseQuery range;
  range.date_from = "2020-01-01";
  range.date_to = "2021-06-01";
  EXPECT_EQ(paged(range), concat({newer, {1, 2, 3, 4, 5, 6}, older}, true));
}

// An archive from before the tables the search reads instead of the records (PostgreSQL's
// record_search and facet_counts, SQLite's facet_counts) gets them filled from its records
// on open.
TEST_P(WebOnArchive, TheSearchTablesAreFilledFromTheRecordsThere) {
  if (GetParam() == testing::Backend::kPostgresql) {
    pqxx::connection c(scratch_->location());
    pqxx::work tx(c);
    tx.exec(
        "DROP TABLE record_search, facet_counts; DROP FUNCTION record_search_keep() CASCADE; "
        "DROP FUNCTION facet_counts_keep() CASCADE; DROP FUNCTION record_facet_values(records); "
        "CREATE INDEX records_facets ON records(issuer, place, release_date, kind, needs_review); "
        "CREATE INDEX records_newest ON records(release_date DESC NULLS LAST, id DESC); "
        "DELETE FROM schema_migrations WHERE version = 7");
    tx.commit();
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(scratch_->location().c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db,
                                "DROP TABLE facet_counts; DROP VIEW record_facets; "
                                "DROP TRIGGER records_facets_insert; "
                                "DROP TRIGGER records_facets_unset; "
                                "DROP TRIGGER records_facets_set; "
                                "UPDATE schema_version SET version = version - 1",
                                nullptr, nullptr, nullptr);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK);
  }
  auto store = open_store(scratch_->location());
  ASSERT_TRUE(store.ok()) << store.error().message;
  Result<BrowseResult> r = (*store)->browse(BrowseQuery{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->total, 10);
  EXPECT_EQ(count_of(*r, "issuer", "Stadt A"), 4);
  EXPECT_EQ(count_of(*r, "year", "2021"), 6);
  EXPECT_EQ(count_of(*r, "needs_review", "yes"), 2);
  BrowseQuery rombach;
  rombach.text = "rombach";
  EXPECT_EQ((*store)->browse(rombach).value().total, 4);
  ASSERT_TRUE((*store)->set_manual_field(2, "issuer", "Stadt A", "test").ok());
  EXPECT_EQ(count_of((*store)->browse(BrowseQuery{}).value(), "issuer", "Stadt A"), 5);
}

TEST_P(WebOnArchive, ClusterOfOneRecord) {
  auto store = open_existing_store(scratch_->location());
  for (const std::int64_t id : {1, 10}) {
    Result<std::optional<ClusterRow>> c = (*store)->cluster_of(id);
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_TRUE(c->has_value()) << id;
    EXPECT_EQ((*c)->canonical, 1);
    ASSERT_EQ((*c)->members.size(), 1u);
    EXPECT_EQ((*c)->members[0].first, 10);
  }
  EXPECT_FALSE((*store)->cluster_of(2).value().has_value());
  EXPECT_NE(app_->handle(get("/record/10")).body.find("href=\"/record/1\""), std::string::npos);
}

TEST_P(WebOnArchive, RevisionsAreLinksBothWays) {
  auto store = open_existing_store(scratch_->location());
  Record revised = generated(30);
  revised.revision_of = 2;
  revised.revision_score = 0.81;
  const std::int64_t id =
      (*store)->archive_record(revised, (*store)->begin_run({"test", "", "{}"}).value()).value();
  const std::string older = app_->handle(get("/record/2")).body;
  const std::size_t section = older.find("<h2>Revisions</h2>");
  ASSERT_NE(section, std::string::npos) << older;
  EXPECT_NE(older.find("href=\"/record/" + std::to_string(id) + "\"", section), std::string::npos);
  EXPECT_NE(older.find("score 0.81", section), std::string::npos);
  const std::string newer = app_->handle(get("/record/" + std::to_string(id))).body;
  EXPECT_NE(newer.find("href=\"/record/2\"", newer.find("<h2>Revisions</h2>")), std::string::npos);
  EXPECT_EQ(app_->handle(get("/record/4")).body.find("<h2>Revisions</h2>"), std::string::npos);
}

TEST_P(WebOnArchive, PagingKeepsTheSearchInItsLinks) {
  web::AppOptions options;
  options.store = scratch_->location();
  options.cache_dir = scratch_->dir() / "cache";
  options.program = "/bin/false";
  options.connections = 1;
  options.page_size = 3;
  auto app = web::App::open(options);
  ASSERT_TRUE(app.ok());
  const std::string second = (*app)->handle(get("/", {{"q", "Haushalt"}, {"page", "2"}})).body;
  EXPECT_NE(second.find(">10 records<"), std::string::npos) << second;
  EXPECT_NE(second.find("rel=\"prev\" href=\"/?q=Haushalt&amp;page=1\""), std::string::npos)
      << second;
  EXPECT_NE(second.find("rel=\"next\" href=\"/?q=Haushalt&amp;page=3\""), std::string::npos);
  const auto hits = [](const std::string& body) {
    int n = 0;
    for (std::size_t at = body.find("class=\"hit\""); at != std::string::npos;
         at = body.find("class=\"hit\"", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(hits(second), 3);
  const std::string last = (*app)->handle(get("/", {{"q", "Haushalt"}, {"page", "4"}})).body;
  EXPECT_EQ(hits(last), 1);  // records 10 of 10
  EXPECT_EQ(last.find("rel=\"next\""), std::string::npos);
  // A facet link keeps the words and the other choices, and starts again at page 1.
  const std::string narrowed =
      (*app)->handle(get("/", {{"q", "Haushalt"}, {"year", "2022"}, {"page", "2"}})).body;
  EXPECT_NE(narrowed.find("href=\"/?q=Haushalt&amp;issuer=Kreis%20C&amp;year=2022\""),
            std::string::npos)
      << narrowed;
}

TEST_P(WebOnArchive, BadRequestsGetAClearAnswer) {
  EXPECT_EQ(app_->handle(get("/record/abc")).status, 400);
  EXPECT_EQ(app_->handle(get("/record/-1")).status, 400);
  EXPECT_EQ(app_->handle(get("/record/999")).status, 404);
  EXPECT_EQ(app_->handle(get("/record/1", {{"page", "99999999999"}})).status, 400);
  EXPECT_EQ(app_->handle(get("/record/1", {{"page", "2"}})).status, 400);
  EXPECT_EQ(app_->handle(get("/record/1/page/0.jpg")).status, 400);
  EXPECT_EQ(app_->handle(get("/record/1/page/2.jpg")).status, 404);
  EXPECT_EQ(app_->handle(get("/record/1/page/1.jpg", {{"w", "100000"}})).status, 400);
  EXPECT_EQ(app_->handle(get("/record/1/original")).status, 404);  // the file is gone
  EXPECT_EQ(app_->handle(get("/etc/passwd")).status, 404);
  EXPECT_EQ(app_->handle(get("/record/1/../../etc/passwd")).status, 404);
  EXPECT_EQ(app_->handle(get("//record/1")).status, 404);
  EXPECT_EQ(app_->handle(get("/", {{"q", std::string(1'000'000, 'x')}})).status, 400);
  EXPECT_EQ(app_->handle(get("/failures", {{"reason", "nonsense"}})).status, 400);
  EXPECT_EQ(app_->handle(get("/retries/7")).status, 404);
  EXPECT_EQ(app_->handle(get("/record/1.json")).status, 200);
}

TEST_P(WebOnArchive, ScreensEscapeWhatTheyShow) {
  const WebResponse search = app_->handle(get("/", {{"q", "<img src=x onerror=alert(1)>"}}));
  EXPECT_EQ(search.status, 200);
  EXPECT_EQ(search.body.find("<img src=x"), std::string::npos);
  const WebResponse record = app_->handle(get("/record/5"));  // titled <script>alert(1)</script>
  EXPECT_EQ(record.status, 200);
  EXPECT_EQ(record.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(record.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  for (const char* path : {"/", "/failures", "/review", "/runs", "/login"})
    EXPECT_EQ(app_->handle(get(path)).status, 200) << path;
  EXPECT_NE(app_->handle(get("/review")).body.find("low OCR confidence"), std::string::npos);
}

TEST_P(WebOnArchive, EditsNeedTheTokenAndAreManualFields) {
  const std::string csrf = app_->access().csrf();
  EXPECT_EQ(app_->handle(post("/record/1/edit", {{"title", "x"}, {"csrf", csrf}})).status, 403);
  EXPECT_EQ(
      app_->handle(get("/record/1/edit", {{"title", "x"}, {"token", "T0k3n"}, {"csrf", csrf}}))
          .status,
      405);
  EXPECT_EQ(app_->handle(post("/record/1/edit",
                              {{"release_date", "31.03.2022"}, {"token", "T0k3n"}, {"csrf", csrf}}))
                .status,
            400);
  const WebResponse saved =
      app_->handle(post("/record/1/edit", {{"title", "Neu"}, {"token", "T0k3n"}, {"csrf", csrf}}));
  EXPECT_EQ(saved.status, 303);
  auto store = open_existing_store(scratch_->location());
  const Record r = (*store)->load_record(1).value().value();
  EXPECT_EQ(r.metadata.title, "Neu");
  EXPECT_EQ(r.manual_fields, std::vector<std::string>{"title"});
  EXPECT_EQ(
      app_->handle(post("/record/8/reviewed", {{"token", "T0k3n"}, {"csrf", csrf}, {"next", "1"}}))
          .status,
      303);
  EXPECT_FALSE((*store)->load_record(8).value()->needs_review);
}

TEST_P(WebOnArchive, ReadOnlyServesNoChange) {
  const std::unique_ptr<web::App> app = read_only_app();
  ASSERT_TRUE(app);
  const std::string csrf = app->access().csrf();
  for (const char* path : {"/record/1/edit", "/record/8/reviewed", "/failures/retry", "/login"})
    EXPECT_EQ(
        app->handle(
               post(path, {{"title", "x"}, {"failure", "1"}, {"token", "T0k3n"}, {"csrf", csrf}}))
            .status,
        std::string(path) == "/login" ? 200 : 403)
        << path;
  const WebResponse record = app->handle(get("/record/1"));
  EXPECT_EQ(record.body.find("<form method=\"post\""), std::string::npos);
  EXPECT_NE(record.body.find("read-only"), std::string::npos);
  auto store = open_existing_store(scratch_->location());
  EXPECT_EQ((*store)->load_record(1).value()->metadata.title, "Meldung 0");
}

std::string header_of(const WebResponse& response, const std::string& name) {
  for (const auto& [n, v] : response.headers)
    if (n == name) return v;
  return "";
}

TEST_P(WebOnArchive, ReviewConfirmGoesToTheNextFlaggedRecord) {
  const WebResponse queue = app_->handle(get("/review"));
  EXPECT_NE(queue.body.find("low OCR confidence (2)"), std::string::npos) << queue.body;
  EXPECT_NE(queue.body.find("action=\"/record/3/reviewed\""), std::string::npos);
  const std::string csrf = app_->access().csrf();
  const WebResponse first =
      app_->handle(post("/record/8/reviewed", {{"token", "T0k3n"}, {"csrf", csrf}, {"next", "1"}}));
  EXPECT_EQ(first.status, 303);
  EXPECT_EQ(header_of(first, "Location"), "/record/3?from=review");
  const WebResponse last =
      app_->handle(post("/record/3/reviewed", {{"token", "T0k3n"}, {"csrf", csrf}, {"next", "1"}}));
  EXPECT_EQ(header_of(last, "Location"), "/review");
  EXPECT_NE(app_->handle(get("/review")).body.find("id=\"noreview\""), std::string::npos);
  auto store = open_existing_store(scratch_->location());
  const std::vector<Event> events = (*store)->events(3).value();
  EXPECT_TRUE(std::any_of(events.begin(), events.end(),
                          [](const Event& e) { return e.type == "reviewed"; }));
}

TEST_P(WebOnArchive, AnEditIsAnEventInTheRecordsHistory) {
  const std::string csrf = app_->access().csrf();
  ASSERT_EQ(app_->handle(post("/record/2/edit", {{"title", "Korrigiert"},
                                                 {"place", "Kaiserslautern"},  // unchanged
                                                 {"token", "T0k3n"},
                                                 {"csrf", csrf}}))
                .status,
            303);
  auto store = open_existing_store(scratch_->location());
  const std::vector<Event> events = (*store)->events(2).value();
  ASSERT_EQ(
      std::count_if(events.begin(), events.end(), [](const Event& e) { return e.type == "edit"; }),
      1);  // the unchanged place is no edit
  const WebResponse page = app_->handle(get("/record/2", {{"saved", "1"}}));
  const std::size_t history = page.body.find("id=\"history\"");
  ASSERT_NE(history, std::string::npos);
  EXPECT_NE(page.body.find("<td>edit</td>", history), std::string::npos);
  EXPECT_NE(page.body.find("Meldung 1", history), std::string::npos) << "the old value";
  EXPECT_NE(page.body.find("corrected by hand"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"saved\""), std::string::npos);
}

const BoilerplateLine* line_of(const std::vector<BoilerplateLine>& lines, const std::string& issuer,
                               const std::string& text) {
  for (const BoilerplateLine& line : lines)
    if (line.issuer == issuer && line.line == text) return &line;
  return nullptr;
}

// The screen lists what `pressarchive boilerplate` lists, and its decisions are the
// command's: the same store calls, states and events.
TEST_P(WebOnArchive, BoilerplateIsListedAndDecidedWithTheToken) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE(store.ok());
  const std::string footer = "Pressestelle der Stadt A, Rathaus, 67655 Kaiserslautern";
  const std::string hostile = "<script>alert(1)</script> steht in jeder Fusszeile";
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE((*store)
                    ->count_boilerplate_lines("Stadt A", {{boilerplate_line_key(footer), footer},
                                                          {boilerplate_line_key(hostile), hostile}})
                    .ok());
  const WebResponse list = app_->handle(get("/boilerplate"));
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("href=\"/boilerplate\" class=\"here\""), std::string::npos)
      << "linked from the navigation";
  EXPECT_NE(list.body.find(web::escape(footer)), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("<script>"), std::string::npos);
  EXPECT_NE(list.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(list.body.find("(6 records; 2 learned)"), std::string::npos);
  EXPECT_NE(list.body.find("6 / 6"), std::string::npos);
  const std::vector<BoilerplateLine> lines = (*store)->boilerplate_lines(5).value();
  const BoilerplateLine* learned = line_of(lines, "Stadt A", footer);
  ASSERT_NE(learned, nullptr);
  const std::string path = "/boilerplate/" + std::to_string(learned->id);
  const std::string csrf = app_->access().csrf();

  EXPECT_EQ(app_->handle(post(path, {{"decision", "reject"}, {"csrf", csrf}})).status, 403);
  EXPECT_EQ(app_->handle(post(path, {{"decision", "reject"}, {"token", "T0k3n"}})).status, 403);
  EXPECT_EQ(
      app_->handle(get(path, {{"decision", "reject"}, {"token", "T0k3n"}, {"csrf", csrf}})).status,
      405);
  EXPECT_EQ(
      app_->handle(post(path, {{"decision", "maybe"}, {"token", "T0k3n"}, {"csrf", csrf}})).status,
      400);
  EXPECT_EQ(app_->handle(post("/boilerplate/x1",
                              {{"decision", "reject"}, {"token", "T0k3n"}, {"csrf", csrf}}))
                .status,
            400);
  EXPECT_EQ(app_->handle(post("/boilerplate/99999",
                              {{"decision", "reject"}, {"token", "T0k3n"}, {"csrf", csrf}}))
                .status,
            404);
  EXPECT_EQ(line_of((*store)->boilerplate_lines(5).value(), "Stadt A", footer)->state,
            BoilerplateState::kCounted)
      << "no refused request changed the line";

  const WebResponse rejected = app_->handle(post(
      path, {{"decision", "reject"}, {"issuer", "Stadt A"}, {"token", "T0k3n"}, {"csrf", csrf}}));
  EXPECT_EQ(rejected.status, 303);
  EXPECT_EQ(header_of(rejected, "Location"),
            "/boilerplate?issuer=Stadt%20A&saved=" + std::to_string(learned->id));
  EXPECT_EQ(line_of((*store)->boilerplate_lines(5).value(), "Stadt A", footer)->state,
            BoilerplateState::kRejected);
  const WebResponse after = app_->handle(get("/boilerplate", {{"issuer", "stadt a"}}));
  EXPECT_NE(after.body.find("(6 records; 1 learned, 1 rejected)"), std::string::npos) << after.body;

  EXPECT_EQ(
      app_->handle(
              post("/boilerplate/add",
                   {{"issuer", "Stadt B"}, {"line", " -- "}, {"token", "T0k3n"}, {"csrf", csrf}}))
          .status,
      400);
  const WebResponse added = app_->handle(post("/boilerplate/add", {{"issuer", " Stadt B "},
                                                                   {"line", "Telefon 0631 365-0"},
                                                                   {"token", "T0k3n"},
                                                                   {"csrf", csrf}}));
  EXPECT_EQ(added.status, 303);
  const std::vector<BoilerplateLine> with_added = (*store)->boilerplate_lines(5).value();
  const BoilerplateLine* named = line_of(with_added, "Stadt B", "Telefon 0631 365-0");
  ASSERT_NE(named, nullptr);
  EXPECT_EQ(named->state, BoilerplateState::kConfirmed);
  EXPECT_NE(app_->handle(get("/boilerplate")).body.find("Telefon 0631 365-0"), std::string::npos);

  const std::unique_ptr<web::App> read_only = read_only_app();
  ASSERT_TRUE(read_only);
  const std::string ro_csrf = read_only->access().csrf();
  EXPECT_EQ(
      read_only
          ->handle(post(path, {{"decision", "confirm"}, {"token", "T0k3n"}, {"csrf", ro_csrf}}))
          .status,
      403);
  EXPECT_EQ(read_only
                ->handle(post("/boilerplate/add", {{"issuer", "Stadt B"},
                                                   {"line", "Noch eine Zeile hier"},
                                                   {"token", "T0k3n"},
                                                   {"csrf", ro_csrf}}))
                .status,
            403);
  const WebResponse ro_list = read_only->handle(get("/boilerplate"));
  EXPECT_EQ(ro_list.status, 200);
  EXPECT_EQ(ro_list.body.find("<form method=\"post\""), std::string::npos);
  EXPECT_EQ(line_of((*store)->boilerplate_lines(5).value(), "Stadt A", footer)->state,
            BoilerplateState::kRejected);
}

TEST_P(WebOnArchive, RunsScreenShowsTheNightsCounts) {
  RunSummary summary;
  summary.inputs = 12;
  summary.archived = 9;
  summary.duplicates = 1;
  summary.failed = 2;
  summary.seconds = 61.5;
  summary.exit_code = 3;
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE((*store)->finish_run(run_, summary).ok());
  const std::int64_t unfinished = (*store)->begin_run({"test", "", "{}"}).value();
  const std::string body = app_->handle(get("/runs")).body;
  EXPECT_NE(body.find("<td>12</td><td>9</td><td>1</td><td>2</td><td>61.5 s</td><td>3</td>"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("<tr><td>" + std::to_string(unfinished) + "</td>"), std::string::npos);
  EXPECT_NE(body.find("running, or did not finish"), std::string::npos);
}

Failure failure_of(const std::string& path, Reason reason, const std::string& message) {
  Failure f;
  f.source_path = path;
  f.sha256 = std::string(64, path[4]);  // a, b, c: three contents
  f.stage = "load";
  f.reason = reason;
  f.message = message;
  return f;
}

TEST_P(WebOnArchive, FailuresByReasonAndRunAreRetriedAsReprocessDoes) {
  auto store = open_existing_store(scratch_->location());
  ASSERT_TRUE((*store)
                  ->record_failure(failure_of("/in/a.pdf", Reason::kUnreadable, "truncated"), run_)
                  .ok());
  ASSERT_TRUE(
      (*store)->record_failure(failure_of("/in/b.pdf", Reason::kEncrypted, "password"), run_).ok());
  const std::int64_t second = (*store)->begin_run({"test", "", "{}"}).value();
  ASSERT_TRUE((*store)
                  ->record_failure(failure_of("/in/c.pdf", Reason::kUnreadable, "no xref"), second)
                  .ok());
  std::map<std::string, std::int64_t> ids;
  ASSERT_TRUE(
      (*store)->for_each_failure([&](const Failure& f) { ids[f.source_path] = f.id; }).ok());
  ASSERT_EQ(ids.size(), 3u);

  const std::string all = app_->handle(get("/failures")).body;
  EXPECT_NE(all.find("<h2>unreadable (2)</h2>"), std::string::npos) << all;
  EXPECT_NE(all.find("<h2>encrypted (1)</h2>"), std::string::npos);
  const std::string of_run = app_->handle(get("/failures", {{"run", std::to_string(second)}})).body;
  EXPECT_NE(of_run.find("/in/c.pdf"), std::string::npos);
  EXPECT_EQ(of_run.find("/in/a.pdf"), std::string::npos);
  const std::string of_reason = app_->handle(get("/failures", {{"reason", "encrypted"}})).body;
  EXPECT_NE(of_reason.find("/in/b.pdf"), std::string::npos);
  EXPECT_EQ(of_reason.find("/in/c.pdf"), std::string::npos);

  // The retry runs the program given (here a stand-in for `pressarchive reprocess`
  // that says what it was asked and fails again, exit 3).
  const std::filesystem::path program = scratch_->dir() / "reprocess.sh";
  std::ofstream(program) << "#!/bin/sh\necho \"asked: $*\"\nsleep 1\necho 'failed: not a readable "
                            "PDF'\nexit 3\n";
  std::filesystem::permissions(program, std::filesystem::perms::owner_all);
  web::AppOptions options;
  options.store = scratch_->location();
  options.token = "T0k3n";
  options.cache_dir = scratch_->dir() / "cache";
  options.program = program.string();
  options.connections = 1;
  auto app = web::App::open(options);
  ASSERT_TRUE(app.ok());
  const std::string csrf = (*app)->access().csrf();
  const std::string a = std::to_string(ids["/in/a.pdf"]), c = std::to_string(ids["/in/c.pdf"]);
  EXPECT_EQ((*app)->handle(post("/failures/retry", {{"failure", a}, {"csrf", csrf}})).status, 403);
  const WebResponse started = (*app)->handle(post(
      "/failures/retry", {{"failure", a}, {"failure", c}, {"token", "T0k3n"}, {"csrf", csrf}}));
  ASSERT_EQ(started.status, 303);
  const std::string job = header_of(started, "Location");
  EXPECT_EQ(job, "/retries/1");
  const WebResponse running = (*app)->handle(get(job));
  EXPECT_NE(running.body.find("Running for"), std::string::npos) << running.body;
  EXPECT_EQ(header_of(running, "Refresh"), "2");  // progress without script
  EXPECT_EQ((*app)
                ->handle(post("/failures/retry", {{"only", a}, {"token", "T0k3n"}, {"csrf", csrf}}))
                .status,
            409);  // one retry at a time
  WebResponse done;
  for (int i = 0; i < 100; ++i) {
    done = (*app)->handle(get(job));
    if (done.body.find("Finished") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(done.body.find("some inputs failed again"), std::string::npos) << done.body;
  EXPECT_NE(done.body.find(web::escape("reprocess --store " + scratch_->location() +
                                       " -q --failure " + a + " --failure " + c)),
            std::string::npos)
      << done.body;
  EXPECT_NE(done.body.find("failed: not a readable PDF"), std::string::npos);
  EXPECT_EQ(header_of(done, "Refresh"), "");
  const WebResponse one = (*app)->handle(post(
      "/failures/retry",
      {{"only", c}, {"failure", a}, {"token", "T0k3n"}, {"csrf", csrf}}));  // the row's button wins
  ASSERT_EQ(header_of(one, "Location"), "/retries/2");
  for (int i = 0;
       i < 100 && (*app)->handle(get("/retries/2")).body.find("Finished") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string second_job = (*app)->handle(get("/retries/2")).body;
  EXPECT_NE(second_job.find("-q --failure " + c + "\n"), std::string::npos) << second_job;
}

// The server keeps answering while another connection archives into the same archive,
// as a nightly ingest does: every request is answered, none waits out an error.
TEST_P(WebOnArchive, ServesWhileAnotherConnectionWrites) {
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    auto store = open_store(scratch_->location());
    const std::int64_t run = (*store)->begin_run({"writer", "", "{}"}).value();
    for (int i = 10; i < 110; ++i)
      if ((*store)->archive_record(generated(i), run).ok()) ++written;
    done = true;
  });
  int requests = 0, failed = 0;
  std::string failure;
  while (!done || requests < 20) {
    for (const WebRequest& r : {get("/", {{"q", "Haushalt"}}), get("/", {{"issuer", "Stadt A"}}),
                                get("/record/2"), get("/review"), get("/runs")}) {
      const WebResponse response = app_->handle(r);
      ++requests;
      if (response.status != 200) ++failed, failure = response.body;
    }
  }
  writer.join();
  EXPECT_EQ(written.load(), 100);
  EXPECT_EQ(failed, 0) << failure;
  EXPECT_NE(app_->handle(get("/", {{"q", "Haushalt"}})).body.find(">110 records<"),
            std::string::npos);
}

// The record screen's files on an archive of real samples (SQLite; the files do not
// depend on the backend): the page image rendered once and cached, the hits boxed on it,
// the archival exports as the export command writes them, an edit kept through
// reprocessing.
class WebOnSamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    for (const char* name : {"seed-scan-clean.png", "seed-born-digital.pdf"})
      std::filesystem::copy_file(testing::sample(name), dir_->path() / name);
    location_ = (dir_->path() / "archive.db").string();
    ASSERT_EQ(testing::ingest_in_process(location_, {dir_->path() / "seed-scan-clean.png",
                                                     dir_->path() / "seed-born-digital.pdf"}),
              0);
    auto store = open_existing_store(location_);
    ASSERT_TRUE((*store)
                    ->for_each_record([](const Record& r) {
                      (r.format == SourceFormat::kPdf ? born_digital_ : scan_) = r.id;
                    })
                    .ok());
    web::AppOptions options;
    options.store = location_;
    options.token = "T0k3n";
    options.cache_dir = dir_->path() / "cache";
    options.program = "/bin/false";
    options.connections = 2;
    auto app = web::App::open(options);
    ASSERT_TRUE(app.ok()) << app.error().message;
    app_ = app->release();
  }
  static void TearDownTestSuite() {
    delete app_;
    delete dir_;
  }
  static Record load(std::int64_t id) {
    return open_existing_store(location_).value()->load_record(id).value().value();
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string location_;
  static inline web::App* app_ = nullptr;
  static inline std::int64_t scan_ = 0, born_digital_ = 0;
};

TEST_F(WebOnSamples, PageImageIsRenderedOnceAndCached) {
  ASSERT_GT(scan_, 0);
  const std::string path = "/record/" + std::to_string(scan_) + "/page/1.jpg";
  const WebResponse first = app_->handle(get(path));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.content_type, "image/jpeg");
  ASSERT_GT(first.body.size(), 1000u);
  EXPECT_EQ(first.body.substr(0, 2), "\xff\xd8");
  // With the source moved away, the cached image is still served; a width not cached
  // yet cannot be rendered and says why.
  const std::filesystem::path source = dir_->path() / "seed-scan-clean.png";
  std::filesystem::rename(source, dir_->path() / "moved.png");
  const WebResponse cached = app_->handle(get(path));
  const WebResponse uncached = app_->handle(get(path, {{"w", "400"}}));
  std::filesystem::rename(dir_->path() / "moved.png", source);
  EXPECT_EQ(cached.status, 200);
  EXPECT_EQ(cached.body, first.body);
  EXPECT_EQ(uncached.status, 404);
  EXPECT_NE(uncached.body.find("seed-scan-clean.png"), std::string::npos) << uncached.body;
  const WebResponse narrow = app_->handle(get(path, {{"w", "400"}}));
  EXPECT_EQ(narrow.status, 200);
  EXPECT_LT(narrow.body.size(), first.body.size());
}

TEST_F(WebOnSamples, SearchHitsAreBoxedOnThePageImage) {
  const Record scan = load(scan_);
  std::string word;  // a word of the page that OCR read, six letters or more
  for (const std::string& w : words(scan.pages.at(0).text))
    if (w.size() >= 6 &&
        std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalpha(c) != 0; })) {
      word = w;
      break;
    }
  ASSERT_FALSE(word.empty()) << scan.pages.at(0).text;
  const auto boxes = [](const std::string& body) {
    int n = 0;
    for (std::size_t at = body.find("class=\"box\""); at != std::string::npos;
         at = body.find("class=\"box\"", at + 1))
      ++n;
    return n;
  };
  const std::string base = "/record/" + std::to_string(scan_);
  const WebResponse marked = app_->handle(get(base, {{"q", word}}));
  ASSERT_EQ(marked.status, 200);
  EXPECT_GE(boxes(marked.body), 1) << word;
  EXPECT_NE(marked.body.find("<mark>"), std::string::npos);
  EXPECT_EQ(boxes(app_->handle(get(base)).body), 0);
  EXPECT_EQ(boxes(app_->handle(get(base, {{"q", "qqxqqz"}})).body), 0);
  // A box lies on the image: its place in percent of the image is inside it.
  const std::size_t style = marked.body.find("style=\"left:", marked.body.find("class=\"box\""));
  const double left = std::stod(marked.body.substr(style + 12, 8));
  EXPECT_GE(left, 0.0);
  EXPECT_LT(left, 100.0);
}

TEST_F(WebOnSamples, ArchivalExportsAreWhatTheExportCommandWrites) {
  for (const std::int64_t id : {scan_, born_digital_}) {
    const std::string base = "/record/" + std::to_string(id);
    const Record r = load(id);
    auto store = open_existing_store(location_);
    const std::vector<Event> events = (*store)->events(id).value();
    testing::TempDir out;
    ASSERT_TRUE(write_package({&r, events, r.duplicate_of}, out.path(), PackageOptions{}).ok());
    const std::filesystem::path package = out.path() / std::to_string(id);

    const WebResponse page = app_->handle(get(base));
    EXPECT_NE(page.body.find("href=\"" + base + "/mets.xml\""), std::string::npos);
    EXPECT_NE(page.body.find("href=\"" + base + "/alto/1.xml\""), std::string::npos);
    EXPECT_NE(page.body.find("href=\"" + base + "/pdf\""), std::string::npos);
    const WebResponse mets = app_->handle(get(base + "/mets.xml"));
    ASSERT_EQ(mets.status, 200) << mets.body;
    EXPECT_EQ(mets.content_type, "application/xml");
    EXPECT_EQ(mets.body, testing::read_file(package / "mets.xml"));
    const WebResponse alto = app_->handle(get(base + "/alto/1.xml"));
    ASSERT_EQ(alto.status, 200) << alto.body;
    EXPECT_EQ(alto.body, testing::read_file(package / "alto" / "00000001.xml"));
    const WebResponse pdf = app_->handle(get(base + "/pdf"));
    ASSERT_EQ(pdf.status, 200) << pdf.body;
    EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
    if (id == born_digital_)
      EXPECT_EQ(pdf.body, testing::read_file(dir_->path() / "seed-born-digital.pdf"));
    else
      EXPECT_EQ(pdf.body, testing::read_file(package / (std::to_string(id) + ".pdf")));
    EXPECT_EQ(app_->handle(get(base + "/alto/2.xml")).status, 404);
    EXPECT_EQ(app_->handle(get(base + "/alto/0.xml")).status, 400);
    EXPECT_EQ(app_->handle(get(base + "/alto/..%2Fmets.xml")).status, 400);
    EXPECT_EQ(app_->handle(get(base + "/alto/1.txt")).status, 400);
    EXPECT_EQ(app_->handle(post(base + "/mets.xml", {})).status, 405);
  }
  // Without its source a scan still has METS and the ALTO of its OCR page (from the
  // archive), and no PDF; the record screen's own files do not depend on it.
  const std::filesystem::path source = dir_->path() / "seed-scan-clean.png";
  std::filesystem::rename(source, dir_->path() / "moved.png");
  const std::string csrf = app_->access().csrf();
  const WebResponse edit =  // a new package: the one cached is of the record before
      app_->handle(post("/record/" + std::to_string(scan_) + "/edit",
                        {{"subtitle", "ohne Quelle"}, {"token", "T0k3n"}, {"csrf", csrf}}));
  const WebResponse mets = app_->handle(get("/record/" + std::to_string(scan_) + "/mets.xml"));
  const WebResponse alto = app_->handle(get("/record/" + std::to_string(scan_) + "/alto/1.xml"));
  const WebResponse pdf = app_->handle(get("/record/" + std::to_string(scan_) + "/pdf"));
  std::filesystem::rename(dir_->path() / "moved.png", source);
  EXPECT_EQ(edit.status, 303);
  EXPECT_EQ(mets.status, 200) << mets.body;
  EXPECT_NE(mets.body.find("ohne Quelle"), std::string::npos);
  EXPECT_EQ(alto.status, 200) << alto.body;
  EXPECT_EQ(pdf.status, 404);
  EXPECT_NE(pdf.body.find("no PDF"), std::string::npos) << pdf.body;
}

// The packages in the export cache, by folder name.
std::vector<std::string> cached_packages(const std::filesystem::path& cache) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(cache / "packages"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(WebOnSamples, ExportCacheKeepsWithinItsBoundLeastRecentlyUsedFirst) {
  const Record scan = load(scan_), born = load(born_digital_);
  auto store = open_existing_store(location_);
  const std::vector<Event> scan_events = (*store)->events(scan_).value(),
                           born_events = (*store)->events(born_digital_).value();
  const auto first_of = [](const std::vector<std::string>& names, std::int64_t id) {
    return std::count_if(names.begin(), names.end(), [&](const std::string& n) {
      return n.starts_with(std::to_string(id) + "-");
    });
  };
  // Room for both packages: both stay.
  testing::TempDir roomy;
  web::RecordExports unbounded(roomy.path(), {});
  ASSERT_TRUE(unbounded.file(scan, scan_events, web::ExportFile::kMets, 0).ok());
  ASSERT_TRUE(unbounded.file(born, born_events, web::ExportFile::kMets, 0).ok());
  EXPECT_EQ(cached_packages(roomy.path()).size(), 2u);
  // Room for one: the package asked for longest ago goes, the one served stays.
  web::ExportOptions small;
  small.cache_bytes = 1;
  testing::TempDir tight;
  web::RecordExports bounded(tight.path(), small);
  ASSERT_TRUE(bounded.file(scan, scan_events, web::ExportFile::kMets, 0).ok());
  ASSERT_EQ(cached_packages(tight.path()).size(), 1u);
  EXPECT_EQ(first_of(cached_packages(tight.path()), scan_), 1);
  Result<std::string> mets = bounded.file(born, born_events, web::ExportFile::kMets, 0);
  ASSERT_TRUE(mets.ok()) << mets.error().message;
  EXPECT_NE(mets->find("<mets"), std::string::npos);
  const std::vector<std::string> left = cached_packages(tight.path());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(first_of(left, born_digital_), 1);
  // What was evicted is written again when asked for.
  EXPECT_TRUE(bounded.file(scan, scan_events, web::ExportFile::kAlto, 1).ok());
  EXPECT_EQ(first_of(cached_packages(tight.path()), scan_), 1);

  // Room for the scan's two packages and half the born-digital one: the scan (asked for
  // again since) and its edited version stay, the born-digital package, unused the
  // longest, goes.
  const auto bytes_of = [](const std::filesystem::path& dir) {
    std::uintmax_t bytes = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.is_regular_file()) bytes += e.file_size();
    return bytes;
  };
  std::uintmax_t scan_bytes = 0, born_bytes = 0;
  for (const std::string& name : cached_packages(roomy.path()))
    (name.starts_with(std::to_string(scan_) + "-") ? scan_bytes : born_bytes) +=
        bytes_of(roomy.path() / "packages" / name);
  web::ExportOptions three;
  ASSERT_GT(born_bytes, 10000u);
  three.cache_bytes = 2 * scan_bytes + born_bytes / 2;
  testing::TempDir lru;
  web::RecordExports recent(lru.path(), three);
  ASSERT_TRUE(recent.file(scan, scan_events, web::ExportFile::kMets, 0).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(recent.file(born, born_events, web::ExportFile::kMets, 0).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(recent.file(scan, scan_events, web::ExportFile::kMets, 0).ok());  // from the cache
  EXPECT_EQ(cached_packages(lru.path()).size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Record edited = scan;
  edited.metadata.subtitle = "bearbeitet";
  ASSERT_TRUE(recent.file(edited, scan_events, web::ExportFile::kMets, 0).ok());
  const std::vector<std::string> kept = cached_packages(lru.path());
  EXPECT_EQ(first_of(kept, scan_), 2);
  EXPECT_EQ(first_of(kept, born_digital_), 0);
}

TEST_F(WebOnSamples, AnEditIsKeptThroughReprocessing) {
  const std::string csrf = app_->access().csrf();
  const std::string base = "/record/" + std::to_string(scan_);
  ASSERT_EQ(
      app_->handle(post(base + "/edit",
                        {{"title", "Von Hand: Haushalt 2022"}, {"token", "T0k3n"}, {"csrf", csrf}}))
          .status,
      303);
  const std::string before = app_->handle(get(base + "/mets.xml")).body;
  EXPECT_NE(before.find("Von Hand: Haushalt 2022"), std::string::npos);
  ReprocessSelection again;
  again.record_ids = {scan_};
  std::string output;
  ASSERT_EQ(testing::ingest_in_process(location_, {}, again, &output), 0) << output;
  EXPECT_EQ(load(scan_).metadata.title, "Von Hand: Haushalt 2022");
  const WebResponse page = app_->handle(get(base));
  EXPECT_NE(page.body.find("<h1 id=\"title\">Von Hand: Haushalt 2022</h1>"), std::string::npos);
  const std::size_t history = page.body.find("id=\"history\"");
  ASSERT_NE(history, std::string::npos);
  const std::size_t edit = page.body.find("<td>edit</td>", history);
  EXPECT_NE(edit, std::string::npos);
  EXPECT_NE(page.body.find("<td>reprocess</td>", history), std::string::npos) << page.body;
}

TEST(Serve, ListensOnLoopbackByDefault) {
  const Settings settings = Config::load("").value().settings().value();
  EXPECT_EQ(settings.web_listen, "127.0.0.1:8080");
  web::ServerOptions options;
  ASSERT_TRUE(web::parse_listen(settings.web_listen, options));
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(settings.web_token, "");  // a random one, printed at start
}

}  // namespace
}  // namespace pressarchive

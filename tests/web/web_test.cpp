// The archivist's web page below the browser (stages/web/): escaping, request checks,
// the token and CSRF rules, the handlers' answers to bad requests, and facet counts on
// both store backends.
#include <gtest/gtest.h>

#include "../store_backends.h"
#include "../test_paths.h"
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
  r.needs_review = i == 7;
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
    const std::int64_t run = (*store)->begin_run({"test", "", "{}"}).value();
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*store)->archive_record(generated(i), run).ok());
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
  std::unique_ptr<web::App> app_;
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
  EXPECT_EQ(count_of(*r, "needs_review", "yes"), 1);
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
  web::AppOptions options;
  options.store = scratch_->location();
  options.token = "T0k3n";
  options.read_only = true;
  options.program = "/bin/false";
  options.connections = 1;
  auto app = web::App::open(options);
  ASSERT_TRUE(app.ok());
  const std::string csrf = (*app)->access().csrf();
  for (const char* path : {"/record/1/edit", "/record/8/reviewed", "/failures/retry", "/login"})
    EXPECT_EQ((*app)
                  ->handle(post(
                      path, {{"title", "x"}, {"failure", "1"}, {"token", "T0k3n"}, {"csrf", csrf}}))
                  .status,
              std::string(path) == "/login" ? 200 : 403)
        << path;
  const WebResponse record = (*app)->handle(get("/record/1"));
  EXPECT_EQ(record.body.find("<form method=\"post\""), std::string::npos);
  EXPECT_NE(record.body.find("read-only"), std::string::npos);
  auto store = open_existing_store(scratch_->location());
  EXPECT_EQ((*store)->load_record(1).value()->metadata.title, "Meldung 0");
}

}  // namespace
}  // namespace pressarchive

// The archival exports (stages/export/, `pressarchive export`): METS/MODS packages with
// ALTO 4.4, page images and a PDF, as BagIt bags, and CSV; on both store backends.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "../ingest_in_process.h"
#include "../store_backends.h"
#include "package_checks.h"
#include "pipeline/cli/export_command.h"
#include "pipeline/config.h"
#include "pipeline/exit_codes.h"
#include "stages/export/alto_writer.h"
#include "stages/export/bagit.h"
#include "stages/export/csv_writer.h"
#include "stages/export/record_writer.h"
#include "stages/export/tesseract_alto.h"
#include "stages/export/xml_writer.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

namespace fs = std::filesystem;
using testing::Backend;

// RFC 4180 read back: fields of each row.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      field += c;
    }
  }
  if (!field.empty() || quoted) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

Settings default_settings(const std::string& store) {
  Settings s = Config::load("").value().settings().value();
  s.store = store;
  return s;
}

int export_to(const std::string& store, ExportRequest request, std::string* messages = nullptr) {
  std::ostringstream out, err;
  const int code = run_export(default_settings(store), request, out, err);
  if (messages) *messages = out.str() + err.str();
  return code;
}

ExportRequest mets_into(const fs::path& dir) {
  ExportRequest r;
  r.format = "mets";
  r.out = dir.string();
  return r;
}

std::vector<Record> all_records(const std::string& store) {
  std::vector<Record> out;
  auto opened = open_existing_store(store);
  EXPECT_TRUE(opened.ok());
  EXPECT_TRUE((*opened)->for_each_record([&](const Record& r) { out.push_back(r); }).ok());
  return out;
}

std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[fs::relative(e.path(), dir).string()] = testing::read_file(e.path());
  return out;
}

TEST(ExportText, XmlTextDropsWhatXmlCannotCarry) {
  EXPECT_EQ(xml_text("Tätigkeit"), "Tätigkeit");
  EXPECT_EQ(xml_text(std::string("a\x01"
                                 "b\x00"
                                 "c\td\n",
                                 8)),
            "abc\td\n");
  EXPECT_EQ(xml_text("\xff"
                     "x"),
            "\xEF\xBF\xBD"
            "x");
  EXPECT_EQ(xml_text("\xEF\xBF\xBE"), "");  // U+FFFE
}

TEST(ExportAlto, ReadsTesseractsWordConfidenceAsItMeantIt) {
  const std::string alto =
      R"(<Page WIDTH="100" HEIGHT="50" PHYSICAL_IMG_NR="0" ID="page_0"><PrintSpace><TextBlock ID="b">)"
      R"(<TextLine ID="l"><String ID="s1" HPOS="1" VPOS="2" WIDTH="10" HEIGHT="5" WC="0.9" CONTENT="neun"/>)"
      R"(<SP/><String ID="s2" HPOS="20" VPOS="2" WIDTH="10" HEIGHT="5" WC="0.100" CONTENT="hundert"/>)"
      R"(<SP/><String ID="s3" HPOS="40" VPOS="2" WIDTH="10" HEIGHT="5" WC="0.95" CONTENT="&lt;95&amp;"/>)"
      R"(</TextLine></TextBlock></PrintSpace></Page>)";
  Result<PageLayout> layout = layout_from_tesseract_alto(alto, 300);
  ASSERT_TRUE(layout.ok());
  const auto words = layout_words(*layout);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_DOUBLE_EQ(words[0]->confidence, 0.09);
  EXPECT_DOUBLE_EQ(words[1]->confidence, 1.0);
  EXPECT_DOUBLE_EQ(words[2]->confidence, 0.95);
  EXPECT_EQ(words[2]->text, "<95&");
  EXPECT_EQ(layout->width, 100);
  EXPECT_FALSE(layout_from_tesseract_alto("<Page", 300).ok());
}

TEST(ExportAlto, MarksWordsSplitAtALineEnd) {
  EXPECT_EQ(hyphen_joined("Verwal-", "tung"), "Verwaltung");
  EXPECT_EQ(hyphen_joined("Öffent-", "lichkeit"), "Öffentlichkeit");
  EXPECT_EQ(hyphen_joined("Baden-", "Württemberg"), "");  // a real hyphen before a capital
  EXPECT_EQ(hyphen_joined("-", "und"), "");
  EXPECT_EQ(hyphen_joined("2021-", "ende"), "");

  PageLayout layout;
  layout.width = 200;
  layout.height = 100;
  LayoutBlock block;
  block.box = {10, 10, 150, 40};
  block.lines.push_back(LayoutLine{
      {10, 10, 150, 15}, {{"Die", {10, 10, 30, 15}, 0.9}, {"Verwal-", {50, 10, 60, 15}, 0.8}}});
  block.lines.push_back(LayoutLine{
      {10, 30, 150, 15}, {{"tung", {10, 30, 40, 15}, 0.7}, {"tagt", {60, 30, 300, 15}, 1}}});
  layout.blocks.push_back(block);
  const std::string alto =
      write_alto(layout, AltoPage{1, PageMethod::kOcr, false, "images/00000001.jpg", "de"},
                 Software{"0.1.0", "5.3.0", "1.82.0", "22.12.0"});
  EXPECT_EQ(testing::alto_schema().errors(alto), "") << alto;
  EXPECT_NE(alto.find(R"(CONTENT="Verwal" HPOS="50" VPOS="10" WIDTH="60" HEIGHT="15" WC="0.80" )"
                      R"(SUBS_TYPE="HypPart1" SUBS_CONTENT="Verwaltung")"),
            std::string::npos)
      << alto;
  EXPECT_NE(alto.find(R"(<HYP CONTENT="-"/>)"), std::string::npos);
  EXPECT_NE(alto.find(R"(SUBS_TYPE="HypPart2" SUBS_CONTENT="Verwaltung")"), std::string::npos);
  double w = 0, h = 0;
  bool inside = false;
  EXPECT_EQ(testing::alto_words(alto, w, h, inside),
            (std::vector<std::string>{"Die", "Verwal-", "tung", "tagt"}));
  EXPECT_TRUE(inside) << "the word running off the page is clipped to it";
}

TEST(ExportCsv, QuotesEveryFieldAndDisarmsFormulas) {
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
  EXPECT_EQ(csv_field("\xff"), "\"\xEF\xBF\xBD\"");

  std::ostringstream out;
  std::unique_ptr<RecordWriter> writer = make_record_writer("csv", out);
  ASSERT_NE(writer, nullptr);
  Record r;
  r.id = 7;
  r.metadata.title = "Grüße, \"Stadt\"\nund Land";
  r.metadata.issuer = "Amt für Straßen";
  r.source_paths = {"/a/b.pdf", "/c,d.pdf"};
  r.pages.resize(2);
  writer->write(r);
  const std::string csv = out.str();
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  const auto rows = parse_csv(csv.substr(3));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), rows[1].size());
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < rows[0].size(); ++i) row[rows[0][i]] = rows[1][i];
  EXPECT_EQ(row["id"], "7");
  EXPECT_EQ(row["title"], "Grüße, \"Stadt\"\nund Land");
  EXPECT_EQ(row["issuer"], "Amt für Straßen");
  EXPECT_EQ(row["pages"], "2");
  EXPECT_EQ(row["source_paths"], "/a/b.pdf\n/c,d.pdf");
}

TEST(ExportCommand, RefusesWhatItCannotDo) {
  testing::TempDir dir;
  const std::string store = (dir.path() / "none.db").string();
  ExportRequest r;
  r.format = "mets";
  EXPECT_EQ(export_to(store, r), exit_code::kUsage) << "mets needs --out";
  r.format = "csv";
  r.bag = true;
  EXPECT_EQ(export_to(store, r), exit_code::kUsage) << "--bag is for mets";
  r = mets_into(dir.path() / "out");
  r.since = "yesterday";
  EXPECT_EQ(export_to(store, r), exit_code::kUsage);
  EXPECT_TRUE(is_iso_date_or_time("2026-12-02"));
  EXPECT_TRUE(is_iso_date_or_time("2026-12-02T10:00:05Z"));
  EXPECT_FALSE(is_iso_date_or_time("2026-12-2"));
  r.since = "";
  EXPECT_EQ(export_to(store, r), exit_code::kStoreError) << "no archive there";
}

// An archive of the samples per backend, ingested once.
class ExportE2E : public ::testing::TestWithParam<Backend> {
 protected:
  static std::map<Backend, std::unique_ptr<testing::ScratchArchive>>& archives() {
    static std::map<Backend, std::unique_ptr<testing::ScratchArchive>> a;
    return a;
  }
  // Dropped before the process exits: libpqxx's own statics are gone by then.
  static void TearDownTestSuite() { archives().clear(); }
  void SetUp() override {
    if (GetParam() == Backend::kPostgresql && !testing::pg_server())
      GTEST_SKIP() << testing::kNoPgServer;
    auto& slot = archives()[GetParam()];
    if (!slot) {
      slot = std::make_unique<testing::ScratchArchive>(GetParam());
      ASSERT_EQ(testing::ingest_in_process(slot->location(), {testing::samples_dir()}),
                exit_code::kCompletedWithFailures);
    }
    store_ = slot->location();
  }
  std::string store_;
  testing::TempDir out_;
};

TEST_P(ExportE2E, PackagesOfTheSamplesValidateAndHoldTogether) {
  std::string messages;
  ASSERT_EQ(export_to(store_, mets_into(out_.path() / "mets"), &messages), exit_code::kOk)
      << messages;
  const std::vector<Record> records = all_records(store_);
  ASSERT_EQ(records.size(), 5u);
  bool saw_scan = false, saw_born_digital = false;
  for (const Record& r : records) {
    testing::check_package(out_.path() / "mets" / std::to_string(r.id), r);
    saw_scan = saw_scan || r.kind != RecordKind::kBornDigital;
    saw_born_digital = saw_born_digital || r.kind == RecordKind::kBornDigital;
    for (std::size_t p = 1; p <= r.pages.size(); ++p) {
      char name[32];
      std::snprintf(name, sizeof name, "images/%08zu.jpg", p);
      EXPECT_TRUE(fs::is_regular_file(out_.path() / "mets" / std::to_string(r.id) / name)) << name;
    }
  }
  EXPECT_TRUE(saw_scan && saw_born_digital);
  const std::string mets = testing::read_file(out_.path() / "mets" / "1" / "mets.xml");
  EXPECT_NE(
      mets.find(
          "<mods:dateIssued encoding=\"iso8601\" keyDate=\"yes\">2022-03-31</mods:dateIssued>"),
      std::string::npos);
  EXPECT_NE(
      mets.find("<mods:languageTerm type=\"code\" authority=\"iso639-2b\">ger</mods:languageTerm>"),
      std::string::npos);
  EXPECT_NE(mets.find("<mets:fileGrp USE=\"DOWNLOAD\">"), std::string::npos);
  // The clusters: a scan of the seed points to its canonical record.
  const std::string scan = testing::read_file(out_.path() / "mets" / "2" / "mets.xml");
  EXPECT_NE(scan.find("<mods:relatedItem type=\"otherVersion\""), std::string::npos);
  EXPECT_NE(scan.find("optical character recognition"), std::string::npos);
}

TEST_P(ExportE2E, BagsVerifyAndRepeatedExportsAreByteIdentical) {
  ExportRequest request = mets_into(out_.path() / "a");
  request.bag = true;
  ASSERT_EQ(export_to(store_, request), exit_code::kOk);
  for (const Record& r : all_records(store_)) {
    const fs::path bag = out_.path() / "a" / std::to_string(r.id);
    EXPECT_TRUE(verify_bag(bag).ok()) << verify_bag(bag).error().message;
    testing::check_package(bag / "data", r);
  }
  // A changed payload file no longer verifies.
  std::ofstream(out_.path() / "a" / "2" / "data" / "mets.xml", std::ios::app) << " ";
  EXPECT_FALSE(verify_bag(out_.path() / "a" / "2").ok());
  ASSERT_EQ(export_to(store_, request), exit_code::kOk) << "exporting again replaces the packages";
  request.out = (out_.path() / "b").string();
  ASSERT_EQ(export_to(store_, request), exit_code::kOk);
  EXPECT_EQ(files_under(out_.path() / "a"), files_under(out_.path() / "b"));
}

TEST_P(ExportE2E, IdAndSinceChooseTheRecords) {
  ExportRequest request = mets_into(out_.path() / "one");
  request.ids = {3};
  ASSERT_EQ(export_to(store_, request), exit_code::kOk);
  EXPECT_EQ(files_under(out_.path() / "one").count("3/mets.xml"), 1u);
  EXPECT_EQ(files_under(out_.path() / "one").size(), files_under(out_.path() / "one" / "3").size());
  request.ids = {999};
  EXPECT_EQ(export_to(store_, request), exit_code::kNotFound);

  ExportRequest csv;
  csv.format = "csv";
  csv.since = "2999-01-01";
  csv.out = (out_.path() / "later.csv").string();
  ASSERT_EQ(export_to(store_, csv), exit_code::kOk);
  EXPECT_EQ(parse_csv(testing::read_file(csv.out).substr(3)).size(), 1u) << "the header only";
}

TEST_P(ExportE2E, HostileFieldsGiveValidXmlAndExactCsv) {
  const std::string title =
      "<script>alert(1)</script> & \"quotes\" 'apostrophes' \x01\x02 \xff\xfe";
  const std::string issuer = "Amt, für\n\"Straßen\"";
  {
    auto store = open_existing_store(store_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->set_manual_field(5, "title", title, "test").ok());
    ASSERT_TRUE((*store)->set_manual_field(5, "issuer", issuer, "test").ok());
  }
  ExportRequest request = mets_into(out_.path() / "m");
  request.ids = {5};
  ASSERT_EQ(export_to(store_, request), exit_code::kOk);
  for (const Record& r : all_records(store_))
    if (r.id == 5) testing::check_package(out_.path() / "m" / "5", r);
  const std::string mets = testing::read_file(out_.path() / "m" / "5" / "mets.xml");
  EXPECT_NE(mets.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp;"), std::string::npos);
  EXPECT_EQ(mets.find("<script>"), std::string::npos);

  ExportRequest csv;
  csv.format = "csv";
  csv.ids = {5};
  csv.out = (out_.path() / "r.csv").string();
  ASSERT_EQ(export_to(store_, csv), exit_code::kOk);
  const auto rows = parse_csv(testing::read_file(csv.out).substr(3));
  ASSERT_EQ(rows.size(), 2u);
  std::map<std::string, std::string> row;
  for (std::size_t i = 0; i < rows[0].size(); ++i) row[rows[0][i]] = rows[1][i];
  EXPECT_EQ(row["issuer"], issuer);
  EXPECT_EQ(row["title"].substr(0, 27), "<script>alert(1)</script> &");
  EXPECT_EQ(row["needs_review"], "no");
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportE2E,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgresql),
                         testing::backend_param_name);

TEST(ExportSource, AMovedSourceFailsThatRecordAlone) {
  testing::TempDir dir;
  const fs::path inputs = dir.path() / "in";
  fs::create_directories(inputs);
  fs::copy_file(testing::sample("seed-scan-clean.png"), inputs / "clean.png");
  fs::copy_file(testing::sample("seed-born-digital.pdf"), inputs / "born.pdf");
  const std::string store = (dir.path() / "a.db").string();
  ASSERT_EQ(testing::ingest_in_process(store, {inputs}), exit_code::kOk);
  fs::remove(inputs / "clean.png");
  // What a killed export left behind is cleared.
  fs::create_directories(dir.path() / "out" / (".9.partial-" + std::to_string(::getpid() + 1)));

  std::string messages;
  EXPECT_EQ(export_to(store, mets_into(dir.path() / "out"), &messages),
            exit_code::kCompletedWithFailures);
  EXPECT_NE(messages.find("clean.png: the archived source is gone"), std::string::npos) << messages;
  const auto files = files_under(dir.path() / "out");
  std::set<std::string> folders;
  for (const auto& e : fs::directory_iterator(dir.path() / "out"))
    folders.insert(e.path().filename().string());
  ASSERT_EQ(folders.size(), 1u) << "one package, nothing half-written";
  const std::string kept = *folders.begin();
  for (const Record& r : all_records(store))
    if (std::to_string(r.id) == kept) {
      EXPECT_EQ(r.kind, RecordKind::kBornDigital);
      testing::check_package(dir.path() / "out" / kept, r);
    }

  // Without images an OCR'd record needs no source: its ALTO comes from the archive.
  ExportRequest no_images = mets_into(dir.path() / "text-only");
  no_images.images = false;
  EXPECT_EQ(export_to(store, no_images, &messages), exit_code::kOk) << messages;
  for (const Record& r : all_records(store)) {
    if (r.kind == RecordKind::kBornDigital) continue;
    const fs::path package = dir.path() / "text-only" / std::to_string(r.id);
    EXPECT_EQ(testing::mets_and_mods_schema().errors(testing::read_file(package / "mets.xml")), "");
    const std::string alto = testing::read_file(package / "alto" / "00000001.xml");
    EXPECT_EQ(testing::alto_schema().errors(alto), "");
    double w = 0, h = 0;
    bool inside = false;
    EXPECT_EQ(testing::alto_words(alto, w, h, inside), testing::text_words(r.pages[0].text));
    EXPECT_FALSE(fs::exists(package / "images"));
  }
}

TEST(ExportSchemas, TheValidatorRejectsBrokenModsInsideMets) {
  // The checks above are only worth something if the validator looks into the MODS.
  const std::string mets =
      R"(<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:mods="http://www.loc.gov/mods/v3">)"
      R"(<mets:dmdSec ID="D"><mets:mdWrap MDTYPE="MODS"><mets:xmlData><mods:mods><mods:titleInfo>)"
      R"(<mods:nonsense/></mods:titleInfo></mods:mods></mets:xmlData></mets:mdWrap></mets:dmdSec>)"
      R"(<mets:structMap><mets:div/></mets:structMap></mets:mets>)";
  EXPECT_NE(testing::mets_and_mods_schema().errors(mets), "");
  const std::string good =
      std::string(mets).replace(mets.find("<mods:nonsense/>"), 16, "<mods:title>x</mods:title>");
  EXPECT_EQ(testing::mets_and_mods_schema().errors(good), "");
}

}  // namespace
}  // namespace pressarchive

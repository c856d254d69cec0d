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
#include "stages/engines/image_engine.h"
#include "stages/engines/ocr_engine.h"
#include "stages/export/alto_writer.h"
#include "stages/export/bagit.h"
#include "stages/export/csv_writer.h"
#include "stages/export/mets_writer.h"
#include "stages/export/record_writer.h"
#include "stages/export/searchable_pdf.h"
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

int export_to(const Settings& settings, ExportRequest request, std::string* messages = nullptr) {
  std::ostringstream out, err;
  const int code = run_export(settings, request, out, err);
  if (messages) *messages = out.str() + err.str();
  return code;
}

int export_to(const std::string& store, ExportRequest request, std::string* messages = nullptr) {
  return export_to(default_settings(store), std::move(request), messages);
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

using testing::files_under;

// The current time as the archive writes it (UTC, to the second).
std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

// The text `pdftotext` (poppler-utils, as an archivist runs it) prints for a PDF.
std::string pdftotext(const fs::path& pdf) {
  const std::string command = "pdftotext -enc UTF-8 '" + pdf.string() + "' - 2>&1";
  std::string text;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
      text.append(buffer, n);
    ::pclose(pipe);
  }
  return text;
}

// The texts of `element`s (by local name) in a document, in order.
std::vector<std::string> texts_of(const std::string& xml, const char* element) {
  testing::XmlDoc doc(xml);
  std::vector<std::string> out;
  testing::each_element(xmlDocGetRootElement(doc.doc.get()), element, [&](const xmlNode* n) {
    xmlChar* text = xmlNodeGetContent(n);
    out.emplace_back(reinterpret_cast<const char*>(text));
    xmlFree(text);
  });
  return out;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
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

// A line without words (a layout from elsewhere) is left out: ALTO's TextLine holds at
// least one String, and the line's neighbours are still joined across it.
TEST(ExportAlto, LeavesOutLinesWithoutWords) {
  PageLayout layout;
  layout.width = 200;
  layout.height = 100;
  LayoutBlock block;
  block.box = {10, 10, 150, 60};
  block.lines.push_back(LayoutLine{{10, 10, 150, 15}, {{"Ein", {10, 10, 30, 15}, 0.9}}});
  block.lines.push_back(LayoutLine{{10, 30, 150, 15}, {}});
  block.lines.push_back(LayoutLine{{10, 50, 150, 15}, {{"Satz", {10, 50, 40, 15}, 0.9}}});
  layout.blocks.push_back(block);
  layout.blocks.push_back(LayoutBlock{{0, 80, 10, 10}, {}});
  const std::string alto =
      write_alto(layout, AltoPage{1, PageMethod::kOcr, false, "", "de"}, Software{});
  EXPECT_EQ(testing::alto_schema().errors(alto), "") << alto;
  double w = 0, h = 0;
  bool inside = false;
  EXPECT_EQ(testing::alto_words(alto, w, h, inside), (std::vector<std::string>{"Ein", "Satz"}));
}

// OCR words are hostile input too: markup, quotes, control characters and bytes that are
// not UTF-8 give valid ALTO, and the searchable PDF gives the words back as XML carries them.
TEST(ExportAlto, HostileWordsGiveValidAltoAndASearchablePdf) {
  const std::vector<std::string> hostile = {"<b>&amp;",
                                            "\"Zitat\"",
                                            "it's",
                                            std::string("Null\x01\x02"
                                                        "byte"),
                                            "bad\xff\xfe"
                                            "bytes",
                                            "Straße]]>"};
  PageLayout layout;
  layout.width = 1000;
  layout.height = 200;
  layout.dpi = 150;
  LayoutBlock block;
  block.box = {10, 10, 980, 60};
  LayoutLine line{{10, 20, 980, 40}, {}};
  double x = 10;
  for (const std::string& word : hostile) {
    line.words.push_back(LayoutWord{word, {x, 20, 140, 40}, 0.5});
    x += 160;
  }
  block.lines.push_back(line);
  layout.blocks.push_back(block);
  const std::string alto = write_alto(
      layout, AltoPage{1, PageMethod::kOcr, false, "images/00000001.jpg", "de"}, Software{});
  EXPECT_EQ(testing::alto_schema().errors(alto), "") << alto;
  std::vector<std::string> expected;
  for (const std::string& word : hostile) expected.push_back(xml_text(word));
  double w = 0, h = 0;
  bool inside = false;
  EXPECT_EQ(testing::alto_words(alto, w, h, inside), expected);
  EXPECT_EQ(expected[3], "Nullbyte");
  EXPECT_EQ(expected[4],
            "bad\xEF\xBF\xBD\xEF\xBF\xBD"
            "bytes");

  PageImage white;
  white.width = 1000;
  white.height = 200;
  white.dpi = 150;
  white.pixels.assign(static_cast<std::size_t>(white.width) * white.height, 255);
  Result<std::string> jpeg = encode_jpeg(white, 85);
  ASSERT_TRUE(jpeg.ok());
  Result<std::string> pdf =
      write_searchable_pdf({PdfPage{*jpeg, white.width, white.height, 150.0, &layout}}, hostile[0],
                           glyphless_font_path());
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  testing::TempDir dir;
  std::ofstream(dir.path() / "hostile.pdf", std::ios::binary) << *pdf;
  const std::vector<std::string> read = testing::text_words(pdftotext(dir.path() / "hostile.pdf"));
  for (const std::string& word : {std::string("<b>&amp;"), std::string("\"Zitat\""),
                                  std::string("it's"), std::string("Straße]]>")})
    EXPECT_TRUE(contains(read, word)) << word << " not in " << ::testing::PrintToString(read);
}

// MODS names the cluster's canonical record and the record this one revises; PREMIS
// carries every provenance event, the OCR with the engine versions after each run that
// OCR'd; the XML validates.
TEST(ExportMets, ModsRelationsAndEveryEventAsPremis) {
  Record r;
  r.id = 9;
  r.sha256 = std::string(64, 'a');
  r.format = SourceFormat::kPng;
  r.kind = RecordKind::kScanned;
  r.created_at = "2026-01-02T03:04:05Z";
  r.revision_of = 4;
  r.duplicate_of = 3;
  r.metadata.title = "Titel";
  r.metadata.subtitle = "Untertitel";
  r.metadata.release_date = "2022-03-31";
  r.metadata.place = "Freiburg";
  r.metadata.issuer = "Stadt Freiburg";
  r.metadata.language = "de";
  r.metadata.document_type = "Pressemitteilung";
  r.provenance =
      R"({"version":"0.1.0","tesseract":"5.3.0","leptonica":"1.82.0","poppler":"22.12.0"})";
  PageResult page;
  page.number = 1;
  page.method = PageMethod::kOcr;
  r.pages.push_back(page);
  const std::vector<Event> events = {
      {1, "2026-01-02T03:04:05Z", "ingest", 9, "/a.png", 1, "pressarchive 0.1.0", "success", "x"},
      {2, "2026-01-03T00:00:00Z", "edit", 9, "", 0, "archivist", "success", "title: a -> b"},
      {3, "2026-01-04T00:00:00Z", "reprocess", 9, "/a.png", 2, "pressarchive 0.1.0", "success", ""},
      {4, "2026-01-05T00:00:00Z", "reviewed", 9, "", 0, "archivist", "success", "reviewed"}};
  const std::vector<PackageFile> files = {
      {"DEFAULT", 1, "images/00000001.jpg", "image/jpeg", std::string(64, 'b'), 10},
      {"FULLTEXT", 1, "alto/00000001.xml", "text/xml", std::string(64, 'c'), 20},
      {"DOWNLOAD", 0, "9.pdf", "application/pdf", std::string(64, 'd'), 30}};
  const std::string mets = write_mets(MetsRecord{&r, events, files, ModsContext{"Stadtarchiv", 3}});
  EXPECT_EQ(testing::mets_and_mods_schema().errors(mets), "") << mets;

  testing::XmlDoc doc(mets);
  std::map<std::string, std::string> related;  // type -> record id
  testing::each_element(xmlDocGetRootElement(doc.doc.get()), "relatedItem", [&](const xmlNode* n) {
    for (const xmlNode* c = n->children; c; c = c->next)
      if (testing::named(c, "identifier")) {
        xmlChar* text = xmlNodeGetContent(c);
        related[testing::attr(n, "type")] = reinterpret_cast<const char*>(text);
        xmlFree(text);
      }
  });
  EXPECT_EQ(related,
            (std::map<std::string, std::string>{{"otherVersion", "3"}, {"preceding", "4"}}));
  EXPECT_TRUE(contains(texts_of(mets, "subTitle"), "Untertitel"));
  EXPECT_TRUE(contains(texts_of(mets, "genre"), "Pressemitteilung"));
  EXPECT_TRUE(contains(texts_of(mets, "placeTerm"), "Freiburg"));
  EXPECT_TRUE(contains(texts_of(mets, "roleTerm"), "isb"));
  EXPECT_TRUE(contains(texts_of(mets, "identifier"), std::string(64, 'a')));
  EXPECT_TRUE(contains(texts_of(mets, "formatName"), format_name(SourceFormat::kPng)));
  EXPECT_EQ(texts_of(mets, "eventType"),
            (std::vector<std::string>{"ingestion", "optical character recognition",
                                      "metadata modification", "reingestion",
                                      "optical character recognition", "validation"}));
  EXPECT_EQ(texts_of(mets, "eventDateTime")[3], "2026-01-04T00:00:00Z");
  const std::vector<std::string> details = texts_of(mets, "eventDetail");
  EXPECT_TRUE(contains(details, "Tesseract 5.3.0, Leptonica 1.82.0, Poppler 22.12.0"));
  EXPECT_TRUE(contains(details, "edit: title: a -> b"));
  // The record that is its own cluster's canonical one points to no other version.
  const std::string canonical =
      write_mets(MetsRecord{&r, events, files, ModsContext{"", std::optional<std::int64_t>(9)}});
  EXPECT_EQ(canonical.find("otherVersion"), std::string::npos);
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
    if (GetParam() == Backend::kPostgresql) PRESSARCHIVE_NEEDS_PG_SERVER();
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
  // pdftotext, as an archivist runs it, gives every word of a scan's record back.
  for (const Record& r : records) {
    if (r.kind == RecordKind::kBornDigital) continue;
    const fs::path pdf =
        out_.path() / "mets" / std::to_string(r.id) / (std::to_string(r.id) + ".pdf");
    const std::multiset<std::string> in_pdf = testing::searchable_words(pdftotext(pdf));
    std::vector<std::string> missing;
    const std::multiset<std::string> in_record = testing::searchable_words(r.text);
    std::set_difference(in_record.begin(), in_record.end(), in_pdf.begin(), in_pdf.end(),
                        std::back_inserter(missing));
    EXPECT_GT(in_record.size(), 20u) << "record " << r.id;
    EXPECT_TRUE(missing.empty()) << "record " << r.id << ": pdftotext misses "
                                 << ::testing::PrintToString(missing);
  }
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
  Settings settings = default_settings(store_);
  settings.export_organisation = "Stadtarchiv Musterstadt, Abteilung Presse";
  ASSERT_EQ(export_to(settings, request), exit_code::kOk);
  for (const Record& r : all_records(store_)) {
    const fs::path bag = out_.path() / "a" / std::to_string(r.id);
    EXPECT_TRUE(verify_bag(bag).ok()) << verify_bag(bag).error().message;
    testing::check_package(bag / "data", r);
    const std::string info = testing::read_file(bag / "bag-info.txt");
    EXPECT_EQ(info.rfind("Source-Organization: Stadtarchiv Musterstadt, Abteilung Presse\n", 0), 0u)
        << info;
    EXPECT_NE(info.find("\nPayload-Oxum: "), std::string::npos) << info;
    const std::string mets = testing::read_file(bag / "data" / "mets.xml");
    EXPECT_TRUE(contains(texts_of(mets, "recordContentSource"), settings.export_organisation));
  }
  // A changed payload file no longer verifies.
  std::ofstream(out_.path() / "a" / "2" / "data" / "mets.xml", std::ios::app) << " ";
  EXPECT_FALSE(verify_bag(out_.path() / "a" / "2").ok());
  ASSERT_EQ(export_to(settings, request), exit_code::kOk)
      << "exporting again replaces the packages";
  request.out = (out_.path() / "b").string();
  ASSERT_EQ(export_to(settings, request), exit_code::kOk);
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

// What the archivist does to a record (edit, review, reprocessing) is in its METS as
// PREMIS events, and makes it "changed" for --since: the nightly export hands on those
// records alone.
TEST_P(ExportE2E, SinceTakesWhatChangedAndPremisShowsHow) {
  const auto ids_in = [](const fs::path& csv) {
    std::vector<std::string> ids;
    const auto rows = parse_csv(testing::read_file(csv).substr(3));
    for (std::size_t i = 1; i < rows.size(); ++i) ids.push_back(rows[i][0]);
    return ids;
  };
  ExportRequest csv;
  csv.format = "csv";
  csv.since = "2000-01-01";
  csv.out = (out_.path() / "all.csv").string();
  ASSERT_EQ(export_to(store_, csv), exit_code::kOk);
  EXPECT_EQ(ids_in(csv.out).size(), 5u) << "every record was archived since 2000";

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the archive's clock has seconds
  const std::string before = utc_now();
  csv.since = before;
  csv.out = (out_.path() / "none.csv").string();
  ASSERT_EQ(export_to(store_, csv), exit_code::kOk);
  EXPECT_TRUE(ids_in(csv.out).empty()) << "nothing changed yet";
  {
    auto store = open_existing_store(store_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->set_manual_field(3, "place", "Emmendingen", "archivist").ok());
    ASSERT_TRUE((*store)->mark_reviewed(3, "archivist").ok());
    Result<std::optional<Record>> four = (*store)->load_record(4);
    ASSERT_TRUE(four.ok() && *four);
    const std::int64_t run = (*store)->begin_run({"test", "", "{}"}).value();
    ASSERT_TRUE((*store)->replace_record(4, **four, run).ok());
  }
  csv.out = (out_.path() / "changed.csv").string();
  ASSERT_EQ(export_to(store_, csv), exit_code::kOk);
  EXPECT_EQ(ids_in(csv.out), (std::vector<std::string>{"3", "4"}));

  ExportRequest mets = mets_into(out_.path() / "nightly");
  mets.since = before;
  ASSERT_EQ(export_to(store_, mets), exit_code::kOk);
  std::set<std::string> folders;
  for (const auto& e : fs::directory_iterator(out_.path() / "nightly"))
    folders.insert(e.path().filename().string());
  EXPECT_EQ(folders, (std::set<std::string>{"3", "4"}));
  for (const Record& r : all_records(store_))
    if (r.id == 3 || r.id == 4)
      testing::check_package(out_.path() / "nightly" / std::to_string(r.id), r);
  const std::vector<std::string> three =
      texts_of(testing::read_file(out_.path() / "nightly" / "3" / "mets.xml"), "eventType");
  EXPECT_TRUE(contains(three, "ingestion")) << ::testing::PrintToString(three);
  EXPECT_TRUE(contains(three, "metadata modification")) << ::testing::PrintToString(three);
  EXPECT_TRUE(contains(three, "validation")) << ::testing::PrintToString(three);
  const std::string four = testing::read_file(out_.path() / "nightly" / "4" / "mets.xml");
  const std::vector<std::string> four_events = texts_of(four, "eventType");
  ASSERT_TRUE(contains(four_events, "reingestion")) << ::testing::PrintToString(four_events);
  // The OCR of the reprocessing follows it, with the engine versions of this build.
  const auto re = std::find(four_events.begin(), four_events.end(), "reingestion");
  ASSERT_NE(re + 1, four_events.end());
  EXPECT_EQ(*(re + 1), "optical character recognition");
  const std::vector<std::string> details = texts_of(four, "eventDetail");
  EXPECT_TRUE(std::any_of(details.begin(), details.end(), [](const std::string& d) {
    return d.rfind("Tesseract " + OcrEngine::version() + ", Leptonica ", 0) == 0;
  })) << ::testing::PrintToString(details);
  EXPECT_TRUE(contains(
      texts_of(testing::read_file(out_.path() / "nightly" / "3" / "mets.xml"), "placeTerm"),
      "Emmendingen"));
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

TEST(ExportSource, AChangedSourceFailsThatRecordAlone) {
  testing::TempDir dir;
  const fs::path inputs = dir.path() / "in";
  fs::create_directories(inputs);
  fs::copy_file(testing::sample("seed-born-digital.pdf"), inputs / "born.pdf");
  fs::copy_file(testing::sample("seed-born-digital.pdf"), inputs / "other.pdf");
  std::ofstream(inputs / "other.pdf", std::ios::app) << "% another copy\n";
  const std::string store = (dir.path() / "a.db").string();
  ASSERT_EQ(testing::ingest_in_process(store, {inputs}), exit_code::kOk);
  std::ofstream(inputs / "born.pdf", std::ios::app) << "% changed after archiving\n";

  std::string messages;
  EXPECT_EQ(export_to(store, mets_into(dir.path() / "out"), &messages),
            exit_code::kCompletedWithFailures);
  EXPECT_NE(messages.find("born.pdf: the archived source has changed since it was archived"),
            std::string::npos)
      << messages;
  std::set<std::string> folders;
  for (const auto& e : fs::directory_iterator(dir.path() / "out"))
    folders.insert(e.path().filename().string());
  ASSERT_EQ(folders.size(), 1u) << "the other record is exported, nothing half-written";
  for (const Record& r : all_records(store))
    if (std::to_string(r.id) == *folders.begin()) {
      EXPECT_EQ(r.source_paths, std::vector<std::string>{(inputs / "other.pdf").string()});
      testing::check_package(dir.path() / "out" / *folders.begin(), r);
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

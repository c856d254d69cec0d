#include <gtest/gtest.h>

#include <sstream>

#include "stages/export/jsonl_writer.h"

namespace pressarchive {
namespace {

TEST(JsonlWriter, WritesTheDocumentedKeysOneObjectPerLine) {
  Record r;
  r.id = 3;
  r.source_paths = {"a.pdf", std::string("b") + '\xff' + ".pdf"};
  r.metadata.title = "CDO und CUO beenden Tätigkeit";
  r.metadata.release_date = "2022-03-31";
  r.metadata.language = "de";
  r.text = "full text";
  r.metadata.body = "body";
  r.pages.resize(2);
  r.pages[0].confidence = 90;
  r.ocr_confidence = 90;
  Failure f{0,
            "broken.pdf",
            "fff",
            "load",
            Reason::kUnreadable,
            "broken.pdf: truncated",
            "2026-01-01T00:00:00Z",
            1};

  std::ostringstream out;
  JsonlWriter writer(out);
  writer.write(r);
  writer.write(f);
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> objects;
  while (std::getline(lines, line)) objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 2u);

  const nlohmann::json& rec = objects[0];
  for (const char* key :
       {"id", "source_paths", "status", "title", "subtitle", "release_date", "place", "issuer",
        "language", "text", "body", "pages", "ocr_confidence", "duplicate_of"})
    EXPECT_TRUE(rec.contains(key)) << key;
  EXPECT_EQ(rec["id"], 3);
  EXPECT_EQ(rec["status"], "archived");
  EXPECT_EQ(rec["title"], "CDO und CUO beenden Tätigkeit");
  EXPECT_TRUE(rec["subtitle"].is_null()) << "not found is null, not an empty guess";
  EXPECT_TRUE(rec["duplicate_of"].is_null());
  EXPECT_EQ(rec["pages"], 2);
  EXPECT_EQ(rec["source_paths"][1], "b\xEF\xBF\xBD.pdf");
  EXPECT_TRUE(rec["page_confidence"][1].is_null());

  const nlohmann::json& fail = objects[1];
  EXPECT_EQ(fail["status"], "failed");
  EXPECT_EQ(fail["source_paths"][0], "broken.pdf");
  EXPECT_EQ(fail["error"], "broken.pdf: truncated");
  EXPECT_EQ(fail["reason"], "unreadable");
}

TEST(RecordWriter, UnknownFormatIsRefused) {
  std::ostringstream out;
  EXPECT_EQ(make_record_writer("xml", out), nullptr);
  EXPECT_NE(make_record_writer("jsonl", out), nullptr);
}

}  // namespace
}  // namespace pressarchive

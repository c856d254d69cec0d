// The hostile and real-world corpus (../shared/corpora): every file behaves as its
// manifest says, archived ("ok") or failed cleanly ("fail"), in one batch; no crash,
// no hang, no input lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../export/package_checks.h"
#include "../test_paths.h"
#include "pipeline/cli/commands.h"
#include "pipeline/exit_codes.h"
#include "pipeline/ingest.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace {

TEST(Corpus, EveryManifestFileEndsAsTheManifestSays) {
  const auto corpora = testing::corpora_dir();
  const nlohmann::json manifest =
      nlohmann::json::parse(testing::read_file(corpora / "manifest.json"));
  testing::TempDir dir;
  const std::string store = (dir.path() / "archive.db").string();

  IngestRequest request;
  for (const auto& f : manifest["files"])
    request.paths.push_back(corpora / f["path"].get<std::string>());
  request.config = Config::load("").value();
  ASSERT_TRUE(request.config.set("ingest.store", store).ok());
  request.show_progress = false;
  std::ostringstream out, err;
  EXPECT_EQ(run_ingest(request, out, err), exit_code::kCompletedWithFailures)
      << out.str() << err.str();

  std::ostringstream jsonl, ignore;
  ASSERT_EQ(run_export(store, "jsonl", "", true, jsonl, ignore), exit_code::kOk);
  std::map<std::string, nlohmann::json> outcome;  // path relative to corpora -> line
  std::istringstream lines(jsonl.str());
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json r = nlohmann::json::parse(line);
    for (const auto& p : r["source_paths"]) {
      const std::string path = p.get<std::string>();
      outcome[path.substr(corpora.string().size() + 1)] = r;
    }
  }
  std::map<std::string, int> failures_by_reason;
  for (const auto& f : manifest["files"]) {
    const std::string path = f["path"];
    SCOPED_TRACE(path + ": " + f["note"].get<std::string>());
    auto it = outcome.find(path);
    ASSERT_NE(it, outcome.end()) << "input lost";
    const nlohmann::json& r = it->second;
    if (f["expect"] == "ok") {
      EXPECT_EQ(r["status"], "archived") << r.value("error", "");
    } else {
      ASSERT_EQ(r["status"], "failed");
      EXPECT_NE(r["error"].get<std::string>().find(std::filesystem::path(path).filename().string()),
                std::string::npos)
          << "the message names the file: " << r["error"];
      ++failures_by_reason[r["reason"]];
    }
  }
  EXPECT_EQ(outcome.size(), manifest["files"].size());
  // Spot checks of the reason an archivist would filter by.
  EXPECT_EQ(outcome["hostile-pdf/pdfium-enc-aes256-r6-nonascii-pw.pdf"]["reason"], "encrypted");
  EXPECT_EQ(outcome["hostile-pdf/ocrmypdf-hugemono-35000px.pdf"]["reason"], "too large");
  EXPECT_EQ(outcome["hostile-pdf/qpdf-bad1-not-a-pdf.pdf"]["reason"], "unsupported");
  EXPECT_EQ(outcome["hostile-img/pillow-ifd-loop.tiff"]["reason"], "unreadable");
  EXPECT_EQ(outcome["hostile-pdf/ocrmypdf-livecycle-xfa.pdf"]["reason"], "unsupported");
  for (const auto& [reason, count] : failures_by_reason)
    std::cout << "failed as " << reason << ": " << count << "\n";

  // Every archived corpus file exports as a METS package that validates and holds
  // together (export/package_checks.h), the OCR'd ones with ALTO from their OCR.
  ExportRequest mets;
  mets.format = "mets";
  mets.out = (dir.path() / "mets").string();
  Settings settings = request.config.settings().value();
  std::ostringstream export_out, export_err;
  ASSERT_EQ(run_export(settings, mets, export_out, export_err), exit_code::kOk) << export_err.str();
  auto archive = open_existing_store(store);
  ASSERT_TRUE(archive.ok());
  int packages = 0, ocr_pages = 0;
  testing::PdfWordCount pdf_words;
  std::vector<std::pair<double, double>> ink;  // dark share inside and outside the word boxes
  ASSERT_TRUE((*archive)
                  ->for_each_record([&](const Record& r) {
                    testing::check_package(dir.path() / "mets" / std::to_string(r.id), r, 0.0,
                                           &pdf_words, settings.export_image_width, &ink);
                    ++packages;
                    for (const PageResult& page : r.pages)
                      ocr_pages += page.method == PageMethod::kOcr;
                  })
                  .ok());
  EXPECT_GT(ocr_pages, 20);
  // Old print, tables of contents: a few words set close together come back joined.
  EXPECT_GE(static_cast<double>(pdf_words.words - pdf_words.missing),
            0.98 * static_cast<double>(pdf_words.words));
  std::cout << "METS packages checked: " << packages << " (" << ocr_pages
            << " OCR'd pages); searchable PDFs gave back " << pdf_words.words - pdf_words.missing
            << " of " << pdf_words.words << " words\n";
  // Coordinates in the page images' pixels: on most pages the word boxes hold far more
  // ink than the rest (boxes in another image's pixels hold about as much).
  std::vector<double> ratios;
  for (const auto& [inside, outside] : ink) ratios.push_back(inside / std::max(outside, 1e-6));
  std::sort(ratios.begin(), ratios.end());
  ASSERT_GT(ratios.size(), 50u);
  const double median = ratios[ratios.size() / 2], low = ratios[ratios.size() / 10];
  std::cout << "ALTO word boxes on " << ratios.size()
            << " page images: ink inside the boxes against outside, median " << median
            << "x, tenth percentile " << low << "x, lowest " << ratios.front() << "x\n";
  EXPECT_GT(median, 5.0);
  EXPECT_GT(low, 1.5);
}

}  // namespace
}  // namespace pressarchive

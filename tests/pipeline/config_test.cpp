#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../test_paths.h"

namespace pressarchive {
namespace {

TEST(Config, DefaultsComeFromTheRegistryFile) {
  Result<Config> config = Config::load("");
  ASSERT_TRUE(config.ok());
  Settings s = config->settings().value();
  EXPECT_EQ(s.languages, "deu+eng");
  EXPECT_EQ(s.load.render_dpi, 300);
  EXPECT_EQ(s.store, "archive.db");
  EXPECT_GE(s.jobs, 1) << "0 resolves to the number of cores";
  EXPECT_EQ(s.max_pages_in_flight, 2 * s.jobs);
  EXPECT_EQ(s.recognize.page_timeout_ms, 120000);
}

TEST(Config, EveryKeyIsDocumentedInTheEffectiveOutput) {
  Config config = Config::load("").value();
  ASSERT_TRUE(config.set("ocr.languages", "eng").ok());
  ASSERT_TRUE(config.set("ingest.jobs", "3").ok());
  const std::string text = config.effective_toml();
  EXPECT_NE(text.find("languages = 'eng'"), std::string::npos) << text;
  EXPECT_NE(text.find("jobs = 3"), std::string::npos);
  // Each `key = value` line follows a comment line.
  std::istringstream in(text);
  std::string previous, line;
  int keys = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#' && line[0] != '[' &&
        line.find(" = ") != std::string::npos) {
      ++keys;
      EXPECT_EQ(previous.rfind("# ", 0), 0u) << "undocumented: " << line;
    }
    previous = line;
  }
  EXPECT_GE(keys, 15);
}

TEST(Config, UserFileOverridesAndUnknownKeysAreErrors) {
  testing::TempDir dir;
  const auto good = dir.path() / "good.toml";
  std::ofstream(good) << "[ocr]\nlanguages = \"eng\"\n[limits]\nmax_page_megapixels = 10\n";
  Result<Config> config = Config::load(good.string());
  ASSERT_TRUE(config.ok()) << config.error().message;
  Settings s = config->settings().value();
  EXPECT_EQ(s.languages, "eng");
  EXPECT_EQ(s.load.max_page_pixels, 10'000'000);

  const auto typo = dir.path() / "typo.toml";
  std::ofstream(typo) << "[ocr]\nlanguage = \"eng\"\n";
  Result<Config> bad = Config::load(typo.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ocr.language"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("typo.toml"), std::string::npos);

  const auto wrong_type = dir.path() / "type.toml";
  std::ofstream(wrong_type) << "[ingest]\njobs = \"many\"\n";
  EXPECT_FALSE(Config::load(wrong_type.string()).ok());
  EXPECT_FALSE(Config::load((dir.path() / "missing.toml").string()).ok());
  EXPECT_FALSE(Config::load("").value().set("ingest.jobs", "lots").ok());
  EXPECT_FALSE(Config::load("").value().set("nope.key", "1").ok());
}

}  // namespace
}  // namespace pressarchive

// Test inputs shared by the stage tests: a file as discovery sees it, and one OCR engine
// per test suite (creating one loads the language models, about a second).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "stages/engines/ocr_engine.h"
#include "stages/ingest/discover.h"

namespace pressarchive::testing {

inline Source source_of(const std::filesystem::path& path) {
  Discovery d = discover_sources({path});
  EXPECT_EQ(d.sources.size(), 1u) << path;
  return d.sources.empty() ? Source{} : d.sources[0];
}

// A suite base (Base: ::testing::Test or a TestWithParam) whose tests share `engine_`,
// a deu+eng engine made once for the suite.
template <class Base = ::testing::Test>
class WithOcrEngine : public Base {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<OcrEngine>> made = OcrEngine::create("deu+eng", "");
    ASSERT_TRUE(made.ok()) << made.error().message;
    engine_ = std::move(made.value()).release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  static inline OcrEngine* engine_ = nullptr;
};

}  // namespace pressarchive::testing

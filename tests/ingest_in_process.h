// `pressarchive ingest` run in the test's own process, for the end-to-end tests that look
// at the archive afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "pipeline/ingest.h"

namespace pressarchive::testing {

// Ingests `paths` into `store` (a file or a postgresql:// URI) with the default
// configuration and no progress line. Returns the exit code; what the run printed goes
// to `output` when given.
inline int ingest_in_process(const std::string& store, std::vector<std::filesystem::path> paths,
                             std::optional<ReprocessSelection> reprocess = {},
                             std::string* output = nullptr) {
  IngestRequest request;
  request.paths = std::move(paths);
  request.reprocess = std::move(reprocess);
  request.config = Config::load("").value();
  EXPECT_TRUE(request.config.set("ingest.store", store).ok());
  request.show_progress = false;
  std::ostringstream out, err;
  const int code = run_ingest(request, out, err);
  if (output) *output = out.str() + err.str();
  return code;
}

}  // namespace pressarchive::testing

// The one registry of tunables: config/pressarchive.toml, compiled in as the defaults,
// overlaid by a user's file and by command-line flags.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "stages/core/result.h"
#include "stages/ingest/load.h"
#include "stages/ingest/recognize.h"
#include "stages/metadata/learned_boilerplate.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {

struct Settings {
  int jobs = 0;  // resolved: never 0 after load_settings
  std::string store;
  bool retry_failed = false;
  int min_document_letters = 0;
  double review_min_ocr_confidence = 70;
  double review_min_field_confidence = 0.5;
  std::map<std::string, double> review_min_confidence;  // per key field (title, release_date, ...)
  bool near_duplicates = true;
  NearDuplicateOptions near_duplicate;
  LoadOptions load;
  RecognizeOptions recognize;
  int max_pages_in_flight = 0;  // resolved
  std::string languages;
  std::string tessdata_dir;
  std::string rules_file;
  LearnedBoilerplateOptions learned_boilerplate;
  int log_interval_seconds = 30;
  int queue_lease_seconds = 60;
  int queue_max_attempts = 3;
  int queue_batch = 0;  // 0: twice the jobs
  int queue_poll_seconds = 5;
  int queue_refresh_seconds = 300;
  std::string export_organisation;
  int export_image_width = 1500;
  int export_jpeg_quality = 85;
  std::string web_listen;  // pressarchive serve
  std::string web_token;
  std::string web_cache_dir;
  int web_export_cache_mb = 512;
};

class Config {
 public:
  // Defaults, overlaid by `user_file` when not empty. Unknown keys and wrong types are
  // errors (kUnsupported) naming the file and the key.
  static Result<Config> load(const std::string& user_file);

  // Command-line overrides ("ingest.jobs" = 4); the key must exist.
  Status set(const std::string& dotted_key, const std::string& value);

  Result<Settings> settings() const;

  // The defaults file with each value replaced by the effective one: every key with its
  // one line of documentation.
  std::string effective_toml() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

const std::string& default_config_text();

}  // namespace pressarchive

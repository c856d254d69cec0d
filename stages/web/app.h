// The archivist's web page: search, record, failures, review and runs, as functions from
// a WebRequest to a WebResponse over one archive. No HTTP server types here
// (stages/web/server.h serves an App), so every screen and every refusal is testable by
// calling handle().
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "stages/metadata/learned_boilerplate.h"
#include "stages/web/access.h"
#include "stages/web/html.h"
#include "stages/web/request.h"
#include "stages/web/services/page_images.h"
#include "stages/web/services/record_exports.h"
#include "stages/web/services/retry_jobs.h"
#include "stages/web/services/store_pool.h"

namespace pressarchive::web {

struct AppOptions {
  std::string store;  // SQLite file or postgresql:// URI; must exist
  std::string token;  // "" = a random one (AccessControl)
  bool read_only = false;
  std::filesystem::path cache_dir;  // rendered page images
  LoadOptions load;                 // how sources are read (PDF password, limits), as for ingest
  ExportOptions exports;    // the archival exports' settings ([export]); load is set from `load`
  std::string program;      // the pressarchive binary, for retries
  std::string config_file;  // passed on to retries, "" = none
  int connections = 4;      // archive connections shared by the request threads
  int page_size = 20;       // search hits per page
  LearnedBoilerplateOptions boilerplate;  // when a counted line is learned ([learned_boilerplate])
};

class App {
 public:
  static Result<std::unique_ptr<App>> open(const AppOptions& options);

  // Thread-safe: the server calls it from its request threads.
  WebResponse handle(const WebRequest& request);

  const AccessControl& access() const { return access_; }

 private:
  App(const AppOptions& options, std::unique_ptr<StorePool> pool);

  WebResponse route(const WebRequest& request);
  // screens_search.cpp
  WebResponse search(const WebRequest& request);
  // screens_record.cpp
  WebResponse record(const WebRequest& request, std::int64_t id);
  WebResponse page_image(const WebRequest& request, std::int64_t id, const std::string& page);
  WebResponse original(std::int64_t id);
  WebResponse record_json(std::int64_t id);
  WebResponse export_file(std::int64_t id, ExportFile file, const std::string& page);
  WebResponse edit(const WebRequest& request, std::int64_t id);
  WebResponse reviewed(const WebRequest& request, std::int64_t id);
  // screens_work.cpp
  WebResponse failures(const WebRequest& request);
  WebResponse retry(const WebRequest& request);
  WebResponse retry_job(const WebRequest& request, const std::string& job);
  WebResponse review(const WebRequest& request);
  WebResponse runs(const WebRequest& request);
  WebResponse login(const WebRequest& request);
  // screens_boilerplate.cpp
  WebResponse boilerplate(const WebRequest& request);
  // POST /boilerplate/ID (decision=confirm|reject) or /boilerplate/add (issuer, line).
  WebResponse boilerplate_decision(const WebRequest& request, const std::string& target);

  // A page of this server (read-only notice included).
  WebResponse html(Screen screen, const std::string& title, const std::string& body) const;

  AppOptions options_;
  AccessControl access_;
  std::unique_ptr<StorePool> pool_;
  PageImages images_;
  RecordExports exports_;
  RetryJobs retries_;
};

}  // namespace pressarchive::web

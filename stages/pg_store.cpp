#include "stages/pg_store.h"

#include "stages/modules.h"

namespace pressarchive {
namespace {

struct LoadedModule {
  const PostgresModule* module = nullptr;
  std::string error;
};

const LoadedModule& postgres_module() {
  static const LoadedModule loaded = [] {
    LoadedModule m;
    constexpr const char* kFile = "pressarchive-postgres.so";
    std::string error;
    const PostgresModule* module =
        load_module<PostgresModule>(kFile, "pressarchive_postgres_module", "the PostgreSQL module", error);
    if (!module)
      m.error = error + " (rebuild pressarchive, or install libpqxx-6.4)";
    else if (module->abi != kPostgresModuleAbi)
      m.error = "the PostgreSQL module " + module_path(kFile).string() + " does not belong to this pressarchive (rebuild it)";
    else
      m.module = module;
    return m;
  }();
  return loaded;
}

}  // namespace

bool is_postgresql_location(const std::string& location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redact_uri(const std::string& uri) {
  const std::size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const std::size_t at = uri.find('@', scheme + 3);
  const std::size_t slash = uri.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return uri;
  const std::size_t colon = uri.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon) + ":***" + uri.substr(at);
}

Status check_postgresql_module() {
  const LoadedModule& loaded = postgres_module();
  if (!loaded.module) return make_error(Reason::kUnsupported, loaded.error);
  return Status::Ok();
}

Result<std::unique_ptr<ArchiveStore>> open_postgresql_store(const std::string& uri) {
  const LoadedModule& loaded = postgres_module();
  if (!loaded.module) return make_error(Reason::kUnsupported, loaded.error);
  return loaded.module->open_store(uri);
}

Result<std::unique_ptr<JobQueue>> open_job_queue(const std::string& uri) {
  const LoadedModule& loaded = postgres_module();
  if (!loaded.module) return make_error(Reason::kUnsupported, loaded.error);
  return loaded.module->open_job_queue(uri);
}

}  // namespace pressarchive

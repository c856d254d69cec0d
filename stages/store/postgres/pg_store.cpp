#include "stages/store/postgres/pg_store.h"

#include "stages/engines/modules.h"

namespace pressarchive {
namespace {

const CheckedModule<PostgresModule>& postgres_module() {
  static const CheckedModule<PostgresModule> loaded = load_checked_module<PostgresModule>(
      "pressarchive-postgres.so", "pressarchive_postgres_module", "the PostgreSQL module", kPostgresModuleAbi,
      "rebuild pressarchive, or install libpqxx-6.4");
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
  const CheckedModule<PostgresModule>& loaded = postgres_module();
  if (!loaded.table) return make_error(Reason::kUnsupported, loaded.error);
  return Status::Ok();
}

Result<std::unique_ptr<ArchiveStore>> open_postgresql_store(const std::string& uri) {
  const CheckedModule<PostgresModule>& loaded = postgres_module();
  if (!loaded.table) return make_error(Reason::kUnsupported, loaded.error);
  return loaded.table->open_store(uri);
}

Result<std::unique_ptr<JobQueue>> open_job_queue(const std::string& uri) {
  const CheckedModule<PostgresModule>& loaded = postgres_module();
  if (!loaded.table) return make_error(Reason::kUnsupported, loaded.error);
  return loaded.table->open_job_queue(uri);
}

}  // namespace pressarchive

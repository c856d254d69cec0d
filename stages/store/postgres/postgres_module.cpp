// The entry point of pressarchive-postgres.so (see pg_store.h).
#include "stages/store/postgres/pg_store.h"

extern "C" __attribute__((visibility("default"))) const pressarchive::PostgresModule* pressarchive_postgres_module() {
  static const pressarchive::PostgresModule module{pressarchive::kPostgresModuleAbi,
                                                   &pressarchive::connect_postgresql_store,
                                                   &pressarchive::connect_job_queue};
  return &module;
}

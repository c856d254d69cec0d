#include "stages/store/postgres/pg_store.h"

#include <algorithm>

namespace pressarchive {

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

std::string with_database(const std::string& uri, const std::string& database) {
  const std::size_t scheme = uri.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t query = std::min(uri.find('?', authority), uri.size());
  const std::size_t path = std::min(uri.find('/', authority), query);
  return uri.substr(0, path) + "/" + database + uri.substr(query);
}

}  // namespace pressarchive

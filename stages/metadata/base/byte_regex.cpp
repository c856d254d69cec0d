#include "stages/metadata/base/byte_regex.h"

#include <re2/re2.h>

namespace pressarchive {

std::shared_ptr<const re2::RE2> compile_byte_regex(const std::string& pattern, std::string* error) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (re->ok()) return re;
  if (error) *error = re->error();
  return nullptr;
}

}  // namespace pressarchive

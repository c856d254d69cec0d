// Date parsing on arbitrary bytes: DateFinder::find_all with the built-in rules (parsed
// once) and repair_digits. OCR text is hostile input: any byte sequence can come out of
// Tesseract or a PDF text layer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "stages/metadata/base/rules.h"
#include "stages/metadata/dates/dates.h"

namespace {

const pressarchive::DateFinder& finder() {
  static const pressarchive::DateFinder instance(
      pressarchive::parse_rules(pressarchive::builtin_rules_text(), "built-in").value());
  return instance;
}

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const std::string repaired = pressarchive::repair_digits(text);
  FUZZ_CHECK(repaired.size() == text.size(), "repair_digits keeps every byte offset");

  std::size_t previous_end = 0;
  for (const pressarchive::FoundDate& date : finder().find_all(text)) {
    FUZZ_CHECK(is_iso_date(date.iso), "find_all returns YYYY-MM-DD");
    FUZZ_CHECK(date.begin <= date.end && date.end <= text.size(),
               "a date's offsets lie within the searched text");
    FUZZ_CHECK(date.begin >= previous_end, "dates come in order and do not overlap");
    previous_end = date.end;
  }
  return 0;
}

// The cheap text policies on arbitrary bytes: the text-layer triage (text_layer_is_usable,
// count_letters) and the near-duplicate signature text (normalise_for_signature,
// fold_ocr_confusables, char_shingles, word_shingles, body_sentences; version 2's
// signed_text_v2 and profile_record_v2). A PDF's text layer
// and OCR output can hold any bytes, valid UTF-8 or not.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "stages/core/text_util.h"
#include "stages/ingest/triage.h"
#include "stages/near_dup/near_duplicates.h"
#include "stages/near_dup/signature_v2.h"

namespace {

bool sorted_unique(const std::vector<std::uint64_t>& v) {
  return std::adjacent_find(v.begin(), v.end(),
                            [](std::uint64_t a, std::uint64_t b) { return a >= b; }) == v.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pressarchive;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  (void)text_layer_is_usable(text, TextLayerPolicy{});
  FUZZ_CHECK(static_cast<std::size_t>(count_letters(text)) <= text.size(),
             "at most one letter per byte");

  const std::string normalised = normalise_for_signature(text);
  FUZZ_CHECK(valid_utf8(normalised) == normalised, "the signature text is valid UTF-8");
  FUZZ_CHECK(normalised.empty() || (normalised.front() != ' ' && normalised.back() != ' '),
             "the signature text is trimmed");
  FUZZ_CHECK(normalised.find("  ") == std::string::npos, "whitespace runs become one space");

  const std::vector<std::uint64_t> shingles = char_shingles(normalised);
  FUZZ_CHECK(sorted_unique(shingles), "char_shingles are sorted and without duplicates");
  const std::string folded = fold_ocr_confusables(normalised);
  FUZZ_CHECK(shingles.empty() == (folded.find_first_not_of(' ') == std::string::npos),
             "only a text that folds to nothing has no shingles");
  FUZZ_CHECK(sorted_unique(word_shingles(normalised)), "word_shingles are sorted and unique");

  for (const std::string& sentence : body_sentences(text))
    FUZZ_CHECK(!sentence.empty() && valid_utf8(sentence) == sentence,
               "sentences are non-empty valid UTF-8");

  // Version 2 keeps lines or drops them whole (a kept last line gains its line end).
  const std::string signed_text = signed_text_v2(text);
  FUZZ_CHECK(signed_text.size() <= text.size() + 1, "signed_text_v2 only drops lines");
  const BodyProfile whole = profile_record_v2(text, "");
  FUZZ_CHECK(sorted_unique(whole.shingles), "v2 shingles are sorted and without duplicates");
  for (const std::string& sentence : whole.sentences)
    FUZZ_CHECK(!sentence.empty() && valid_utf8(sentence) == sentence,
               "v2 sentences are non-empty valid UTF-8");
  return 0;
}

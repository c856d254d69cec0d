#include "stages/near_dup/signature_v2.h"

#include <algorithm>
#include <type_traits>

#include "stages/near_dup/signature_text.h"

namespace pressarchive {
namespace {

constexpr std::uint64_t kVersion2Bit = 1ull << 63;
constexpr int kMaxBandsV2 = 128;
// A line of one token with this many letters or fewer, and no digit, is debris, not print.
constexpr int kMaxDebrisLetters = 3;
// A line without letters is print when it holds this many digits (a telephone number or
// an amount wrapped onto a line of its own), debris or a page number otherwise.
constexpr int kMinNumberDigits = 3;

// Letters and whether the line is one token, read from its code points.
template <typename CodePointRange>
bool is_debris_of(const CodePointRange& cps) {
  int letters = 0, digits = 0, tokens = 0;
  bool in_token = false;
  for (const auto unit : cps) {
    const auto c = static_cast<char32_t>(static_cast<std::make_unsigned_t<decltype(unit)>>(unit));
    const bool blank = c == U' ' || c == U'\t' || c == U'\r' || c == U'\v';
    if (!blank && !in_token) ++tokens;
    in_token = !blank;
    if (c >= U'0' && c <= U'9')
      ++digits;
    else if (signature_text::is_word_char(c))
      ++letters;
  }
  if (letters == 0) return digits < kMinNumberDigits;
  return digits == 0 && tokens == 1 && letters <= kMaxDebrisLetters;
}

// An ASCII line (most of them) is read byte by byte, without decoding it.
bool is_debris(std::string_view line) {
  if (std::all_of(line.begin(), line.end(), [](char b) { return (b & 0x80) == 0; }))
    return is_debris_of(line);
  return is_debris_of(signature_text::from_utf8(line));
}

// Sentences are cut at every line end too: a header is lines without full stops, and
// cut only at full stops the header of a copy whose lines came out in another order
// was one long "sentence" that matched nothing in its twin. Each piece is still looked
// for in the other text as a whole (verify_pair), so where a line wraps does not matter.
std::vector<std::string> line_sentences(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    for (std::string& sentence : body_sentences(text.substr(start, end - start)))
      out.push_back(std::move(sentence));
    start = end + 1;
  }
  return out;
}

// The two halves of a version 2 profile, from the record's signed text (signed_text_v2).
BodyProfile shingles_of_signed(const std::string& signed_text,
                               const NearDuplicateOptions& options) {
  BodyProfile profile;
  profile.shingles = body_shingles(signed_text, options);
  return profile;
}

void complete_from_signed(BodyProfile& profile, const std::string& signed_text,
                          std::string release_date) {
  profile.sentences = line_sentences(signed_text);
  profile.release_date = std::move(release_date);
  profile.numbered_lines = numbered_lines(signed_text);
}

}  // namespace

std::string signed_text_v2(std::string_view record_text) {
  std::string out;
  out.reserve(record_text.size());
  std::size_t start = 0;
  while (start <= record_text.size()) {
    std::size_t end = record_text.find('\n', start);
    if (end == std::string_view::npos) end = record_text.size();
    const std::string_view line = record_text.substr(start, end - start);
    // Form feeds between pages and blank lines carry no shingles; kept as line breaks so
    // hyphenation at a line end is still seen as such.
    if (!is_debris(line)) {
      out.append(line);
      out.push_back('\n');
    } else if (line.find('\f') != std::string_view::npos || line.empty()) {
      out.push_back('\n');
    }
    start = end + 1;
  }
  return out;
}

BodyProfile shingles_v2(std::string_view record_text, const NearDuplicateOptions& options) {
  return shingles_of_signed(signed_text_v2(record_text), options);
}

void complete_profile_v2(BodyProfile& profile, std::string_view record_text,
                         std::string release_date) {
  complete_from_signed(profile, signed_text_v2(record_text), std::move(release_date));
}

BodyProfile profile_record_v2(std::string_view record_text, std::string release_date,
                              const NearDuplicateOptions& options) {
  // The signed text once for both halves.
  const std::string signed_text = signed_text_v2(record_text);
  BodyProfile profile = shingles_of_signed(signed_text, options);
  complete_from_signed(profile, signed_text, std::move(release_date));
  return profile;
}

std::vector<std::uint64_t> band_keys_v2(const Signature& signature, int bands, int rows) {
  if (bands > kMaxBandsV2) return {};
  std::vector<std::uint64_t> keys = band_keys(signature, bands, rows);
  for (std::uint64_t& key : keys) key |= kVersion2Bit;
  return keys;
}

SignatureV2 sign_v2(const BodyProfile& profile_v2, const MinHash& minhash,
                    const NearDuplicateOptions& options) {
  SignatureV2 out;
  const Signature signature = minhash.sign(profile_v2.shingles);
  if (signature.empty()) return out;
  out.bytes = signature_to_bytes(signature);
  out.band_keys = band_keys_v2(signature, options.bands, options.rows);
  return out;
}

WholeTextSignature sign_whole_text(std::string_view text, const MinHash& minhash,
                                   const NearDuplicateOptions& options) {
  WholeTextSignature out;
  out.profile = profile_record_v2(text, "", options);
  out.signature = sign_v2(out.profile, minhash, options);
  return out;
}

std::vector<std::uint64_t> body_band_keys_v1(std::string_view body, const MinHash& minhash,
                                             const NearDuplicateOptions& options) {
  return band_keys(minhash.sign(body_shingles(body, options)), options.bands, options.rows);
}

SignedRecord signed_record_of(WholeTextSignature whole, std::string release_date,
                              const std::vector<std::uint64_t>& body_keys_v1) {
  SignedRecord out;
  out.profile = std::move(whole.profile);
  out.profile.release_date = std::move(release_date);
  out.signature = std::move(whole.signature);
  // A record without a version 2 signature has no text to place by.
  if (!out.signature.band_keys.empty()) {
    out.placement_keys = out.signature.band_keys;
    out.placement_keys.insert(out.placement_keys.end(), body_keys_v1.begin(), body_keys_v1.end());
  }
  return out;
}

SignedRecord sign_record(std::string_view text, std::string_view body, std::string release_date,
                         const MinHash& minhash, const NearDuplicateOptions& options) {
  return signed_record_of(sign_whole_text(text, minhash, options), std::move(release_date),
                          body_band_keys_v1(body, minhash, options));
}

}  // namespace pressarchive

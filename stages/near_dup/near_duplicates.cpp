#include "stages/near_dup/near_duplicates.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "stages/core/text_util.h"
#include "stages/near_dup/signature_text.h"

namespace pressarchive {
namespace {

// ---------------------------------------------------------------------------------------
// Hashing. Shingle hashes feed the stored signatures, so these functions, like the MinHash
// seeds below, are part of the archive format: changing any of them silently makes every
// stored signature incomparable with new ones. Never change them; add a new scheme instead.

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

// MurmurHash3's 64-bit finaliser: a bijection with full avalanche.
constexpr std::uint64_t fmix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// SplitMix64: the seed sequence of the MinHash permutations.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ull;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The first seed state of the permutation sequence ("pressarc"). Permutation i uses the
// i-th SplitMix64 output, so a longer signature starts with the values of a shorter one.
constexpr std::uint64_t kMinHashSeedState = 0x7072657373617263ull;

// ---------------------------------------------------------------------------------------
// Text (stages/near_dup/signature_text.h).

using signature_text::CodePoints;

CodePoints without_spaces(std::string_view folded) {
  CodePoints cps = signature_text::from_utf8(folded);
  cps.erase(std::remove(cps.begin(), cps.end(), U' '), cps.end());
  return cps;
}

std::size_t word_count(std::string_view s) {
  if (s.empty()) return 0;
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), ' ')) + 1;
}

// Sentences are cut into pieces of at most this many characters (body_sentences).
constexpr std::size_t kMaxSentenceChars = 300;

// The other body, searched for one sentence at a time. For a press release the whole
// body is searched (a few hundred thousand DP cells per sentence); in a long body (a
// 500-page report) only a window around where most of the sentence's 5-grams point,
// so verification stays linear in the length of the bodies.
class Haystack {
 public:
  explicit Haystack(CodePoints text) : text_(std::move(text)) {
    if (text_.size() * kMaxSentenceChars <= kFullSearchCells) return;  // always searched whole
    grams_.reserve(text_.size());
    for (std::size_t i = 0; i + kAnchor <= text_.size(); ++i)
      grams_.push_back({gram_hash(text_, i), static_cast<std::uint32_t>(i)});
    std::sort(grams_.begin(), grams_.end());
  }

  // Edit distance of `needle` to its best match, as a share of the needle's length.
  double distance_share(const CodePoints& needle) const {
    if (needle.empty()) return 0;
    if (std::search(text_.begin(), text_.end(), needle.begin(), needle.end()) != text_.end())
      return 0;
    if (needle.size() * text_.size() <= kFullSearchCells)
      return share(best_substring_distance(needle, text_), needle);
    const std::optional<std::size_t> start = likely_start(needle);
    if (!start) return 1;  // not one 5-gram in common
    const std::size_t slack = needle.size() / 4 + 16;
    const std::size_t from = *start > slack ? *start - slack : 0;
    const std::size_t to = std::min(text_.size(), *start + needle.size() + slack);
    return share(
        best_substring_distance(needle, std::u32string_view(text_).substr(from, to - from)),
        needle);
  }

 private:
  static constexpr std::size_t kAnchor = 5;
  static constexpr std::size_t kFullSearchCells = 4'000'000;

  static std::uint64_t gram_hash(const CodePoints& s, std::size_t at) {
    std::uint64_t h = kFnvOffset;
    for (std::size_t i = at; i < at + kAnchor; ++i)
      h = (h ^ static_cast<std::uint64_t>(s[i])) * kFnvPrime;
    return h;
  }
  static double share(std::size_t distance, const CodePoints& needle) {
    return static_cast<double>(distance) / static_cast<double>(needle.size());
  }

  // The start offset in text_ that most of the needle's 5-grams agree on, within a tolerance
  // for the insertions and deletions OCR makes.
  std::optional<std::size_t> likely_start(const CodePoints& needle) const {
    std::vector<std::int64_t> starts;
    for (std::size_t o = 0; o + kAnchor <= needle.size(); ++o) {
      const std::uint64_t h = gram_hash(needle, o);
      auto it = std::lower_bound(grams_.begin(), grams_.end(),
                                 std::pair<std::uint64_t, std::uint32_t>{h, 0});
      for (int seen = 0; it != grams_.end() && it->first == h && seen < 16; ++it, ++seen)
        starts.push_back(static_cast<std::int64_t>(it->second) - static_cast<std::int64_t>(o));
    }
    if (starts.empty()) return std::nullopt;
    std::sort(starts.begin(), starts.end());
    const auto tolerance = static_cast<std::int64_t>(needle.size() / 8 + 8);
    std::size_t best_from = 0, best_count = 0;
    for (std::size_t from = 0, to = 0; from < starts.size(); ++from) {
      while (to < starts.size() && starts[to] - starts[from] <= tolerance) ++to;
      if (to - from > best_count) best_count = to - from, best_from = from;
    }
    return static_cast<std::size_t>(std::max<std::int64_t>(0, starts[best_from + best_count / 2]));
  }

  CodePoints text_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> grams_;
};

// The largest distance share of a checked sentence of `from` against all of `to`.
double worst_sentence(const BodyProfile& from, const Haystack& to,
                      const NearDuplicateOptions& options) {
  double worst = 0;
  for (const std::string& sentence : from.sentences) {
    if (word_count(sentence) < static_cast<std::size_t>(options.min_sentence_words)) continue;
    worst = std::max(worst, to.distance_share(without_spaces(sentence)));
  }
  return worst;
}

CodePoints joined_without_spaces(const std::vector<std::string>& sentences) {
  CodePoints all;
  for (const std::string& s : sentences) {
    const CodePoints part = without_spaces(s);
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

bool is_abbreviation(const CodePoints& token) {
  static const std::array<std::u32string_view, 24> kAbbreviations = {
      U"dr",   U"prof", U"nr",  U"str", U"bzw", U"ca",  U"vgl", U"ggf",
      U"inkl", U"evtl", U"usw", U"tel", U"abs", U"hr",  U"fr",  U"st",
      U"mr",   U"mrs",  U"ms",  U"no",  U"co",  U"etc", U"jun", U"sen"};
  CodePoints lower;
  for (char32_t c : token)
    lower.push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), std::u32string_view(lower)) !=
         kAbbreviations.end();
}

bool is_opening_quote(char32_t c) {
  return c == U'"' || c == U'\'' || c == 0x201E || c == 0x201C || c == 0x201A || c == 0x2018 ||
         c == 0x00AB || c == 0x00BB || c == U'(';
}
bool is_closing_quote(char32_t c) {
  return c == U'"' || c == U'\'' || c == 0x201D || c == 0x201C || c == 0x2019 || c == 0x00BB ||
         c == 0x00AB || c == U')';
}

// Where a sentence ends at text[at] (".", "!" or "?"): the end index (after closing
// quotes), or 0 when this is not a sentence end.
std::size_t sentence_end(const CodePoints& text, std::size_t at) {
  std::size_t end = at + 1;
  while (end < text.size() && is_closing_quote(text[end])) ++end;
  if (end >= text.size() || text[end] != U' ') return 0;
  std::size_t next = end + 1;
  while (next < text.size() && is_opening_quote(text[next])) ++next;
  if (next >= text.size() ||
      !(u_isupper(static_cast<UChar32>(text[next])) || u_istitle(static_cast<UChar32>(text[next]))))
    return 0;
  if (text[at] == U'.') {
    std::size_t start = at;
    while (start > 0 && text[start - 1] != U' ') --start;
    while (start < at && is_opening_quote(text[start])) ++start;
    const CodePoints token = text.substr(start, at - start);
    const bool number = !token.empty() && std::all_of(token.begin(), token.end(), [](char32_t c) {
      return u_isdigit(static_cast<UChar32>(c)) || c == U'.';
    });
    if (token.size() <= 1 || number || token.find(U'.') != CodePoints::npos ||
        is_abbreviation(token))
      return 0;
  }
  return end;
}

// Long run-ons (lists, lost full stops) in pieces of about 200 characters, cut at spaces,
// leading spaces dropped: code points, or the bytes of ASCII.
template <typename Text, typename Emit>
void cut_long_sentence(const Text& cps, Emit emit) {
  std::size_t begin = 0;
  while (begin < cps.size()) {
    std::size_t end = std::min(cps.size(), begin + 200);
    if (end < cps.size()) {
      const std::size_t space = cps.rfind(' ', end);
      if (space != Text::npos && space > begin) end = space;
    }
    Text piece = cps.substr(begin, end - begin);
    while (!piece.empty() && piece.front() == ' ') piece.erase(piece.begin());
    if (!piece.empty()) emit(std::move(piece));
    begin = end;
  }
}

void add_sentence(std::vector<std::string>& out, const CodePoints& prepared_sentence) {
  if (std::optional<std::string> ascii = signature_text::fold_all_ascii(prepared_sentence)) {
    if (ascii->empty()) return;
    if (ascii->size() <= kMaxSentenceChars) {
      out.push_back(std::move(*ascii));
      return;
    }
    cut_long_sentence(*ascii, [&](std::string piece) { out.push_back(std::move(piece)); });
    return;
  }
  const CodePoints cps =
      signature_text::fold_confusables(signature_text::fold_and_strip(prepared_sentence));
  if (cps.empty()) return;
  if (cps.size() <= kMaxSentenceChars) {
    out.push_back(signature_text::to_utf8(cps));
    return;
  }
  cut_long_sentence(
      cps, [&](const CodePoints& piece) { out.push_back(signature_text::to_utf8(piece)); });
}

}  // namespace

// ---------------------------------------------------------------------------------------

Status check_options(const NearDuplicateOptions& o) {
  auto bad = [](const std::string& what) {
    return Status(make_error(Reason::kUnsupported, "near-duplicate options: " + what));
  };
  if (o.shingle_chars < 1) return bad("shingle_chars must be at least 1");
  if (o.num_perm < 1) return bad("num_perm must be at least 1");
  if (o.bands < 1 || o.rows < 1) return bad("bands and rows must be at least 1");
  if (o.bands > 256) return bad("bands must be at most 256");
  if (o.bands * o.rows != o.num_perm) return bad("bands * rows must equal num_perm");
  for (const auto& [name, value] : {std::pair{"revision_min_jaccard", o.revision_min_jaccard},
                                    std::pair{"same_min_jaccard", o.same_min_jaccard},
                                    std::pair{"sentence_max_distance", o.sentence_max_distance}})
    if (!(value >= 0 && value <= 1)) return bad(std::string(name) + " must be between 0 and 1");
  if (o.same_min_jaccard < o.revision_min_jaccard)
    return bad("same_min_jaccard must not be below revision_min_jaccard");
  if (o.min_sentence_words < 1) return bad("min_sentence_words must be at least 1");
  return Status::Ok();
}

// A long body has hundreds of thousands of shingles, and std::sort was most of signing
// one. Hashes are spread evenly over 64 bits, so one pass counts them by their top bits
// into buckets of a few each, a second puts them there, and each bucket is sorted alone
// (insertion sort for a handful; std::sort for a bucket that many copies of one shingle
// filled). Below a few hundred hashes, clearing the counts costs more than std::sort.
void sort_unique_hashes(std::vector<std::uint64_t>& v) {
  constexpr std::size_t kBucketsFrom = 256;
  if (v.size() < kBucketsFrom) {
    std::sort(v.begin(), v.end());
  } else {
    // About four hashes a bucket, at most 2^20 buckets.
    const int bits = std::min(20, static_cast<int>(std::bit_width(v.size() / 4)) - 1);
    const int shift = 64 - bits;
    std::vector<std::uint32_t> starts((std::size_t{1} << bits) + 1, 0);
    for (const std::uint64_t x : v) ++starts[(x >> shift) + 1];
    for (std::size_t b = 1; b < starts.size(); ++b) starts[b] += starts[b - 1];
    std::vector<std::uint64_t> sorted(v.size());
    std::vector<std::uint32_t> next(starts.begin(), starts.end() - 1);
    for (const std::uint64_t x : v) sorted[next[x >> shift]++] = x;
    for (std::size_t b = 0; b + 1 < starts.size(); ++b) {
      std::uint64_t* first = sorted.data() + starts[b];
      std::uint64_t* last = sorted.data() + starts[b + 1];
      if (last - first > 16) {
        std::sort(first, last);
        continue;
      }
      for (std::uint64_t* i = first + 1; i < last; ++i) {
        const std::uint64_t x = *i;
        std::uint64_t* j = i;
        for (; j > first && *(j - 1) > x; --j) *j = *(j - 1);
        *j = x;
      }
    }
    v.swap(sorted);
  }
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::string normalise_for_signature(std::string_view body) {
  return signature_text::to_utf8(signature_text::fold_and_strip(signature_text::prepare(body)));
}

std::string fold_ocr_confusables(std::string_view normalised) {
  return signature_text::to_utf8(
      signature_text::fold_confusables(signature_text::from_utf8(normalised)));
}

std::string folded_for_matching(std::string_view text) {
  const CodePoints prepared = signature_text::prepare(text);
  if (std::optional<std::string> ascii = signature_text::fold_all_ascii(prepared))
    return std::move(*ascii);
  return signature_text::to_utf8(
      signature_text::fold_confusables(signature_text::fold_and_strip(prepared)));
}

namespace {

std::vector<std::uint64_t> char_shingles_of(const CodePoints& folded, int n) {
  CodePoints text = signature_text::fold_confusables(folded);
  text.erase(std::remove(text.begin(), text.end(), U' '), text.end());
  std::vector<std::uint64_t> out;
  if (text.empty() || n < 1) return out;
  const std::size_t width = std::min(text.size(), static_cast<std::size_t>(n));
  out.reserve(text.size() - width + 1);
  for (std::size_t i = 0; i + width <= text.size(); ++i) {
    std::uint64_t h = kFnvOffset;
    for (std::size_t j = i; j < i + width; ++j)
      h = (h ^ static_cast<std::uint64_t>(text[j])) * kFnvPrime;
    out.push_back(fmix64(h));
  }
  sort_unique_hashes(out);
  return out;
}

}  // namespace

std::vector<std::uint64_t> char_shingles(std::string_view normalised, int n) {
  return char_shingles_of(signature_text::from_utf8(normalised), n);
}

std::vector<std::uint64_t> word_shingles(std::string_view normalised, int k) {
  const std::string folded = fold_ocr_confusables(normalised);
  std::vector<std::string_view> words;
  for (std::size_t start = 0; start < folded.size();) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    if (end > start) words.push_back(std::string_view(folded).substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::uint64_t> out;
  if (words.empty() || k < 1) return out;
  const std::size_t width = std::min(words.size(), static_cast<std::size_t>(k));
  for (std::size_t i = 0; i + width <= words.size(); ++i) {
    std::uint64_t h = kFnvOffset;
    for (std::size_t j = i; j < i + width; ++j) {
      for (unsigned char c : words[j]) h = (h ^ c) * kFnvPrime;
      h = (h ^ 0x1f) * kFnvPrime;  // word separator: "ab c" and "a bc" differ
    }
    out.push_back(fmix64(h));
  }
  sort_unique_hashes(out);
  return out;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) return 0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j])
      ++i;
    else if (b[j] < a[i])
      ++j;
    else
      ++common, ++i, ++j;
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

MinHash::MinHash(int num_perm) {
  std::uint64_t state = kMinHashSeedState;
  seeds_.resize(static_cast<std::size_t>(std::max(num_perm, 0)));
  for (std::uint64_t& seed : seeds_) seed = splitmix64(state);
}

namespace {

// The inner loop runs over the permutations, which vectorises: 64-bit multiplies
// natively with AVX-512, as three 32-bit ones with AVX2, slowly with SSE2 alone. So
// x86-64 builds carry a copy for each, picked at load time (same results: the arithmetic
// is exact either way).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void min_hashes(const std::uint64_t* shingles, std::size_t count, const std::uint64_t* seeds,
                std::uint64_t* mins, std::size_t perms) {
  for (std::size_t s = 0; s < count; ++s) {
    const std::uint64_t x = shingles[s];
    for (std::size_t i = 0; i < perms; ++i) mins[i] = std::min(mins[i], fmix64(x ^ seeds[i]));
  }
}

}  // namespace

Signature MinHash::sign(const std::vector<std::uint64_t>& shingles) const {
  if (shingles.empty()) return {};
  // Permutation i maps x to fmix64(x ^ seed_i): a bijection of 64-bit values, different
  // for every seed. The minimum's top 32 bits are the minimum of the top 32 bits.
  std::vector<std::uint64_t> mins(seeds_.size(), ~0ull);
  min_hashes(shingles.data(), shingles.size(), seeds_.data(), mins.data(), seeds_.size());
  Signature signature(seeds_.size());
  for (std::size_t i = 0; i < mins.size(); ++i)
    signature[i] = static_cast<std::uint32_t>(mins[i] >> 32);
  return signature;
}

double estimate_jaccard(const Signature& a, const Signature& b) {
  if (a.empty() || a.size() != b.size()) return 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

std::vector<std::uint64_t> band_keys(const Signature& signature, int bands, int rows) {
  std::vector<std::uint64_t> keys;
  if (signature.empty() || bands < 1 || rows < 1 || bands > 256 ||
      static_cast<std::size_t>(bands) * static_cast<std::size_t>(rows) != signature.size())
    return keys;
  keys.reserve(static_cast<std::size_t>(bands));
  for (int band = 0; band < bands; ++band) {
    std::uint64_t h = fmix64(kFnvOffset ^ static_cast<std::uint64_t>(band));
    for (int row = 0; row < rows; ++row)
      h = fmix64(h ^ signature[static_cast<std::size_t>(band * rows + row)]) * kFnvPrime;
    keys.push_back((static_cast<std::uint64_t>(band) << 56) | (fmix64(h) >> 8));
  }
  return keys;
}

std::string signature_to_bytes(const Signature& signature) {
  std::string bytes(signature.size() * 4, '\0');
  for (std::size_t i = 0; i < signature.size(); ++i)
    for (int b = 0; b < 4; ++b)
      bytes[i * 4 + b] = static_cast<char>((signature[i] >> (8 * b)) & 0xff);
  return bytes;
}

Result<Signature> signature_from_bytes(std::string_view bytes) {
  if (bytes.size() % 4 != 0)
    return make_error(Reason::kUnreadable, "signature of " + std::to_string(bytes.size()) +
                                               " bytes: not a whole number of 32-bit values");
  Signature signature(bytes.size() / 4);
  for (std::size_t i = 0; i < signature.size(); ++i)
    for (int b = 0; b < 4; ++b)
      signature[i] |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b]))
                      << (8 * b);
  return signature;
}

namespace {

// The sentence keys of a body, from its prepare()d text.
std::vector<std::string> sentences_of(const CodePoints& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != U'.' && text[i] != U'!' && text[i] != U'?') continue;
    const std::size_t end = sentence_end(text, i);
    if (end == 0) continue;
    add_sentence(out, text.substr(start, end - start));
    start = end + 1;
    i = end;
  }
  if (start < text.size()) add_sentence(out, text.substr(start));
  return out;
}

}  // namespace

std::vector<std::string> body_sentences(std::string_view body) {
  return sentences_of(signature_text::prepare(body));
}

BodyProfile profile_body(std::string_view body, std::string release_date,
                         const NearDuplicateOptions& options) {
  BodyProfile profile;
  // Prepared once for both: the shingles and the sentences start from the same text.
  const CodePoints prepared = signature_text::prepare(body);
  profile.shingles =
      char_shingles_of(signature_text::fold_and_strip(prepared), options.shingle_chars);
  profile.sentences = sentences_of(prepared);
  profile.release_date = std::move(release_date);
  return profile;
}

std::vector<std::uint64_t> body_shingles(std::string_view body,
                                         const NearDuplicateOptions& options) {
  return char_shingles_of(signature_text::fold_and_strip(signature_text::prepare(body)),
                          options.shingle_chars);
}

const char* verdict_kind_name(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kSameRelease:
      return "same";
    case VerdictKind::kRevision:
      return "revision";
    case VerdictKind::kDifferent:
      return "different";
  }
  return "different";
}

std::vector<NumberedLine> numbered_lines(std::string_view text) {
  std::vector<NumberedLine> out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (std::none_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    // Digits are masked before the confusables are folded, which would read "1" and "0"
    // as letters.
    const CodePoints folded = signature_text::fold_and_strip(signature_text::prepare(line));
    NumberedLine numbered;
    CodePoints frame;
    for (std::size_t i = 0; i < folded.size();) {
      if (folded[i] < U'0' || folded[i] > U'9') {
        frame.push_back(folded[i++]);
        continue;
      }
      std::string number;
      for (; i < folded.size() && folded[i] >= U'0' && folded[i] <= U'9'; ++i)
        number.push_back(static_cast<char>(folded[i]));
      numbered.numbers.push_back(std::move(number));
      frame.push_back(U'#');
    }
    numbered.frame = signature_text::to_utf8(signature_text::fold_confusables(frame));
    out.push_back(std::move(numbered));
  }
  return out;
}

namespace {

struct IsoDate {
  int year = 0, month = 0, day = 0;
};

std::optional<IsoDate> read_iso_date(std::string_view iso) {
  IsoDate d;
  if (iso.size() != 10 ||
      std::sscanf(std::string(iso).c_str(), "%4d-%2d-%2d", &d.year, &d.month, &d.day) != 3)
    return std::nullopt;
  return d;
}

bool has_value(const std::vector<std::string>& numbers, int value, std::size_t max_digits) {
  return std::any_of(numbers.begin(), numbers.end(), [&](const std::string& n) {
    return n.size() <= max_digits && std::stoi(n) == value;
  });
}

// The first line that prints `date`: its day, and its year in four digits, or in two
// beside the month's number ("15.11.22").
const NumberedLine* line_of_date(const std::vector<NumberedLine>& lines, const IsoDate& date) {
  char year[8], short_year[4];
  std::snprintf(year, sizeof year, "%04d", date.year);
  std::snprintf(short_year, sizeof short_year, "%02d", date.year % 100);
  for (const NumberedLine& line : lines) {
    if (!has_value(line.numbers, date.day, 2)) continue;
    const auto& n = line.numbers;
    if (std::find(n.begin(), n.end(), year) != n.end() ||
        (std::find(n.begin(), n.end(), short_year) != n.end() && has_value(n, date.month, 2)))
      return &line;
  }
  return nullptr;
}

// Whether one printed number cannot be the other as OCR read it: the same length and not
// equal, or the shorter not the longer with digits dropped ("2" and "202" can be "23" and
// "2022"; "12" cannot be "9").
bool numbers_differ(const std::string& a, const std::string& b) {
  if (a.size() == b.size()) return a != b;
  const std::string& shorter = a.size() < b.size() ? a : b;
  const std::string& longer = a.size() < b.size() ? b : a;
  std::size_t k = 0;
  for (char c : longer)
    if (k < shorter.size() && shorter[k] == c) ++k;
  return k < shorter.size();
}

// How the line that prints `from`'s release date reads on `to` (its counterpart: the
// numbered line of the same frame, OCR noise aside): true when a number there differs
// (numbers_differ), false when none does; nullopt when `from` has no date, the date is
// printed nowhere, or the line has no counterpart.
std::optional<bool> date_line_differs(const BodyProfile& from, const BodyProfile& to,
                                      const NearDuplicateOptions& options) {
  const std::optional<IsoDate> date = read_iso_date(from.release_date);
  if (!date) return std::nullopt;
  const NumberedLine* printed = line_of_date(from.numbered_lines, *date);
  if (!printed) return std::nullopt;
  const CodePoints frame = signature_text::from_utf8(printed->frame);
  const NumberedLine* counterpart = nullptr;
  std::size_t best = 0;
  for (const NumberedLine& line : to.numbered_lines) {
    if (line.numbers.size() != printed->numbers.size()) continue;
    const CodePoints other = signature_text::from_utf8(line.frame);
    const std::size_t distance = edit_distance(frame, other);
    if (static_cast<double>(distance) >
        options.sentence_max_distance * static_cast<double>(std::max(frame.size(), other.size())))
      continue;
    if (!counterpart || distance < best) counterpart = &line, best = distance;
  }
  if (!counterpart) return std::nullopt;
  for (std::size_t i = 0; i < printed->numbers.size(); ++i)
    if (numbers_differ(printed->numbers[i], counterpart->numbers[i])) return true;
  return false;
}

}  // namespace

bool dates_conflict(const BodyProfile& a, const BodyProfile& b,
                    const NearDuplicateOptions& options) {
  if (a.release_date.empty() && b.release_date.empty()) return false;
  if (a.release_date == b.release_date) return false;
  const std::optional<bool> from_a = date_line_differs(a, b, options);
  const std::optional<bool> from_b = date_line_differs(b, a, options);
  if (from_a.value_or(false) || from_b.value_or(false)) return true;
  // Two dates read and nothing printed that explains the difference: they conflict. One
  // date read, its line not found on the other copy: nothing says they do.
  const bool both_read = !a.release_date.empty() && !b.release_date.empty();
  return both_read && !from_a && !from_b;
}

std::optional<VerdictKind> kind_by_jaccard(double jaccard, const NearDuplicateOptions& options) {
  if (jaccard < options.revision_min_jaccard) return VerdictKind::kDifferent;
  if (jaccard < options.same_min_jaccard) return VerdictKind::kRevision;
  return std::nullopt;
}

Verdict verify_pair(const BodyProfile& a, const BodyProfile& b,
                    const NearDuplicateOptions& options) {
  Verdict verdict;
  verdict.score = jaccard(a.shingles, b.shingles);
  const std::optional<VerdictKind> by_jaccard = kind_by_jaccard(verdict.score, options);
  if (by_jaccard == VerdictKind::kDifferent) return verdict;
  // Measured for a revision too: its sentence distance is reported.
  verdict.sentence_distance =
      std::max(worst_sentence(a, Haystack(joined_without_spaces(b.sentences)), options),
               worst_sentence(b, Haystack(joined_without_spaces(a.sentences)), options));
  const bool same = !by_jaccard && verdict.sentence_distance <= options.sentence_max_distance &&
                    !dates_conflict(a, b, options);
  verdict.kind = same ? VerdictKind::kSameRelease : VerdictKind::kRevision;
  return verdict;
}

// ---------------------------------------------------------------------------------------
// LshIndex

namespace {

constexpr double kMaxLoad = 0.7;
constexpr std::uint32_t kChainEnd = 0xFFFFFFFFu;

std::uint64_t slot_key(std::uint32_t low, std::uint32_t high) {
  return (static_cast<std::uint64_t>(high) << 32) | low;
}

// Lemire's multiply-shift: maps a hash onto [0, n) without a power-of-two table size, so
// the table can be sized to the load factor instead of the next power of two.
std::size_t home_slot(std::uint64_t key, std::size_t n) {
  return static_cast<std::size_t>((static_cast<unsigned __int128>(fmix64(key)) * n) >> 64);
}

}  // namespace

std::size_t LshIndex::find_slot(std::uint64_t key) const {
  const std::size_t n = slots_.size();
  std::size_t i = home_slot(key, n);
  while (slots_[i].value != kEmpty && slot_key(slots_[i].key_low, slots_[i].key_high) != key)
    i = i + 1 == n ? 0 : i + 1;
  return i;
}

void LshIndex::grow(std::size_t min_slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<std::size_t>(min_slots, 16), Slot{});
  for (const Slot& s : old)
    if (s.value != kEmpty) slots_[find_slot(slot_key(s.key_low, s.key_high))] = s;
}

void LshIndex::reserve(std::size_t keys) {
  const auto needed = static_cast<std::size_t>(static_cast<double>(keys) / kMaxLoad) + 1;
  if (needed > slots_.size()) grow(needed);
}

void LshIndex::insert(std::int64_t id, const std::vector<std::uint64_t>& keys) {
  const auto record = static_cast<std::uint32_t>(ids_.size());
  ids_.push_back(id);
  for (const std::uint64_t key : keys) {
    if (static_cast<double>(used_ + 1) > kMaxLoad * static_cast<double>(slots_.size()))
      grow(slots_.size() * 2);
    Slot& slot = slots_[find_slot(key)];
    if (slot.value == kEmpty) {
      slot = Slot{static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32), record};
      ++used_;
      continue;
    }
    // A shared key: the records that have it form a chain, newest first.
    std::uint32_t head = kChainEnd;
    if (slot.value & kChained) {
      head = slot.value & ~kChained;
    } else {
      chains_.push_back({slot.value, kChainEnd});
      head = static_cast<std::uint32_t>(chains_.size() - 1);
    }
    chains_.push_back({record, head});
    slot.value = kChained | static_cast<std::uint32_t>(chains_.size() - 1);
  }
}

std::vector<std::int64_t> LshIndex::candidates(const std::vector<std::uint64_t>& keys) const {
  std::vector<std::uint32_t> records;
  if (slots_.empty()) return {};
  for (const std::uint64_t key : keys) {
    const Slot& slot = slots_[find_slot(key)];
    if (slot.value == kEmpty) continue;
    if (!(slot.value & kChained)) {
      records.push_back(slot.value);
      continue;
    }
    for (std::uint32_t link = slot.value & ~kChained; link != kChainEnd; link = chains_[link].next)
      records.push_back(chains_[link].record);
  }
  std::sort(records.begin(), records.end());
  records.erase(std::unique(records.begin(), records.end()), records.end());
  std::vector<std::int64_t> ids;
  ids.reserve(records.size());
  for (const std::uint32_t r : records) ids.push_back(ids_[r]);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::size_t LshIndex::memory_bytes() const {
  return slots_.capacity() * sizeof(Slot) + chains_.capacity() * sizeof(ChainLink) +
         ids_.capacity() * sizeof(std::int64_t);
}

}  // namespace pressarchive

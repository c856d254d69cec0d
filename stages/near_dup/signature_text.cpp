#include "stages/near_dup/signature_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "stages/core/text_util.h"

namespace pressarchive::signature_text {
namespace {

// ---------------------------------------------------------------------------------------
// ICU.

// Both conversions walk the UTF-16 buffer directly: going through UnicodeString's
// per-character calls (char32At, append) was a tenth of signing a born-digital body.
// An unpaired surrogate passes through as itself, as those calls let it.
CodePoints to_code_points(const icu::UnicodeString& s) {
  CodePoints out;
  const int32_t length = s.length();
  const UChar* units = s.getBuffer();
  if (units == nullptr) return out;  // a bogus string
  out.reserve(static_cast<std::size_t>(length));
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U16_NEXT(units, i, length, c);
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

icu::UnicodeString to_unicode(const CodePoints& cps) {
  icu::UnicodeString s;
  UChar* buffer = s.getBuffer(static_cast<int32_t>(cps.size() * 2 + 1));
  if (buffer == nullptr) return s;
  int32_t length = 0;
  for (const char32_t c : cps) {
    if (c <= 0xFFFF) {
      buffer[length++] = static_cast<UChar>(c);
    } else if (c <= 0x10FFFF) {
      buffer[length++] = U16_LEAD(c);
      buffer[length++] = U16_TRAIL(c);
    }  // above U+10FFFF: not a code point, dropped
  }
  s.releaseBuffer(length);
  return s;
}

// Returns `s` unchanged if ICU's normalisation data is missing (a broken ICU install):
// signatures then still work for text that is already in NFC, as almost all text is.
icu::UnicodeString normalize(const icu::Normalizer2* normalizer, const icu::UnicodeString& s) {
  if (normalizer == nullptr) return s;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString out = normalizer->normalize(s, status);
  return U_SUCCESS(status) ? out : s;
}

const icu::Normalizer2* nfc() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
  return instance;
}

const icu::Normalizer2* nfd() {
  UErrorCode status = U_ZERO_ERROR;
  static const icu::Normalizer2* instance = icu::Normalizer2::getNFDInstance(status);
  return instance;
}

bool has_boundary_before(const icu::Normalizer2* normalizer, char32_t c) {
  return normalizer != nullptr && normalizer->hasBoundaryBefore(static_cast<UChar32>(c));
}

// The character properties the steps ask, from ICU.
struct IcuProperties {
  static bool is_space(char32_t c) {
    return u_isUWhiteSpace(static_cast<UChar32>(c)) || c == U'\f' || c == U'\v';
  }
  static bool is_alpha(char32_t c) { return u_isalpha(static_cast<UChar32>(c)); }
  static bool is_lower(char32_t c) { return u_islower(static_cast<UChar32>(c)); }
  static bool is_word_char(char32_t c) {
    const auto cp = static_cast<UChar32>(c);
    return u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK ||
           u_charType(cp) == U_COMBINING_SPACING_MARK;
  }
  static bool is_invisible(char32_t c) {
    return c == 0x00AD || u_charType(static_cast<UChar32>(c)) == U_FORMAT_CHAR;
  }
  static bool is_control(char32_t c) {
    return u_charType(static_cast<UChar32>(c)) == U_CONTROL_CHAR;
  }
  static bool is_mark(char32_t c) {
    const int8_t type = u_charType(static_cast<UChar32>(c));
    return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
           type == U_ENCLOSING_MARK;
  }
};

// ---------------------------------------------------------------------------------------
// The table: the same properties and per-character mappings, asked of ICU once.

// What a character becomes in one step, when that step may treat it alone.
struct Mapping {
  bool alone = false;  // the step maps a text of such characters character by character
  std::uint8_t size = 0;
  std::array<char32_t, 3> to{};
};

struct CharInfo {
  bool space, alpha, lower, word_char, invisible, control, mark;
  Mapping nfc;   // prepare: NFC
  Mapping fold;  // fold_and_strip: case folding, then NFC
  Mapping bare;  // fold_confusables: NFD without marks
};

// Mapping of `c` by `map` (ICU), alone when every character it is made from and made into
// has a normalisation boundary before it: then normalising a text of such characters
// is normalising each alone (Normalizer2::hasBoundaryBefore).
template <typename Map>
Mapping mapping(const CodePoints& inputs, const icu::Normalizer2* normalizer, Map map) {
  Mapping m;
  for (const char32_t c : inputs)
    if (!has_boundary_before(normalizer, c)) return m;
  const CodePoints out = map();
  if (out.size() > m.to.size()) return m;
  for (std::size_t i = 0; i < out.size(); ++i) m.to[i] = out[i];
  m.size = static_cast<std::uint8_t>(out.size());
  m.alone = true;
  return m;
}

// Latin-1, Latin Extended-A and -B; general punctuation and currency signs.
constexpr char32_t kLatinEnd = 0x250;
constexpr char32_t kPunctuationBegin = 0x2000, kPunctuationEnd = 0x20D0;
constexpr std::size_t kTableSize = kLatinEnd + (kPunctuationEnd - kPunctuationBegin);

CharInfo describe(char32_t c) {
  using P = IcuProperties;
  CharInfo info{P::is_space(c),
                P::is_alpha(c),
                P::is_lower(c),
                P::is_word_char(c),
                P::is_invisible(c),
                P::is_control(c),
                P::is_mark(c),
                {},
                {},
                {}};
  const CodePoints alone(1, c);
  info.nfc =
      mapping(alone, nfc(), [&] { return to_code_points(normalize(nfc(), to_unicode(alone))); });
  icu::UnicodeString folded = to_unicode(alone);
  folded.foldCase(U_FOLD_CASE_DEFAULT);  // context-free: a text folds character by character
  info.fold = mapping(to_code_points(folded), nfc(),
                      [&] { return to_code_points(normalize(nfc(), folded)); });
  info.bare = mapping(alone, nfd(), [&] {
    CodePoints bare;
    for (const char32_t d : to_code_points(normalize(nfd(), to_unicode(alone))))
      if (!P::is_mark(d)) bare.push_back(d);
    return bare;
  });
  return info;
}

const std::vector<CharInfo>& table() {
  static const std::vector<CharInfo> chars = [] {
    std::vector<CharInfo> out;
    out.reserve(kTableSize);
    for (char32_t c = 0; c < kLatinEnd; ++c) out.push_back(describe(c));
    for (char32_t c = kPunctuationBegin; c < kPunctuationEnd; ++c) out.push_back(describe(c));
    return out;
  }();
  return chars;
}

// Properties from the table, ICU's for characters outside it.
struct TableProperties {
  static bool is_space(char32_t c) { return get(c, &CharInfo::space, &IcuProperties::is_space); }
  static bool is_alpha(char32_t c) { return get(c, &CharInfo::alpha, &IcuProperties::is_alpha); }
  static bool is_lower(char32_t c) { return get(c, &CharInfo::lower, &IcuProperties::is_lower); }
  static bool is_word_char(char32_t c) {
    return get(c, &CharInfo::word_char, &IcuProperties::is_word_char);
  }
  static bool is_invisible(char32_t c) {
    return get(c, &CharInfo::invisible, &IcuProperties::is_invisible);
  }
  static bool is_control(char32_t c) {
    return get(c, &CharInfo::control, &IcuProperties::is_control);
  }
  static bool is_mark(char32_t c) { return get(c, &CharInfo::mark, &IcuProperties::is_mark); }

 private:
  static bool get(char32_t c, bool CharInfo::*field, bool (*icu)(char32_t)) {
    static const CharInfo* const chars = table().data();
    if (c < kLatinEnd) return chars[c].*field;
    if (c >= kPunctuationBegin && c < kPunctuationEnd)
      return chars[kLatinEnd + (c - kPunctuationBegin)].*field;
    return icu(c);
  }
};

// `text` mapped character by character through the table; nullopt when one character
// is not in the table or its step must see its neighbours (then ICU does the step).
template <Mapping CharInfo::*step>
std::optional<CodePoints> map_alone(const CodePoints& text) {
  static const CharInfo* const chars = table().data();
  CodePoints out;
  out.reserve(text.size() + text.size() / 8 + 4);
  for (const char32_t c : text) {
    std::size_t at;
    if (c < kLatinEnd)
      at = c;
    else if (c >= kPunctuationBegin && c < kPunctuationEnd)
      at = kLatinEnd + (c - kPunctuationBegin);
    else
      return std::nullopt;
    const Mapping& m = chars[at].*step;
    if (!m.alone) return std::nullopt;
    if (m.size == 1)
      out.push_back(m.to[0]);
    else
      for (std::uint8_t k = 0; k < m.size; ++k) out.push_back(m.to[k]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The steps after their mapping, one code for both paths.

bool is_line_break(char32_t c) {
  return c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v' || c == 0x2028 || c == 0x2029;
}
bool is_hyphen_mark(char32_t c) {
  return c == U'-' || c == 0x2010 || c == 0x2011 || c == 0x00AC || c == 0x00AD;
}

// A line-end hyphen before one of these is a suspended compound ("Fuß- und Radverkehr"),
// not a word broken by the typesetter.
template <typename P>
bool is_conjunction(const CodePoints& text, std::size_t at) {
  static const std::array<std::u32string_view, 7> kWords = {U"und", U"oder", U"bzw", U"sowie",
                                                            U"bis", U"and",  U"or"};
  for (std::u32string_view word : kWords) {
    if (text.compare(at, word.size(), word) != 0) continue;
    const std::size_t end = at + word.size();
    if (end == text.size() || !P::is_word_char(text[end])) return true;
  }
  return false;
}

// `in`: the body in NFC.
template <typename P>
CodePoints prepare_nfc(const CodePoints& in) {
  CodePoints out;
  out.reserve(in.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char32_t c = in[i];
    if (is_hyphen_mark(c) && !out.empty() && P::is_alpha(out.back())) {
      // Look past blanks for a line break, then past any whitespace for the next word.
      std::size_t j = i + 1;
      while (j < in.size() && P::is_space(in[j]) && !is_line_break(in[j])) ++j;
      if (j < in.size() && is_line_break(in[j])) {
        while (j < in.size() && P::is_space(in[j])) ++j;
        if (j < in.size() && P::is_alpha(in[j]) && !is_conjunction<P>(in, j)) {
          if (!P::is_lower(in[j])) out.push_back(U'-');  // "Rheinland-Pfalz"
          i = j - 1;
          continue;
        }
      }
    }
    if (P::is_invisible(c)) continue;
    if (P::is_space(c) || P::is_control(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// `in`: the prepared text case folded and in NFC.
template <typename P>
CodePoints strip_folded(const CodePoints& in) {
  CodePoints out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c == 0x2019 || c == 0x02BC) c = U'\'';  // typographic apostrophe
    if (c == U' ' || P::is_word_char(c)) {
      if (c == U' ' && (out.empty() || out.back() == U' ')) continue;
      out.push_back(c);
      continue;
    }
    const bool inside = !out.empty() && P::is_word_char(out.back()) && i + 1 < in.size() &&
                        P::is_word_char(in[i + 1]);
    if (inside)
      out.push_back(c);
    else if (!out.empty() && out.back() != U' ')
      out.push_back(U' ');
  }
  while (!out.empty() && out.back() == U' ') out.pop_back();
  return out;
}

// `in`: the folded text in NFD.
template <typename P>
CodePoints fold_decomposed(const CodePoints& in) {
  CodePoints out;
  out.reserve(in.size());
  for (char32_t c : in) {
    if (P::is_mark(c)) continue;
    if (c == U'1' || c == U'i' || c == 0x0131)
      c = U'l';
    else if (c == U'0')
      c = U'o';
    if (c == U'n' && !out.empty() && out.back() == U'r') {
      out.back() = U'm';
      continue;
    }
    out.push_back(c);
  }
  return out;
}

CodePoints icu_from_utf8(std::string_view text) {
  return to_code_points(icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))));
}

}  // namespace

// ---------------------------------------------------------------------------------------

CodePoints prepare_icu(std::string_view body) {
  const icu::UnicodeString text =
      normalize(nfc(), icu::UnicodeString::fromUTF8(
                           icu::StringPiece(body.data(), static_cast<int32_t>(body.size()))));
  return prepare_nfc<IcuProperties>(to_code_points(text));
}

CodePoints fold_and_strip_icu(const CodePoints& prepared) {
  icu::UnicodeString text = to_unicode(prepared);
  text.foldCase(U_FOLD_CASE_DEFAULT);
  // Full case folding can produce decomposed sequences ("ǰ" -> "j" + caron): recompose.
  return strip_folded<IcuProperties>(to_code_points(normalize(nfc(), text)));
}

CodePoints fold_confusables_icu(const CodePoints& folded) {
  return fold_decomposed<IcuProperties>(to_code_points(normalize(nfd(), to_unicode(folded))));
}

CodePoints prepare(std::string_view body) {
  if (const std::optional<CodePoints> decoded = decode_utf8(body))
    if (const std::optional<CodePoints> in_nfc = map_alone<&CharInfo::nfc>(*decoded))
      return prepare_nfc<TableProperties>(*in_nfc);
  return prepare_icu(body);
}

CodePoints fold_and_strip(const CodePoints& prepared) {
  if (const std::optional<CodePoints> folded = map_alone<&CharInfo::fold>(prepared))
    return strip_folded<TableProperties>(*folded);
  return fold_and_strip_icu(prepared);
}

CodePoints fold_confusables(const CodePoints& folded) {
  if (const std::optional<CodePoints> bare = map_alone<&CharInfo::bare>(folded))
    return fold_decomposed<TableProperties>(*bare);
  return fold_confusables_icu(folded);
}

// As ICU's toUTF8String after to_unicode: an unpaired surrogate becomes U+FFFD, a value
// above U+10FFFF is dropped.
std::string to_utf8(const CodePoints& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char32_t c : text) {
    if (c > 0x10FFFF) continue;
    append_utf8(out, c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
  }
  return out;
}

CodePoints from_utf8(std::string_view text) {
  if (std::optional<CodePoints> decoded = decode_utf8(text)) return std::move(*decoded);
  return icu_from_utf8(text);
}

bool is_word_char(char32_t c) { return TableProperties::is_word_char(c); }

}  // namespace pressarchive::signature_text

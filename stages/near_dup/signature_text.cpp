#include "stages/near_dup/signature_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
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

// What the steps read of the table in their loops, packed: a byte of properties and, per
// step, the one code point a character maps to alone (kNoSingle when it maps to none,
// several, or must see its neighbours; then the step reads its CharInfo).
constexpr char32_t kNoSingle = 0xFFFFFFFF;
enum Property : std::uint8_t {
  kSpace = 1,
  kAlpha = 2,
  kLower = 4,
  kWordChar = 8,
  kInvisible = 16,
  kControl = 32,
  kMark = 64,
};

struct Packed {
  std::vector<std::uint8_t> properties;
  std::vector<char32_t> nfc, fold, bare;
};

const Packed& packed() {
  static const Packed tables = [] {
    Packed out;
    const auto single = [](const Mapping& m) {
      return m.alone && m.size == 1 ? m.to[0] : kNoSingle;
    };
    for (const CharInfo& info : table()) {
      out.properties.push_back(static_cast<std::uint8_t>(
          (info.space ? kSpace : 0) | (info.alpha ? kAlpha : 0) | (info.lower ? kLower : 0) |
          (info.word_char ? kWordChar : 0) | (info.invisible ? kInvisible : 0) |
          (info.control ? kControl : 0) | (info.mark ? kMark : 0)));
      out.nfc.push_back(single(info.nfc));
      out.fold.push_back(single(info.fold));
      out.bare.push_back(single(info.bare));
    }
    return out;
  }();
  return tables;
}

// The table's row of `c`, or kTableSize when the table does not hold it.
inline std::size_t row_of(char32_t c) {
  if (c < kLatinEnd) return c;
  if (c - kPunctuationBegin < kPunctuationEnd - kPunctuationBegin)
    return kLatinEnd + (c - kPunctuationBegin);
  return kTableSize;
}

// Properties from the table, ICU's for characters outside it.
class TableProperties {
 public:
  TableProperties() : properties_(packed().properties.data()) {}
  bool is_space(char32_t c) const { return has(c, kSpace, &IcuProperties::is_space); }
  bool is_alpha(char32_t c) const { return has(c, kAlpha, &IcuProperties::is_alpha); }
  bool is_lower(char32_t c) const { return has(c, kLower, &IcuProperties::is_lower); }
  bool is_word_char(char32_t c) const { return has(c, kWordChar, &IcuProperties::is_word_char); }
  bool is_invisible(char32_t c) const { return has(c, kInvisible, &IcuProperties::is_invisible); }
  bool is_control(char32_t c) const { return has(c, kControl, &IcuProperties::is_control); }
  bool is_mark(char32_t c) const { return has(c, kMark, &IcuProperties::is_mark); }

 private:
  bool has(char32_t c, Property property, bool (*icu)(char32_t)) const {
    const std::size_t row = row_of(c);
    return row < kTableSize ? (properties_[row] & property) != 0 : icu(c);
  }
  const std::uint8_t* properties_;
};

// A code point buffer written through a pointer: push_back on a u32string checks its
// capacity and writes a terminator for every character.
class Writer {
 public:
  explicit Writer(std::size_t expected) { out_.resize(expected + 4); }
  void put(char32_t c) {
    if (size_ == out_.size()) out_.resize(out_.size() * 2);
    out_[size_++] = c;
  }
  bool empty() const { return size_ == 0; }
  char32_t back() const { return out_[size_ - 1]; }
  char32_t& back() { return out_[size_ - 1]; }
  void pop_back() { --size_; }
  CodePoints take() {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  CodePoints out_;
  std::size_t size_ = 0;
};

// Puts what `c` maps to in one step; false when the step must see its neighbours or
// the table does not hold `c` (then ICU does the step).
template <Mapping CharInfo::*step>
bool map_one(char32_t c, const char32_t* singles, Writer& out) {
  const std::size_t row = row_of(c);
  if (row == kTableSize) return false;
  if (singles[row] != kNoSingle) {
    out.put(singles[row]);
    return true;
  }
  const Mapping& m = table()[row].*step;
  if (!m.alone) return false;
  for (std::uint8_t k = 0; k < m.size; ++k) out.put(m.to[k]);
  return true;
}

// `text` mapped character by character through the table; nullopt when one character
// is not in the table or its step must see its neighbours (then ICU does the step).
template <Mapping CharInfo::*step>
std::optional<CodePoints> map_alone(const CodePoints& text, const std::vector<char32_t>& singles) {
  Writer out(text.size());
  for (const char32_t c : text)
    if (!map_one<step>(c, singles.data(), out)) return std::nullopt;
  return out.take();
}

// The NFC step of well-formed UTF-8 through the table, decoded on the way (ASCII, most
// of any Latin text, maps to itself); nullopt when ICU must do it: a byte sequence that
// is not UTF-8, a character the table does not hold or that must see its neighbours.
std::optional<CodePoints> decode_nfc(std::string_view text) {
  const char32_t* singles = packed().nfc.data();
  Writer out(text.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size;) {
    if (bytes[i] < 0x80) {
      out.put(bytes[i++]);
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(bytes, i, size, c);
    if (c < 0 || !map_one<&CharInfo::nfc>(static_cast<char32_t>(c), singles, out))
      return std::nullopt;
  }
  return out.take();
}

// ---------------------------------------------------------------------------------------
// The steps after their mapping, one code for both paths.

bool is_line_break(char32_t c) {
  return c == U'\n' || c == U'\r' || c == U'\f' || c == U'\v' || c == 0x2028 || c == 0x2029;
}
bool is_ascii_alnum(char32_t c) {
  return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z');
}
bool is_hyphen_mark(char32_t c) {
  return c == U'-' || c == 0x2010 || c == 0x2011 || c == 0x00AC || c == 0x00AD;
}

// A line-end hyphen before one of these is a suspended compound ("Fuß- und Radverkehr"),
// not a word broken by the typesetter.
template <typename P>
bool is_conjunction(const CodePoints& text, std::size_t at, const P& p) {
  static const std::array<std::u32string_view, 7> kWords = {U"und", U"oder", U"bzw", U"sowie",
                                                            U"bis", U"and",  U"or"};
  for (std::u32string_view word : kWords) {
    if (text.compare(at, word.size(), word) != 0) continue;
    const std::size_t end = at + word.size();
    if (end == text.size() || !p.is_word_char(text[end])) return true;
  }
  return false;
}

// `in`: the body in NFC.
template <typename P>
CodePoints prepare_nfc(const CodePoints& in, const P& p) {
  Writer out(in.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char32_t c = in[i];
    if (c > U' ' && c < 0x7F && c != U'-') {  // printable ASCII: neither blank nor hyphen
      if (pending_space) out.put(U' ');
      pending_space = false;
      out.put(c);
      continue;
    }
    if (is_hyphen_mark(c) && !out.empty() && p.is_alpha(out.back())) {
      // Look past blanks for a line break, then past any whitespace for the next word.
      std::size_t j = i + 1;
      while (j < in.size() && p.is_space(in[j]) && !is_line_break(in[j])) ++j;
      if (j < in.size() && is_line_break(in[j])) {
        while (j < in.size() && p.is_space(in[j])) ++j;
        if (j < in.size() && p.is_alpha(in[j]) && !is_conjunction(in, j, p)) {
          if (!p.is_lower(in[j])) out.put(U'-');  // "Rheinland-Pfalz"
          i = j - 1;
          continue;
        }
      }
    }
    if (p.is_invisible(c)) continue;
    if (p.is_space(c) || p.is_control(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.put(U' ');
    pending_space = false;
    out.put(c);
  }
  return out.take();
}

// `in`: the prepared text case folded and in NFC.
template <typename P>
CodePoints strip_folded(const CodePoints& in, const P& p) {
  Writer out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c == 0x2019 || c == 0x02BC) c = U'\'';  // typographic apostrophe
    if (is_ascii_alnum(c) || (c != U' ' && c >= 0x80 && p.is_word_char(c))) {
      out.put(c);
      continue;
    }
    if (c == U' ') {
      if (!out.empty() && out.back() != U' ') out.put(c);
      continue;
    }
    const bool inside = !out.empty() && p.is_word_char(out.back()) && i + 1 < in.size() &&
                        p.is_word_char(in[i + 1]);
    if (inside)
      out.put(c);
    else if (!out.empty() && out.back() != U' ')
      out.put(U' ');
  }
  while (!out.empty() && out.back() == U' ') out.pop_back();
  return out.take();
}

// The letter OCR confuses a character with: "1", "i" and "ı" read as "l", "0" as "o".
char32_t confusable_letter(char32_t c) {
  if (c == U'1' || c == U'i' || c == 0x0131) return U'l';
  if (c == U'0') return U'o';
  return c;
}

// One character of the folded text in NFD, put as fold_confusables puts it.
template <typename P>
void put_decomposed(char32_t c, const P& p, Writer& out) {
  if (p.is_mark(c)) return;
  c = confusable_letter(c);
  if (c == U'n' && !out.empty() && out.back() == U'r') {
    out.back() = U'm';
    return;
  }
  out.put(c);
}

// `in`: the folded text in NFD.
template <typename P>
CodePoints fold_decomposed(const CodePoints& in, const P& p) {
  Writer out(in.size());
  for (const char32_t c : in) put_decomposed(c, p, out);
  return out.take();
}

// fold_confusables through the table, each character decomposed and put in one pass;
// nullopt when ICU must decompose the text.
std::optional<CodePoints> fold_confusables_by_table(const CodePoints& folded) {
  const TableProperties p;
  const char32_t* singles = packed().bare.data();
  Writer out(folded.size());
  for (const char32_t c : folded) {
    const std::size_t row = row_of(c);
    if (row == kTableSize) return std::nullopt;
    if (singles[row] != kNoSingle) {
      put_decomposed(singles[row], p, out);
      continue;
    }
    const Mapping& m = table()[row].bare;
    if (!m.alone) return std::nullopt;
    for (std::uint8_t k = 0; k < m.size; ++k) put_decomposed(m.to[k], p, out);
  }
  return out.take();
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
  return prepare_nfc(to_code_points(text), IcuProperties{});
}

CodePoints fold_and_strip_icu(const CodePoints& prepared) {
  icu::UnicodeString text = to_unicode(prepared);
  text.foldCase(U_FOLD_CASE_DEFAULT);
  // Full case folding can produce decomposed sequences ("ǰ" -> "j" + caron): recompose.
  return strip_folded(to_code_points(normalize(nfc(), text)), IcuProperties{});
}

CodePoints fold_confusables_icu(const CodePoints& folded) {
  return fold_decomposed(to_code_points(normalize(nfd(), to_unicode(folded))), IcuProperties{});
}

CodePoints prepare(std::string_view body) {
  if (const std::optional<CodePoints> in_nfc = decode_nfc(body))
    return prepare_nfc(*in_nfc, TableProperties{});
  return prepare_icu(body);
}

CodePoints fold_and_strip(const CodePoints& prepared) {
  if (const std::optional<CodePoints> folded = map_alone<&CharInfo::fold>(prepared, packed().fold))
    return strip_folded(*folded, TableProperties{});
  return fold_and_strip_icu(prepared);
}

CodePoints fold_confusables(const CodePoints& folded) {
  if (std::optional<CodePoints> bare = fold_confusables_by_table(folded)) return std::move(*bare);
  return fold_confusables_icu(folded);
}

std::optional<std::string> fold_all_ascii(const CodePoints& prepared) {
  if (std::any_of(prepared.begin(), prepared.end(), [](char32_t c) { return c >= 0x80; }))
    return std::nullopt;
  const auto lower = [](char32_t c) {
    return static_cast<char>(c >= U'A' && c <= U'Z' ? c + 32 : c);
  };
  // fold_and_strip: ASCII folds to lowercase; as strip_folded keeps and drops.
  std::string stripped;
  stripped.reserve(prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const char c = lower(prepared[i]);
    if (is_ascii_alnum(static_cast<unsigned char>(c))) {
      stripped.push_back(c);
      continue;
    }
    const bool after_word = !stripped.empty() && stripped.back() != ' ';
    if (c == ' ') {
      if (after_word) stripped.push_back(c);
      continue;
    }
    const bool inside = !stripped.empty() &&
                        is_ascii_alnum(static_cast<unsigned char>(stripped.back())) &&
                        i + 1 < prepared.size() && is_ascii_alnum(prepared[i + 1]);
    if (inside)
      stripped.push_back(c);
    else if (after_word)
      stripped.push_back(' ');
  }
  while (!stripped.empty() && stripped.back() == ' ') stripped.pop_back();
  // fold_confusables: as put_decomposed puts each character (ASCII has no marks).
  std::string out;
  out.reserve(stripped.size());
  for (const char byte : stripped) {
    const auto c = static_cast<char>(confusable_letter(static_cast<unsigned char>(byte)));
    if (c == 'n' && !out.empty() && out.back() == 'r') {
      out.back() = 'm';
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// As ICU's toUTF8String after to_unicode: an unpaired surrogate becomes U+FFFD, a value
// above U+10FFFF is dropped.
std::string to_utf8(const CodePoints& text) {
  const auto encodable = [](char32_t c) -> char32_t {
    return c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c;
  };
  // Sized first, then written through a pointer: a signed text is a whole document.
  std::size_t bytes = 0;
  for (const char32_t c : text)
    if (c <= 0x10FFFF) bytes += utf8_length(encodable(c));
  std::string out(bytes, '\0');
  char* at = out.data();
  for (const char32_t c : text)
    if (c <= 0x10FFFF) put_utf8(encodable(c), at);
  return out;
}

CodePoints from_utf8(std::string_view text) {
  if (std::optional<CodePoints> decoded = decode_utf8(text)) return std::move(*decoded);
  return icu_from_utf8(text);
}

bool is_word_char_beyond_ascii(char32_t c) { return TableProperties{}.is_word_char(c); }

}  // namespace pressarchive::signature_text

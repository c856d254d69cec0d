// The table path of every signature_text step gives ICU's code points: for every
// character the table holds (alone and between letters), for characters next to
// combining marks and outside the table, for random mixtures, and for real releases.
#include "stages/near_dup/signature_text.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../test_paths.h"

namespace pressarchive::signature_text {
namespace {

using testing::read_file;
using testing::source_dir;

std::string hex(const CodePoints& text) {
  std::string out;
  char buf[12];
  for (char32_t c : text) {
    std::snprintf(buf, sizeof buf, "%04X ", static_cast<unsigned>(c));
    out += buf;
  }
  return out;
}

// One step's two results for `in`: 0 when equal, else 1 (reported).
int compare(const char* step, const CodePoints& in, const CodePoints& table,
            const CodePoints& icu) {
  if (table == icu) return 0;
  ADD_FAILURE() << step << " of [" << hex(in) << "]: " << hex(table) << "vs ICU " << hex(icu);
  return 1;
}

// Every step of `text` both ways; returns the number of differences (each reported).
int check_steps(const std::string& text) {
  const CodePoints prepared_icu = prepare_icu(text);
  int differences = compare("prepare", from_utf8(text), prepare(text), prepared_icu);
  const CodePoints folded_icu = fold_and_strip_icu(prepared_icu);
  differences += compare("fold_and_strip", prepared_icu, fold_and_strip(prepared_icu), folded_icu);
  // fold_confusables is asked of folded text, and of raw text too (its public form takes
  // any string).
  for (const CodePoints& in : {folded_icu, from_utf8(text)})
    differences += compare("fold_confusables", in, fold_confusables(in), fold_confusables_icu(in));
  return differences;
}

std::string utf8(char32_t c) { return to_utf8(CodePoints(1, c)); }

// The characters the table holds, and some it does not.
std::vector<char32_t> characters() {
  std::vector<char32_t> out;
  for (char32_t c = 1; c < 0x250; ++c) out.push_back(c);
  for (char32_t c = 0x2000; c < 0x20D0; ++c) out.push_back(c);
  for (char32_t c :
       {0x0300, 0x0301, 0x0308, 0x0327, 0x0345, 0x02BC, 0x0391,  0x03A3, 0x03C2, 0x0410,
        0x0451, 0x1E9E, 0x1E9B, 0x2126, 0x212A, 0x212B, 0x2160,  0x2460, 0x3000, 0x4E2D,
        0xAC00, 0xFB01, 0xFB00, 0xFEFF, 0xFF21, 0xFFFD, 0x1D400, 0x1F600})
    out.push_back(c);
  return out;
}

TEST(SignatureText, EveryCharacterAloneAndBetweenLettersAsIcu) {
  int differences = 0;
  for (char32_t c : characters()) {
    differences += check_steps(utf8(c));
    differences += check_steps("Ab" + utf8(c) + "cD");
    differences += check_steps("r" + utf8(c) + "n 1" + utf8(c) + "0");
    differences += check_steps(utf8(c) + utf8(0x0308) + utf8(c));  // a combining mark after it
    differences += check_steps("Wort-" + utf8(c) + "\nteil");
  }
  EXPECT_EQ(differences, 0);
}

TEST(SignatureText, WordCharactersAsIcu) {
  for (char32_t c : characters()) {
    const auto cp = static_cast<UChar32>(c);
    const bool icu = u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK ||
                     u_charType(cp) == U_COMBINING_SPACING_MARK;
    EXPECT_EQ(is_word_char(c), icu) << std::hex << static_cast<unsigned>(c);
  }
}

TEST(SignatureText, RandomMixturesAsIcu) {
  const std::vector<char32_t> pool = characters();
  const std::vector<std::string> pieces = {" ",      "  ",   "\n",           "-\n",
                                           "- \n  ", "\f",   "\xC2\xAD",     "und",
                                           "Rhein",  ". ",   "\xE2\x80\x9E", "\xCC\x88",
                                           "\xFF",   "\xC3", "\xED\xA0\x80"};  // invalid UTF-8 too
  std::mt19937 random(20261126);
  int differences = 0;
  for (int round = 0; round < 3000 && differences < 10; ++round) {
    std::string text;
    const int length = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) {
      if (random() % 4 == 0)
        text += pieces[random() % pieces.size()];
      else
        text += utf8(pool[random() % pool.size()]);
    }
    differences += check_steps(text);
  }
  EXPECT_EQ(differences, 0);
}

TEST(SignatureText, RealReleasesAsIcu) {
  int texts = 0, differences = 0;
  for (const auto& dir :
       {source_dir() / "tests" / "eval" / "texts", source_dir() / "tests" / "dedup-set"})
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".txt") continue;
      differences += check_steps(read_file(entry.path()));
      ++texts;
    }
  EXPECT_GT(texts, 50);
  EXPECT_EQ(differences, 0);
}

// fold_all_ascii against ICU's three steps: the same bytes for ASCII, nothing otherwise.
int check_ascii_pass(const std::string& text) {
  const CodePoints prepared = prepare_icu(text);
  const std::optional<std::string> fused = fold_all_ascii(prepared);
  const bool ascii =
      std::all_of(prepared.begin(), prepared.end(), [](char32_t c) { return c < 0x80; });
  if (!ascii) {
    if (!fused) return 0;
    ADD_FAILURE() << "[" << text << "]: not ASCII, yet folded in one pass";
    return 1;
  }
  const std::string steps = to_utf8(fold_confusables_icu(fold_and_strip_icu(prepared)));
  if (fused && *fused == steps) return 0;
  ADD_FAILURE() << "[" << text << "]: [" << fused.value_or("nullopt") << "] vs [" << steps << "]";
  return 1;
}

TEST(SignatureText, AsciiInOnePassAsTheThreeSteps) {
  const std::vector<std::string> pieces = {
      " ", "  ", "\t",   "r",    "n",      "rn",     "RN", "i",   "I",      "1",
      "0", "O",  "l",    "m",    "a",      "Z",      "7",  ".",   ",",      "-",
      ":", "'",  "\"",   "@",    "/",      "(",      ")",  "!",   "?",      "&",
      "_", "~",  "\x7F", "\x01", "\u00E4", "\u2019", "ab", "St.", "e-mail", "x@y.de"};
  std::mt19937 random(20261207);
  int differences = 0;
  for (int round = 0; round < 100000 && differences < 10; ++round) {
    std::string text;
    for (int i = 1 + static_cast<int>(random() % 24); i > 0; --i)
      text += pieces[random() % pieces.size()];
    differences += check_ascii_pass(text);
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(source_dir() / "tests" / "eval" / "texts")) {
    const std::string text = read_file(entry.path());
    for (std::size_t start = 0; start < text.size() && differences < 10;) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      differences += check_ascii_pass(text.substr(start, end - start));
      start = end + 1;
    }
  }
  EXPECT_EQ(differences, 0);
}

TEST(SignatureText, Utf8BothWays) {
  const std::string text =
      "Stra\xC3\x9F"
      "e \xE2\x80\x9E"
      "a\xE2\x80\x9C \xF0\x9F\x98\x80";
  EXPECT_EQ(to_utf8(from_utf8(text)), text);
  EXPECT_EQ(from_utf8("a\xFF"
                      "b"),
            (CodePoints{U'a', 0xFFFD, U'b'}));
  EXPECT_EQ(to_utf8(CodePoints{U'a', 0xD800, U'b'}),
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace pressarchive::signature_text

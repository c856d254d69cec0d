// The one text layer (stages/core/text_util.h): decoding, lowering and letter classes
// on ICU, for every script, and never a crash or an overread on bytes that are not UTF-8.
#include <gtest/gtest.h>
#include <unicode/uchar.h>

#include <random>

#include "stages/core/text_util.h"
#include "stages/ingest/triage.h"

namespace pressarchive {
namespace {

TEST(Text, LowersEveryScriptNotOnlyLatin1) {
  EXPECT_EQ(lower_utf8("ÄÖÜ Straße"), "äöü straße");
  EXPECT_EQ(lower_utf8("ŁÓDŹ ŐRSÉG ŠKODA"), "łódź őrség škoda");
  EXPECT_EQ(lower_utf8("ΑΘΗΝΑ МОСКВА"), "αθηνα москва");
  EXPECT_EQ(lower_utf8("Kaiserslautern 2022"), "kaiserslautern 2022");
}

TEST(Text, KeepsBytesThatAreNotUtf8AsTheyAre) {
  EXPECT_EQ(lower_utf8(std::string("A\xFF"
                                   "B")),
            std::string("a\xFF"
                        "b"));
  EXPECT_EQ(lower_utf8(std::string("Ä\xC3")), std::string("ä\xC3")) << "a lead byte cut off";
  EXPECT_EQ(lower_utf8(std::string("\xC0\xAF"
                                   "X")),
            std::string("\xC0\xAF"
                        "x"))
      << "overlong";
}

TEST(Text, WordsAreLettersAndDigitsOfAnyScript) {
  EXPECT_EQ(words("„Łódź“ ist schön, café’s 42!"),
            (std::vector<std::string>{"łódź", "ist", "schön", "café", "s", "42"}));
  EXPECT_EQ(words("besten verbindet.“"), (std::vector<std::string>{"besten", "verbindet"}))
      << "a closing quote is not a word";
  EXPECT_EQ(words(std::string("Stadt\xFFrat")), (std::vector<std::string>{"stadt", "rat"}));
  EXPECT_EQ(words("u\xCC\x88"
                  "ber"),
            (std::vector<std::string>{"u\xCC\x88"
                                      "ber"}))
      << "a combining mark stays on its letter";
  EXPECT_TRUE(words(" – — · ").empty());
}

TEST(Text, StartsWithIgnoringCaseInAnyScript) {
  EXPECT_TRUE(starts_with_ci("  ŁÓDŹ, 3. Mai 2022", "łódź"));
  EXPECT_TRUE(starts_with_ci("Autor/in: Anna Keller", "AUTOR/IN:"));
  EXPECT_TRUE(starts_with_ci("ÖFFENTLICHKEITSARBEIT", "öffentlichkeit"));
  EXPECT_FALSE(starts_with_ci("Aut", "autor"));
  EXPECT_FALSE(starts_with_ci("Autor   ", "autor  ")) << "trailing blanks are not the line's";
  EXPECT_FALSE(starts_with_ci("Presse", "Presseamt"));
  EXPECT_TRUE(starts_with_ci("x", ""));
}

// The answer at once (a line's first byte against a label's) is the full comparison's.
TEST(Text, StartsWithIgnoringCaseAtOnceAsInFull) {
  const std::vector<std::string> pieces = {" ",      "\t", "a", "A",    "b",    "B",      "\u00C4",
                                           "\u00E4", ":",  "1", "\xFF", "\x01", "\u0130", "i"};
  std::mt19937 random(11);
  std::uniform_int_distribution<std::size_t> piece(0, pieces.size() - 1), length(0, 4);
  for (int n = 0; n < 20000; ++n) {
    std::string line, label;
    for (std::size_t k = length(random); k > 0; --k) line += pieces[piece(random)];
    for (std::size_t k = length(random); k > 0; --k) label += pieces[piece(random)];
    EXPECT_EQ(starts_with_ci(line, label), text_detail::starts_with_ci_at_length(line, label))
        << "[" << line << "] [" << label << "]";
  }
}

TEST(Text, DecodesWellFormedUtf8Only) {
  EXPECT_EQ(decode_utf8("aä€😀"), std::u32string(U"aä€😀"));
  EXPECT_FALSE(decode_utf8("\xC0\xAF").has_value()) << "overlong";
  EXPECT_FALSE(decode_utf8("\xED\xA0\x80").has_value()) << "a surrogate";
  EXPECT_FALSE(decode_utf8("\xF4\x90\x80\x80").has_value()) << "above U+10FFFF";
  EXPECT_FALSE(decode_utf8("\xE2\x82").has_value()) << "cut off";
  std::size_t i = 0;
  const std::string cut = "\xE2\x82";
  EXPECT_EQ(next_code_point(cut, i), U'\uFFFD');
  EXPECT_GE(i, 1u);
  EXPECT_LE(i, cut.size());
}

TEST(Text, LetterClassesAreUnicodes) {
  EXPECT_TRUE(is_letter_or_digit(U'ł'));
  EXPECT_TRUE(is_letter_or_digit(U'ع'));
  EXPECT_TRUE(is_letter_or_digit(U'\uFEB3')) << "an Arabic presentation form";
  EXPECT_TRUE(is_letter_or_digit(U'漢'));
  EXPECT_FALSE(is_letter_or_digit(U'„'));
  EXPECT_FALSE(is_letter_or_digit(U'\uFFFD'));
  EXPECT_FALSE(is_letter_or_digit(U'\uE000')) << "private use";
  EXPECT_TRUE(is_uppercase(U'Ł'));
  EXPECT_TRUE(is_lowercase(U'ß'));
  // Triage counts letters the same way: an Arabic text layer in presentation forms is text.
  EXPECT_EQ(count_letters("\uFEB3\uFEE0\uFE8E\uFEE1 42"), 6);
}

// ASCII is classified without ICU: every one of its characters as ICU classifies it.
TEST(Text, AsciiLetterClassesAreIcus) {
  for (char32_t c = 0; c < 0x80; ++c) {
    SCOPED_TRACE(static_cast<int>(c));
    EXPECT_EQ(is_letter_or_digit(c), u_isalnum(static_cast<UChar32>(c)) != 0);
    EXPECT_EQ(is_uppercase(c), u_isUUppercase(static_cast<UChar32>(c)) != 0);
    EXPECT_EQ(is_lowercase(c), u_isULowercase(static_cast<UChar32>(c)) != 0);
  }
  EXPECT_FALSE(is_uppercase(U'\u00AA')) << "ª is a letter, but neither upper nor lower case";
  EXPECT_TRUE(is_lowercase(U'\u00AA'));
}

// The smallest edit distance of a pattern to any stretch of a text, cell by cell: what
// best_substring_distance computes 64 rows at a time.
std::size_t cell_by_cell(const std::u32string& pattern, const std::u32string& text) {
  std::vector<std::size_t> column(pattern.size() + 1);
  for (std::size_t i = 0; i <= pattern.size(); ++i) column[i] = i;
  std::size_t best = pattern.size();
  for (const char32_t t : text) {
    std::size_t diagonal = column[0];
    for (std::size_t i = 1; i <= pattern.size(); ++i) {
      const std::size_t up = column[i];
      column[i] = std::min({up + 1, column[i - 1] + 1, diagonal + (pattern[i - 1] != t ? 1 : 0)});
      diagonal = up;
    }
    best = std::min(best, column[pattern.size()]);
  }
  return best;
}

TEST(Text, BestSubstringDistanceIsTheCellByCellOne) {
  EXPECT_EQ(best_substring_distance(U"", U"abc"), 0u);
  EXPECT_EQ(best_substring_distance(U"abc", U""), 3u);
  EXPECT_EQ(best_substring_distance(U"ratha\u00fcs", U"das rathaus am markt"), 1u);
  EXPECT_EQ(best_substring_distance(U"rathaus", U"das ratbaus am markt"), 1u);
  EXPECT_EQ(best_substring_distance(U"xyz", U"abc"), 3u);
  // Patterns across one, two and three 64-row blocks (sentences are cut at 300 characters),
  // a small alphabet so that near matches abound, ASCII and other characters mixed.
  const std::u32string alphabet = U"abcd \u00e4\u0142\u4e2d";
  std::mt19937 random(19);
  std::uniform_int_distribution<std::size_t> letter(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> edits(0, 12);
  for (int n = 0; n < 600; ++n) {
    std::u32string text(std::uniform_int_distribution<std::size_t>(0, 400)(random), U'a');
    for (char32_t& c : text) c = alphabet[letter(random)];
    std::u32string pattern;
    const std::size_t length = std::uniform_int_distribution<std::size_t>(1, 200)(random);
    if (n % 2 == 0 && text.size() > length) {
      // A stretch of the text with a few edits: the distances a sentence and its OCR have.
      pattern = text.substr(random() % (text.size() - length), length);
      for (int e = edits(random); e > 0 && !pattern.empty(); --e)
        pattern[random() % pattern.size()] = alphabet[letter(random)];
    } else {
      pattern.resize(length);
      for (char32_t& c : pattern) c = alphabet[letter(random)];
    }
    ASSERT_EQ(best_substring_distance(pattern, text), cell_by_cell(pattern, text))
        << "case " << n << ", pattern of " << pattern.size() << ", text of " << text.size();
  }
}

// Random bytes, as a damaged text layer gives them: no crash, no overread (ASan), and
// lowering well-formed text gives well-formed text.
TEST(Text, HostileBytesNeverCrash) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
  for (int n = 0; n < 20000; ++n) {
    std::string s(static_cast<std::size_t>(length(random)), '\0');
    for (char& c : s) c = static_cast<char>(byte(random));
    const std::string lowered = lower_utf8(s);
    EXPECT_EQ(decode_utf8(lowered).has_value(), decode_utf8(s).has_value()) << n;
    const std::vector<std::string> ws = words(s);
    for (const std::string& w : ws) EXPECT_TRUE(decode_utf8(w).has_value()) << n;
    EXPECT_EQ(count_words(s), ws.size()) << n;
    EXPECT_EQ(has_word(s), !ws.empty()) << n;
    starts_with_ci(s, s.substr(0, s.size() / 2));
    count_letters(s);
    std::size_t i = 0, steps = 0;
    while (i < s.size()) next_code_point(s, i), ++steps;
    EXPECT_EQ(i, s.size());
    EXPECT_LE(steps, s.size());
  }
}

}  // namespace
}  // namespace pressarchive

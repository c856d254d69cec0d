// signature_text: the text that near-duplicate signatures, sentence keys and learned
// boilerplate line keys are made from, as code points. Three steps, each defined by ICU
// (normalisation, case folding, character properties):
//
//   CodePoints prepared = prepare(body);            // NFC, hyphenation undone, blanks collapsed
//   CodePoints folded = fold_and_strip(prepared);   // case folded, punctuation dropped
//   CodePoints bare = fold_confusables(folded);     // diacritics dropped, "rn" -> "m", ...
//
// Each step has two paths that give the same code points: ICU's, and a table of the
// characters of Latin and European text (Latin-1, Latin Extended-A and -B, general
// punctuation, currency signs) built from ICU once, used when every character of the input
// is one whose step does not depend on its neighbours. A whole born-digital body went
// through ICU's conversions and property calls character by character; the table path is
// several times faster. tests/near_dup/signature_text_test.cpp holds the two paths equal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pressarchive::signature_text {

using CodePoints = std::u32string;

// NFC, hyphenation at line ends undone, whitespace runs collapsed to one space, trimmed.
// Case and punctuation are kept: sentence splitting needs them. Invalid UTF-8 is read as
// U+FFFD.
CodePoints prepare(std::string_view body);

// Case folding (full: "ß" -> "ss"), then punctuation dropped unless it joins letters or
// digits; no leading, trailing or double spaces.
CodePoints fold_and_strip(const CodePoints& prepared);

// Diacritics dropped (NFD, marks removed), "1", "i" and "ı" -> "l", "0" -> "o", "rn" -> "m".
CodePoints fold_confusables(const CodePoints& folded);

// to_utf8(fold_confusables(fold_and_strip(prepared))) in two passes over bytes when every
// code point of `prepared` is ASCII (most lines and sentences of German and English
// text); nullopt otherwise. Held equal to the three steps by the tests.
std::optional<std::string> fold_all_ascii(const CodePoints& prepared);

// The same steps through ICU alone; for the tests that hold both paths equal.
CodePoints prepare_icu(std::string_view body);
CodePoints fold_and_strip_icu(const CodePoints& prepared);
CodePoints fold_confusables_icu(const CodePoints& folded);

std::string to_utf8(const CodePoints& text);
CodePoints from_utf8(std::string_view text);  // invalid UTF-8 read as U+FFFD

// Character classes the sentence splitter shares with the steps above.
bool is_word_char_beyond_ascii(char32_t c);
// A letter, digit or combining mark; in ASCII a letter or digit.
inline bool is_word_char(char32_t c) {
  if (c < 0x80)
    return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z');
  return is_word_char_beyond_ascii(c);
}

}  // namespace pressarchive::signature_text

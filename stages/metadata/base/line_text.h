// The text of one line as the metadata stages read it: UTF-8 characters, OCR specks at
// the ends, headline punctuation, labels ("Autor/in: …") and header segments. Pure
// functions, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pressarchive {

// Whether the character at byte `i` is a letter or digit of any script (text_util.h).
bool is_word_char(const std::string& s, std::size_t i);
// Bytes of the UTF-8 character starting at `i` (i < s.size()), never past the end; a
// byte sequence that is not UTF-8 counts as one character.
std::size_t char_length(const std::string& s, std::size_t i);
// Whether the first character is an uppercase / a lowercase letter (any script).
bool starts_uppercase(const std::string& s);
bool starts_lowercase(const std::string& s);
bool has_digit(const std::string& s);
// `lower` in the case of `as`: in capitals, capitalised, or lowercase (the letters a-z and
// ä, ö, ü change case; "ß" stays).
std::string in_case_of(const std::string& lower, const std::string& as);
// `lower` with its first letter in capitals ("brücke" -> "Brücke").
std::string capitalised(const std::string& lower);

// The line without the scanner specks and stray marks OCR puts at its ends.
std::string strip_noise(const std::string& text);
// `text` without a speck OCR read as a lone small letter before a capitalised word ("j
// Saarbrücken, den 9. November", "x Ipswich County Council"); `text` itself otherwise.
std::string without_letter_speck(const std::string& text);
// A headline as printed: no trailing full stop or OCR punctuation, „ restored from ",,",
// no lone quotation mark at either end.
std::string clean_headline(const std::string& text);
// Whether a headline shows marks of a misreading no rule undid: "ii" inside a word (OCR's
// "ü"), a full stop after a lowercase word of four letters or more inside it, two colons,
// or a quotation mark that nothing closes (a double one even beside apostrophes).
bool has_misread_marks(const std::string& headline);

// Blank-separated tokens as printed (punctuation kept).
std::vector<std::string> tokens(const std::string& s);

// "Presse-" -> {"", "Presse", "-"}: the word of a token and the ASCII punctuation around it.
struct TokenParts {
  std::string lead, word, trail;
};
TokenParts token_parts(const std::string& token);
std::string join(const std::vector<std::string>& parts, const std::string& separator);

// Whether the lowercase words `text` start with the words of `phrase`; how many of
// `text`'s words it covers.
std::optional<std::size_t> starts_with_words(const std::vector<std::string>& text,
                                             const std::string& phrase);
// The same from `text`'s word `from` on, against a phrase already split into its words.
std::optional<std::size_t> starts_with_words_at(const std::vector<std::string>& text,
                                                std::size_t from,
                                                const std::vector<std::string>& phrase_words);

bool ends_sentence(const std::string& text);
// "… Radwegenetz. Die …": a sentence ends inside the line.
bool has_inner_sentence_end(const std::string& text);

// The median, 0 for none.
float median_of(std::vector<float> v);

// The value after a label such as "Autor/in:" (the colon is optional in the rule, not
// in the text unless the label ends with one); nullopt when the line has no such label.
std::optional<std::string> after_label(const std::string& line, const std::string& label);
std::optional<std::string> after_any_label(const std::string& line,
                                           const std::vector<std::string>& labels);

// A header line cut at the separators that have a blank on both sides.
std::vector<std::string> header_segments(const std::string& text,
                                         const std::vector<std::string>& separators);

// Token edges in running text: closing punctuation and quotes off the end, opening
// quotes or bracket off the start; whether a token closes a clause.
std::string strip_trailing_punctuation(std::string s);
std::string strip_leading_quotes(std::string s);
bool ends_clause(const std::string& token);

}  // namespace pressarchive

// Small UTF-8 text helpers shared by the metadata stages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pressarchive {

// Lowercases ASCII and the Latin-1 capitals (Ä, Ö, Ü, É, ...); other bytes unchanged.
std::string lower_utf8(std::string_view s);

std::string trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char separator);

// Lowercase words: maximal runs of ASCII letters, digits and non-ASCII bytes (so "für"
// and "Tätigkeit" stay whole). Punctuation separates words.
std::vector<std::string> words(std::string_view s);

// True when `s` begins with `prefix`, ignoring case (as lower_utf8) and leading blanks.
bool starts_with_ci(std::string_view s, std::string_view prefix);

// Replaces bytes that are not valid UTF-8 with U+FFFD, so the text can go into JSON.
std::string valid_utf8(std::string_view s);

}  // namespace pressarchive

#include "stages/metadata/place.h"

#include <cctype>
#include <set>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"
#include "stages/near_dup/near_duplicates.h"

namespace pressarchive {
namespace {

// What OCR prints for letters of German and English town names: "ü" as "ii" or "ti",
// "ß" as "fs", "fi" or "B", "m" as "rn", "h" as "li", "e" as "c". Each is undone on its
// own or together with the others (a name has at most a few of them).
const std::vector<std::pair<std::string, std::string>>& confusions() {
  static const std::vector<std::pair<std::string, std::string>> list = {
      {"ii", "ü"}, {"fs", "ß"}, {"fi", "ß"}, {"rn", "m"},
      {"li", "h"}, {"ti", "ü"}, {"B", "ß"},  {"c", "e"}};
  return list;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

}  // namespace

std::vector<std::string> PlaceResolver::keys(const std::string& text) {
  std::vector<std::string> readings = {text};
  for (const auto& [from, to] : confusions()) {
    const std::size_t n = readings.size();
    for (std::size_t i = 0; i < n && readings.size() < 64; ++i)
      if (readings[i].find(from, 1) != std::string::npos)
        readings.push_back(replaced(readings[i], from, to));
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& r : readings) {
    std::string k = folded_for_matching(r);
    if (!k.empty() && seen.insert(k).second) out.push_back(std::move(k));
  }
  return out;
}

PlaceResolver::PlaceResolver(const MetadataRules& rules, const std::vector<std::string>& known) {
  std::set<std::string> seen;
  std::vector<std::string> all = rules.known_places;
  all.insert(all.end(), known.begin(), known.end());
  for (const std::string& place : all) {
    const std::string t = trim(place);
    if (t.empty() || !seen.insert(t).second) continue;
    known_.emplace_back(folded_for_matching(t), t);
  }
}

ResolvedPlace PlaceResolver::resolve(const std::string& read,
                                     const std::vector<std::string>& letterhead_towns) const {
  ResolvedPlace out{read, ResolvedPlace::How::kUnknown};
  if (read.empty()) return out;
  for (const auto& [key, text] : known_)
    if (text == read) return {read, ResolvedPlace::How::kKnown};
  const std::vector<std::string> readings = keys(read);
  std::set<std::string> matches;
  for (const std::string& k : readings)
    for (const auto& [key, text] : known_)
      if (key == k) matches.insert(text);
  if (matches.size() == 1) return {*matches.begin(), ResolvedPlace::How::kSnapped};
  if (matches.size() > 1) {
    out.how = ResolvedPlace::How::kAmbiguous;
    return out;
  }
  // A town no list knows, that the record's letterhead names: the sender's own town.
  std::set<std::string> named;
  for (const std::string& town : letterhead_towns) {
    if (town == read) return {read, ResolvedPlace::How::kLetterhead};
    const std::string key = folded_for_matching(town);
    for (const std::string& k : readings)
      if (k == key) named.insert(town);
  }
  if (named.size() == 1) return {*named.begin(), ResolvedPlace::How::kLetterheadSnapped};
  return out;
}

std::string PlaceResolver::town_of_address(const std::string& line) {
  for (std::size_t i = 0; i + 6 <= line.size(); ++i) {
    std::size_t digits = 0;
    while (i + digits < line.size() && std::isdigit(static_cast<unsigned char>(line[i + digits])))
      ++digits;
    const bool postcode =
        digits == 5 && (i == 0 || line[i - 1] == ' ') && i + 5 < line.size() && line[i + 5] == ' ';
    if (!postcode) {
      i += digits;
      continue;
    }
    std::string town = line.substr(i + 6);
    for (const char* end : {" - ", " \u2013 ", " \u00b7 ", " | ", ",", " +"})
      if (const std::size_t at = town.find(end); at != std::string::npos) town.resize(at);
    town = trim(town);
    return starts_uppercase(town) ? town : "";
  }
  return "";
}

}  // namespace pressarchive

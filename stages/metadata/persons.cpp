#include "stages/metadata/persons.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <unordered_map>

#include "stages/core/text_util.h"
#include "stages/metadata/base/line_text.h"

namespace pressarchive {

PersonFinder::PersonFinder(const MetadataRules& rules, const HeaderReader& header)
    : rules_(rules), header_(header) {
  for (const std::string& w : rules.title_wrap_words) wrap_words_.insert(lower_utf8(w));
  for (const auto& [lang, list] : rules.stopwords)
    for (const std::string& w : list) wrap_words_.insert(w), not_name_words_.insert(w);
  for (const std::string& w : rules.not_name_words) not_name_words_.insert(lower_utf8(w));
  not_before_name_.insert(rules.not_before_name.begin(), rules.not_before_name.end());
}

bool PersonFinder::is_role(const std::string& phrase) const {
  const std::string lower = lower_utf8(phrase);
  return std::any_of(rules_.role_words.begin(), rules_.role_words.end(),
                     [&](const std::string& w) { return lower.find(w) != std::string::npos; });
}

bool PersonFinder::is_name_word(const std::string& token) const {
  if (!starts_uppercase(token) || token.size() < 2) return false;
  std::size_t upper = 0, letters = 0;
  for (std::size_t i = 0; i < token.size(); i += char_length(token, i)) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c == '-' || c == '\'') continue;
    if (!is_word_char(token, i) || std::isdigit(c)) return false;
    ++letters;
    upper += std::isupper(c) != 0;
  }
  if (letters >= 3 && upper == letters) return false;  // "CDO", "THW"
  const std::string lower = lower_utf8(token);
  return !not_name_words_.count(lower) && !is_role(token);
}

// Named persons with their office: "Name, Office," / "Office Name" / "Label: Name, Office".
std::vector<Person> PersonFinder::find(const std::string& text) const {
  const std::vector<std::string> t = tokens(text);
  // Each token without its opening quotes, made once: the title test below asks for it
  // for every title at every word.
  std::vector<std::string> unquoted;
  unquoted.reserve(t.size());
  for (const std::string& token : t) unquoted.push_back(strip_leading_quotes(token));
  std::vector<Person> found;
  auto add = [&](const std::string& name, const std::string& role) {
    for (Person& known : found)
      if (known.name == name) {
        if (known.role.empty()) known.role = role;
        return;
      }
    found.push_back({name, role});
  };
  // Titles split into words once, not again for every word of the text.
  std::vector<std::vector<std::string>> title_words;
  for (const std::string& title : rules_.person_titles) title_words.push_back(tokens(title));
  // A person's mention opens with a title or a name, both capitalised as a rule: where
  // every title is, a token in lowercase opens none and is passed at once.
  const bool titles_capitalised = std::all_of(
      title_words.begin(), title_words.end(),
      [](const std::vector<std::string>& w) { return !w.empty() && starts_uppercase(w.front()); });
  auto is_title = [&](const std::string& token) {
    return std::any_of(
        title_words.begin(), title_words.end(),
        [&](const std::vector<std::string>& words) { return words.front() == token; });
  };
  auto is_separator = [&](const std::string& token) {
    return std::find(rules_.header_separators.begin(), rules_.header_separators.end(), token) !=
           rules_.header_separators.end();
  };
  auto connects = [&](const std::string& token) {
    return wrap_words_.count(lower_utf8(strip_trailing_punctuation(token))) > 0;
  };
  // A capitalised word is asked again and again whether it names an office (every role
  // word searched in it) or could be a name: each answer is kept for the whole text.
  std::unordered_map<std::string, bool> role_memo, name_memo;
  auto role_word = [&](const std::string& token) {
    const auto [at, fresh] = role_memo.try_emplace(token, false);
    if (fresh) at->second = is_role(token);
    return at->second;
  };
  auto name_word = [&](const std::string& token) {
    const auto [at, fresh] = name_memo.try_emplace(token, false);
    if (fresh) at->second = is_name_word(token);
    return at->second;
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (titles_capitalised && !starts_uppercase(unquoted[i])) continue;
    // Not inside an office or the name of an organisation: "Leiter der Arbeitsgruppe
    // Seenforschung".
    if (i > 0 && not_before_name_.count(t[i - 1])) continue;
    // Academic titles, then a first name and a surname.
    std::size_t j = i;
    std::vector<std::string> title;
    for (bool more = true; more && j < t.size();) {
      more = false;
      for (const std::vector<std::string>& parts : title_words) {
        if (j + parts.size() > t.size()) continue;
        bool match = true;
        for (std::size_t k = 0; k < parts.size() && match; ++k)
          match = (title.empty() && k == 0 ? unquoted[j + k] : t[j + k]) == parts[k];
        if (match) {
          for (const std::string& part : parts) title.push_back(part);
          j += parts.size();
          more = true;
          break;
        }
      }
    }
    if (j + 1 >= t.size()) continue;
    const std::string& first = title.empty() ? unquoted[j] : t[j];
    const std::string last_raw = t[j + 1];
    const std::string last = strip_trailing_punctuation(last_raw);
    if (!name_word(first) || first != t[j].substr(t[j].size() - first.size()) || !name_word(last) ||
        is_title(last_raw))
      continue;
    // A third capitalised word directly after would make this a longer proper noun.
    if (last == last_raw && j + 2 < t.size() && starts_uppercase(t[j + 2]) && !role_word(t[j + 2]))
      continue;
    std::vector<std::string> name_parts = title;
    name_parts.push_back(first);
    name_parts.push_back(last);
    const std::string name = join(name_parts, " ");

    // "Name, Office, said …": the office runs to the end of the clause, or to a comma
    // before a lowercase word (the verb) or a contact word.
    std::string role_after;
    std::size_t role_end = j + 1;
    if (!last_raw.empty() && last_raw.back() == ',') {
      std::vector<std::string> role;
      std::size_t k = j + 2;
      for (; k < t.size() && role.size() < 14; ++k) {
        std::string token = t[k];
        if (is_separator(token)) break;
        // "Bristol..\"But": a quote or a double stop inside the token ends the clause.
        const std::size_t cut = std::min(
            {token.find(".."), token.find('"'), token.find("\u201c"), token.find("\u201d")});
        if (cut != std::string::npos && cut > 0) {
          role.push_back(strip_trailing_punctuation(token.substr(0, cut)));
          break;
        }
        if (!token.empty() && token.back() == ',') {
          const bool stop = k + 1 >= t.size() || !starts_uppercase(t[k + 1]) ||
                            header_.is_address(t[k + 1] + " 0");
          if (stop) {
            role.push_back(strip_trailing_punctuation(token));
            break;
          }
        }
        if (ends_clause(token)) {
          role.push_back(strip_trailing_punctuation(token));
          break;
        }
        role.push_back(token);
      }
      const std::string phrase = join(role, " ");
      if (!role.empty() && is_role(phrase)) role_after = phrase, role_end = k;
    }
    // "Oberbürgermeisterin Dr. Anna Keller", "Stadträtin für Kultur und Denkmalpflege Dr. …":
    // the office reaches back from the name to the farthest word naming an office, over
    // capitalised words and connecting words only, within the clause.
    std::string role_before;
    std::optional<std::size_t> role_from;
    for (std::size_t back = 1; back <= 10 && back <= i; ++back) {
      const std::string& token = t[i - back];
      if (ends_clause(token) || has_digit(token)) break;
      if (starts_lowercase(token) && !connects(token)) break;
      if (starts_uppercase(token) && role_word(token)) role_from = i - back;
    }
    if (role_from) {
      std::vector<std::string> role(t.begin() + static_cast<long>(*role_from),
                                    t.begin() + static_cast<long>(i));
      role_before = strip_trailing_punctuation(join(role, " "));
    }
    const std::string role = !role_after.empty() ? role_after : role_before;
    if (role.empty() && title.empty()) continue;
    add(name, role);
    i = role_end;  // the office is no name: "Director of the Cambridge Sustainable Travel
                   // Partnership"
  }
  return found;
}

}  // namespace pressarchive

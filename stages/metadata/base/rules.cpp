#include "stages/metadata/base/rules.h"

#include <toml++/toml.h>

#include "stages/core/text_util.h"
#include "stages/metadata/base/byte_regex.h"

namespace pressarchive {
namespace {

const unsigned char kBuiltinRules[] = {
#include "rules.toml.inc"
};

Result<std::vector<std::string>> string_list(const toml::table& table, std::string_view key,
                                             const std::string& where) {
  std::vector<std::string> out;
  const toml::array* array = table[key].as_array();
  if (!array)
    return make_error(Reason::kUnsupported,
                      where + ": '" + std::string(key) + "' must be a list of strings");
  for (const toml::node& node : *array) {
    const auto value = node.value<std::string>();
    if (!value)
      return make_error(Reason::kUnsupported,
                        where + ": '" + std::string(key) + "' must contain only strings");
    out.push_back(*value);
  }
  return out;
}

}  // namespace

const std::string& builtin_rules_text() {
  static const std::string text(reinterpret_cast<const char*>(kBuiltinRules));
  return text;
}

Result<MetadataRules> parse_rules(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return make_error(Reason::kUnsupported, origin + ": " + std::string(e.description()) +
                                                " at line " +
                                                std::to_string(e.source().begin.line));
  }
  MetadataRules rules;
  if (const toml::table* months = root["months"].as_table()) {
    for (const auto& [lang, node] : *months) {
      Result<std::vector<std::string>> list =
          string_list(*months, lang.str(), origin + " [months]");
      if (!list.ok()) return list.error();
      if (list->size() != 12)
        return make_error(Reason::kUnsupported,
                          origin + ": [months] " + std::string(lang.str()) + " needs 12 entries");
      std::vector<std::vector<std::string>> spellings;
      for (const std::string& entry : *list) spellings.push_back(split(lower_utf8(entry), '|'));
      rules.month_names[std::string(lang.str())] = std::move(spellings);
    }
  }
  auto list_at = [&](std::string_view section, std::string_view key,
                     std::vector<std::string>& target) -> Status {
    const toml::table* table = root[section].as_table();
    if (!table || !(*table)[key]) return Status::Ok();
    Result<std::vector<std::string>> list =
        string_list(*table, key, origin + " [" + std::string(section) + "]");
    if (!list.ok()) return list.error();
    target = std::move(list.value());
    return Status::Ok();
  };
  for (Status s : {list_at("release_date", "prefixes", rules.release_date_prefixes),
                   list_at("header", "separators", rules.header_separators),
                   list_at("dateline", "connectors", rules.dateline_connectors),
                   list_at("dateline", "place_words", rules.place_words),
                   list_at("dateline", "not_place_words", rules.not_place_words),
                   list_at("issuer", "labels", rules.issuer_labels),
                   list_at("issuer", "fallback_labels", rules.issuer_fallback_labels),
                   list_at("issuer", "known", rules.known_issuers),
                   list_at("issuer", "office_words", rules.issuer_words),
                   list_at("issuer", "address_words", rules.address_words),
                   list_at("issuer", "postcodes", rules.postcodes),
                   list_at("document_type", "press_release", rules.document_type_words),
                   list_at("document_type", "other", rules.other_document_words),
                   list_at("document_type", "other_title_starts", rules.other_title_starts),
                   list_at("document_type", "press_contact_labels", rules.press_contact_labels),
                   list_at("document_type", "closing_labels", rules.closing_labels),
                   list_at("title", "wrap_words", rules.title_wrap_words),
                   list_at("title", "end_particles", rules.title_end_particles),
                   list_at("persons", "titles", rules.person_titles),
                   list_at("persons", "role_words", rules.role_words),
                   list_at("persons", "not_name_words", rules.not_name_words),
                   list_at("persons", "not_before_name", rules.not_before_name),
                   list_at("dateline", "known_places", rules.known_places)})
    if (!s.ok()) return s.error();
  if (const toml::table* issuer = root["issuer"].as_table())
    rules.letterhead_max_lines = (*issuer)["letterhead_max_lines"].value_or(3);
  for (const std::string& pattern : rules.postcodes) {
    std::string why;
    if (!compile_byte_regex(pattern, &why))
      return make_error(
          Reason::kUnsupported,
          origin + ": [issuer] postcodes: not a regular expression (" + why + "): " + pattern);
  }
  if (const toml::table* language = root["language"].as_table()) {
    rules.language_min_hits = (*language)["min_hits"].value_or(5);
    for (const auto& [lang, node] : *language) {
      if (!node.is_array()) continue;
      Result<std::vector<std::string>> list =
          string_list(*language, lang.str(), origin + " [language]");
      if (!list.ok()) return list.error();
      rules.stopwords[std::string(lang.str())] = std::move(list.value());
    }
  }
  if (const toml::array* blocks = root["boilerplate"].as_array()) {
    for (const toml::node& node : *blocks) {
      const toml::table* block = node.as_table();
      if (!block)
        return make_error(Reason::kUnsupported,
                          origin + ": [[boilerplate]] entries must be tables");
      BoilerplateBlock b;
      b.name = (*block)["name"].value_or(std::string("unnamed"));
      b.text = (*block)["text"].value_or(std::string());
      if (!b.text.empty()) rules.boilerplate.push_back(std::move(b));
    }
  }
  if (const toml::table* confidence = root["confidence"].as_table()) {
    rules.ocr_poor_below = (*confidence)["ocr_poor_below"].value_or(90.0);
    rules.ocr_fair_below = (*confidence)["ocr_fair_below"].value_or(93.0);
    for (const auto& [field, node] : *confidence) {
      const toml::table* table = node.as_table();
      if (!table) continue;
      for (const auto& [evidence, p] : *table) {
        const std::optional<double> value = p.value<double>();
        if (!value || *value < 0 || *value > 1)
          return make_error(Reason::kUnsupported,
                            origin + ": [confidence." + std::string(field.str()) + "] '" +
                                std::string(evidence.str()) + "' must be a number in 0..1");
        rules.calibration[std::string(field.str())][std::string(evidence.str())] = *value;
      }
    }
  }
  return rules;
}

}  // namespace pressarchive

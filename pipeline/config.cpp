#include "pipeline/config.h"

#include <toml++/toml.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace pressarchive {
namespace {

const unsigned char kDefaultConfig[] = {
#include "pressarchive.toml.inc"
};

Result<toml::table> parse(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return make_error(Reason::kUnsupported, origin + ":" + std::to_string(e.source().begin.line) +
                                                ": " + std::string(e.description()));
  }
}

// Copies `overlay` onto `base`; every key must already exist in base with the same type.
Status overlay_onto(toml::table& base, const toml::table& overlay, const std::string& origin,
                    const std::string& prefix = "") {
  for (const auto& [key, node] : overlay) {
    const std::string name = prefix + std::string(key.str());
    toml::node* target = base.get(key.str());
    if (!target)
      return make_error(Reason::kUnsupported, origin + ": unknown setting '" + name + "'");
    if (node.is_table()) {
      if (!target->is_table())
        return make_error(Reason::kUnsupported, origin + ": '" + name + "' is not a section");
      if (Status s = overlay_onto(*target->as_table(), *node.as_table(), origin, name + ".");
          !s.ok())
        return s;
      continue;
    }
    const bool numeric_ok = target->is_floating_point() && node.is_integer();
    if (target->type() != node.type() && !numeric_ok)
      return make_error(Reason::kUnsupported, origin + ": '" + name + "' has the wrong type");
    if (numeric_ok)
      base.insert_or_assign(key.str(), static_cast<double>(*node.value<std::int64_t>()));
    else
      base.insert_or_assign(key.str(), node);
  }
  return Status::Ok();
}

}  // namespace

const std::string& default_config_text() {
  static const std::string text(reinterpret_cast<const char*>(kDefaultConfig));
  return text;
}

struct Config::Impl {
  toml::table table;
};

Result<Config> Config::load(const std::string& user_file) {
  Result<toml::table> defaults = parse(default_config_text(), "built-in config/pressarchive.toml");
  if (!defaults.ok()) return defaults.error();
  Config config;
  config.impl_ = std::make_shared<Impl>();
  config.impl_->table = std::move(defaults.value());
  if (!user_file.empty()) {
    std::ifstream in(user_file);
    if (!in) return make_error(Reason::kIo, user_file + ": cannot read the config file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    Result<toml::table> user = parse(buffer.str(), user_file);
    if (!user.ok()) return user.error();
    if (Status s = overlay_onto(config.impl_->table, *user, user_file); !s.ok()) return s.error();
  }
  return config;
}

Status Config::set(const std::string& dotted_key, const std::string& value) {
  const std::size_t dot = dotted_key.find('.');
  if (dot == std::string::npos)
    return make_error(Reason::kUnsupported, "unknown setting '" + dotted_key + "'");
  toml::table overlay;
  toml::table section;
  const std::string key = dotted_key.substr(dot + 1);
  const toml::node* current = impl_->table.at_path(dotted_key).node();
  if (!current) return make_error(Reason::kUnsupported, "unknown setting '" + dotted_key + "'");
  try {
    if (current->is_string())
      section.insert(key, value);
    else if (current->is_boolean())
      section.insert(key, value == "true" || value == "1");
    else if (current->is_integer())
      section.insert(key, static_cast<std::int64_t>(std::stoll(value)));
    else if (current->is_floating_point())
      section.insert(key, std::stod(value));
  } catch (const std::exception&) {
    return make_error(Reason::kUnsupported,
                      "'" + dotted_key + "' needs a number, not '" + value + "'");
  }
  overlay.insert(dotted_key.substr(0, dot), std::move(section));
  return overlay_onto(impl_->table, overlay, "command line");
}

Result<Settings> Config::settings() const {
  const toml::table& t = impl_->table;
  Settings s;
  auto integer = [&](const char* path) {
    return static_cast<int>(t.at_path(path).value_or<std::int64_t>(0));
  };
  auto real = [&](const char* path) { return t.at_path(path).value_or(0.0); };
  auto text = [&](const char* path) { return t.at_path(path).value_or(std::string()); };
  auto flag = [&](const char* path) { return t.at_path(path).value_or(false); };

  s.jobs = integer("ingest.jobs");
  if (s.jobs < 0)
    return make_error(Reason::kUnsupported, "ingest.jobs must be 0 (all cores) or more");
  if (s.jobs == 0) s.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s.store = text("ingest.store");
  s.retry_failed = flag("ingest.retry_failed");
  s.min_document_letters = integer("ingest.min_document_letters");
  s.review_min_ocr_confidence = real("review.min_ocr_confidence");
  s.review_min_field_confidence = real("review.min_field_confidence");
  for (const char* field : {"title", "release_date", "issuer", "place"})
    s.review_min_confidence[field] =
        real(("review.min_" + std::string(field) + "_confidence").c_str());
  s.near_duplicates = flag("near_duplicates.enabled");
  s.near_duplicate.same_min_jaccard = real("near_duplicates.same_min_jaccard");
  s.near_duplicate.revision_min_jaccard = real("near_duplicates.revision_min_jaccard");
  s.near_duplicate.sentence_max_distance = real("near_duplicates.sentence_max_distance");
  if (Status checked = check_options(s.near_duplicate); !checked.ok()) return checked.error();
  s.load.render_dpi = integer("pdf.render_dpi");
  s.load.pdf_password = text("pdf.password");
  s.load.extract_scans = flag("pdf.extract_scans");
  s.load.text_layer.min_letters = integer("pdf.min_text_layer_letters");
  s.load.text_layer.min_letter_ratio = real("pdf.min_text_layer_letter_ratio");
  s.load.max_page_pixels = static_cast<std::int64_t>(real("limits.max_page_megapixels") * 1e6);
  s.load.min_render_dpi = integer("limits.min_render_dpi");
  s.load.max_pages = integer("limits.max_pages");
  s.max_pages_in_flight = integer("limits.max_pages_in_flight");
  if (s.max_pages_in_flight <= 0) s.max_pages_in_flight = 2 * s.jobs;
  s.recognize.preprocess.detect_orientation = flag("preprocess.detect_orientation");
  s.recognize.preprocess.orientation_min_confidence = real("preprocess.orientation_min_confidence");
  s.recognize.preprocess.deskew_min_degrees = real("preprocess.deskew_min_degrees");
  s.recognize.preprocess.deskew_min_confidence = real("preprocess.deskew_min_confidence");
  s.recognize.preprocess.clear_borders = flag("preprocess.clear_borders");
  s.languages = text("ocr.languages");
  s.tessdata_dir = text("ocr.tessdata_dir");
  s.recognize.page_timeout_ms = integer("ocr.page_timeout_seconds") * 1000;
  s.rules_file = text("metadata.rules_file");
  s.learned_boilerplate.enabled = flag("learned_boilerplate.enabled");
  s.learned_boilerplate.min_records = integer("learned_boilerplate.min_records");
  s.learned_boilerplate.min_share = real("learned_boilerplate.min_share");
  s.learned_boilerplate.min_words = integer("learned_boilerplate.min_words");
  if (s.learned_boilerplate.min_records < 1 || s.learned_boilerplate.min_share < 0 ||
      s.learned_boilerplate.min_share > 1 || s.learned_boilerplate.min_words < 1)
    return make_error(Reason::kUnsupported,
                      "learned_boilerplate: min_records and min_words must be at least 1, "
                      "min_share between 0 and 1");
  s.log_interval_seconds = std::max(1, integer("progress.log_interval_seconds"));
  s.queue_lease_seconds = integer("queue.lease_seconds");
  s.queue_max_attempts = integer("queue.max_attempts");
  s.queue_batch = integer("queue.batch");
  s.queue_poll_seconds = integer("queue.poll_seconds");
  s.queue_refresh_seconds = integer("queue.refresh_seconds");
  s.web_listen = text("web.listen");
  s.web_token = text("web.token");
  s.web_cache_dir = text("web.cache_dir");
  s.web_export_cache_mb = integer("web.export_cache_mb");
  if (s.web_export_cache_mb < 1)
    return make_error(Reason::kUnsupported, "web: export_cache_mb must be at least 1");
  if (s.queue_lease_seconds < 3 || s.queue_max_attempts < 1 || s.queue_batch < 0 ||
      s.queue_poll_seconds < 1 || s.queue_refresh_seconds < 0)
    return make_error(Reason::kUnsupported,
                      "queue: lease_seconds >= 3, max_attempts >= 1, batch >= 0, poll_seconds "
                      ">= 1, refresh_seconds >= 0");
  s.export_organisation = text("export.organisation");
  s.export_image_width = integer("export.image_width");
  s.export_jpeg_quality = integer("export.jpeg_quality");
  if (s.export_image_width < 100 || s.export_image_width > 10000 || s.export_jpeg_quality < 1 ||
      s.export_jpeg_quality > 100)
    return make_error(Reason::kUnsupported,
                      "export: image_width between 100 and 10000, jpeg_quality between 1 and 100");
  if (s.load.render_dpi < 50 || s.load.render_dpi > 1200)
    return make_error(Reason::kUnsupported, "pdf.render_dpi must be between 50 and 1200");
  if (s.load.max_page_pixels <= 0 || s.load.max_pages <= 0)
    return make_error(Reason::kUnsupported, "limits must be positive");
  if (s.languages.empty())
    return make_error(Reason::kUnsupported, "ocr.languages must not be empty");
  return s;
}

std::string Config::effective_toml() const {
  std::istringstream in(default_config_text());
  std::ostringstream out;
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.size() > 2 && line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
    } else if (!line.empty() && line[0] != '#' && line.find(" = ") != std::string::npos) {
      const std::string key = line.substr(0, line.find(" = "));
      if (const toml::node* node = impl_->table.at_path(section + "." + key).node()) {
        std::ostringstream value;
        node->visit([&value](const auto& v) { value << v; });
        line = key + " = " + value.str();
      }
    }
    out << line << '\n';
  }
  return out.str();
}

}  // namespace pressarchive

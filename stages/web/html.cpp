#include "stages/web/html.h"

#include <algorithm>
#include <cctype>

#include "stages/core/text_util.h"
#include "stages/store/archive_store.h"

namespace pressarchive::web {

std::string escape(std::string_view text) {
  const std::string valid = valid_utf8(text);
  std::string out;
  out.reserve(valid.size() + valid.size() / 8);
  for (const char c : valid) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
        out += c;
        break;
      case '\f':
        out += '\n';
        break;  // the page break between pages of a record's text
      default:
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
    }
  }
  return out;
}

std::string mark_hits(std::string_view snippet) {
  std::string out;
  bool open = false;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= snippet.size(); ++i) {
    if (i < snippet.size() && snippet[i] != kHitStart && snippet[i] != kHitEnd) continue;
    out += escape(snippet.substr(from, i - from));
    if (i < snippet.size()) {
      if (snippet[i] == kHitStart && !open)
        out += "<mark>", open = true;
      else if (snippet[i] == kHitEnd && open)
        out += "</mark>", open = false;
    }
    from = i + 1;
  }
  if (open) out += "</mark>";
  return out;
}

namespace {

// A byte of a word as text_util's words() reads them: ASCII letters and digits, and
// every byte of a multi-byte character.
bool word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u >= 0x80;
}

}  // namespace

std::string mark_words(std::string_view text, const std::vector<std::string>& words) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    const bool in_word = word_byte(text[i]);
    while (end < text.size() && word_byte(text[end]) == in_word) ++end;
    const std::string_view run = text.substr(i, end - i);
    const bool hit =
        in_word && std::find(words.begin(), words.end(), lower_utf8(run)) != words.end();
    out += hit ? "<mark>" + escape(run) + "</mark>" : escape(run);
    i = end;
  }
  return out;
}

std::string url_encode(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

namespace {

// One small style sheet inline: the page fetches nothing from anywhere.
constexpr const char* kStyle = R"CSS(
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
nav{background:#2d3e50;padding:.5em 1em}nav a{color:#fff;margin-right:1.2em;text-decoration:none}
nav a.here{font-weight:bold;text-decoration:underline}
main{padding:1em 1.5em}h1{font-size:1.3em;margin:.2em 0 .6em}
table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
mark{background:#ffe066}.facets{float:left;width:15em;margin-right:1.5em}.results{overflow:hidden}
.facets h3{font-size:1em;margin:.8em 0 .2em}.facets a{text-decoration:none}.count{color:#777}
.hit{margin-bottom:1em}.hit .meta{color:#555;font-size:.9em}.snippet{color:#333}
.pageview{display:flex;gap:1.5em;align-items:flex-start}.pageimg{position:relative;flex:0 0 auto}
.pageimg img{display:block;border:1px solid #aaa;max-width:100%}
.box{position:absolute;background:rgba(255,200,0,.35);outline:1px solid #e0a000}
.pagetext{white-space:pre-wrap;font-family:Georgia,serif;max-width:45em;background:#fff;padding:1em;border:1px solid #ddd}
.notice{background:#fff3cd;padding:.5em 1em;border:1px solid #e0c060}.error{color:#a00}
form.inline{display:inline}input[type=text]{width:22em}
)CSS";

}  // namespace

std::string page(Screen screen, std::string_view title, std::string_view body, bool read_only) {
  const auto link = [screen](Screen s, const char* href, const char* label) {
    return std::string("<a href=\"") + href + "\"" + (s == screen ? " class=\"here\"" : "") + ">" +
           label + "</a>";
  };
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width\"><title>";
  out += escape(title);
  out += " · pressarchive</title><style>";
  out += kStyle;
  out += "</style></head><body><nav>";
  out += link(Screen::kSearch, "/", "Search") + link(Screen::kFailures, "/failures", "Failures") +
         link(Screen::kReview, "/review", "Review") +
         link(Screen::kBoilerplate, "/boilerplate", "Boilerplate") +
         link(Screen::kRuns, "/runs", "Runs") +
         link(Screen::kOther, "/login", read_only ? "Read-only" : "Sign in");
  out += "</nav><main>";
  if (read_only)
    out += "<p class=\"notice\">This archive is served read-only: nothing can be changed here.</p>";
  out += body;
  out += "</main></body></html>\n";
  return out;
}

}  // namespace pressarchive::web

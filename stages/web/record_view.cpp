#include "stages/web/record_view.h"

#include <algorithm>
#include <cstdio>

#include "stages/web/html.h"

namespace pressarchive::web {
namespace {

std::string number(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string record_link(std::int64_t id) {
  return "<a href=\"/record/" + std::to_string(id) + "\">record " + std::to_string(id) + "</a>";
}

std::string page_links(const RecordContext& c) {
  const std::string id = std::to_string(c.record->id);
  const std::string q = c.query.empty() ? "" : "&amp;q=" + escape(url_encode(c.query));
  std::string out = "<p class=\"pages\">Page ";
  for (const PageResult& p : c.record->pages) {
    const std::string n = std::to_string(p.number);
    out += p.number == c.page_number
               ? "<b>" + n + "</b> "
               : "<a href=\"/record/" + id + "?page=" + n + q + "\">" + n + "</a> ";
  }
  return out + "of " + std::to_string(c.record->pages.size()) + "</p>";
}

// The image with the hits as boxes placed in percent of its size, so they stay on their
// words however wide the browser shows it.
std::string page_image(const RecordContext& c) {
  const std::string src = "/record/" + std::to_string(c.record->id) + "/page/" +
                          std::to_string(c.page_number) +
                          ".jpg?w=" + std::to_string(kPageImageWidth);
  std::string out = "<div class=\"pageimg\"><img id=\"pageimage\" src=\"" + src + "\" alt=\"page " +
                    std::to_string(c.page_number) + " of the source\" width=\"" +
                    std::to_string(kPageImageWidth * 7 / 10) + "\">";
  if (c.hits && c.hits->width > 0 && c.hits->height > 0)
    for (const HitBox& b : c.hits->boxes)
      out += "<span class=\"box\" style=\"left:" + number(100.0 * b.x / c.hits->width, 2) +
             "%;top:" + number(100.0 * b.y / c.hits->height, 2) +
             "%;width:" + number(100.0 * b.width / c.hits->width, 2) +
             "%;height:" + number(100.0 * b.height / c.hits->height, 2) + "%\"></span>";
  return out + "</div>";
}

std::string page_text(const RecordContext& c) {
  const Record& r = *c.record;
  if (r.pages.empty())
    return "<div class=\"pagetext\" id=\"pagetext\">" + mark_words(r.text, c.words) + "</div>";
  const PageResult& p = r.pages[static_cast<std::size_t>(c.page_number - 1)];
  std::string out = "<div class=\"pagetext\" id=\"pagetext\">";
  if (p.error)
    out += "<p class=\"error\">" +
           escape(std::string(reason_name(p.error->reason)) + ": " + p.error->message) + "</p>";
  out += mark_words(p.text, c.words);
  out += "</div><p class=\"meta\">" + escape(page_method_name(p.method));
  if (p.confidence) out += ", OCR confidence " + number(*p.confidence, 1);
  if (p.rotation) out += ", rotated " + std::to_string(p.rotation) + "°";
  return out + "</p>";
}

std::string fields(const RecordContext& c) {
  const Record& r = *c.record;
  std::string out =
      "<h2>Fields</h2><table "
      "id=\"fields\"><tr><th>field</th><th>value</th><th>confidence</th><th></th></tr>";
  for (const char* field : kEditableFields) {
    const auto conf = r.metadata.confidence.find(field);
    const bool manual =
        std::find(r.manual_fields.begin(), r.manual_fields.end(), field) != r.manual_fields.end();
    out += std::string("<tr><td>") + field + "</td><td class=\"value\" data-field=\"" + field +
           "\">" + escape(metadata_field(r.metadata, field)) + "</td><td>" +
           (conf == r.metadata.confidence.end() ? "" : number(conf->second, 2)) + "</td><td>" +
           (manual ? "corrected by hand" : "") + "</td></tr>";
  }
  out += "<tr><td>kind</td><td>" + escape(record_kind_name(r.kind)) + "</td><td>" +
         (r.ocr_confidence ? "OCR " + number(*r.ocr_confidence, 1) : "") +
         "</td><td></td></tr></table>";
  if (!r.metadata.conflicts.empty() || r.needs_review) {
    out += "<h3>Needs review</h3><ul class=\"reasons\">";
    for (const std::string& reason : r.review_reasons) out += "<li>" + escape(reason) + "</li>";
    for (const std::string& conflict : r.metadata.conflicts)
      out += "<li>" + escape(conflict) + "</li>";
    out += "</ul>";
  }
  return out;
}

std::string edit_form(const RecordContext& c) {
  if (!c.can_change) return "";
  const Record& r = *c.record;
  const std::string id = std::to_string(r.id);
  std::string out = "<h2>Correct the fields</h2><form method=\"post\" action=\"/record/" + id +
                    "/edit\" id=\"editform\">" + c.csrf_input + "<table>";
  for (const char* field : kEditableFields)
    out += std::string("<tr><td><label for=\"f-") + field + "\">" + field +
           "</label></td><td><input type=\"text\" id=\"f-" + field + "\" name=\"" + field +
           "\" value=\"" + escape(metadata_field(r.metadata, field)) + "\"></td></tr>";
  if (!c.signed_in)
    out +=
        "<tr><td><label for=\"token\">access token</label></td><td><input type=\"password\" "
        "id=\"token\" name=\"token\"></td></tr>";
  out += "</table><button type=\"submit\" id=\"save\">Save (kept when reprocessed)</button></form>";
  if (r.needs_review)
    out +=
        "<form method=\"post\" action=\"/record/" + id + "/reviewed\" class=\"inline\">" +
        c.csrf_input +
        (c.signed_in ? ""
                     : "<input type=\"password\" name=\"token\" placeholder=\"access token\"> ") +
        "<input type=\"hidden\" name=\"next\" value=\"1\"><button type=\"submit\" "
        "id=\"confirm\">Confirm as checked, next</button></form>";
  return out;
}

std::string relations(const RecordContext& c) {
  const Record& r = *c.record;
  std::string out;
  if (c.cluster) {
    out += "<h2>Same release (cluster)</h2><ul><li>" + record_link(c.cluster->canonical) +
           " canonical" + (c.cluster->canonical == r.id ? " (this record)" : "") + "</li>";
    for (const auto& [member, score] : c.cluster->members)
      out += "<li>" + record_link(member) + " duplicate, score " + number(score, 2) +
             (member == r.id ? " (this record)" : "") + "</li>";
    out += "</ul>";
  }
  if (!c.revisions.empty()) {
    out += "<h2>Revisions</h2><ul>";
    for (const auto& [other, score] : c.revisions)
      out += "<li>" + record_link(other) + " score " + number(score, 2) + "</li>";
    out += "</ul>";
  }
  return out;
}

std::string history(const RecordContext& c) {
  std::string out =
      "<h2>History</h2><table "
      "id=\"history\"><tr><th>when</th><th>what</th><th>outcome</th><th>detail</th><th>by</th></"
      "tr>";
  for (const Event& e : c.events)
    out += "<tr><td>" + escape(e.at) + "</td><td>" + escape(e.type) + "</td><td>" +
           escape(e.outcome) + "</td><td>" + escape(e.detail) + "</td><td>" + escape(e.agent) +
           "</td></tr>";
  return out + "</table>";
}

std::string downloads(const RecordContext& c) {
  const std::string id = std::to_string(c.record->id);
  std::string out = "<h2>Sources and downloads</h2><ul>";
  for (const std::string& path : c.record->source_paths) out += "<li>" + escape(path) + "</li>";
  out += "</ul><p id=\"downloads\"><a href=\"/record/" + id +
         "/original\">original file</a> · <a href=\"/record/" + id + ".json\">JSON</a></p>";
  // The archival package (`export --format mets`): METS/MODS always, ALTO for every page
  // that has words, the PDF (a scan's searchable PDF, or the born-digital original).
  out +=
      "<p id=\"exports\">Archival exports: <a href=\"/record/" + id + "/mets.xml\">METS/MODS</a>";
  std::string alto;
  for (const PageResult& p : c.record->pages)
    if (p.method != PageMethod::kFailed)
      alto += " <a href=\"/record/" + id + "/alto/" + std::to_string(p.number) + ".xml\">" +
              std::to_string(p.number) + "</a>";
  if (!alto.empty()) out += " · ALTO 4.4 of page" + alto;
  if (!c.record->pages.empty())
    out += std::string(" · <a href=\"/record/") + id + "/pdf\">" +
           (c.record->kind == RecordKind::kBornDigital ? "PDF" : "searchable PDF") + "</a>";
  return out + "</p>";
}

}  // namespace

std::string record_body(const RecordContext& c) {
  const Record& r = *c.record;
  std::string out = "<h1 id=\"title\">" +
                    (r.metadata.title.empty() ? "(untitled)" : escape(r.metadata.title)) + "</h1>";
  out += "<p class=\"meta\">record " + std::to_string(r.id) + " · " +
         escape(r.metadata.release_date) + " · " + escape(r.metadata.issuer) + " · " +
         escape(r.metadata.place) + "</p>";
  if (c.saved)
    out +=
        "<p class=\"notice\" id=\"saved\">Saved. The corrected fields are kept when the record is "
        "reprocessed.</p>";
  if (!c.query.empty())
    out += "<p>Hits of <mark>" + escape(c.query) +
           "</mark> marked. <a href=\"/?q=" + escape(url_encode(c.query)) +
           "\">back to the search</a></p>";
  out += page_links(c) + "<div class=\"pageview\">" + (r.pages.empty() ? "" : page_image(c)) +
         "<div>" + page_text(c) + "</div></div>";
  return out + fields(c) + edit_form(c) + relations(c) + downloads(c) + history(c);
}

}  // namespace pressarchive::web

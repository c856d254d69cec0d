// The record screen: the page image beside the page's text with the search hits marked
// on both, page by page; every field with its confidence and review reasons; the edit
// form (the `edit` command's meaning: a manual field, kept through reprocessing, an
// "edit" event); cluster, duplicates and revisions as links; the provenance history;
// the downloads. Also the record's files: page images, the original, its JSON.
#include <fstream>
#include <iomanip>
#include <sstream>

#include "stages/core/text_util.h"
#include "stages/export/jsonl_writer.h"
#include "stages/web/app.h"
#include "stages/web/html.h"
#include "stages/web/record_view.h"

namespace pressarchive::web {
namespace {

std::optional<Record> load(ArchiveStore& store, std::int64_t id, WebResponse& refusal) {
  Result<std::optional<Record>> loaded = store.load_record(id);
  if (!loaded.ok()) {
    refusal = error_response(503, loaded.error().message);
    return std::nullopt;
  }
  if (!loaded->has_value())
    refusal = error_response(404, "There is no record " + std::to_string(id) + ".");
  return std::move(*loaded);
}

}  // namespace

WebResponse App::record(const WebRequest& request, std::int64_t id) {
  auto store = pool_->lease();
  WebResponse refusal;
  const std::optional<Record> r = load(*store, id, refusal);
  if (!r) return refusal;
  int page_number = 1;
  if (const std::string p = request.param("page"); !p.empty()) {
    const std::optional<int> n = parse_bounded(p, kMaxPageNumber);
    if (!n || *n > static_cast<int>(std::max<std::size_t>(r->pages.size(), 1)))
      return error_response(400, "Record " + std::to_string(id) + " has " +
                                     std::to_string(r->pages.size()) +
                                     " page(s); there is no page " + p.substr(0, 12) + ".");
    page_number = *n;
  }
  const std::string q = request.param("q").substr(0, kMaxQueryBytes);
  RecordContext context;
  context.record = &*r;
  context.page_number = page_number;
  context.query = q;
  context.words = words(q);
  context.can_change = !access_.read_only();
  context.signed_in = access_.signed_in(request);
  context.csrf_input = access_.csrf_input();
  context.saved = request.param("saved") == "1";
  if (!context.words.empty() && !r->pages.empty())
    if (Result<PageHits> hits = images_.hit_boxes(*r, page_number, kPageImageWidth, context.words);
        hits.ok())
      context.hits = std::move(*hits);
  if (Result<std::optional<ClusterRow>> cluster = store->cluster_of(id); cluster.ok())
    context.cluster = std::move(*cluster);
  if (Result<std::vector<std::pair<std::int64_t, double>>> revisions = store->revisions_of(id);
      revisions.ok())
    context.revisions = std::move(*revisions);
  if (Result<std::vector<Event>> events = store->events(id); events.ok())
    context.events = std::move(*events);
  const std::string title =
      r->metadata.title.empty() ? "Record " + std::to_string(id) : r->metadata.title;
  return html(Screen::kRecord, title, record_body(context));
}

WebResponse App::page_image(const WebRequest& request, std::int64_t id, const std::string& page) {
  if (!page.ends_with(".jpg")) return error_response(404, "Page images are /record/ID/page/N.jpg.");
  const std::optional<int> n = parse_bounded(page.substr(0, page.size() - 4), kMaxPageNumber);
  if (!n)
    return error_response(
        400, "A page number is a whole number from 1 to " + std::to_string(kMaxPageNumber) + ".");
  int width = kPageImageWidth;
  if (const std::string w = request.param("w"); !w.empty()) {
    const std::optional<int> parsed = parse_bounded(w, kMaxWidth);
    if (!parsed || *parsed < 100)
      return error_response(400,
                            "w is a width from 100 to " + std::to_string(kMaxWidth) + " pixels.");
    width = *parsed;
  }
  WebResponse refusal;
  const std::optional<Record> r = load(*pool_->lease(), id, refusal);
  if (!r) return refusal;
  if (*n > static_cast<int>(r->pages.size()))
    return error_response(
        404, "Record " + std::to_string(id) + " has no page " + std::to_string(*n) + ".");
  Result<std::string> jpeg = images_.jpeg(*r, *n, width);
  if (!jpeg.ok()) return error_response(404, jpeg.error().message);
  WebResponse response;
  response.content_type = "image/jpeg";
  response.body = std::move(*jpeg);
  response.headers.emplace_back("Cache-Control", "private, max-age=3600");
  return response;
}

// The original is read from the record's own source paths (never from a path in the
// request), and only when the file there still has the archived size.
WebResponse App::original(std::int64_t id) {
  WebResponse refusal;
  const std::optional<Record> r = load(*pool_->lease(), id, refusal);
  if (!r) return refusal;
  for (const std::string& path : r->source_paths) {
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) != r->source_size || ec) continue;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) continue;
    WebResponse response;
    response.content_type = media_type(r->format);
    response.body = bytes.str();
    const std::string name = std::filesystem::path(path).filename().string();
    response.headers.emplace_back(
        "Content-Disposition",
        "attachment; filename=\"record-" + std::to_string(id) + "-" + url_encode(name) + "\"");
    return response;
  }
  return error_response(404, "The original file of record " + std::to_string(id) +
                                 " is no longer where it was archived from.");
}

WebResponse App::record_json(std::int64_t id) {
  WebResponse refusal;
  const std::optional<Record> r = load(*pool_->lease(), id, refusal);
  if (!r) return refusal;
  WebResponse response;
  response.content_type = "application/json";
  response.body = record_to_json(*r).dump(2) + "\n";
  return response;
}

// The record's archival package files, as `export --format mets` writes them; the name
// in the request only picks one of them (mets.xml, alto/N.xml, pdf), never a path.
WebResponse App::export_file(std::int64_t id, ExportFile file, const std::string& page) {
  int page_number = 0;
  if (file == ExportFile::kAlto) {
    const std::optional<int> n =
        page.ends_with(".xml") ? parse_bounded(page.substr(0, page.size() - 4), kMaxPageNumber)
                               : std::nullopt;
    if (!n)
      return error_response(400,
                            "ALTO files are /record/ID/alto/N.xml, N a page number from 1 to " +
                                std::to_string(kMaxPageNumber) + ".");
    page_number = *n;
  }
  auto store = pool_->lease();
  WebResponse refusal;
  const std::optional<Record> r = load(*store, id, refusal);
  if (!r) return refusal;
  if (file == ExportFile::kAlto && page_number > static_cast<int>(r->pages.size()))
    return error_response(
        404, "Record " + std::to_string(id) + " has no page " + std::to_string(page_number) + ".");
  Result<std::vector<Event>> events = store->events(id);
  if (!events.ok()) return error_response(503, events.error().message);
  Result<std::string> bytes = exports_.file(*r, *events, file, page_number);
  if (!bytes.ok()) return error_response(404, bytes.error().message);
  WebResponse response;
  response.content_type = file == ExportFile::kPdf ? "application/pdf" : "application/xml";
  response.body = std::move(*bytes);
  const std::string name =
      "record-" + std::to_string(id) +
      (file == ExportFile::kMets  ? "-mets.xml"
       : file == ExportFile::kPdf ? ".pdf"
                                  : "-alto-" + std::to_string(page_number) + ".xml");
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

WebResponse App::edit(const WebRequest& request, std::int64_t id) {
  if (std::optional<Refusal> no = access_.check_change(request))
    return error_response(no->status, no->message);
  auto store = pool_->lease();
  WebResponse refusal;
  const std::optional<Record> r = load(*store, id, refusal);
  if (!r) return refusal;
  const std::string agent = web_agent();
  for (const char* field : kEditableFields) {
    const auto sent = request.params.find(field);
    if (sent == request.params.end()) continue;
    const std::string value = trim(sent->second);
    if (value.size() > kMaxFieldBytes)
      return error_response(400, std::string(field) + " is too long.");
    if (std::string(field) == "release_date" && !value.empty() && !is_iso_date(value))
      return error_response(400, "The release date must be YYYY-MM-DD.");
    if (value == metadata_field(r->metadata, field)) continue;
    if (Status s = store->set_manual_field(id, field, value, agent); !s.ok())
      return error_response(s.error().reason == Reason::kUnsupported ? 400 : 503,
                            s.error().message);
  }
  return redirect("/record/" + std::to_string(id) + "?saved=1");
}

WebResponse App::reviewed(const WebRequest& request, std::int64_t id) {
  if (std::optional<Refusal> no = access_.check_change(request))
    return error_response(no->status, no->message);
  auto store = pool_->lease();
  const std::string agent = web_agent();
  if (Status s = store->mark_reviewed(id, agent); !s.ok())
    return error_response(404, s.error().message);
  if (request.param("next") != "1") return redirect("/record/" + std::to_string(id));
  std::optional<std::int64_t> next;
  Status s = store->for_each_review([&](const Record& other) {
    if (!next && other.id != id) next = other.id;
  });
  return redirect(next && s.ok() ? "/record/" + std::to_string(*next) + "?from=review" : "/review");
}

}  // namespace pressarchive::web

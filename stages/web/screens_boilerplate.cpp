// The boilerplate screen: the lines the archive learned as boilerplate per issuer, with
// their state and counts, and the archivist's decisions over them (confirm, reject, add),
// through the same functions and events as `pressarchive boilerplate`
// (stages/store/boilerplate_decisions.h).
#include <map>

#include "stages/core/text_util.h"
#include "stages/store/boilerplate_decisions.h"
#include "stages/web/app.h"
#include "stages/web/html.h"

namespace pressarchive::web {
namespace {

// Back to the list, showing the issuer it came from and the line changed.
std::string back_to_list(const std::string& issuer, std::int64_t changed) {
  return "/boilerplate" +
         query_string({{"issuer", issuer}, {"saved", changed ? std::to_string(changed) : ""}});
}

}  // namespace

WebResponse App::boilerplate(const WebRequest& request) {
  const std::string issuer = request.param("issuer");
  if (issuer.size() > kMaxFieldBytes) return error_response(400, "The issuer is too long.");
  Result<std::vector<BoilerplateLine>> lines =
      boilerplate_lines_of(*pool_->lease(), options_.boilerplate, issuer);
  if (!lines.ok()) return error_response(503, lines.error().message);
  std::map<std::string, std::vector<const BoilerplateLine*>> by_issuer;
  for (const BoilerplateLine& line : *lines) by_issuer[line.issuer].push_back(&line);

  const bool can_change = !access_.read_only();
  const std::string token_field =
      access_.signed_in(request)
          ? ""
          : "<label>access token <input type=\"password\" name=\"token\"></label> ";
  std::string body =
      "<h1>Boilerplate</h1><p>Lines that recur across an issuer's records, learned by the "
      "archive (a line counted in at least " +
      std::to_string(options_.boilerplate.min_records) + " records and " +
      std::to_string(static_cast<int>(options_.boilerplate.min_share * 100 + 0.5)) +
      " % of them), and the archivist's decisions: confirmed lines are always boilerplate, "
      "rejected ones never. A change takes effect at the next run (and on reprocessing).</p>";
  if (const std::string saved = request.param("saved"); parse_id(saved))
    body += "<p id=\"saved\">Saved: line " + saved + ".</p>";
  if (!issuer.empty())
    body += "<p>Issuer " + escape(issuer) + " · <a href=\"/boilerplate\">every issuer</a></p>";
  if (by_issuer.empty()) body += "<p id=\"noboilerplate\">No line is learned or decided yet.</p>";
  for (const auto& [name, of_issuer] : by_issuer) {
    std::map<std::string, int> states;
    for (const BoilerplateLine* line : of_issuer)
      ++states[boilerplate_state_now(*line, options_.boilerplate)];
    body += "<h2><a href=\"/boilerplate" + escape(query_string({{"issuer", name}})) + "\">" +
            escape(name) + "</a> (" + std::to_string(of_issuer.front()->issuer_records) +
            " records;";
    const char* separator = " ";
    for (const auto& [state, count] : states) {
      body += separator + std::to_string(count) + " " + state;
      separator = ", ";
    }
    body +=
        ")</h2><table class=\"boilerplate\"><tr><th>line</th><th>state</th><th>in records</th>"
        "<th></th></tr>";
    for (const BoilerplateLine* line : of_issuer) {
      const std::string id = std::to_string(line->id);
      body += "<tr data-line=\"" + id + "\"><td class=\"line\">" + escape(line->line) +
              "</td><td class=\"state\">" +
              escape(boilerplate_state_now(*line, options_.boilerplate)) + "</td><td>" +
              std::to_string(line->records) + " / " + std::to_string(line->issuer_records) +
              "</td><td>";
      if (can_change)
        body += "<form method=\"post\" action=\"/boilerplate/" + id + "\" class=\"inline\">" +
                access_.csrf_input() + "<input type=\"hidden\" name=\"issuer\" value=\"" +
                escape(issuer) + "\">" + token_field +
                "<button type=\"submit\" name=\"decision\" value=\"confirm\" "
                "class=\"confirm\">Confirm</button> "
                "<button type=\"submit\" name=\"decision\" value=\"reject\" "
                "class=\"reject\">Reject</button></form>";
      body += "</td></tr>";
    }
    body += "</table>";
  }
  if (can_change)
    body += "<h2>Add a line</h2><form method=\"post\" action=\"/boilerplate/add\" id=\"addform\">" +
            access_.csrf_input() +
            "<label>issuer <input name=\"issuer\" id=\"add-issuer\" value=\"" + escape(issuer) +
            "\"></label> <label>line <input name=\"line\" id=\"add-line\" size=\"60\"></label> " +
            token_field + "<button type=\"submit\" id=\"add\">Add as boilerplate</button></form>";
  return html(Screen::kBoilerplate, "Boilerplate", body);
}

WebResponse App::boilerplate_decision(const WebRequest& request, const std::string& target) {
  if (std::optional<Refusal> no = access_.check_change(request))
    return error_response(no->status, no->message);
  const std::string issuer = request.param("issuer");
  if (target == "add") {
    const std::string line = request.param("line");
    const std::string named = request.param("issuer");
    if (line.size() > kMaxFieldBytes || named.size() > kMaxFieldBytes)
      return error_response(400, "The line or the issuer is too long.");
    Result<std::int64_t> id = add_boilerplate(*pool_->lease(), named, line, web_agent());
    if (!id.ok())
      return error_response(id.error().reason == Reason::kUnsupported ? 400 : 503,
                            id.error().message);
    return redirect(back_to_list(trim(named), *id));
  }
  const std::optional<std::int64_t> id = parse_id(target);
  if (!id) return error_response(400, "A boilerplate line id is a positive whole number.");
  const std::string decision = request.param("decision");
  if (decision != "confirm" && decision != "reject")
    return error_response(400, "The decision is confirm or reject.");
  Result<bool> found =
      decide_boilerplate_line(*pool_->lease(), *id, decision == "confirm", web_agent());
  if (!found.ok()) return error_response(503, found.error().message);
  if (!*found)
    return error_response(404, "There is no boilerplate line " + std::to_string(*id) + ".");
  return redirect(back_to_list(issuer, *id));
}

}  // namespace pressarchive::web

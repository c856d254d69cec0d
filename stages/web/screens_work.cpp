// The screens of the archivist's work: failures to retry (as `reprocess` does), the
// review queue, the last runs, and signing in with the access token.
#include <cstdio>
#include <map>

#include "stages/web/app.h"
#include "stages/web/html.h"

namespace pressarchive::web {
namespace {

std::string token_field(const AccessControl& access, const WebRequest& request) {
  return access.signed_in(request)
             ? ""
             : "<label>access token <input type=\"password\" name=\"token\" id=\"token\"></label> ";
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", seconds);
  return buffer;
}

}  // namespace

WebResponse App::failures(const WebRequest& request) {
  const std::string reason = request.param("reason");
  if (!reason.empty() && !reason_from_name(reason))
    return error_response(400, "There is no failure reason '" + reason.substr(0, 40) + "'.");
  std::optional<std::int64_t> run;
  if (const std::string r = request.param("run"); !r.empty() && !(run = parse_id(r)))
    return error_response(400, "run is a run number.");
  std::map<std::string, std::vector<Failure>> by_reason;
  std::map<std::int64_t, int> runs;
  Status s = pool_->lease()->for_each_failure([&](const Failure& f) {
    ++runs[f.run_id];
    if ((reason.empty() || reason == reason_name(f.reason)) && (!run || *run == f.run_id))
      by_reason[reason_name(f.reason)].push_back(f);
  });
  if (!s.ok()) return error_response(503, s.error().message);
  std::string body = "<h1>Open failures</h1><p>By run: <a href=\"/failures\">all</a>";
  for (const auto& [id, count] : runs)
    body += " · <a href=\"/failures?run=" + std::to_string(id) + "\">run " + std::to_string(id) +
            "</a> (" + std::to_string(count) + ")";
  body += "</p>";
  if (by_reason.empty()) body += "<p id=\"nofailures\">No open failures.</p>";
  const bool can_retry = !access_.read_only();
  if (can_retry)
    body +=
        "<form method=\"post\" action=\"/failures/retry\" id=\"retryform\">" + access_.csrf_input();
  for (const auto& [name, list] : by_reason) {
    body += "<h2>" + escape(name) + " (" + std::to_string(list.size()) +
            ")</h2><table class=\"failures\"><tr><th></th>"
            "<th>source</th><th>stage</th><th>message</th><th>attempt</th><th>run</th><th>when</"
            "th><th></th></tr>";
    for (const Failure& f : list) {
      const std::string id = std::to_string(f.id);
      body += "<tr data-failure=\"" + id + "\"><td>" +
              (can_retry ? "<input type=\"checkbox\" name=\"failure\" value=\"" + id + "\">" : "") +
              "</td><td>" + escape(f.source_path) + "</td><td>" + escape(f.stage) +
              "</td><td class=\"message\">" + escape(f.message) + "</td><td>" +
              std::to_string(f.attempt) + "</td><td>" + std::to_string(f.run_id) + "</td><td>" +
              escape(f.created_at) + "</td><td>" +
              (can_retry ? "<button type=\"submit\" name=\"only\" value=\"" + id +
                               "\" class=\"retry-one\">Retry</button>"
                         : "") +
              "</td></tr>";
    }
    body += "</table>";
  }
  if (can_retry && !by_reason.empty())
    body += "<p>" + token_field(access_, request) +
            "<button type=\"submit\" id=\"retry-selected\">Retry selected</button></p>";
  if (can_retry) body += "</form>";
  return html(Screen::kFailures, "Failures", body);
}

WebResponse App::retry(const WebRequest& request) {
  if (std::optional<Refusal> no = access_.check_change(request))
    return error_response(no->status, no->message);
  std::vector<std::int64_t> ids;
  const std::vector<std::string> chosen = request.param("only").empty()
                                              ? request.all("failure")
                                              : std::vector<std::string>{request.param("only")};
  if (chosen.size() > 10000) return error_response(400, "Too many failures in one retry.");
  for (const std::string& text : chosen) {
    const std::optional<std::int64_t> id = parse_id(text);
    if (!id) return error_response(400, "A failure id is a positive whole number.");
    ids.push_back(*id);
  }
  if (ids.empty()) return error_response(400, "Choose the failures to retry.");
  Result<int> job = retries_.start(ids);
  if (!job.ok()) return error_response(409, job.error().message + "; wait for it to finish.");
  return redirect("/retries/" + std::to_string(*job));
}

WebResponse App::retry_job(const WebRequest&, const std::string& job_text) {
  const std::optional<int> id = parse_bounded(job_text, 1000000);
  if (!id) return error_response(404, "There is no such retry.");
  const std::optional<RetryJob> job = retries_.job(*id);
  if (!job)
    return error_response(404, "There is no retry " + std::to_string(*id) +
                                   " (retries are kept while the server runs).");
  std::string body = "<h1>Retry " + std::to_string(job->id) + "</h1><p id=\"retrystate\">";
  if (job->running) {
    body += "Running for " + seconds_text(job->seconds) + " (" +
            std::to_string(job->failure_ids.size()) + " input(s)); this page refreshes itself.";
  } else {
    body += job->exit_code == 0 ? "Finished: every input archived."
            : job->exit_code == 3
                ? "Finished: some inputs failed again (below, and in the failures list)."
                : "Finished with exit code " + std::to_string(job->exit_code) + ".";
    body += " " + seconds_text(job->seconds) + ".";
  }
  body += "</p><pre id=\"retryoutput\">" + escape(job->output) +
          "</pre><p><a href=\"/failures\">back to the failures</a></p>";
  WebResponse response = html(Screen::kFailures, "Retry " + std::to_string(job->id), body);
  // Progress without script: the browser asks again while the retry runs.
  if (job->running) response.headers.emplace_back("Refresh", "2");
  return response;
}

WebResponse App::review(const WebRequest& request) {
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> by_reason;
  Status s = pool_->lease()->for_each_review([&](const Record& r) {
    const std::string title = r.metadata.title.empty() ? "(untitled)" : r.metadata.title;
    if (r.review_reasons.empty()) by_reason["(no reason given)"].emplace_back(r.id, title);
    for (const std::string& reason : r.review_reasons) by_reason[reason].emplace_back(r.id, title);
  });
  if (!s.ok()) return error_response(503, s.error().message);
  std::string body = "<h1>Review queue</h1>";
  if (by_reason.empty()) body += "<p id=\"noreview\">No record is waiting for review.</p>";
  for (const auto& [reason, records] : by_reason) {
    body += "<h2>" + escape(reason) + " (" + std::to_string(records.size()) +
            ")</h2><table class=\"review\">";
    for (const auto& [id, title] : records) {
      const std::string n = std::to_string(id);
      body += "<tr><td><a href=\"/record/" + n + "?from=review\">" + escape(title) +
              "</a></td><td>record " + n + "</td><td>";
      if (!access_.read_only())
        body += "<form method=\"post\" action=\"/record/" + n + "/reviewed\" class=\"inline\">" +
                access_.csrf_input() + token_field(access_, request) +
                "<input type=\"hidden\" name=\"next\" value=\"1\"><button type=\"submit\">"
                "Confirm</button></form>";
      body += "</td></tr>";
    }
    body += "</table>";
  }
  return html(Screen::kReview, "Review", body);
}

WebResponse App::runs(const WebRequest&) {
  Result<StoreStatus> st = pool_->lease()->status();
  if (!st.ok()) return error_response(503, st.error().message);
  std::string body = "<h1>Last runs</h1><p>" + std::to_string(st->records) + " records, " +
                     std::to_string(st->pages) + " pages, " + std::to_string(st->failures) +
                     " open failures.</p><table id=\"runs\"><tr><th>run</th>"
                     "<th>started</th><th>inputs</th><th>archived</th><th>linked</th><th>failed</"
                     "th><th>time</th><th>exit</th></tr>";
  for (const RunRow& run : st->last_runs) {
    const RunSummary& s = run.summary;
    body += "<tr><td>" + std::to_string(run.id) + "</td><td>" + escape(run.started_at) + "</td>";
    if (run.finished_at.empty()) {
      body += "<td colspan=\"6\">running, or did not finish</td></tr>";
      continue;
    }
    body += "<td>" + std::to_string(s.inputs) + "</td><td>" +
            std::to_string(s.archived + s.reprocessed) + "</td><td>" +
            std::to_string(s.duplicates) + "</td><td>" + std::to_string(s.failed) + "</td><td>" +
            seconds_text(s.seconds) + "</td><td>" + std::to_string(s.exit_code) + "</td></tr>";
  }
  return html(Screen::kRuns, "Runs", body + "</table>");
}

WebResponse App::login(const WebRequest& request) {
  if (access_.read_only())
    return html(Screen::kOther, "Read-only",
                "<h1>Read-only</h1><p>Nothing can be changed on this server.</p>");
  if (request.method == "POST") {
    if (!same_secret(request.param("token"), access_.token()))
      return error_response(403, "That is not the access token this server printed at start.");
    if (!same_secret(request.param(kCsrfField), access_.csrf()))
      return error_response(
          403, "The form is stale or did not come from this server: reload and try again.");
    WebResponse response = redirect("/");
    response.headers.emplace_back("Set-Cookie", std::string(kTokenCookie) + "=" + access_.token() +
                                                    "; Path=/; HttpOnly; SameSite=Strict");
    return response;
  }
  const std::string state = access_.signed_in(request)
                                ? "<p id=\"signedin\">You are signed in: changes are allowed.</p>"
                                : "";
  return html(
      Screen::kOther, "Sign in",
      "<h1>Sign in</h1>" + state +
          "<p>Changes (edits, review, retries, boilerplate decisions) need the access token the "
          "server printed "
          "when it started.</p><form method=\"post\" action=\"/login\">" +
          access_.csrf_input() +
          "<label>access token <input type=\"password\" name=\"token\" id=\"token\"></label> "
          "<button type=\"submit\" id=\"signin\">Sign in</button></form>");
}

}  // namespace pressarchive::web
